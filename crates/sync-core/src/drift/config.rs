//! Thresholds of the drift controller, with a preset per kind of player.

use crate::error::ConfigError;

/// When to trim the playback rate, when to seek, and how hard.
///
/// Hysteresis: trimming starts when the smoothed error exceeds `trim_enter_us` and stops when it
/// falls below `trim_exit_us`; a jump needs `jump_confirm` raw readings in a row beyond
/// `jump_threshold_us` on the same side, and is followed by a cooldown during which readings are
/// ignored (a seeking player reports nonsense). A jump that did not fix the error (the next one
/// comes right after the cooldown) doubles the following cooldown, up to `max_jump_cooldown_us`,
/// so a player that cannot land its seeks never sees a seek storm.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftConfig {
    /// Start trimming when the smoothed error exceeds this (µs).
    pub trim_enter_us: i64,
    /// Stop trimming when the smoothed error falls below this (µs).
    pub trim_exit_us: i64,
    /// Largest rate change, in ppm either way. 0: this player cannot trim, it only seeks.
    pub max_trim_ppm: i32,
    /// Proportional gain as a time constant: the trim is `-error / time constant` (µs per s is
    /// ppm), so an error decays to 1/e in this long (slower while the trim is at its maximum).
    pub trim_time_constant_us: i64,
    /// Time constant of the exponential smoothing of the error readings (0: none).
    pub smoothing_us: i64,
    /// Fraction of the drift measured during a period in sync that is folded into the base rate
    /// when trimming starts again (0: no learning). Learns a sound card's steady drift against
    /// the system clock so it stops needing trims. Below 1 so it converges without overshoot.
    pub drift_learning_gain: f64,
    /// An in-sync period shorter than this teaches nothing (too noisy).
    pub drift_learning_min_period_us: i64,
    /// Seek when the raw error exceeds this (µs) `jump_confirm` readings in a row.
    pub jump_threshold_us: i64,
    pub jump_confirm: u32,
    /// Readings are ignored this long after a jump.
    pub jump_cooldown_us: i64,
    /// The cooldown after repeated failed jumps never exceeds this.
    pub max_jump_cooldown_us: i64,
}

impl Default for DriftConfig {
    fn default() -> Self {
        Self::local_audio()
    }
}

impl DriftConfig {
    /// Tandem's own audio engine: can hold a fraction of a millisecond and resample freely.
    /// Trims like Snapcast (at most ±500 ppm) from 0.5 ms down to 0.1 ms, seeks above 20 ms
    /// (two speakers start to sound like an echo around 25-40 ms).
    pub fn local_audio() -> Self {
        Self {
            trim_enter_us: 500,
            trim_exit_us: 100,
            max_trim_ppm: 500,
            trim_time_constant_us: 2_000_000,
            smoothing_us: 200_000,
            drift_learning_gain: 0.7,
            drift_learning_min_period_us: 3_000_000,
            jump_threshold_us: 20_000,
            jump_confirm: 3,
            jump_cooldown_us: 500_000,
            max_jump_cooldown_us: 8_000_000,
        }
    }

    /// A YouTube iframe: its reported time is noisy by tens of ms and a seek takes a good
    /// fraction of a second to settle. Trims only beyond 60 ms, by up to 0.5 % (media elements
    /// keep the pitch), seeks beyond 300 ms. If the bridge finds the rate did not take (the
    /// player rounds rates to the ones it offers), set `max_trim_ppm` to 0.
    pub fn youtube() -> Self {
        Self {
            trim_enter_us: 60_000,
            trim_exit_us: 20_000,
            max_trim_ppm: 5_000,
            trim_time_constant_us: 4_000_000,
            smoothing_us: 1_000_000,
            drift_learning_gain: 0.0,
            drift_learning_min_period_us: 10_000_000,
            jump_threshold_us: 300_000,
            jump_confirm: 2,
            jump_cooldown_us: 3_000_000,
            max_jump_cooldown_us: 30_000_000,
        }
    }

    /// The listener's own Spotify client, driven through the Web API: no rate control, a seek
    /// is an HTTP request with 0.3-1 s of slack, and rate limits punish storms. Seeks only,
    /// beyond 500 ms, at least 8 s apart.
    pub fn spotify() -> Self {
        Self {
            trim_enter_us: 500_000,
            trim_exit_us: 250_000,
            max_trim_ppm: 0,
            trim_time_constant_us: 1_000_000,
            smoothing_us: 0,
            drift_learning_gain: 0.0,
            drift_learning_min_period_us: 10_000_000,
            jump_threshold_us: 500_000,
            jump_confirm: 2,
            jump_cooldown_us: 8_000_000,
            max_jump_cooldown_us: 60_000_000,
        }
    }

    /// Checks the hysteresis is well ordered and every value in range.
    /// [`DriftController::new`](crate::DriftController::new) does not: it works (without
    /// panicking) on any values.
    ///
    /// # Errors
    /// The first field that is out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        ConfigError::check(self.trim_exit_us >= 0, "trim_exit_us", ">= 0")?;
        ConfigError::check(
            self.trim_exit_us < self.trim_enter_us,
            "trim_exit_us",
            "< trim_enter_us",
        )?;
        ConfigError::check(
            self.trim_enter_us <= self.jump_threshold_us,
            "trim_enter_us",
            "<= jump_threshold_us",
        )?;
        ConfigError::check(self.max_trim_ppm >= 0, "max_trim_ppm", ">= 0")?;
        ConfigError::check(
            self.trim_time_constant_us > 0,
            "trim_time_constant_us",
            "> 0",
        )?;
        ConfigError::check(self.smoothing_us >= 0, "smoothing_us", ">= 0")?;
        ConfigError::check(
            (0.0..1.0).contains(&self.drift_learning_gain),
            "drift_learning_gain",
            "in [0, 1)",
        )?;
        ConfigError::check(
            self.drift_learning_min_period_us > 0,
            "drift_learning_min_period_us",
            "> 0",
        )?;
        ConfigError::check(self.jump_threshold_us > 0, "jump_threshold_us", "> 0")?;
        ConfigError::check(self.jump_confirm >= 1, "jump_confirm", ">= 1")?;
        ConfigError::check(self.jump_cooldown_us >= 0, "jump_cooldown_us", ">= 0")?;
        ConfigError::check(
            self.max_jump_cooldown_us >= self.jump_cooldown_us,
            "max_jump_cooldown_us",
            ">= jump_cooldown_us",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_a_broken_hysteresis_is_not() {
        for c in [
            DriftConfig::local_audio(),
            DriftConfig::youtube(),
            DriftConfig::spotify(),
        ] {
            assert_eq!(c.validate(), Ok(()), "{c:?}");
        }
        let broken = DriftConfig {
            trim_exit_us: 600,
            ..DriftConfig::local_audio()
        };
        assert_eq!(broken.validate().map_err(|e| e.field), Err("trim_exit_us"));
    }
}
