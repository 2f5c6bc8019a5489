//! Per-connection token bucket, on explicit time so it is testable.

use std::time::Instant;

#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate_per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate_per_sec: f64, burst: f64, now: Instant) -> Self {
        Self {
            rate_per_sec,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Take one token if there is one.
    pub fn try_take(&mut self, now: Instant) -> bool {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + dt * self.rate_per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn allows_burst_then_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 5.0, t0);
        assert_eq!((0..8).filter(|_| b.try_take(t0)).count(), 5);
        assert!(!b.try_take(t0));
        assert!(b.try_take(t0 + Duration::from_millis(100)));
        assert!(!b.try_take(t0 + Duration::from_millis(100)));
        assert_eq!(
            (0..20)
                .filter(|_| b.try_take(t0 + Duration::from_secs(10)))
                .count(),
            5
        );
    }
}
