//! The room's timeline as one listener sees it: where the song should be, on the local clock.
//!
//! The room publishes `{song, started_at, paused_at, is_playing, effective_at}` on the room clock
//! (the original design's `PlaybackState`, plus the instant a change takes effect). Position is
//! `now - started_at` while playing and `paused_at - started_at` while paused. A listener maps
//! its local instants to room instants with a [`RoomClock`] and corrects for its output device's
//! latency: what is written to a device that is heard `L` later must be the room's position `L`
//! ahead.
//!
//! # Scheduled changes
//! The room schedules a change slightly in the future (`effective_at`) so every listener acts at
//! the same instant. Until then a listener keeps following the state it had:
//! [`Timeline::apply`] keeps the states a new one replaces, and [`Timeline::target_at`] follows
//! the newest state whose `effective_at` has come. A listener that has no earlier state (a
//! newcomer) follows the new one as the room will have been: when playing it holds at
//! `effective_at - started_at` and starts from there at `effective_at` (a scheduled start);
//! when paused it keeps playing on the `started_at` timeline until `paused_at`.

use crate::clock::RoomClock;

/// A song's id, as in room-core's protocol.
pub type SongId = u64;

/// How many replaced states a [`Timeline`] keeps while a newer one is not yet in force. Changes
/// are scheduled a fraction of a second ahead, so more than one pending change is rare; the bound
/// only keeps a flood of changes from growing the list.
const MAX_EARLIER_STATES: usize = 3;

/// The room's playback state, on the room clock (µs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomPlayback {
    pub song_id: SongId,
    /// Room instant at which position 0 is (or was, or will be) played.
    pub started_at_us: i64,
    /// Room instant playback was paused, while paused.
    pub paused_at_us: Option<i64>,
    /// Authoritative: when false the position holds at `paused_at - started_at` (0 without
    /// `paused_at`), whatever `paused_at` says; when true it advances and `paused_at` is ignored.
    pub is_playing: bool,
    /// Room instant from which this state holds. Before it, a listener keeps following the
    /// state it had (see [`Timeline::apply`]). The constructors set it to the start instant
    /// (playing) or the pause instant (paused), which is when the server's changes take effect
    /// when it schedules nothing ahead.
    pub effective_at_us: i64,
}

impl RoomPlayback {
    /// Playing, with position 0 at room instant `started_at_us` (may be in the future); in force
    /// from then on.
    pub fn playing(song_id: SongId, started_at_us: i64) -> Self {
        Self {
            song_id,
            started_at_us,
            paused_at_us: None,
            is_playing: true,
            effective_at_us: started_at_us,
        }
    }

    /// Paused at room instant `paused_at_us`, holding position `paused_at_us - started_at_us`;
    /// in force from the pause on.
    pub fn paused(song_id: SongId, started_at_us: i64, paused_at_us: i64) -> Self {
        Self {
            song_id,
            started_at_us,
            paused_at_us: Some(paused_at_us),
            is_playing: false,
            effective_at_us: paused_at_us,
        }
    }

    /// The same state, in force from room instant `effective_at_us`.
    #[must_use]
    pub fn with_effective_at(mut self, effective_at_us: i64) -> Self {
        self.effective_at_us = effective_at_us;
        self
    }

    /// Song position at room instant `room_us`. While playing it is negative before a scheduled
    /// start; while paused it is never negative (a pause before the start holds at 0).
    pub fn position_at(&self, room_us: i64) -> i64 {
        if self.is_playing {
            room_us.saturating_sub(self.started_at_us)
        } else {
            self.paused_at_us
                .unwrap_or(self.started_at_us)
                .saturating_sub(self.started_at_us)
                .max(0)
        }
    }
}

/// What the player should be doing at a given local instant, latency included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Hold at this position, not playing.
    Paused { position_us: i64 },
    /// Playing starts later: hold at `start_position_us` and write it at local instant
    /// `start_at_local_us`. `position_us` is where the room's timeline is (for the instant heard),
    /// `start_position_us` minus the room time until the start: negative when a song starts
    /// from 0.
    Scheduled {
        position_us: i64,
        start_at_local_us: i64,
        start_position_us: i64,
    },
    /// Write this position now.
    Playing { position_us: i64 },
}

impl Target {
    /// The target position: for a scheduled start, the timeline's (negative when the song
    /// starts from 0), not the one to hold.
    pub fn position_us(&self) -> i64 {
        match *self {
            Self::Paused { position_us }
            | Self::Scheduled { position_us, .. }
            | Self::Playing { position_us } => position_us,
        }
    }

    /// Whether the room is playing (a scheduled start counts).
    pub fn is_playing(&self) -> bool {
        !matches!(self, Self::Paused { .. })
    }
}

/// The room's playback mapped onto one listener's clock and output device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The newest state the room announced.
    playback: RoomPlayback,
    /// States it replaced, oldest first: followed until a newer one takes effect.
    earlier: Vec<RoomPlayback>,
    /// Positive: the device is heard this long after a sample is written to it, so samples are
    /// written this much ahead. Measured or set per device by the user (Bluetooth: 100-300 ms).
    output_latency_us: i64,
}

impl Timeline {
    /// The timeline of `playback`, with no output latency and no earlier state (a newcomer).
    pub fn new(playback: RoomPlayback) -> Self {
        Self {
            playback,
            earlier: Vec::new(),
            output_latency_us: 0,
        }
    }

    /// The same timeline with an output latency of `ms` milliseconds.
    #[must_use]
    pub fn with_output_latency_ms(mut self, ms: i64) -> Self {
        self.set_output_latency_ms(ms);
        self
    }

    /// The newest state the room announced (it may not be in force yet).
    pub fn playback(&self) -> &RoomPlayback {
        &self.playback
    }

    /// Replaces the room state and forgets the earlier ones, as for a newcomer; the latency
    /// stays. A listener that was following the room uses [`apply`](Self::apply).
    pub fn set_playback(&mut self, playback: RoomPlayback) {
        self.playback = playback;
        self.earlier.clear();
    }

    /// Takes a new room state (on every `playback-*` event): it holds from its `effective_at`,
    /// and until then the state it replaces is followed. A repeat of the newest state changes
    /// nothing.
    pub fn apply(&mut self, playback: RoomPlayback) {
        if playback == self.playback {
            return;
        }
        let previous = std::mem::replace(&mut self.playback, playback);
        self.earlier.push(previous);
        if self.earlier.len() > MAX_EARLIER_STATES {
            self.earlier.remove(0);
        }
    }

    pub fn output_latency_us(&self) -> i64 {
        self.output_latency_us
    }

    /// Positive when the output is heard later than written.
    pub fn set_output_latency_ms(&mut self, ms: i64) {
        self.output_latency_us = ms.saturating_mul(1_000);
    }

    pub fn set_output_latency_us(&mut self, us: i64) {
        self.output_latency_us = us;
    }

    /// What to write at local instant `local_us`. `None` while the clock mapping is unknown,
    /// unless the newest state is paused (a paused room needs no clock).
    pub fn target_at(&self, clock: &impl RoomClock, local_us: i64) -> Option<Target> {
        self.in_force_at(clock, local_us).map(|(_, target)| target)
    }

    /// The state followed at local instant `local_us` (which may be an earlier one, or the
    /// newest one before it takes effect) and what to write. `None` as for
    /// [`target_at`](Self::target_at).
    pub fn in_force_at(
        &self,
        clock: &impl RoomClock,
        local_us: i64,
    ) -> Option<(&RoomPlayback, Target)> {
        let Some(room_us) = clock.room_time(local_us) else {
            // Without a mapping nothing says whether a change took effect: hold a paused room.
            let newest = &self.playback;
            return (!newest.is_playing).then(|| {
                let position_us = newest.position_at(0);
                (newest, Target::Paused { position_us })
            });
        };
        // Written now, heard at local + latency: what the room does at that instant.
        let heard_room = room_us.saturating_add(self.output_latency_us);
        let in_force = std::iter::once(&self.playback)
            .chain(self.earlier.iter().rev())
            .find(|s| s.effective_at_us <= heard_room);
        match in_force {
            Some(state) => Some((state, self.follow(state, clock, heard_room)?)),
            None => {
                let oldest = self.earlier.first().unwrap_or(&self.playback);
                Some((oldest, self.newcomer(oldest, clock, heard_room)?))
            }
        }
    }

    /// `state` in force at room instant `heard_room`.
    fn follow(
        &self,
        state: &RoomPlayback,
        clock: &impl RoomClock,
        heard_room: i64,
    ) -> Option<Target> {
        if !state.is_playing {
            return Some(Target::Paused {
                position_us: state.position_at(heard_room),
            });
        }
        let position_us = state.position_at(heard_room);
        if position_us >= 0 {
            return Some(Target::Playing { position_us });
        }
        Some(Target::Scheduled {
            position_us,
            start_at_local_us: self.local_write_instant(clock, state.started_at_us)?,
            start_position_us: 0,
        })
    }

    /// `state` before it takes effect, for a listener with no earlier state.
    fn newcomer(
        &self,
        state: &RoomPlayback,
        clock: &impl RoomClock,
        heard_room: i64,
    ) -> Option<Target> {
        if state.is_playing {
            // Hold where the room will be when it takes effect, start from there then.
            let start_room = state.effective_at_us.max(state.started_at_us);
            return Some(Target::Scheduled {
                position_us: state.position_at(heard_room),
                start_at_local_us: self.local_write_instant(clock, start_room)?,
                start_position_us: start_room.saturating_sub(state.started_at_us),
            });
        }
        // Paused later: the room plays on the same timeline until the pause, if it started.
        let pause_room = state.paused_at_us.unwrap_or(state.effective_at_us);
        if heard_room < pause_room && state.started_at_us < pause_room {
            let playing = RoomPlayback {
                is_playing: true,
                paused_at_us: None,
                ..state.clone()
            };
            return self.follow(&playing, clock, heard_room);
        }
        self.follow(state, clock, heard_room)
    }

    /// Local instant at which room instant `room_us` must be written to be heard in time.
    fn local_write_instant(&self, clock: &impl RoomClock, room_us: i64) -> Option<i64> {
        Some(
            clock
                .local_time(room_us)?
                .saturating_sub(self.output_latency_us),
        )
    }

    /// Local instant at which song position `position_us` must be written to the output so it
    /// is heard in time, on the newest state. `None` when the room is not playing or the clock
    /// mapping is unknown.
    pub fn local_instant_for(&self, clock: &impl RoomClock, position_us: i64) -> Option<i64> {
        if !self.playback.is_playing {
            return None;
        }
        let heard_room = self.playback.started_at_us.saturating_add(position_us);
        self.local_write_instant(clock, heard_room)
    }
}
