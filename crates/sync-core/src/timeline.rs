//! The room's timeline as one listener sees it: where the song should be, on the local clock.
//!
//! The room publishes `{song, started_at, paused_at, is_playing}` on the room clock (the original
//! design's `PlaybackState`). Position is `now - started_at` while playing and
//! `paused_at - started_at` while paused. A listener maps its local instants to room instants
//! with a [`RoomClock`] and corrects for its output device's latency: what is written to a
//! device that is heard `L` later must be the room's position `L` ahead.

use crate::clock::RoomClock;

/// A song's id, as in room-core's protocol.
pub type SongId = u64;

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
}

impl RoomPlayback {
    /// Playing, with position 0 at room instant `started_at_us` (may be in the future).
    pub fn playing(song_id: SongId, started_at_us: i64) -> Self {
        Self {
            song_id,
            started_at_us,
            paused_at_us: None,
            is_playing: true,
        }
    }

    /// Paused at room instant `paused_at_us`, holding position `paused_at_us - started_at_us`.
    pub fn paused(song_id: SongId, started_at_us: i64, paused_at_us: i64) -> Self {
        Self {
            song_id,
            started_at_us,
            paused_at_us: Some(paused_at_us),
            is_playing: false,
        }
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
    /// Playing starts later: write position 0 at local instant `start_at_local_us`.
    /// `position_us` is negative: minus the time until then.
    Scheduled {
        position_us: i64,
        start_at_local_us: i64,
    },
    /// Write this position now.
    Playing { position_us: i64 },
}

impl Target {
    /// The target position, negative for a scheduled start.
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
    playback: RoomPlayback,
    /// Positive: the device is heard this long after a sample is written to it, so samples are
    /// written this much ahead. Measured or set per device by the user (Bluetooth: 100-300 ms).
    output_latency_us: i64,
}

impl Timeline {
    /// The timeline of `playback`, with no output latency.
    pub fn new(playback: RoomPlayback) -> Self {
        Self {
            playback,
            output_latency_us: 0,
        }
    }

    /// The same timeline with an output latency of `ms` milliseconds.
    #[must_use]
    pub fn with_output_latency_ms(mut self, ms: i64) -> Self {
        self.set_output_latency_ms(ms);
        self
    }

    pub fn playback(&self) -> &RoomPlayback {
        &self.playback
    }

    /// Replaces the room state (on every `playback-*` event); the latency stays.
    pub fn set_playback(&mut self, playback: RoomPlayback) {
        self.playback = playback;
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

    /// What to write at local instant `local_us`. `None` while playing and the clock mapping is
    /// unknown; a paused room needs no clock.
    pub fn target_at(&self, clock: &impl RoomClock, local_us: i64) -> Option<Target> {
        if !self.playback.is_playing {
            return Some(Target::Paused {
                position_us: self.playback.position_at(0),
            });
        }
        // Written now, heard at local + latency: that instant's room position.
        let heard_room = clock
            .room_time(local_us)?
            .saturating_add(self.output_latency_us);
        let position_us = self.playback.position_at(heard_room);
        if position_us >= 0 {
            return Some(Target::Playing { position_us });
        }
        Some(Target::Scheduled {
            position_us,
            start_at_local_us: self.local_instant_for(clock, 0)?,
        })
    }

    /// Local instant at which song position `position_us` must be written to the output so it
    /// is heard in time. `None` when the room is not playing or the clock mapping is unknown.
    pub fn local_instant_for(&self, clock: &impl RoomClock, position_us: i64) -> Option<i64> {
        if !self.playback.is_playing {
            return None;
        }
        let heard_room = self.playback.started_at_us.saturating_add(position_us);
        Some(
            clock
                .local_time(heard_room)?
                .saturating_sub(self.output_latency_us),
        )
    }
}
