//! Telemetry for the sync lab: one JSON object per line, every tick.
//!
//! `tNs` is the machine's true time (`CLOCK_REALTIME`, via `SystemTime`), never the listener's
//! (possibly skewed) clock, so the lab can compare listeners at the same true instants.
//! `positionUs` is what is *heard* now: the position rendered, minus the output latency while
//! playing. `targetUs` is what the listener believes should be heard now (the timeline through
//! its clock estimate, or for `--naive` the original formula `positionUs + (localUs -
//! roomClockUs)` on its wrong wall clock). Their difference is the follower's tracking error;
//! `positionUs` against the server's timeline is the real one.
//! `ratePpm` is the rate the player was last set to.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use serde::Serialize;

/// One telemetry record (field names as in the file).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub t_ns: i128,
    pub local_us: i64,
    pub song_id: Option<u64>,
    pub position_us: Option<i64>,
    pub target_us: Option<i64>,
    pub offset_us: Option<i64>,
    pub rtt_us: Option<i64>,
    pub uncertainty_us: Option<i64>,
    pub state: &'static str,
    pub correction: &'static str,
    /// The player's rate: `1 + ratePpm / 1e6` times nominal (trim plus the fed-forward skew).
    pub rate_ppm: i32,
}

/// Nanoseconds since the Unix epoch, now (negative before it, for a badly set clock).
pub fn true_time_ns() -> i128 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i128::try_from(d.as_nanos()).unwrap_or(i128::MAX),
        Err(e) => -i128::try_from(e.duration().as_nanos()).unwrap_or(i128::MAX),
    }
}

/// Writes records to a file, a line each, flushed every line (so a killed listener loses
/// nothing and the lab can read while it runs).
pub struct TelemetryWriter {
    out: BufWriter<File>,
}

impl TelemetryWriter {
    /// Creates (or truncates) the file, and its folder if needed.
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        let file = File::create(path)
            .with_context(|| format!("cannot create the telemetry file {}", path.display()))?;
        Ok(Self {
            out: BufWriter::new(file),
        })
    }

    /// # Errors
    /// When the file cannot be written.
    pub fn write(&mut self, record: &Record) -> anyhow::Result<()> {
        serde_json::to_writer(&mut self.out, record).context("cannot encode telemetry")?;
        self.out
            .write_all(b"\n")
            .context("cannot write telemetry")?;
        self.out.flush().context("cannot write telemetry")
    }
}
