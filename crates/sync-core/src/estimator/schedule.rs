//! When to send the next clock ping: a burst after (re)connecting, then a steady rate.

use super::config::EstimatorConfig;

/// Pings sent since the last reset, and when the last one went out (local µs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PingSchedule {
    sent: u32,
    last_sent_us: Option<i64>,
}

impl PingSchedule {
    pub fn on_sent(&mut self, now_local_us: i64) {
        self.sent = self.sent.saturating_add(1);
        self.last_sent_us = Some(now_local_us);
    }

    /// Local instant of the next ping: now if none was sent yet, then `burst_interval_us` apart
    /// for the first `burst_pings`; once synced the spacing doubles after each ping up to
    /// `steady_interval_us` (`unsynced_interval_us` while not synced).
    pub fn next_at(&self, now_local_us: i64, synced: bool, config: &EstimatorConfig) -> i64 {
        let Some(last) = self.last_sent_us else {
            return now_local_us;
        };
        let interval = if self.sent < config.burst_pings {
            config.burst_interval_us
        } else if synced {
            // Ramp up from the burst's spacing to the steady one, doubling each time: a few more
            // samples early, spread out in time, give the skew fit something to work with.
            let doublings = (self.sent - config.burst_pings + 1).min(40);
            config
                .burst_interval_us
                .saturating_mul(1_i64 << doublings)
                .min(config.steady_interval_us)
        } else {
            config.unsynced_interval_us
        };
        last.saturating_add(interval.max(1))
    }
}
