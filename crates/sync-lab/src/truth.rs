//! The truth: where the room's song is at a given instant of this machine's wall clock.
//!
//! # Assumption: one machine, one wall clock
//! The lab, the room server and every listener process run on this machine. Listeners stamp
//! their telemetry with `SystemTime` (`tNs`), whatever their emulated clocks say. The room
//! clock is the server's monotonic clock anchored to `SystemTime` when the server started, so
//! room time and wall time differ by microseconds at start and afterwards only by what the
//! system's clock discipline (NTP slewing, at most 500 ppm, usually far less) does to
//! `SystemTime`. The host measures `room - wall` four times a second over loopback (round trip
//! well under a millisecond); [`Truth::room_at_wall`] uses the sample with the smallest round trip
//! within a few seconds of the instant asked about, so slewing is followed and the mapping's
//! error is half a loopback round trip (tens of µs), far below what is measured.
//!
//! # Which state is in force
//! The room schedules changes at `effectiveAtUs`; until then the state it replaces holds. So at
//! room instant `t` the state in force is the most recently announced one whose
//! `effectiveAtUs <= t` (a later announcement with an earlier effective instant supersedes one
//! that had not yet taken effect).

use room_core::protocol::PlaybackView;
use serde::Serialize;

/// One measurement of the room clock against the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OffsetSample {
    /// Midpoint of the ping's round trip, wall clock µs.
    pub wall_us: i64,
    /// `room - wall`, µs.
    pub room_minus_wall_us: i64,
    pub rtt_us: i64,
}

/// What the room is doing at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomAt {
    /// No state known yet, or no song current.
    Idle,
    /// Loaded, holding, waiting for players or for a scheduled start.
    Holding {
        song_id: u64,
        position_us: i64,
    },
    Paused {
        song_id: u64,
        position_us: i64,
    },
    Playing {
        song_id: u64,
        position_us: i64,
    },
}

impl RoomAt {
    pub fn playing(&self) -> Option<(u64, i64)> {
        match *self {
            Self::Playing {
                song_id,
                position_us,
            } => Some((song_id, position_us)),
            _ => None,
        }
    }
}

/// The room's announced states and the clock samples, as the host recorded them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Truth {
    states: Vec<PlaybackView>,
    offsets: Vec<OffsetSample>,
}

/// How far from an instant clock samples are considered.
const OFFSET_WINDOW_US: i64 = 3_000_000;

impl Truth {
    pub fn push_state(&mut self, state: PlaybackView) {
        self.states.push(state);
    }

    pub fn push_offset(&mut self, sample: OffsetSample) {
        self.offsets.push(sample);
    }

    /// In the order announced.
    pub fn states(&self) -> &[PlaybackView] {
        &self.states
    }

    /// In the order measured (so by `wall_us`).
    pub fn offsets(&self) -> &[OffsetSample] {
        &self.offsets
    }

    /// `room - wall` near `wall_us`: the sample with the smallest round trip within a few
    /// seconds, else the nearest one; 0 with no sample at all.
    pub fn room_minus_wall_at(&self, wall_us: i64) -> i64 {
        let lo = self
            .offsets
            .partition_point(|s| s.wall_us < wall_us - OFFSET_WINDOW_US);
        let hi = self
            .offsets
            .partition_point(|s| s.wall_us <= wall_us + OFFSET_WINDOW_US);
        if let Some(best) = self.offsets[lo..hi].iter().min_by_key(|s| s.rtt_us) {
            return best.room_minus_wall_us;
        }
        self.offsets
            .iter()
            .min_by_key(|s| (s.wall_us - wall_us).abs())
            .map_or(0, |s| s.room_minus_wall_us)
    }

    /// The room instant at wall instant `wall_us`.
    pub fn room_at_wall(&self, wall_us: i64) -> i64 {
        wall_us + self.room_minus_wall_at(wall_us)
    }

    /// The state in force at room instant `room_us` (see the module docs).
    pub fn state_at_room(&self, room_us: i64) -> Option<&PlaybackView> {
        self.states
            .iter()
            .rev()
            .find(|s| s.effective_at_us <= room_us)
    }

    /// What the room does at room instant `room_us`.
    pub fn at_room(&self, room_us: i64) -> RoomAt {
        let Some(s) = self.state_at_room(room_us) else {
            return RoomAt::Idle;
        };
        let Some(song_id) = s.song_id else {
            return RoomAt::Idle;
        };
        if s.waiting {
            return RoomAt::Holding {
                song_id,
                position_us: 0,
            };
        }
        if s.is_playing {
            let position_us = room_us - s.started_at_us;
            if position_us < 0 {
                RoomAt::Holding {
                    song_id,
                    position_us: 0,
                }
            } else {
                RoomAt::Playing {
                    song_id,
                    position_us,
                }
            }
        } else {
            let position_us = (s.paused_at_us.unwrap_or(s.started_at_us) - s.started_at_us).max(0);
            RoomAt::Paused {
                song_id,
                position_us,
            }
        }
    }

    /// What the room does at wall instant `wall_us`.
    pub fn at_wall(&self, wall_us: i64) -> RoomAt {
        self.at_room(self.room_at_wall(wall_us))
    }

    /// The wall instants at which announced changes took (or take) effect, in order.
    pub fn change_instants_wall(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self
            .states
            .iter()
            .map(|s| s.effective_at_us - self.room_minus_wall_at(s.effective_at_us))
            .collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playing(song: u64, started: i64, eff: i64) -> PlaybackView {
        PlaybackView {
            song_id: Some(song),
            started_at_us: started,
            paused_at_us: None,
            is_playing: true,
            last_updated_us: eff,
            effective_at_us: eff,
            waiting: false,
        }
    }

    #[test]
    fn scheduled_changes_take_effect_at_their_instant() {
        let mut t = Truth::default();
        t.push_state(playing(1, 1_000, 1_000));
        // A seek to 0 announced at 5_000, effective at 6_000.
        t.push_state(playing(1, 6_000, 6_000));
        assert_eq!(
            t.at_room(5_500),
            RoomAt::Playing {
                song_id: 1,
                position_us: 4_500
            }
        );
        assert_eq!(
            t.at_room(6_500),
            RoomAt::Playing {
                song_id: 1,
                position_us: 500
            }
        );
        // A pause announced later but effective before a pending change supersedes it.
        t.push_state(PlaybackView {
            paused_at_us: Some(5_800),
            is_playing: false,
            effective_at_us: 5_800,
            ..playing(1, 1_000, 5_800)
        });
        assert_eq!(
            t.at_room(7_000),
            RoomAt::Paused {
                song_id: 1,
                position_us: 4_800
            }
        );
    }

    #[test]
    fn offset_uses_the_tightest_nearby_sample() {
        let mut t = Truth::default();
        t.push_offset(OffsetSample {
            wall_us: 0,
            room_minus_wall_us: 100,
            rtt_us: 400,
        });
        t.push_offset(OffsetSample {
            wall_us: 1_000_000,
            room_minus_wall_us: 20,
            rtt_us: 60,
        });
        t.push_offset(OffsetSample {
            wall_us: 20_000_000,
            room_minus_wall_us: 500,
            rtt_us: 60,
        });
        assert_eq!(t.room_at_wall(500_000), 500_020);
        assert_eq!(t.room_at_wall(19_000_000), 19_000_500);
        assert_eq!(t.room_at_wall(10_000_000), 10_000_020);
    }
}
