//! Knobs of the clock estimator, with defaults for a listener on a LAN or the internet.

use crate::error::ConfigError;

/// How often to ping, how many samples to keep, what counts as an outlier, what to assume
/// about clock skew before it is measured.
///
/// The defaults follow Snapcast (a burst on connect, then one ping a second) with a shorter burst
/// so a listener is synced within a second, and Jellyfin (choose the sample with the smallest
/// round trip), plus a skew fit so the mapping holds between samples.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimatorConfig {
    /// Pings sent right after (re)connecting, `burst_interval_us` apart.
    pub burst_pings: u32,
    /// Spacing of the burst's pings.
    pub burst_interval_us: i64,
    /// Spacing of pings once the burst is over (reached by doubling the burst's spacing).
    pub steady_interval_us: i64,
    /// Spacing of pings after the burst while still not synced (every burst reply was lost).
    pub unsynced_interval_us: i64,
    /// Accepted samples needed before [`is_synced`](crate::ClockEstimator::is_synced).
    pub min_samples_for_sync: usize,
    /// The most recent accepted samples among which the anchor (the sample the mapping goes
    /// through) is chosen: the one whose error bound, half its round trip plus the skew error
    /// over its age, is smallest.
    pub anchor_window: usize,
    /// Samples kept for the skew fit, at most.
    pub history_samples: usize,
    /// Samples older than this (local µs before the newest) leave the skew fit. Long enough to
    /// average out jitter, short enough to follow a clock whose rate wanders with temperature.
    pub skew_window_us: i64,
    /// How many recent delays (accepted or not) set the outlier limit. Counting refused ones
    /// lets the limit follow a route that became permanently slower.
    pub outlier_reference: usize,
    /// A sample is an outlier when its delay exceeds the reference minimum by more than
    /// `max(minimum * outlier_ratio, outlier_margin_us)`.
    pub outlier_ratio: f64,
    /// See `outlier_ratio`: the smallest excess that is never an outlier.
    pub outlier_margin_us: i64,
    /// Timing noise of the best samples, in µs: the floor of the weights in the skew fit, so a
    /// handful of lucky samples cannot make the fit overconfident.
    pub noise_floor_us: f64,
    /// Skew assumed before any fit, in ppm of the local clock's rate. 0 unless known.
    pub prior_skew_ppm: f64,
    /// Standard deviation of that assumption. Quartz clocks are typically within ±100 ppm.
    pub prior_skew_sigma_ppm: f64,
    /// Skew uncertainty never drops below this (clock rates wander with temperature), in ppm.
    pub skew_error_floor_ppm: f64,
    /// The skew estimate is clamped to ±this, in ppm.
    pub max_skew_ppm: f64,
    /// After [`reset`](crate::ClockEstimator::reset) the kept skew's sigma is at least this, so a
    /// fresh fit can still correct it.
    pub carried_skew_sigma_ppm: f64,
}

impl Default for EstimatorConfig {
    fn default() -> Self {
        Self {
            burst_pings: 16,
            burst_interval_us: 50_000,
            steady_interval_us: 1_000_000,
            unsynced_interval_us: 250_000,
            min_samples_for_sync: 4,
            anchor_window: 32,
            history_samples: 512,
            skew_window_us: 300_000_000,
            outlier_reference: 16,
            outlier_ratio: 1.0,
            outlier_margin_us: 5_000,
            noise_floor_us: 50.0,
            prior_skew_ppm: 0.0,
            prior_skew_sigma_ppm: 100.0,
            skew_error_floor_ppm: 1.0,
            max_skew_ppm: 1_000.0,
            carried_skew_sigma_ppm: 2.0,
        }
    }
}

impl EstimatorConfig {
    /// Checks every field. [`ClockEstimator::new`](crate::ClockEstimator::new) does not: it
    /// works (without panicking) on any values, but only sensible ones give sensible estimates.
    ///
    /// # Errors
    /// The first field that is out of range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        ConfigError::check(self.burst_interval_us > 0, "burst_interval_us", "> 0")?;
        ConfigError::check(self.steady_interval_us > 0, "steady_interval_us", "> 0")?;
        ConfigError::check(self.unsynced_interval_us > 0, "unsynced_interval_us", "> 0")?;
        ConfigError::check(
            self.min_samples_for_sync >= 1,
            "min_samples_for_sync",
            ">= 1",
        )?;
        ConfigError::check(self.anchor_window >= 1, "anchor_window", ">= 1")?;
        ConfigError::check(
            self.history_samples >= self.anchor_window,
            "history_samples",
            ">= anchor_window",
        )?;
        ConfigError::check(self.skew_window_us > 0, "skew_window_us", "> 0")?;
        ConfigError::check(self.outlier_reference >= 1, "outlier_reference", ">= 1")?;
        ConfigError::check(
            self.outlier_ratio >= 0.0,
            "outlier_ratio",
            "a non-negative number",
        )?;
        ConfigError::check(self.outlier_margin_us >= 0, "outlier_margin_us", ">= 0")?;
        ConfigError::check(self.noise_floor_us > 0.0, "noise_floor_us", "> 0")?;
        ConfigError::check(
            self.prior_skew_ppm.abs() <= self.max_skew_ppm,
            "prior_skew_ppm",
            "within max_skew_ppm",
        )?;
        ConfigError::check(
            self.prior_skew_sigma_ppm > 0.0,
            "prior_skew_sigma_ppm",
            "> 0",
        )?;
        ConfigError::check(
            self.skew_error_floor_ppm >= 0.0,
            "skew_error_floor_ppm",
            ">= 0",
        )?;
        ConfigError::check(self.max_skew_ppm > 0.0, "max_skew_ppm", "> 0")?;
        ConfigError::check(
            self.carried_skew_sigma_ppm > 0.0,
            "carried_skew_sigma_ppm",
            "> 0",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_nonsense_is_not() {
        assert_eq!(EstimatorConfig::default().validate(), Ok(()));
        let broken = EstimatorConfig {
            steady_interval_us: 0,
            ..EstimatorConfig::default()
        };
        assert_eq!(
            broken.validate().map_err(|e| e.field),
            Err("steady_interval_us")
        );
    }
}
