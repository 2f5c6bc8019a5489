//! Errors of this crate: why a clock sample was refused, and why a config is unusable.
//!
//! Written by hand rather than with `thiserror` so the crate keeps no dependency at all.

use std::fmt;

/// Why [`ClockEstimator::add_sample`](crate::ClockEstimator::add_sample) refused a sample.
///
/// A refused sample leaves the estimate untouched; drivers may log it and carry on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleRejected {
    /// Timestamps that cannot come from one exchange: the reply was received before the request
    /// was sent (`t3 < t0`), the server answered before it received (`t2 < t1`), or the arithmetic
    /// overflows.
    Malformed,
    /// The server held the request longer than the whole round trip took: one of the two clocks
    /// jumped, or the server lies.
    NegativeDelay {
        /// `(t3 - t0) - (t2 - t1)`, below zero.
        delay_us: i64,
    },
    /// A request sent no later than one already accounted for: a duplicate, a reply that was
    /// overtaken, or a local clock that went backwards.
    NotMonotonic {
        /// This sample's `t0`.
        t0_us: i64,
        /// The latest `t0` seen before it.
        last_t0_us: i64,
    },
    /// The round trip took far longer than the recent minimum (queueing, retransmission, a
    /// Wi-Fi power-save wake-up): its offset would be off by up to half the excess.
    DelayOutlier {
        /// This sample's round-trip delay.
        delay_us: i64,
        /// The largest delay accepted at that moment.
        limit_us: i64,
    },
}

impl fmt::Display for SampleRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => f.write_str("clock sample timestamps are inconsistent"),
            Self::NegativeDelay { delay_us } => {
                write!(f, "clock sample has a negative round trip ({delay_us} us)")
            }
            Self::NotMonotonic { t0_us, last_t0_us } => write!(
                f,
                "clock sample sent at {t0_us} us is not newer than one sent at {last_t0_us} us"
            ),
            Self::DelayOutlier { delay_us, limit_us } => write!(
                f,
                "clock sample round trip {delay_us} us is above the current limit {limit_us} us"
            ),
        }
    }
}

impl std::error::Error for SampleRejected {}

/// A config value that the estimator or the drift controller cannot work with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigError {
    /// The offending field.
    pub field: &'static str,
    /// What it must satisfy.
    pub requirement: &'static str,
}

impl ConfigError {
    pub(crate) fn check(
        ok: bool,
        field: &'static str,
        requirement: &'static str,
    ) -> Result<(), Self> {
        if ok {
            Ok(())
        } else {
            Err(Self { field, requirement })
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid config: {} must be {}",
            self.field, self.requirement
        )
    }
}

impl std::error::Error for ConfigError {}
