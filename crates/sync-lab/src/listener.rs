//! `tandem-listen` child processes: finding the binary, starting one with a wrong clock, reading
//! its telemetry, and making sure it dies with the lab.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::error::LabError;
use crate::telemetry::Telemetry;
use crate::wall_us;

/// The listener binary's file name on this platform.
pub fn listen_bin_name() -> String {
    format!("tandem-listen{}", std::env::consts::EXE_SUFFIX)
}

/// Where `tandem-listen` is: `explicit` if given, else next to the running executable (the lab
/// in `target/release/`), else one level up (a test in `target/debug/deps/`).
///
/// # Errors
/// [`LabError::ListenBinMissing`] naming where it was looked for.
pub fn locate_listen_bin(explicit: Option<&Path>) -> Result<PathBuf, LabError> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(LabError::ListenBinMissing(p.to_path_buf()))
        };
    }
    let exe = std::env::current_exe().map_err(LabError::io("finding the lab's own executable"))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let name = listen_bin_name();
    let candidates = [Some(dir.join(&name)), dir.parent().map(|d| d.join(&name))];
    for c in candidates.iter().flatten() {
        if c.is_file() {
            return Ok(c.clone());
        }
    }
    // Name the place a build would put it: beside the lab, or beside a test's `deps/`.
    let expected = if dir.ends_with("deps") {
        dir.parent().unwrap_or(dir).join(name)
    } else {
        dir.join(name)
    };
    Err(LabError::ListenBinMissing(expected))
}

/// How one listener is started.
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerSpec {
    pub name: String,
    /// `ws://PROXY/ws`.
    pub url: String,
    pub code: String,
    /// The emulated local clock's error: offset from true time...
    pub clock_offset_ms: i64,
    /// ...and rate error.
    pub clock_drift_ppm: i64,
    /// The emulated output device's latency.
    pub output_latency_ms: i64,
    /// The original design's baseline behaviour.
    pub naive: bool,
    pub telemetry: PathBuf,
    /// stdout and stderr go here.
    pub log: PathBuf,
}

impl ListenerSpec {
    /// The command-line arguments for `tandem-listen`. Negative numbers use `--flag=value` so
    /// they are not mistaken for flags.
    pub fn args(&self) -> Vec<String> {
        let mut a = vec![
            self.url.clone(),
            "--code".into(),
            self.code.clone(),
            "--name".into(),
            self.name.clone(),
            "--telemetry".into(),
            self.telemetry.display().to_string(),
            format!("--clock-offset-ms={}", self.clock_offset_ms),
            format!("--clock-drift-ppm={}", self.clock_drift_ppm),
        ];
        if self.output_latency_ms != 0 {
            a.push(format!("--output-latency-ms={}", self.output_latency_ms));
        }
        if self.naive {
            a.push("--naive".into());
        }
        a
    }
}

/// A running listener. Killed when dropped.
#[derive(Debug)]
pub struct ListenerProc {
    pub spec: ListenerSpec,
    child: Child,
    /// Wall clock µs just before the process was started.
    pub spawned_wall_us: i64,
    exited: Option<String>,
}

impl ListenerProc {
    /// Starts `bin` for `spec`, its output appended to `spec.log`.
    ///
    /// # Errors
    /// When the log cannot be created or the process cannot start.
    pub fn spawn(bin: &Path, spec: ListenerSpec) -> Result<Self, LabError> {
        let log = std::fs::File::create(&spec.log)
            .map_err(LabError::io(format!("creating {}", spec.log.display())))?;
        let log2 = log
            .try_clone()
            .map_err(LabError::io("duplicating a log handle"))?;
        let spawned_wall_us = wall_us();
        let child = Command::new(bin)
            .args(spec.args())
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log2))
            .kill_on_drop(true)
            .spawn()
            .map_err(LabError::io(format!("starting {}", bin.display())))?;
        Ok(Self {
            spec,
            child,
            spawned_wall_us,
            exited: None,
        })
    }

    /// An error if the process has exited (a listener should run until the lab stops it).
    ///
    /// # Errors
    /// [`LabError::ListenerExited`] with the end of its log.
    pub fn check_alive(&mut self) -> Result<(), LabError> {
        if let Ok(Some(status)) = self.child.try_wait() {
            self.exited = Some(status.to_string());
        }
        match &self.exited {
            None => Ok(()),
            Some(status) => Err(LabError::ListenerExited {
                name: self.spec.name.clone(),
                status: status.clone(),
                stderr: self.log_tail(20),
            }),
        }
    }

    /// The last `lines` lines of the listener's output.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read(&self.spec.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Its telemetry so far.
    ///
    /// # Errors
    /// When the file exists but cannot be read.
    pub fn telemetry(&self) -> Result<Telemetry, LabError> {
        Telemetry::read(&self.spec.telemetry).map_err(LabError::io(format!(
            "reading {}",
            self.spec.telemetry.display()
        )))
    }

    /// Kills the process and reaps it (bounded wait).
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }
}
