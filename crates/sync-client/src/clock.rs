//! The listener's local clock: what every ping, target and schedule is measured on.
//!
//! The room clock is the server's; the client never trusts wall-clock time for sync. A driver
//! reads a [`LocalClock`] for ping timestamps, for pong arrival and for the instants at which the
//! player acts, so a clock that is offset or drifts (a [`SkewedClock`], as the sync lab uses to
//! stand in for another machine) shifts all of them alike and the estimator has to find it out.

use std::fmt;
use std::time::Instant;

/// A monotonic clock in microseconds. Any origin; it must never go backwards.
pub trait LocalClock: Send + Sync + fmt::Debug {
    /// Now, in µs on this clock.
    fn now_us(&self) -> i64;
}

/// The machine's monotonic clock (`Instant`), in µs since the clock was made.
#[derive(Debug, Clone, Copy)]
pub struct MonotonicClock {
    anchor: Instant,
}

impl MonotonicClock {
    pub fn new() -> Self {
        Self {
            anchor: Instant::now(),
        }
    }

    /// The reading this clock had (or will have) at `instant`.
    pub fn at(&self, instant: Instant) -> i64 {
        let (later, sign) = match instant.checked_duration_since(self.anchor) {
            Some(d) => (d, 1),
            None => (self.anchor.duration_since(instant), -1),
        };
        sign * i64::try_from(later.as_micros()).unwrap_or(i64::MAX / 4)
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalClock for MonotonicClock {
    fn now_us(&self) -> i64 {
        self.at(Instant::now())
    }
}

/// The monotonic clock shifted by `offset_us` and running `drift_ppm` fast (negative: slow):
/// `offset + elapsed * (1 + drift_ppm / 1e6)`. Stands in for another machine's clock, so one
/// machine can test what clock offset and crystal drift do to sync.
#[derive(Debug, Clone, Copy)]
pub struct SkewedClock {
    base: MonotonicClock,
    offset_us: i64,
    drift_ppm: f64,
}

impl SkewedClock {
    pub fn new(offset_us: i64, drift_ppm: f64) -> Self {
        Self {
            base: MonotonicClock::new(),
            offset_us,
            drift_ppm,
        }
    }

    pub fn offset_us(&self) -> i64 {
        self.offset_us
    }

    pub fn drift_ppm(&self) -> f64 {
        self.drift_ppm
    }

    /// The reading this clock had (or will have) at `instant`.
    pub fn at(&self, instant: Instant) -> i64 {
        let elapsed = self.base.at(instant);
        let drift = (elapsed as f64 * self.drift_ppm / 1e6).round() as i64;
        self.offset_us.saturating_add(elapsed).saturating_add(drift)
    }
}

impl LocalClock for SkewedClock {
    fn now_us(&self) -> i64 {
        self.at(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn skewed_clock_is_offset_and_runs_fast() {
        let clock = SkewedClock::new(5_000_000, 200.0);
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(10);
        // Readings are whole µs, so a difference of two may be 1 µs short.
        let elapsed = clock.at(t1) - clock.at(t0);
        assert!((elapsed - 10_002_000).abs() <= 1, "{elapsed}");
        assert!(clock.at(t0) >= 5_000_000);
        let plain = MonotonicClock::new();
        assert!((plain.at(t1) - plain.at(t0) - 10_000_000).abs() <= 1);
    }
}
