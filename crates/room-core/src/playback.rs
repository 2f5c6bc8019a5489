//! The room's timeline: the original design's `PlaybackState`, held in memory, on the room clock.
//!
//! Position is `now - started_at` while playing and `paused_at - started_at` while paused.
//! Resume moves `started_at` forward by the pause's length; seek moves `started_at` so the position
//! is the requested one, and a seek while paused stays paused.
//!
//! Changes that listeners must carry out together (start, pause, resume, seek while playing) take
//! effect at a room instant `at` slightly after `now` — the room's lead time — so that every
//! listener acts at the same moment rather than each on arrival. `effective_at_us` records it.

use crate::error::{ErrorCode, RoomError};
use crate::protocol::{PlaybackView, SongView};

/// Longest song position a seek may ask for when the duration is unknown (24 hours).
pub const MAX_POSITION_US: i64 = 24 * 3600 * 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackState {
    pub current: Option<SongView>,
    pub started_at_us: i64,
    pub paused_at_us: Option<i64>,
    pub is_playing: bool,
    pub last_updated_us: i64,
    /// The room instant from which this state holds (see the module docs).
    pub effective_at_us: i64,
    /// The current song is loaded, paused at its position, until members' players are ready.
    pub waiting: bool,
}

impl PlaybackState {
    /// Nothing current.
    pub fn idle(now: i64) -> Self {
        Self {
            current: None,
            started_at_us: now,
            paused_at_us: None,
            is_playing: false,
            last_updated_us: now,
            effective_at_us: now,
            waiting: false,
        }
    }

    /// The song position at `now`, clamped to the song (0 when nothing is current).
    ///
    /// Scheduled changes count from their instant: a start or resume not yet effective holds at
    /// its starting position, and a pause not yet effective is still playing.
    pub fn position_us(&self, now: i64) -> i64 {
        let Some(song) = &self.current else { return 0 };
        let at = if self.is_playing {
            now.max(self.effective_at_us)
        } else {
            let paused_at = self.paused_at_us.unwrap_or(self.started_at_us);
            paused_at.min(now.max(self.started_at_us))
        };
        let pos = (at - self.started_at_us).max(0);
        match song.duration_us {
            Some(d) => pos.min(d),
            None => pos,
        }
    }

    /// Room-clock instant at which the current song ends, if it is playing and its length known.
    pub fn ends_at_us(&self) -> Option<i64> {
        let song = self.current.as_ref()?;
        self.is_playing
            .then_some(())
            .and(song.duration_us)
            .map(|d| self.started_at_us + d)
    }

    pub fn song_id(&self) -> Option<u64> {
        self.current.as_ref().map(|s| s.id)
    }

    /// Make `song` current, playing from position 0 at room instant `at`.
    pub fn start(&mut self, song: SongView, at: i64, now: i64) {
        self.current = Some(song);
        self.started_at_us = at;
        self.paused_at_us = None;
        self.is_playing = true;
        self.last_updated_us = now;
        self.effective_at_us = at;
        self.waiting = false;
    }

    /// Make `song` current but hold it at position 0 until the room starts it (players loading).
    pub fn load_waiting(&mut self, song: SongView, now: i64) {
        self.current = Some(song);
        self.started_at_us = now;
        self.paused_at_us = Some(now);
        self.is_playing = false;
        self.last_updated_us = now;
        self.effective_at_us = now;
        self.waiting = true;
    }

    /// Nothing current any more.
    pub fn stop(&mut self, now: i64) {
        *self = Self::idle(now);
    }

    /// # Errors
    /// `nothing-playing` without a current song, `already-paused` when paused.
    /// Pause at room instant `at` (≥ `now`); a pause while waiting for players stops the wait.
    ///
    /// # Errors
    /// `nothing-playing` without a current song, `already-paused` when paused.
    pub fn pause(&mut self, now: i64, at: i64) -> Result<(), RoomError> {
        self.require_song()?;
        if self.waiting {
            self.waiting = false;
            self.last_updated_us = now;
            return Ok(());
        }
        if !self.is_playing {
            return Err(RoomError::new(ErrorCode::AlreadyPaused, "already paused"));
        }
        // Pausing past the end pins the position at the end.
        let pos = self.position_us(at);
        self.started_at_us = at - pos;
        self.paused_at_us = Some(at);
        self.is_playing = false;
        self.last_updated_us = now;
        self.effective_at_us = at;
        Ok(())
    }

    /// # Errors
    /// `nothing-playing` without a current song, `already-playing` when playing.
    /// Resume at room instant `at` (≥ `now`) from the paused position; this is also how a
    /// song that was waiting for players starts.
    ///
    /// # Errors
    /// `nothing-playing` without a current song, `already-playing` when playing.
    pub fn resume(&mut self, now: i64, at: i64) -> Result<(), RoomError> {
        self.require_song()?;
        if self.is_playing {
            return Err(RoomError::new(ErrorCode::AlreadyPlaying, "already playing"));
        }
        if self.paused_at_us.is_some_and(|p| p > now) {
            // The pause has not taken effect yet: cancel it, the timeline never stopped.
            self.paused_at_us = None;
            self.is_playing = true;
            self.last_updated_us = now;
            self.effective_at_us = now;
            return Ok(());
        }
        let pos = self.position_us(now);
        self.started_at_us = at - pos;
        self.paused_at_us = None;
        self.is_playing = true;
        self.last_updated_us = now;
        self.effective_at_us = at;
        self.waiting = false;
        Ok(())
    }

    /// Move to `position_us`; playing stays playing, paused stays paused.
    ///
    /// # Errors
    /// `nothing-playing` without a current song; `invalid-field` for a negative position or one
    /// past the song's end (or past 24 hours when the length is unknown).
    /// A playing room jumps at room instant `at` (≥ `now`); a paused one moves at once.
    pub fn seek(&mut self, now: i64, at: i64, position_us: i64) -> Result<(), RoomError> {
        let song = self.require_song()?;
        let limit = song.duration_us.unwrap_or(MAX_POSITION_US);
        if !(0..=limit).contains(&position_us) {
            return Err(RoomError::invalid(format!(
                "positionUs must be between 0 and {limit}"
            )));
        }
        if self.is_playing {
            self.started_at_us = at - position_us;
            self.effective_at_us = at;
        } else {
            self.started_at_us = now - position_us;
            self.paused_at_us = Some(now);
            self.effective_at_us = now;
        }
        self.last_updated_us = now;
        Ok(())
    }

    pub fn view(&self) -> PlaybackView {
        PlaybackView {
            song_id: self.song_id(),
            started_at_us: self.started_at_us,
            paused_at_us: self.paused_at_us,
            is_playing: self.is_playing,
            last_updated_us: self.last_updated_us,
            effective_at_us: self.effective_at_us,
            waiting: self.waiting,
        }
    }

    fn require_song(&self) -> Result<&SongView, RoomError> {
        self.current
            .as_ref()
            .ok_or_else(|| RoomError::new(ErrorCode::NothingPlaying, "no song is current"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SongSource;

    const S: i64 = 1_000_000;

    fn song(duration: Option<i64>) -> SongView {
        SongView {
            id: 1,
            source: SongSource::Youtube {
                video_id: "dQw4w9WgXcQ".into(),
            },
            url: None,
            title: "t".into(),
            artist: None,
            album: None,
            duration_us: duration,
            added_by: 1,
            added_by_name: "a".into(),
            added_at_us: 0,
        }
    }

    #[test]
    fn pause_resume_keeps_position() {
        let mut p = PlaybackState::idle(0);
        p.start(song(Some(300 * S)), 100 * S, 100 * S);
        assert_eq!(p.position_us(110 * S), 10 * S);
        p.pause(110 * S, 110 * S).expect("pause");
        assert_eq!(p.position_us(500 * S), 10 * S);
        p.resume(130 * S, 130 * S).expect("resume");
        assert_eq!(p.position_us(130 * S), 10 * S);
        assert_eq!(p.position_us(135 * S), 15 * S);
        assert_eq!(p.ends_at_us(), Some(130 * S - 10 * S + 300 * S));
    }

    #[test]
    fn seek_while_paused_stays_paused() {
        let mut p = PlaybackState::idle(0);
        p.start(song(Some(300 * S)), 0, 0);
        p.pause(10 * S, 10 * S).expect("pause");
        p.seek(20 * S, 20 * S, 42 * S).expect("seek");
        assert!(!p.is_playing);
        assert_eq!(p.position_us(99 * S), 42 * S);
        assert_eq!(p.ends_at_us(), None);
    }

    #[test]
    fn seeks_out_of_range_are_refused_and_change_nothing() {
        let mut p = PlaybackState::idle(0);
        p.start(song(Some(300 * S)), 0, 0);
        let before = p.clone();
        for pos in [-1, 300 * S + 1, i64::MAX, i64::MIN] {
            let err = p.seek(5 * S, 5 * S, pos).expect_err("out of range");
            assert_eq!(err.code, ErrorCode::InvalidField);
            assert_eq!(p, before);
        }
    }

    #[test]
    fn redundant_pause_and_resume_are_reported() {
        let mut p = PlaybackState::idle(0);
        assert_eq!(
            p.pause(0, 0).map_err(|e| e.code),
            Err(ErrorCode::NothingPlaying)
        );
        p.start(song(None), 0, 0);
        assert_eq!(
            p.resume(1, 1).map_err(|e| e.code),
            Err(ErrorCode::AlreadyPlaying)
        );
        p.pause(1, 1).expect("pause");
        assert_eq!(
            p.pause(2, 2).map_err(|e| e.code),
            Err(ErrorCode::AlreadyPaused)
        );
    }

    #[test]
    fn scheduled_changes_take_effect_at_their_instant() {
        let mut p = PlaybackState::idle(0);
        p.start(song(Some(300 * S)), 0, 0);
        // Pause sent at 10 s, effective at 10.1 s: still playing until then, stopped after.
        p.pause(10 * S, 10 * S + 100_000).expect("pause");
        assert_eq!(p.position_us(10 * S), 10 * S);
        assert_eq!(p.position_us(11 * S), 10 * S + 100_000);
        assert_eq!(p.effective_at_us, 10 * S + 100_000);
        // Resume sent at 20 s, effective at 20.2 s, from the paused position.
        p.resume(20 * S, 20 * S + 200_000).expect("resume");
        assert_eq!(p.started_at_us, 20 * S + 200_000 - (10 * S + 100_000));
        // Until the resume takes effect the room holds at the paused position.
        assert_eq!(p.position_us(20 * S + 100_000), 10 * S + 100_000);
        assert_eq!(p.position_us(21 * S), 21 * S - p.started_at_us);
        // Seek while playing jumps at its instant.
        p.seek(30 * S, 30 * S + 50_000, 5 * S).expect("seek");
        assert_eq!(p.started_at_us, 30 * S + 50_000 - 5 * S);
    }

    #[test]
    fn a_waiting_song_starts_on_resume_from_its_position() {
        let mut p = PlaybackState::idle(0);
        p.load_waiting(song(Some(300 * S)), S);
        assert!(p.waiting && !p.is_playing);
        assert_eq!(p.ends_at_us(), None);
        p.seek(2 * S, 2 * S, 7 * S).expect("seek while waiting");
        assert!(p.waiting);
        p.resume(3 * S, 3 * S + 80_000).expect("start");
        assert!(!p.waiting && p.is_playing);
        assert_eq!(p.started_at_us, 3 * S + 80_000 - 7 * S);
    }

    #[test]
    fn a_resume_before_the_pause_takes_effect_cancels_it() {
        let mut p = PlaybackState::idle(0);
        p.start(song(Some(300 * S)), 0, 0);
        p.pause(10 * S, 10 * S + 100_000).expect("pause");
        p.resume(10 * S + 50_000, 10 * S + 150_000).expect("resume");
        assert!(p.is_playing);
        assert_eq!(p.started_at_us, 0, "the timeline never stopped");
        assert_eq!(p.position_us(12 * S), 12 * S);
    }
}
