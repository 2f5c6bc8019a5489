//! A simulated listener clock: offset from the room clock and running at its own rate.

/// `local = room * (1 + drift_ppm / 1e6) + offset_us`, rounded to the microsecond.
///
/// The room clock stands for true time in simulations (the server's clock is the reference).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimClock {
    /// How many ppm faster than the room clock this clock runs.
    pub drift_ppm: f64,
    pub offset_us: i64,
}

impl SimClock {
    pub fn new(drift_ppm: f64, offset_us: i64) -> Self {
        Self {
            drift_ppm,
            offset_us,
        }
    }

    /// The local reading at room instant `room_us`.
    pub fn local_from_room(&self, room_us: i64) -> i64 {
        let drift = (room_us as f64 * self.drift_ppm / 1e6).round() as i64;
        room_us.saturating_add(drift).saturating_add(self.offset_us)
    }

    /// The room instant at local reading `local_us` (inverse to within a microsecond).
    pub fn room_from_local(&self, local_us: i64) -> i64 {
        let since = local_us.saturating_sub(self.offset_us) as f64;
        (since / (1.0 + self.drift_ppm / 1e6)).round() as i64
    }

    /// The first room instant at which the local reading is at least `local_us`.
    pub fn room_when_local_reaches(&self, local_us: i64) -> i64 {
        let mut room = self.room_from_local(local_us).saturating_sub(2);
        while self.local_from_room(room) < local_us {
            room = room.saturating_add(1);
        }
        room
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drifting_clock_round_trips() {
        let c = SimClock::new(200.0, -3_700_000_000);
        assert_eq!(
            c.local_from_room(1_000_000_000),
            1_000_200_000 - 3_700_000_000
        );
        for room in [0, 1, 999_999, 1_234_567_890_123] {
            let local = c.local_from_room(room);
            assert!((c.room_from_local(local) - room).abs() <= 1);
            let at = c.room_when_local_reaches(local);
            assert!(c.local_from_room(at) >= local && at <= room);
        }
    }
}
