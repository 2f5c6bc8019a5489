//! The drift controller: turns "where the player is" versus "where it should be" into a rate
//! trim, a seek, or nothing.
//!
//! Small errors are trimmed by playing slightly faster or slower (proportionally to the smoothed
//! error, capped at a few hundred ppm for local audio: inaudible); large ones by a seek. Every
//! decision has hysteresis (see [`DriftConfig`]) so it never hunts: trimming starts above one
//! threshold and stops below a smaller one, a seek needs several readings in a row and is
//! followed by a cooldown that grows when seeks keep failing.
//!
//! It also learns the player's steady drift (a sound card's crystal against the system clock):
//! the error's slope during a period in sync, folded into a base rate, so a steadily drifting
//! device ends up needing no trims at all.

mod config;

pub use config::DriftConfig;

/// What the player should do after a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Correction {
    /// Play at the nominal rate.
    None,
    /// Play at `1 + ppm / 1e6` times the nominal rate (negative: slower) until told otherwise.
    Rate { ppm: i32 },
    /// Seek to `position_us` now (the target of the reading that triggered it).
    Jump { position_us: i64 },
}

/// Where the controller stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftState {
    /// Error within tolerance: playing at the base rate.
    InSync,
    /// Trimming the rate towards the target.
    Trimming,
    /// After a jump: readings are ignored until the cooldown ends.
    Settling,
}

/// Decides corrections from successive (rendered, target) position readings. Sans-IO: every
/// reading carries its instant.
#[derive(Debug, Clone)]
pub struct DriftController {
    config: DriftConfig,
    state: DriftState,
    smoothed_us: Option<f64>,
    last_update_us: Option<i64>,
    /// Consecutive raw readings beyond the jump threshold, and on which side.
    over_jump: u32,
    over_jump_ahead: bool,
    settle_until_us: i64,
    /// When the last cooldown ended: a jump soon after means the previous one failed.
    settled_at_us: Option<i64>,
    /// Doublings of the cooldown in force.
    backoff: u32,
    /// Learned rate the player needs to hold still, in ppm.
    base_ppm: f64,
    /// Start of the current in-sync period and the smoothed error then.
    in_sync_since: Option<(i64, f64)>,
    jumps: u64,
}

impl DriftController {
    /// A controller for one player. Any config works without panicking; see
    /// [`DriftConfig::validate`] for the sensible ranges.
    pub fn new(config: DriftConfig) -> Self {
        Self {
            config,
            state: DriftState::InSync,
            smoothed_us: None,
            last_update_us: None,
            over_jump: 0,
            over_jump_ahead: false,
            settle_until_us: 0,
            settled_at_us: None,
            backoff: 0,
            base_ppm: 0.0,
            in_sync_since: None,
            jumps: 0,
        }
    }

    pub fn config(&self) -> &DriftConfig {
        &self.config
    }

    pub fn state(&self) -> DriftState {
        self.state
    }

    /// The smoothed error (rendered - target), once there is a reading since the last jump.
    pub fn smoothed_error_us(&self) -> Option<i64> {
        self.smoothed_us.map(|e| e.round() as i64)
    }

    /// The rate the player has been found to need to hold still, in ppm.
    pub fn base_rate_ppm(&self) -> f64 {
        self.base_ppm
    }

    /// Jumps decided since creation.
    pub fn jump_count(&self) -> u64 {
        self.jumps
    }

    /// Forgets the readings (a new song, or a seek the controller did not ask for) but keeps
    /// the learned base rate, which belongs to the device.
    pub fn reset(&mut self) {
        let base_ppm = self.base_ppm;
        let jumps = self.jumps;
        *self = Self::new(self.config.clone());
        self.base_ppm = base_ppm;
        self.jumps = jumps;
    }

    /// One reading: at local instant `now_us` the player renders `rendered_us` where the
    /// timeline says `target_us`. Returns the rate to play at, or a seek.
    pub fn update(&mut self, now_us: i64, rendered_us: i64, target_us: i64) -> Correction {
        let error = rendered_us.saturating_sub(target_us);
        let dt_us = self
            .last_update_us
            .map_or(0, |last| now_us.saturating_sub(last).max(0));
        self.last_update_us = Some(now_us);

        if self.state == DriftState::Settling {
            if now_us < self.settle_until_us {
                return self.output();
            }
            self.state = DriftState::InSync;
            self.settled_at_us = Some(now_us);
        }

        if error.unsigned_abs() > self.config.jump_threshold_us.max(0).unsigned_abs() {
            let ahead = error > 0;
            self.over_jump = if self.over_jump > 0 && ahead == self.over_jump_ahead {
                self.over_jump.saturating_add(1)
            } else {
                1
            };
            self.over_jump_ahead = ahead;
        } else {
            self.over_jump = 0;
        }
        if self.over_jump >= self.config.jump_confirm.max(1) {
            return self.jump(now_us, target_us);
        }
        if self.over_jump > 0 {
            // A glitch or a jump to be: trimming towards it would only have to be undone.
            return self.output();
        }

        let smoothed = self.smooth(error as f64, dt_us);
        if self.config.max_trim_ppm > 0 {
            self.step_hysteresis(now_us, smoothed);
        }
        self.output()
    }

    fn smooth(&mut self, error: f64, dt_us: i64) -> f64 {
        let smoothed = match self.smoothed_us {
            Some(prev) if self.config.smoothing_us > 0 => {
                let alpha = 1.0 - (-(dt_us as f64) / self.config.smoothing_us as f64).exp();
                prev + alpha * (error - prev)
            }
            _ => error,
        };
        self.smoothed_us = Some(smoothed);
        smoothed
    }

    fn step_hysteresis(&mut self, now_us: i64, smoothed: f64) {
        match self.state {
            DriftState::InSync => {
                let since = *self.in_sync_since.get_or_insert((now_us, smoothed));
                if smoothed.abs() > self.config.trim_enter_us as f64 {
                    self.learn_drift(since, now_us, smoothed);
                    self.state = DriftState::Trimming;
                    self.in_sync_since = None;
                }
            }
            DriftState::Trimming => {
                if smoothed.abs() < self.config.trim_exit_us as f64 {
                    self.state = DriftState::InSync;
                    self.in_sync_since = Some((now_us, smoothed));
                }
            }
            DriftState::Settling => {}
        }
    }

    /// The error moved from `e0` to `e1` while playing at the base rate: the base is off by
    /// that slope (µs per s is ppm).
    fn learn_drift(&mut self, (t0, e0): (i64, f64), t1: i64, e1: f64) {
        let period_us = t1.saturating_sub(t0);
        let gain = self.config.drift_learning_gain.clamp(0.0, 1.0);
        if gain == 0.0 || period_us < self.config.drift_learning_min_period_us.max(1) {
            return;
        }
        let residual_ppm = (e1 - e0) / (period_us as f64 / 1e6);
        let max = f64::from(self.config.max_trim_ppm.max(0));
        self.base_ppm = (self.base_ppm - gain * residual_ppm).clamp(-max, max);
    }

    fn jump(&mut self, now_us: i64, target_us: i64) -> Correction {
        self.jumps = self.jumps.saturating_add(1);
        let base = self.config.jump_cooldown_us.max(0);
        let failed_again = self
            .settled_at_us
            .is_some_and(|at| now_us.saturating_sub(at) < base.max(1));
        self.backoff = if failed_again {
            self.backoff.saturating_add(1).min(32)
        } else {
            0
        };
        let cooldown = base
            .saturating_mul(1_i64 << self.backoff.min(32))
            .min(self.config.max_jump_cooldown_us.max(base));
        self.state = DriftState::Settling;
        self.settle_until_us = now_us.saturating_add(cooldown);
        self.smoothed_us = None;
        self.over_jump = 0;
        self.in_sync_since = None;
        Correction::Jump {
            position_us: target_us,
        }
    }

    fn output(&self) -> Correction {
        let trim = match (self.state, self.smoothed_us) {
            (DriftState::Trimming, Some(e)) => {
                -e / (self.config.trim_time_constant_us.max(1) as f64 / 1e6)
            }
            _ => 0.0,
        };
        let max = f64::from(self.config.max_trim_ppm.max(0));
        let ppm = (self.base_ppm + trim).clamp(-max, max).round() as i32;
        if ppm == 0 {
            Correction::None
        } else {
            Correction::Rate { ppm }
        }
    }
}
