//! Percentiles over latency samples.

use std::time::Duration;

/// p50, p99 and max of a set of samples, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Nearest-rank percentiles (p in 0..=100) of `samples`.
pub fn summarize(samples: &[Duration]) -> Summary {
    if samples.is_empty() {
        return Summary::default();
    }
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let rank = |p: f64| -> f64 {
        let n = ms.len();
        // Nearest rank: the smallest value with at least p % of samples at or below it.
        let k = ((p / 100.0) * n as f64).ceil() as usize;
        ms[k.clamp(1, n) - 1]
    };
    Summary {
        count: ms.len(),
        p50_ms: rank(50.0),
        p99_ms: rank(99.0),
        max_ms: ms[ms.len() - 1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = summarize(&samples);
        assert_eq!(s.count, 100);
        assert!((s.p50_ms - 50.0).abs() < 1e-9);
        assert!((s.p99_ms - 99.0).abs() < 1e-9);
        assert!((s.max_ms - 100.0).abs() < 1e-9);
        assert_eq!(summarize(&[]).count, 0);
    }
}
