//! A player with no audio: its position advances on the local clock at the commanded rate.
//! It loads instantly and lands every seek exactly, so what the telemetry shows is the sync
//! (clock estimate, timeline, drift control), not a device.

use room_core::protocol::{SongId, SongView};

use super::Player;

#[derive(Debug, Clone, Default)]
pub struct VirtualPlayer {
    song: Option<SongId>,
    playing: bool,
    /// Local instant from which the position advances (it holds before it).
    anchor_local_us: i64,
    /// Position at the anchor, fractional so ppm rates accumulate exactly.
    anchor_position_us: f64,
    rate_ppm: i32,
}

impl VirtualPlayer {
    pub fn new() -> Self {
        Self::default()
    }

    fn position_at(&self, now_us: i64) -> f64 {
        if !self.playing || now_us <= self.anchor_local_us {
            return self.anchor_position_us;
        }
        let elapsed = now_us.saturating_sub(self.anchor_local_us) as f64;
        self.anchor_position_us + elapsed * (1.0 + f64::from(self.rate_ppm) / 1e6)
    }

    /// Moves the anchor to `now_us` (when it is past), so a change applies from now on.
    fn reanchor(&mut self, now_us: i64) {
        if now_us > self.anchor_local_us {
            self.anchor_position_us = self.position_at(now_us);
            self.anchor_local_us = now_us;
        }
    }
}

impl Player for VirtualPlayer {
    fn load(&mut self, song_id: SongId, _song: Option<&SongView>) -> bool {
        if self.song != Some(song_id) {
            *self = Self {
                song: Some(song_id),
                ..Self::default()
            };
        }
        true
    }

    fn loaded(&self) -> Option<SongId> {
        self.song
    }

    fn start_at(&mut self, local_us: i64, position_us: i64) {
        self.playing = true;
        self.anchor_local_us = local_us;
        self.anchor_position_us = position_us as f64;
        self.rate_ppm = 0;
    }

    fn pause(&mut self, now_us: i64) {
        self.reanchor(now_us);
        self.playing = false;
    }

    fn seek(&mut self, now_us: i64, position_us: i64) {
        // A seek before a scheduled start moves the start position, not the start instant.
        self.anchor_local_us = self.anchor_local_us.max(now_us);
        self.anchor_position_us = position_us as f64;
    }

    fn set_rate_ppm(&mut self, now_us: i64, ppm: i32) {
        if ppm != self.rate_ppm {
            self.reanchor(now_us);
            self.rate_ppm = ppm;
        }
    }

    fn rate_ppm(&self) -> i32 {
        self.rate_ppm
    }

    fn rendered_position(&self, now_us: i64) -> Option<i64> {
        self.song?;
        Some(self.position_at(now_us).round() as i64)
    }

    fn is_playing(&self) -> bool {
        self.song.is_some() && self.playing
    }

    fn stop(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000;

    #[test]
    fn advances_at_the_commanded_rate_and_holds_before_a_scheduled_start() {
        let mut p = VirtualPlayer::new();
        assert_eq!(p.rendered_position(0), None);
        assert!(p.load(7, None));
        p.start_at(10 * S, 30 * S);
        assert_eq!(p.rendered_position(5 * S), Some(30 * S));
        assert_eq!(p.rendered_position(12 * S), Some(32 * S));
        p.set_rate_ppm(12 * S, 500);
        assert_eq!(p.rendered_position(14 * S), Some(34 * S + 1_000));
        p.pause(14 * S);
        assert_eq!(p.rendered_position(100 * S), Some(34 * S + 1_000));
        p.seek(100 * S, 5 * S);
        assert_eq!(p.rendered_position(101 * S), Some(5 * S));
        assert!(!p.is_playing());
    }

    #[test]
    fn a_seek_while_playing_plays_on_from_there() {
        let mut p = VirtualPlayer::new();
        p.load(1, None);
        p.start_at(0, 0);
        p.seek(2 * S, 50 * S);
        assert_eq!(p.rendered_position(3 * S), Some(51 * S));
        // Loading another song resets it.
        p.load(2, None);
        assert_eq!(p.rendered_position(4 * S), Some(0));
        assert!(!p.is_playing());
    }
}
