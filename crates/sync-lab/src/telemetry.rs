//! `tandem-listen --telemetry FILE`: one JSON object per line, every 20 ms.
//!
//! ```json
//! {"tNs":1764201234567890123,"localUs":..,"songId":1,"positionUs":61234567,"targetUs":61234560,
//!  "offsetUs":-2500123,"rttUs":2100,"uncertaintyUs":300,"state":"playing","correction":"none"}
//! ```
//! `tNs` is this machine's wall clock (`SystemTime`), the lab's common time base, never the
//! listener's skewed clock (`localUs`); `positionUs` is the position *heard* at that instant (the
//! position rendered minus the listener's output latency), `targetUs` what the listener believes
//! should be heard, `offsetUs` its estimate of `room - local`. Unknown fields are ignored and every
//! field but `tNs` may be missing or null, so a newer listener still parses. Lines that do not
//! parse (a half-written last line of a killed process) are counted and skipped.

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlayerState {
    Playing,
    Paused,
    Waiting,
    Idle,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    None,
    Trim,
    Jump,
    #[serde(other)]
    Other,
}

/// One telemetry line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// Wall clock, ns since the Unix epoch.
    pub t_ns: i64,
    #[serde(default)]
    pub local_us: Option<i64>,
    #[serde(default)]
    pub song_id: Option<u64>,
    #[serde(default)]
    pub position_us: Option<i64>,
    #[serde(default)]
    pub target_us: Option<i64>,
    #[serde(default)]
    pub offset_us: Option<i64>,
    #[serde(default)]
    pub rtt_us: Option<i64>,
    #[serde(default)]
    pub uncertainty_us: Option<i64>,
    #[serde(default = "idle")]
    pub state: PlayerState,
    #[serde(default = "no_correction")]
    pub correction: Correction,
    /// The player's rate trim, when the listener reports it (ppm; sign = direction).
    #[serde(default, alias = "rateppm", alias = "trimPpm")]
    pub rate_ppm: Option<f64>,
}

fn idle() -> PlayerState {
    PlayerState::Idle
}

fn no_correction() -> Correction {
    Correction::None
}

impl Sample {
    /// Wall clock, µs.
    pub fn wall_us(&self) -> i64 {
        self.t_ns.div_euclid(1_000)
    }
}

/// A listener's telemetry, in time order.
#[derive(Debug, Clone, Default)]
pub struct Telemetry {
    pub samples: Vec<Sample>,
    /// Lines that did not parse.
    pub skipped: usize,
}

impl Telemetry {
    /// Parses JSON lines; blank lines are ignored, bad ones counted in `skipped`.
    pub fn parse(text: &str) -> Self {
        let mut t = Self::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match serde_json::from_str::<Sample>(line) {
                Ok(s) => t.samples.push(s),
                Err(_) => t.skipped += 1,
            }
        }
        t.samples.sort_by_key(|s| s.t_ns);
        t
    }

    /// Reads and parses `path`; a missing file is empty telemetry (the listener has not
    /// written yet).
    ///
    /// # Errors
    /// When the file exists but cannot be read.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Self::parse(&String::from_utf8_lossy(&bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    pub fn first_wall_us(&self) -> Option<i64> {
        self.samples.first().map(Sample::wall_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_line_and_tolerates_junk() {
        let text = r#"{"tNs":2000,"localUs":5,"songId":1,"positionUs":10,"targetUs":11,"offsetUs":-3,"rttUs":100,"uncertaintyUs":7,"state":"playing","correction":"trim","extra":1}
{"tNs":1000,"state":"waiting","correction":"none","songId":null,"positionUs":null}
{"tNs":3000,"state":"playi
"#;
        let t = Telemetry::parse(text);
        assert_eq!(t.samples.len(), 2);
        assert_eq!(t.skipped, 1);
        assert_eq!(t.samples[0].state, PlayerState::Waiting);
        assert_eq!(t.samples[1].position_us, Some(10));
        assert_eq!(t.samples[1].correction, Correction::Trim);
        assert_eq!(t.samples[1].wall_us(), 2);
    }
}
