//! The mapping between a listener's local clock and the room clock, as the timeline needs it.

/// Converts between local and room instants (µs). `None` while the mapping is unknown.
///
/// [`ClockEstimator`](crate::ClockEstimator) implements it for a remote listener;
/// [`FixedOffset`] for a listener that shares the server's clock (the host's own app) and in
/// tests.
pub trait RoomClock {
    /// Room instant at local instant `local_us`.
    fn room_time(&self, local_us: i64) -> Option<i64>;
    /// Local instant at room instant `room_us`.
    fn local_time(&self, room_us: i64) -> Option<i64>;
}

/// `room = local + offset_us`, exactly. Offset 0 is the room server's own process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixedOffset {
    pub offset_us: i64,
}

impl FixedOffset {
    pub fn new(offset_us: i64) -> Self {
        Self { offset_us }
    }
}

impl RoomClock for FixedOffset {
    fn room_time(&self, local_us: i64) -> Option<i64> {
        Some(local_us.saturating_add(self.offset_us))
    }

    fn local_time(&self, room_us: i64) -> Option<i64> {
        Some(room_us.saturating_sub(self.offset_us))
    }
}

impl<C: RoomClock + ?Sized> RoomClock for &C {
    fn room_time(&self, local_us: i64) -> Option<i64> {
        (**self).room_time(local_us)
    }

    fn local_time(&self, room_us: i64) -> Option<i64> {
        (**self).local_time(room_us)
    }
}
