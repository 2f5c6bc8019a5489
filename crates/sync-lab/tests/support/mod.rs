//! Shared by the listener tests: an in-process server, a host, `tandem-listen` processes behind
//! proxies, and "has it converged" checks on their telemetry.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use sync_lab::analysis::{self, Track, WindowStats};
use sync_lab::host::Host;
use sync_lab::listener::{ListenerProc, ListenerSpec, locate_listen_bin};
use sync_lab::proxy::{self, Profile, ProxyHandle};
use sync_lab::scenario::{SONG_ID, SONG_LENGTH};
use sync_lab::telemetry::Telemetry;
use sync_lab::truth::Truth;
use sync_lab::wall_us;

pub const STEP_US: i64 = 10_000;

/// The `tandem-listen` next to the test binary's target dir, or `None` after a loud notice:
/// `cargo test --workspace` builds every binary first, so in CI it is there.
pub fn listen_bin() -> Option<PathBuf> {
    match locate_listen_bin(None) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("SKIPPED: tandem-listen not built (run cargo build -p listen-cli): {e}");
            None
        }
    }
}

/// A room with a long song playing, created by a host straight on `url`.
pub async fn room_with_song(url: &str) -> Host {
    let host = Host::create(url, "Test room").await.unwrap();
    host.wait_clock_samples(3).await.unwrap();
    host.add_youtube(SONG_ID, SONG_LENGTH).await.unwrap();
    host
}

/// A listener through its own proxy to `target`.
pub struct Listener {
    pub proc: ListenerProc,
    pub proxy: ProxyHandle,
}

impl Listener {
    pub async fn start(
        bin: &Path,
        dir: &Path,
        target: std::net::SocketAddr,
        profile: Profile,
        code: &str,
        name: &str,
        clock: (i64, i64),
    ) -> Self {
        // Each listener's own jitter stream, reproducible from its name.
        let seed = name
            .bytes()
            .fold(17_u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let proxy = proxy::start(target, profile, seed).await.unwrap();
        let spec = ListenerSpec {
            name: name.to_owned(),
            url: format!("ws://{}/ws", proxy.addr()),
            code: code.to_owned(),
            clock_offset_ms: clock.0,
            clock_drift_ppm: clock.1,
            output_latency_ms: 0,
            naive: false,
            telemetry: dir.join(format!("{name}.jsonl")),
            log: dir.join(format!("{name}.log")),
        };
        let proc = ListenerProc::spawn(bin, spec).unwrap();
        Self { proc, proxy }
    }

    pub fn telemetry(&self) -> Telemetry {
        self.proc.telemetry().unwrap()
    }

    pub fn alive(&mut self) {
        if let Err(e) = self.proc.check_alive() {
            panic!("{e}");
        }
    }
}

/// Whether `tel` has stayed within `threshold_us` of the room for the last `hold_us`, judged
/// on `from_us..now`.
pub fn converged(
    tel: &Telemetry,
    truth: &Truth,
    from_us: i64,
    threshold_us: i64,
    hold_us: i64,
) -> bool {
    // The newest ~50 ms may not be interpolable yet.
    let to = wall_us() - 50_000;
    analysis::convergence(
        &Track { telemetry: tel },
        truth,
        from_us,
        to,
        STEP_US,
        threshold_us,
        hold_us,
    )
    .is_some()
}

/// Polls until every listener has converged since `from_us` (under `threshold_us` for
/// `hold_us`), or panics after `timeout` with their logs. `truth` is re-read each time.
pub async fn wait_converged(
    listeners: &mut [Listener],
    truth: impl Fn() -> Truth,
    from_us: i64,
    threshold_us: i64,
    hold_us: i64,
    timeout: Duration,
) -> Duration {
    let start = tokio::time::Instant::now();
    loop {
        for l in listeners.iter_mut() {
            l.alive();
        }
        let t = truth();
        if listeners
            .iter()
            .all(|l| converged(&l.telemetry(), &t, from_us, threshold_us, hold_us))
        {
            return start.elapsed();
        }
        if start.elapsed() > timeout {
            let logs: Vec<String> = listeners
                .iter()
                .map(|l| format!("--- {}\n{}", l.proc.spec.name, l.proc.log_tail(15)))
                .collect();
            panic!(
                "listeners did not converge within {timeout:?} (|error| < {threshold_us} us held {hold_us} us)\n{}",
                logs.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Spread and error of `listeners` over `from_us..to_us`.
pub fn window(listeners: &[Listener], truth: &Truth, from_us: i64, to_us: i64) -> WindowStats {
    let tels: Vec<Telemetry> = listeners.iter().map(Listener::telemetry).collect();
    let tracks: Vec<Track<'_>> = tels.iter().map(|t| Track { telemetry: t }).collect();
    analysis::window(&tracks, truth, &[(from_us, to_us)], STEP_US)
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("sync-lab-test-")
        .tempdir()
        .unwrap()
}
