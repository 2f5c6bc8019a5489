//! The measured phases: broadcast fan-out with idle memory, and the join storm. Each phase
//! starts a fresh server process, and every wait in it has a deadline.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::JoinSet;

use crate::client::{Board, Host, Joined, ListenerStart, listener};
use crate::proc::{Kind, ServerProc, ServerSettings, TcpCounters, own_cpu};
use crate::stats::summarize;

const PAUSE: &str = r#"{"type":"pause-playback"}"#;
const RESUME: &str = r#"{"type":"resume-playback"}"#;
/// How long one pause (or resume) may take to reach everyone before the round counts misses.
const ROUND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to deliver the presence frames of the fill.
const QUIESCE_TIMEOUT: Duration = Duration::from_secs(120);
const SETTLE: Duration = Duration::from_secs(1);

/// Options of a broadcast phase.
#[derive(Debug, Clone)]
pub struct BroadcastOptions {
    pub rounds: usize,
    pub spacing: Duration,
    /// Joins in flight at once while filling the room.
    pub fill_concurrency: usize,
    /// Deadline for filling the room.
    pub fill_timeout: Duration,
}

/// CPU seconds the server and the bench used during a stretch of the run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CpuSplit {
    pub wall_s: f64,
    pub server_cpu_s: f64,
    /// The part of `server_cpu_s` spent in the kernel (socket writes, wake-ups).
    pub server_sys_s: f64,
    pub bench_cpu_s: f64,
}

struct CpuMark {
    at: Instant,
    server: (Duration, Duration),
    bench: Duration,
}

impl CpuMark {
    fn now(server: &ServerProc) -> Self {
        Self {
            at: Instant::now(),
            server: server.cpu().unwrap_or_default(),
            bench: own_cpu(),
        }
    }

    fn since(&self, server: &ServerProc) -> CpuSplit {
        let end = Self::now(server);
        let user = end.server.0.saturating_sub(self.server.0);
        let sys = end.server.1.saturating_sub(self.server.1);
        CpuSplit {
            wall_s: end.at.duration_since(self.at).as_secs_f64(),
            server_cpu_s: (user + sys).as_secs_f64(),
            server_sys_s: sys.as_secs_f64(),
            bench_cpu_s: end.bench.saturating_sub(self.bench).as_secs_f64(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BroadcastResult {
    pub server: &'static str,
    /// 1-minute load average when the phase started and ended (other work on the machine).
    pub load: (String, String),
    pub listeners: usize,
    pub joined: usize,
    pub join_failures: usize,
    pub first_error: Option<String>,
    pub fill_complete: bool,
    pub fill: CpuSplit,
    /// Presence frames (and bytes) listeners received during the fill.
    pub presence_frames: u64,
    pub presence_bytes: u64,
    /// Mean and largest `room-joined` frame: a WebSocket's write buffer keeps the capacity of the
    /// largest frame it ever sent, so these bound what an idle listener retains.
    pub room_joined_mean_bytes: f64,
    pub room_joined_max_bytes: u64,
    pub quiesced: bool,
    pub rss_before_kib: u64,
    pub rss_after_kib: u64,
    pub rss_peak_kib: u64,
    pub kib_per_listener: f64,
    pub rounds: usize,
    pub rounds_run: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub samples: usize,
    /// Listeners that missed at least one round, and missing (listener, round) samples.
    pub missed_listeners: usize,
    pub missed_samples: usize,
    pub closed_after_join: usize,
    pub rounds_cpu: CpuSplit,
    /// Server CPU per delivered playback frame during the rounds (pause and resume), µs.
    pub server_cpu_us_per_delivery: f64,
    pub bench_cpu_us_per_delivery: f64,
    pub slow_listeners_dropped: Option<f64>,
    pub frames_out: Option<f64>,
}

fn start_server(kind: Kind, settings: &ServerSettings) -> anyhow::Result<ServerProc> {
    ServerProc::start(kind, settings)
}

fn progress_task(
    label: String,
    board: Arc<Board>,
    total: usize,
    started: Instant,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        tick.tick().await;
        loop {
            tick.tick().await;
            eprintln!(
                "  [{label}] {} / {total} joined, {} failed, {:.1} s",
                board.joined.load(Ordering::Relaxed),
                board.failed.load(Ordering::Relaxed),
                started.elapsed().as_secs_f64()
            );
        }
    })
}

async fn wait_until(deadline: Instant, mut done: impl FnMut() -> bool) -> bool {
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Wait (at most [`QUIESCE_TIMEOUT`]) until the host knows all `joined` listeners and no presence
/// frame has reached a listener for [`SETTLE`]: the room is idle.
async fn quiesce(board: &Board, host: &Host, joined: usize) -> bool {
    let deadline = Instant::now() + QUIESCE_TIMEOUT;
    let host_knows = wait_until(deadline, || {
        host.view.members.load(Ordering::Relaxed) > joined
    })
    .await;
    let mut last = board.presence_frames.load(Ordering::Relaxed);
    loop {
        tokio::time::sleep(SETTLE).await;
        let now = board.presence_frames.load(Ordering::Relaxed);
        if now == last {
            return host_knows;
        }
        if Instant::now() >= deadline {
            return false;
        }
        last = now;
    }
}

/// The 1-minute load average.
fn load1() -> String {
    crate::report::load_average()
        .split_whitespace()
        .next()
        .unwrap_or("?")
        .to_owned()
}

fn metric(metrics: &[(String, f64)], name: &str) -> Option<f64> {
    metrics.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

/// Fill a room with `n` listeners, measure idle memory, then time `rounds` pause broadcasts.
pub async fn broadcast(
    kind: Kind,
    n: usize,
    opts: &BroadcastOptions,
    settings: &ServerSettings,
) -> anyhow::Result<BroadcastResult> {
    let label = format!("{} broadcast N={n}", kind.label());
    let load_start = load1();
    eprintln!("[{label}] starting the server");
    let server = {
        let settings = settings.clone();
        tokio::task::spawn_blocking(move || start_server(kind, &settings)).await??
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.memory()?;
    let url = server.ws_url();
    let mut host = Host::create(&url).await?;

    // Fill: at most `fill_concurrency` joins in flight, so the fill never overruns a queue.
    let board = Board::new(n, opts.rounds);
    let mut tasks = JoinSet::new();
    let gate = Arc::new(Semaphore::new(opts.fill_concurrency.max(1)));
    let fill_started = Instant::now();
    let fill_deadline = fill_started + opts.fill_timeout;
    let fill_cpu = CpuMark::now(&server);
    let progress = progress_task(label.clone(), board.clone(), n, fill_started);
    eprintln!("[{label}] filling the room");
    for i in 0..n {
        let left = fill_deadline.saturating_duration_since(Instant::now());
        let Ok(Ok(permit)) = tokio::time::timeout(left, gate.clone().acquire_owned()).await else {
            break;
        };
        tasks.spawn(listener(ListenerStart {
            index: i,
            url: url.clone(),
            join: host.join_message(&format!("listener-{i}")),
            board: board.clone(),
            permit: Some(permit),
            on_joined: None,
        }));
    }
    let fill_complete = wait_until(fill_deadline, || {
        board.joined.load(Ordering::Relaxed) + board.failed.load(Ordering::Relaxed) >= n
    })
    .await;
    let fill = fill_cpu.since(&server);
    progress.abort();
    let joined = board.joined.load(Ordering::Relaxed);
    let failed = n - joined;
    eprintln!(
        "[{label}] {joined} joined, {failed} failed or unfinished, in {:.1} s",
        fill.wall_s
    );

    // Quiesce: the host knows every member and no presence frame has arrived for a second.
    let quiesced = quiesce(&board, &host, joined).await;
    tokio::time::sleep(SETTLE).await;
    let after = server.memory()?;
    let kib_per_listener = if joined > 0 {
        (after.rss_kib as f64 - before.rss_kib as f64) / joined as f64
    } else {
        0.0
    };
    eprintln!(
        "[{label}] idle RSS {} -> {} KiB ({kib_per_listener:.1} KiB per listener){}",
        before.rss_kib,
        after.rss_kib,
        if quiesced {
            ""
        } else {
            " (presence still arriving)"
        }
    );

    // Rounds: pause, wait for everyone, pause between, resume, wait, pause between.
    let mut sent_at = Vec::with_capacity(opts.rounds);
    let rounds_cpu_mark = CpuMark::now(&server);
    if joined > 0 {
        eprintln!("[{label}] {} pause/resume rounds", opts.rounds);
        for r in 0..opts.rounds {
            let t0 = host.send(PAUSE).await?;
            sent_at.push(t0);
            let done = board
                .wait_for(&board.paused_count[r], joined, t0 + ROUND_TIMEOUT)
                .await;
            if !done {
                eprintln!("[{label}] round {r}: not everyone got the pause within 10 s");
            }
            tokio::time::sleep(opts.spacing).await;
            let t1 = host.send(RESUME).await?;
            board
                .wait_for(&board.resumed_count[r], joined, t1 + ROUND_TIMEOUT)
                .await;
            tokio::time::sleep(opts.spacing).await;
        }
    }
    let rounds_cpu = rounds_cpu_mark.since(&server);
    let closed_after_join = board.closed_after_join.load(Ordering::Relaxed);
    let metrics = server.metrics().await;
    let fell_behind = server.fell_behind_lines.load(Ordering::Relaxed);
    server.stop();
    tasks.shutdown().await;
    drop(host);

    // Samples: every (listener that joined, round) pair.
    let mut samples = Vec::new();
    let mut missed_listeners = 0;
    let mut missed_samples = 0;
    for i in (0..n).filter(|&i| board.joined_flag[i].load(Ordering::Relaxed)) {
        let row = &board.paused_at[i * opts.rounds..(i + 1) * opts.rounds];
        let mut missed_here = 0;
        for (slot, sent) in row.iter().zip(&sent_at) {
            match slot.load(Ordering::Relaxed) {
                0 => missed_here += 1,
                v => {
                    let at = board.epoch + Duration::from_nanos(v - 1);
                    samples.push(at.saturating_duration_since(*sent));
                }
            }
        }
        if missed_here > 0 {
            missed_listeners += 1;
            missed_samples += missed_here;
        }
    }
    let latency = summarize(&samples);
    let deliveries = (joined * sent_at.len() * 2).max(1) as f64;
    let first_error = board
        .first_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let result = BroadcastResult {
        server: kind.label(),
        load: (load_start, load1()),
        listeners: n,
        joined,
        join_failures: failed,
        first_error,
        fill_complete,
        fill,
        presence_frames: board.presence_frames.load(Ordering::Relaxed),
        presence_bytes: board.presence_bytes.load(Ordering::Relaxed),
        room_joined_mean_bytes: board.joined_bytes.load(Ordering::Relaxed) as f64
            / joined.max(1) as f64,
        room_joined_max_bytes: board.joined_bytes_max.load(Ordering::Relaxed),
        quiesced,
        rss_before_kib: before.rss_kib,
        rss_after_kib: after.rss_kib,
        rss_peak_kib: after.hwm_kib,
        kib_per_listener,
        rounds: opts.rounds,
        rounds_run: sent_at.len(),
        p50_ms: latency.p50_ms,
        p99_ms: latency.p99_ms,
        max_ms: latency.max_ms,
        samples: latency.count,
        missed_listeners,
        missed_samples,
        closed_after_join,
        rounds_cpu,
        server_cpu_us_per_delivery: rounds_cpu.server_cpu_s * 1e6 / deliveries,
        bench_cpu_us_per_delivery: rounds_cpu.bench_cpu_s * 1e6 / deliveries,
        slow_listeners_dropped: metric(&metrics, "tandem_slow_listeners_dropped_total")
            .or(Some(fell_behind as f64).filter(|_| kind == Kind::Tandem)),
        frames_out: metric(&metrics, "tandem_frames_out_total"),
    };
    eprintln!(
        "[{label}] pause delivery p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} listeners missed a round",
        result.p50_ms, result.p99_ms, result.max_ms, result.missed_listeners
    );
    Ok(result)
}

#[derive(Debug, Clone, Serialize)]
pub struct JoinsResult {
    pub server: &'static str,
    pub load: (String, String),
    pub clients: usize,
    pub joined: usize,
    pub failures: usize,
    pub first_error: Option<String>,
    /// From release until the last client had `room-joined`.
    pub all_joined_s: f64,
    pub complete: bool,
    /// Per-client time from release to its `room-joined`.
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Members the host knows of after the storm (should be clients + 1).
    pub host_sees_members: usize,
    /// The largest member list a joiner received in its `room-joined`.
    pub largest_member_list: usize,
    pub cpu: CpuSplit,
    /// Kernel TCP counters during the storm: SYNs dropped on a full accept queue, SYN retries.
    pub tcp: TcpCounters,
    pub slow_listeners_dropped: Option<f64>,
}

/// Release `n` clients at once; time until the last has `room-joined`.
pub async fn joins(
    kind: Kind,
    n: usize,
    timeout: Duration,
    settings: &ServerSettings,
) -> anyhow::Result<JoinsResult> {
    let label = format!("{} joins N={n}", kind.label());
    let load_start = load1();
    eprintln!("[{label}] starting the server");
    let server = {
        let settings = settings.clone();
        tokio::task::spawn_blocking(move || start_server(kind, &settings)).await??
    };
    let url = server.ws_url();
    let host = Host::create(&url).await?;
    let board = Board::new(n, 0);
    let (go_tx, go_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut answers = Vec::with_capacity(n);
    for i in 0..n {
        let (tx, rx) = oneshot::channel();
        answers.push(rx);
        let mut go = go_rx.clone();
        let start = ListenerStart {
            index: i,
            url: url.clone(),
            join: host.join_message(&format!("joiner-{i}")),
            board: board.clone(),
            permit: None,
            on_joined: Some(tx),
        };
        tasks.spawn(async move {
            // Every client waits here; all are released by one send.
            if go.wait_for(|g| *g).await.is_ok() {
                listener(start).await;
            }
        });
    }
    // Let every task reach the gate before the release.
    tokio::time::sleep(Duration::from_millis(500)).await;
    eprintln!("[{label}] releasing {n} clients at once");
    let cpu = CpuMark::now(&server);
    let tcp_before = TcpCounters::read();
    let t0 = Instant::now();
    go_tx.send(true).context("no client is waiting")?;
    let progress = progress_task(label.clone(), board.clone(), n, t0);
    let deadline = t0 + timeout;
    let mut latencies = Vec::with_capacity(n);
    let mut last = t0;
    let mut failures = 0;
    let mut largest = 0;
    for rx in answers {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx).await {
            Ok(Ok(Ok(Joined { at, members, .. }))) => {
                latencies.push(at.saturating_duration_since(t0));
                last = last.max(at);
                largest = largest.max(members);
            }
            _ => failures += 1,
        }
    }
    let complete = failures == 0;
    let cpu = cpu.since(&server);
    let tcp = TcpCounters::read().since(tcp_before);
    progress.abort();
    let host_members = {
        let view = host.view.clone();
        wait_until(Instant::now() + Duration::from_secs(30), || {
            view.members.load(Ordering::Relaxed) > latencies.len()
        })
        .await;
        view.members.load(Ordering::Relaxed)
    };
    let metrics = server.metrics().await;
    server.stop();
    tasks.shutdown().await;
    drop(host);
    let lat = summarize(&latencies);
    let first_error = board
        .first_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let result = JoinsResult {
        server: kind.label(),
        load: (load_start, load1()),
        clients: n,
        joined: latencies.len(),
        failures,
        first_error,
        all_joined_s: last.duration_since(t0).as_secs_f64(),
        complete,
        p50_ms: lat.p50_ms,
        p99_ms: lat.p99_ms,
        host_sees_members: host_members,
        largest_member_list: largest,
        cpu,
        tcp,
        slow_listeners_dropped: metric(&metrics, "tandem_slow_listeners_dropped_total"),
    };
    eprintln!(
        "[{label}] {} joined in {:.3} s, {} failed; the host sees {} members",
        result.joined, result.all_joined_s, result.failures, result.host_sees_members
    );
    Ok(result)
}
