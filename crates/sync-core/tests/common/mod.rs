//! Helpers shared by the tests: a simulated listener and error sampling on synthetic time.
#![allow(dead_code)]

use sync_core::netem::{NetPath, PathProfile, SimClock};
use sync_core::sim::ClockSim;
use sync_core::{ClockEstimator, EstimatorConfig};

/// Room clock at the start of every simulation: about 11.6 days of server uptime.
pub const START: i64 = 1_000_000_000_000;
pub const MS: i64 = 1_000;
pub const S: i64 = 1_000_000;

/// A listener whose clock runs `drift_ppm` fast and reads about 7.3 days behind the room,
/// behind `profile`, with every random draw from `seed`.
pub fn listener(profile: PathProfile, drift_ppm: f64, seed: u64) -> ClockSim {
    ClockSim::new(
        ClockEstimator::new(EstimatorConfig::default()),
        SimClock::new(drift_ppm, -634_567_890_123),
        NetPath::new(profile, seed),
        START,
    )
}

/// Mapping errors (estimated room time minus true room time) sampled every `step` from
/// `START + from` to `START + to`.
pub fn errors(sim: &mut ClockSim, from: i64, to: i64, step: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut t = START + from;
    while t < START + to {
        sim.run_until(t);
        out.push(sim.offset_error_us().unwrap_or(i64::MAX));
        t += step;
    }
    out
}

pub fn max_abs(errors: &[i64]) -> i64 {
    errors.iter().map(|e| e.abs()).max().unwrap_or(i64::MAX)
}

pub fn mean(errors: &[i64]) -> f64 {
    errors.iter().map(|&e| e as f64).sum::<f64>() / errors.len().max(1) as f64
}

pub mod player;
