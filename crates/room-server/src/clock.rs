//! The room clock: microseconds since the Unix epoch, read from a monotonic clock.
//!
//! Anchored to the system's wall clock once at start, then advanced only by `Instant`, so it never
//! jumps while the server runs (NTP steps cannot disturb a playing room) and stays roughly
//! continuous across restarts, which is what lets a stored timeline resume where it was.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy)]
pub struct RoomClock {
    anchor: Instant,
    anchor_us: i64,
}

impl RoomClock {
    pub fn new() -> Self {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Self {
            anchor: Instant::now(),
            anchor_us: i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX / 2),
        }
    }

    /// Now, on the room clock.
    pub fn now_us(&self) -> i64 {
        self.at(Instant::now())
    }

    /// `instant` on the room clock.
    pub fn at(&self, instant: Instant) -> i64 {
        let elapsed = instant.saturating_duration_since(self.anchor);
        self.anchor_us + i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX / 2)
    }

    /// The `Instant` of room time `us` (clamped to the anchor for times before it).
    pub fn instant_of(&self, us: i64) -> Instant {
        let delta = u64::try_from(us.saturating_sub(self.anchor_us)).unwrap_or(0);
        self.anchor + Duration::from_micros(delta)
    }
}

impl Default for RoomClock {
    fn default() -> Self {
        Self::new()
    }
}
