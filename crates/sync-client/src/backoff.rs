//! Exponential backoff with jitter between reconnect attempts.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::config::ReconnectPolicy;

/// The wait before retry number `attempt` (0 for the first retry after a drop): the policy's
/// initial delay doubled per attempt, capped, minus a random part of up to `jitter` of it.
pub(crate) fn delay(policy: &ReconnectPolicy, attempt: u32) -> Duration {
    let base = policy
        .initial_delay
        .saturating_mul(1_u32 << attempt.min(16))
        .min(policy.max_delay);
    let jitter = policy.jitter.clamp(0.0, 1.0) * random_unit();
    base.mul_f64(1.0 - jitter)
}

/// A number in `[0, 1)`, different per call and per process: std's randomly keyed hasher is
/// enough to spread listeners apart, no generator needed.
fn random_unit() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x7a6e_6465_6d00_0001);
    (h.finish() >> 11) as f64 / (1_u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_and_jitters_within_bounds() {
        let policy = ReconnectPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            jitter: 0.5,
        };
        for attempt in 0..40 {
            let base = Duration::from_millis(100)
                .saturating_mul(1 << attempt.min(16))
                .min(Duration::from_secs(2));
            let d = delay(&policy, attempt);
            assert!(d <= base && d >= base / 2, "attempt {attempt}: {d:?}");
        }
        let spread: std::collections::HashSet<Duration> =
            (0..20).map(|_| delay(&policy, 3)).collect();
        assert!(spread.len() > 1, "jitter makes the waits differ");
    }
}
