//! One profile's run: a server, a host, N Tandem listeners and N naive ones (the same wrong
//! clocks), each behind its own proxy; warm-up, a few changes, a measurement window; then the
//! figures.
//!
//! # Timeline of a run
//! ```text
//! spawn ── warm-up ──▶ seek 60 s ─2 s─ pause ─1 s─ resume ─2 s─ seek 300 s ─3 s─▶ measurement ──▶ kill
//!   convergence judged here      "after changes" (50 ms..1.5 s after each)      spread, error, corrections
//! ```
//! Tandem and naive listeners are in the same room at the same time, so they are judged on the
//! same changes and the same truth; listener `i` of both groups has the same clock error (a naive
//! listener's wall clock is this machine's Unix time with that offset and drift, so its offset
//! shows up whole in its position, as it would have in the original design).

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use sync_core::netem::Rng;

use crate::analysis::{self, Corrections, ErrorSources, Summary, Track, WindowStats};
use crate::error::LabError;
use crate::host::Host;
use crate::listener::{ListenerProc, ListenerSpec};
use crate::proxy::{self, Profile, ProxyHandle};
use crate::server::LabServer;
use crate::telemetry::Telemetry;
use crate::truth::Truth;
use crate::wall_us;

/// A song long enough never to end during a run.
pub const SONG_LENGTH: Duration = Duration::from_secs(2 * 3600);
/// The lab's YouTube id (any well-formed id: nothing is fetched).
pub const SONG_ID: &str = "dQw4w9WgXcQ";

/// What to run.
#[derive(Debug, Clone)]
pub struct LabConfig {
    pub profile_name: String,
    pub profile: Profile,
    pub listeners: usize,
    pub warmup: Duration,
    pub measure: Duration,
    pub seed: u64,
    pub listen_bin: PathBuf,
    /// Telemetry and logs go here.
    pub work_dir: PathBuf,
    /// Also run naive listeners (the original design) as the baseline.
    pub naive_baseline: bool,
    /// Output latency given to every other listener (0, L, 0, L, ...), to check it is
    /// compensated.
    pub output_latency_ms: i64,
    /// Grid of the analysis.
    pub step: Duration,
}

impl LabConfig {
    /// A listener has converged once its error stays under this: 1 ms on a symmetric
    /// low-jitter path, else 5 ms plus the path's asymmetry bound.
    pub fn converge_threshold_us(&self) -> i64 {
        let bound = i64::try_from(self.profile.asymmetry_bound().as_micros()).unwrap_or(0);
        let lan_like = bound == 0 && self.profile.up.base_delay <= Duration::from_millis(2);
        if lan_like { 1_000 } else { 5_000 + bound }
    }
}

/// One listener's emulated clock error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WrongClock {
    pub offset_ms: i64,
    pub drift_ppm: i64,
}

/// `n` clock errors: offsets ±0.5-5 s and drifts ±50-200 ppm, signs random, from `seed`.
pub fn wrong_clocks(seed: u64, n: usize) -> Vec<WrongClock> {
    let mut rng = Rng::new(seed ^ 0xC10C_C10C);
    (0..n)
        .map(|_| {
            let sign = |rng: &mut Rng| if rng.chance(0.5) { 1 } else { -1 };
            let offset_ms = sign(&mut rng) * rng.range_i64(500, 5_000);
            let drift_ppm = sign(&mut rng) * rng.range_i64(50, 200);
            WrongClock {
                offset_ms,
                drift_ppm,
            }
        })
        .collect()
}

/// Figures for one listener.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerReport {
    pub name: String,
    pub clock: WrongClock,
    pub output_latency_ms: i64,
    /// From process start until its error stayed under the threshold (warm-up only).
    pub convergence_s: Option<f64>,
    /// The same, from its first telemetry line (connected and running).
    pub convergence_from_first_line_s: Option<f64>,
    /// Its error against the room in the measurement window.
    pub error: Summary,
    pub mean_error_ms: f64,
    pub sources: ErrorSources,
    pub corrections: Corrections,
    pub telemetry_lines: usize,
    pub skipped_lines: usize,
}

/// Figures for a group (Tandem or naive).
#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    pub kind: String,
    /// The measurement window.
    pub window: WindowStats,
    /// 50 ms to 1.5 s after each change (resume, seek): how well scheduled changes land.
    pub after_changes: WindowStats,
    pub converged: usize,
    /// Slowest convergence (from process start), when every listener converged.
    pub max_convergence_s: Option<f64>,
    pub jumps: usize,
    pub trim_sign_flips: usize,
    pub listeners: Vec<ListenerReport>,
}

/// Figures for one profile.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileReport {
    pub profile: String,
    pub rtt_ms: f64,
    pub asymmetry_bound_ms: f64,
    pub converge_threshold_ms: f64,
    pub listeners: usize,
    pub measure_s: f64,
    pub tandem: GroupReport,
    pub naive: Option<GroupReport>,
    /// naive p99 spread / Tandem p99 spread.
    pub ratio_p99_spread: Option<f64>,
    /// Loopback clock samples of the host: the truth's own error is about half of this.
    pub truth_rtt: Summary,
}

/// Wall-clock marks of a run, µs.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    controls_start: i64,
    measure_start: i64,
    measure_end: i64,
}

struct Member {
    proc: ListenerProc,
    _proxy: ProxyHandle,
}

/// Sleeps `d`, checking every listener is still alive.
async fn watch(members: &mut [Member], d: Duration) -> Result<(), LabError> {
    let end = tokio::time::Instant::now() + d;
    loop {
        for m in members.iter_mut() {
            m.proc.check_alive()?;
        }
        let now = tokio::time::Instant::now();
        if now >= end {
            return Ok(());
        }
        tokio::time::sleep((end - now).min(Duration::from_millis(250))).await;
    }
}

/// Runs one profile end to end. Every phase is bounded; listeners are killed however it ends.
///
/// # Errors
/// When a phase times out, a listener exits early, or the server misbehaves.
pub async fn run_profile(
    cfg: &LabConfig,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ProfileReport, LabError> {
    std::fs::create_dir_all(&cfg.work_dir)
        .map_err(LabError::io(format!("creating {}", cfg.work_dir.display())))?;
    let server = LabServer::start(room_server::ServerConfig::default()).await?;
    progress(&format!(
        "[{}] server on {}",
        cfg.profile_name,
        server.url()
    ));
    let host = Host::create(&server.url(), "Sync lab").await?;
    host.wait_clock_samples(3).await?;
    host.add_youtube(SONG_ID, SONG_LENGTH).await?;

    let clocks = wrong_clocks(cfg.seed, cfg.listeners);
    let groups: &[bool] = if cfg.naive_baseline {
        &[false, true]
    } else {
        &[false]
    };
    let mut members: Vec<Member> = Vec::new();
    let mut proxy_seeds = Rng::new(cfg.seed ^ 0x09E0_F1E5);
    for &naive in groups {
        for (i, clock) in clocks.iter().enumerate() {
            let proxy = proxy::start(server.addr(), cfg.profile, proxy_seeds.next_u64())
                .await
                .map_err(LabError::io("starting a proxy"))?;
            let kind = if naive { "naive" } else { "tandem" };
            let name = format!("{kind}-{i}");
            let spec = ListenerSpec {
                name: name.clone(),
                url: format!("ws://{}/ws", proxy.addr()),
                code: host.code().to_owned(),
                clock_offset_ms: clock.offset_ms,
                clock_drift_ppm: clock.drift_ppm,
                output_latency_ms: if i % 2 == 1 { cfg.output_latency_ms } else { 0 },
                naive,
                telemetry: cfg
                    .work_dir
                    .join(format!("{}-{name}.jsonl", cfg.profile_name)),
                log: cfg
                    .work_dir
                    .join(format!("{}-{name}.log", cfg.profile_name)),
            };
            let proc = ListenerProc::spawn(&cfg.listen_bin, spec)?;
            members.push(Member {
                proc,
                _proxy: proxy,
            });
        }
    }
    progress(&format!(
        "[{}] {} listeners started; warming up {:?}",
        cfg.profile_name,
        members.len(),
        cfg.warmup
    ));
    let result = drive(cfg, &host, &mut members, progress).await;
    for m in &mut members {
        m.proc.kill().await;
    }
    let marks = result?;
    let truth = host.truth();
    drop(host);
    // Kept beside the telemetry for offline digging (states and clock samples).
    if let Ok(text) = serde_json::to_string(&truth) {
        let path = cfg
            .work_dir
            .join(format!("{}-truth.json", cfg.profile_name));
        if let Err(e) = std::fs::write(&path, text) {
            progress(&format!(
                "[{}] cannot write {}: {e}",
                cfg.profile_name,
                path.display()
            ));
        }
    }
    if let Err(e) = server.stop(Duration::from_secs(5)).await {
        progress(&format!("[{}] server stop: {e}", cfg.profile_name));
    }
    analyse(cfg, &members, &truth, marks)
}

async fn drive(
    cfg: &LabConfig,
    host: &Host,
    members: &mut [Member],
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Marks, LabError> {
    watch(members, cfg.warmup).await?;
    let mut marks = Marks {
        controls_start: wall_us(),
        ..Marks::default()
    };
    progress(&format!("[{}] seek, pause, resume, seek", cfg.profile_name));
    host.seek(Duration::from_secs(60)).await?;
    watch(members, Duration::from_secs(2)).await?;
    host.pause().await?;
    watch(members, Duration::from_secs(1)).await?;
    host.resume().await?;
    watch(members, Duration::from_secs(2)).await?;
    host.seek(Duration::from_secs(300)).await?;
    watch(members, Duration::from_secs(3)).await?;
    marks.measure_start = wall_us();
    progress(&format!(
        "[{}] measuring {:?}",
        cfg.profile_name, cfg.measure
    ));
    watch(members, cfg.measure).await?;
    marks.measure_end = wall_us();
    Ok(marks)
}

fn secs(us: i64) -> f64 {
    us as f64 / 1e6
}

fn analyse(
    cfg: &LabConfig,
    members: &[Member],
    truth: &Truth,
    marks: Marks,
) -> Result<ProfileReport, LabError> {
    let step = i64::try_from(cfg.step.as_micros()).unwrap_or(10_000).max(1);
    let threshold = cfg.converge_threshold_us();
    let measure = [(marks.measure_start, marks.measure_end)];
    // 50 ms to 1.5 s after each change made during the controls phase (or until the next).
    let changes: Vec<i64> = truth
        .change_instants_wall()
        .into_iter()
        .filter(|&c| (marks.controls_start..marks.measure_start).contains(&c))
        .collect();
    let after: Vec<(i64, i64)> = changes
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let next = changes.get(k + 1).copied().unwrap_or(marks.measure_start);
            (c + 50_000, (c + 1_500_000).min(next))
        })
        .filter(|(a, b)| a < b)
        .collect();

    let telemetry: Vec<Telemetry> = members
        .iter()
        .map(|m| m.proc.telemetry())
        .collect::<Result<_, _>>()?;

    let group = |naive: bool| -> GroupReport {
        let idx: Vec<usize> = (0..members.len())
            .filter(|&i| members[i].proc.spec.naive == naive)
            .collect();
        let tracks: Vec<Track<'_>> = idx
            .iter()
            .map(|&i| Track {
                telemetry: &telemetry[i],
            })
            .collect();
        let listeners: Vec<ListenerReport> = idx
            .iter()
            .zip(&tracks)
            .map(|(&i, track)| {
                let m = &members[i].proc;
                let conv = analysis::convergence(
                    track,
                    truth,
                    m.spawned_wall_us,
                    marks.controls_start,
                    step,
                    threshold,
                    1_000_000,
                );
                let first_line = telemetry[i]
                    .first_wall_us()
                    .unwrap_or(m.spawned_wall_us)
                    .max(m.spawned_wall_us);
                let own = analysis::window(std::slice::from_ref(track), truth, &measure, step);
                ListenerReport {
                    name: m.spec.name.clone(),
                    clock: WrongClock {
                        offset_ms: m.spec.clock_offset_ms,
                        drift_ppm: m.spec.clock_drift_ppm,
                    },
                    output_latency_ms: m.spec.output_latency_ms,
                    convergence_s: conv.map(secs),
                    convergence_from_first_line_s: conv
                        .map(|c| secs((c + m.spawned_wall_us - first_line).max(0))),
                    error: own.error,
                    mean_error_ms: own.mean_error_ms,
                    sources: analysis::error_sources(&telemetry[i], truth, &measure),
                    corrections: analysis::corrections(
                        &telemetry[i],
                        marks.measure_start,
                        marks.measure_end,
                    ),
                    telemetry_lines: telemetry[i].samples.len(),
                    skipped_lines: telemetry[i].skipped,
                }
            })
            .collect();
        let converged = listeners
            .iter()
            .filter(|l| l.convergence_s.is_some())
            .count();
        let max_convergence_s = (converged == listeners.len())
            .then(|| {
                listeners
                    .iter()
                    .filter_map(|l| l.convergence_s)
                    .fold(0.0, f64::max)
            })
            .filter(|_| !listeners.is_empty());
        GroupReport {
            kind: if naive { "naive" } else { "tandem" }.to_owned(),
            window: analysis::window(&tracks, truth, &measure, step),
            after_changes: analysis::window(&tracks, truth, &after, step),
            converged,
            max_convergence_s,
            jumps: listeners.iter().map(|l| l.corrections.jumps).sum(),
            trim_sign_flips: listeners
                .iter()
                .map(|l| l.corrections.trim_sign_flips)
                .sum(),
            listeners,
        }
    };

    let tandem = group(false);
    let naive = cfg.naive_baseline.then(|| group(true));
    let ratio_p99_spread = naive.as_ref().and_then(|n| {
        (tandem.window.spread.n > 0 && n.window.spread.n > 0)
            .then(|| n.window.spread.p99_ms / tandem.window.spread.p99_ms.max(0.001))
    });
    Ok(ProfileReport {
        profile: cfg.profile_name.clone(),
        rtt_ms: cfg.profile.rtt().as_secs_f64() * 1e3,
        asymmetry_bound_ms: cfg.profile.asymmetry_bound().as_secs_f64() * 1e3,
        converge_threshold_ms: threshold as f64 / 1e3,
        listeners: cfg.listeners,
        measure_s: secs(marks.measure_end - marks.measure_start),
        tandem,
        naive,
        ratio_p99_spread,
        truth_rtt: Summary::of(truth.offsets().iter().map(|s| s.rtt_us).collect()),
    })
}
