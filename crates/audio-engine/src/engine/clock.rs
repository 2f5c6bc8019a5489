//! The listener's local clock, as the engine sees it.
//!
//! Every instant the engine takes or gives (`PlayAt`'s `at_local_us`, [`HeardPosition`]'s
//! `at_local_us`, `Started`'s `at_local_us`) is on one injected [`LocalClock`], the same one the
//! sync client maps the room's timeline onto. Outputs map their device clock onto it. Tests inject
//! a [`SimClock`] that only moves when the simulated device renders, so timing is deterministic.
//!
//! The trait is deliberately tiny (sync-client has its own with the same shape); a closure works
//! too: `FnClock(|| ...)`.
//!
//! [`HeardPosition`]: crate::engine::HeardPosition

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// A monotonic clock in microseconds, any origin. Read from the audio callback: it must not
/// block, allocate or do I/O (reading `Instant` or an atomic is fine).
pub trait LocalClock: Send + Sync {
    /// Now, in µs on this clock.
    fn now_us(&self) -> i64;
}

impl<C: LocalClock + ?Sized> LocalClock for Arc<C> {
    fn now_us(&self) -> i64 {
        (**self).now_us()
    }
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
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalClock for MonotonicClock {
    fn now_us(&self) -> i64 {
        i64::try_from(self.anchor.elapsed().as_micros()).unwrap_or(i64::MAX / 4)
    }
}

/// A clock given as a closure (e.g. wrapping sync-client's clock without depending on it).
pub struct FnClock<F>(pub F);

impl<F: Fn() -> i64 + Send + Sync> LocalClock for FnClock<F> {
    fn now_us(&self) -> i64 {
        (self.0)()
    }
}

impl<F> fmt::Debug for FnClock<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnClock")
    }
}

/// A simulated clock: reads what it was last set to. Cloning shares it.
///
/// [`RecordingOutput`](crate::output::RecordingOutput) moves it forward as it renders (never
/// backwards), so the engine and the test see the same simulated time.
#[derive(Debug, Clone, Default)]
pub struct SimClock {
    now: Arc<AtomicI64>,
}

impl SimClock {
    /// A clock reading `start_us`.
    pub fn new(start_us: i64) -> Self {
        Self {
            now: Arc::new(AtomicI64::new(start_us)),
        }
    }

    /// Moves the clock to `t_us` if that is later than now (it never goes back).
    pub fn advance_to(&self, t_us: i64) {
        self.now.fetch_max(t_us, Ordering::AcqRel);
    }

    /// Moves the clock forward by `d_us` (negative: no change).
    pub fn advance_by(&self, d_us: i64) {
        let now = self.now.load(Ordering::Acquire);
        self.advance_to(now.saturating_add(d_us.max(0)));
    }
}

impl LocalClock for SimClock {
    fn now_us(&self) -> i64 {
        self.now.load(Ordering::Acquire)
    }
}
