//! A simulated player that follows the drift controller's corrections, imperfectly.

use sync_core::netem::Rng;
use sync_core::{Correction, DriftConfig, DriftController, DriftState};

/// What the player does with a correction, and how it misbehaves.
pub struct Player {
    /// True rendered position, µs (fractional so ppm rates accumulate exactly).
    pub position: f64,
    /// Commanded rate trim.
    pub rate_ppm: f64,
    /// The device's own drift against the local clock.
    pub drift_ppm: f64,
    /// Standard deviation of a position reading's noise.
    pub noise_us: f64,
    /// A seek lands uniformly within ± this of where it was asked...
    pub seek_error_us: i64,
    /// ...plus this (a player that always lands late).
    pub seek_bias_us: i64,
    pub rng: Rng,
}

impl Player {
    pub fn new(seed: u64) -> Self {
        Self {
            position: 0.0,
            rate_ppm: 0.0,
            drift_ppm: 0.0,
            noise_us: 0.0,
            seek_error_us: 0,
            seek_bias_us: 0,
            rng: Rng::new(seed),
        }
    }

    pub fn advance(&mut self, dt_us: i64) {
        self.position += dt_us as f64 * (1.0 + (self.rate_ppm + self.drift_ppm) / 1e6);
    }

    pub fn reading(&mut self) -> i64 {
        (self.position + self.noise_us * self.rng.normal()).round() as i64
    }

    pub fn apply(&mut self, c: Correction) {
        match c {
            Correction::None => self.rate_ppm = 0.0,
            Correction::Rate { ppm } => self.rate_ppm = f64::from(ppm),
            Correction::Jump { position_us } => {
                let miss = self.rng.range_i64(-self.seek_error_us, self.seek_error_us);
                self.position = (position_us + self.seek_bias_us + miss) as f64;
                self.rate_ppm = 0.0;
            }
        }
    }
}

/// What happened during a run.
#[derive(Default)]
pub struct Run {
    /// Instants of jumps.
    pub jumps: Vec<i64>,
    /// Instants trimming started, and whether the player was ahead.
    pub trims: Vec<(i64, bool)>,
    /// (instant, true error) at every tick.
    pub errors: Vec<(i64, i64)>,
    /// Commanded rates, in order, zeros left out.
    pub rates: Vec<i32>,
}

impl Run {
    /// How often consecutive trims went opposite ways.
    pub fn trim_reversals(&self) -> usize {
        self.trims.windows(2).filter(|w| w[0].1 != w[1].1).count()
    }

    /// How often the commanded rate changed sign.
    pub fn rate_sign_changes(&self) -> usize {
        self.rates
            .windows(2)
            .filter(|w| (w[0] > 0) != (w[1] > 0))
            .count()
    }

    pub fn max_abs_error_after(&self, t: i64) -> i64 {
        self.errors
            .iter()
            .filter(|(at, _)| *at >= t)
            .map(|(_, e)| e.abs())
            .max()
            .unwrap_or(0)
    }
}

/// Plays for `duration_us`, reading every `tick_us`; the target is the elapsed time. Returns
/// the run and the controller.
pub fn play(
    config: DriftConfig,
    player: &mut Player,
    tick_us: i64,
    duration_us: i64,
) -> (Run, DriftController) {
    let mut ctl = DriftController::new(config);
    let mut run = Run::default();
    let mut now = 0;
    let mut state = ctl.state();
    while now < duration_us {
        now += tick_us;
        player.advance(tick_us);
        let reading = player.reading();
        let c = ctl.update(now, reading, now);
        player.apply(c);
        match c {
            Correction::Jump { .. } => run.jumps.push(now),
            Correction::Rate { ppm } => run.rates.push(ppm),
            Correction::None => {}
        }
        if ctl.state() == DriftState::Trimming && state != DriftState::Trimming {
            run.trims
                .push((now, ctl.smoothed_error_us().unwrap_or(0) > 0));
        }
        state = ctl.state();
        run.errors.push((now, player.position.round() as i64 - now));
    }
    (run, ctl)
}
