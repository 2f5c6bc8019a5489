//! The original design, kept as the sync lab's baseline. Its web app had no clock-offset
//! estimation: on each playback event (and on joining) a client set its player to
//! `position + (clientNow - serverTimestamp)`, comparing its own wall clock with the server's,
//! let the player run freely, and seeked again only when the player was more than 3 s off that
//! formula. So any difference between the two wall clocks becomes position error.
//!
//! Here the formula is `positionUs + (now - roomClockUs)` with `now` the listener's wall clock
//! (Unix µs; `tandem-listen --naive` passes its emulated wrong one) and `roomClockUs` the room
//! clock (Unix µs, anchored to the server's `SystemTime` at start). No clock estimate, no
//! scheduled changes (a change announced a lead ahead is applied on arrival), no output latency,
//! no rate trims.

use super::{Activity, CorrectionKind, ReadyReporter, Snapshot, TickReport};
use crate::player::Player;

/// The original app seeks only when this far off.
const RESYNC_US: i64 = 3_000_000;

#[derive(Debug, Default)]
pub struct NaiveFollower {
    ready: ReadyReporter,
    /// The playback message last applied.
    applied_seq: Option<u64>,
}

impl NaiveFollower {
    pub fn new() -> Self {
        Self::default()
    }

    /// One tick at `now`, the listener's wall clock in Unix µs (the player runs on it too).
    pub fn tick(&mut self, now: i64, room: &Snapshot, player: &mut dyn Player) -> TickReport {
        let send_ready = self.ready.check(room, player);
        let mut report = TickReport {
            send_ready,
            ..TickReport::idle()
        };
        let Some(event) = &room.arrival else {
            return report;
        };
        let Some(song_id) = event.song_id else {
            player.stop();
            self.applied_seq = Some(event.seq);
            return report;
        };
        report.song_id = Some(song_id);
        // The original arithmetic: the event's position carried forward by the local wall clock
        // minus the server's timestamp. Right only if the two wall clocks agree. A negative
        // position (a clock behind, early in a song) is silence before the start.
        let expected = if event.is_playing {
            event
                .position_us
                .saturating_add(now.saturating_sub(event.room_clock_us))
        } else {
            event.position_us
        };
        report.target_us = Some(expected);
        if self.applied_seq != Some(event.seq) {
            if player.loaded() != Some(song_id) && !player.load(song_id, room.song_info(song_id)) {
                report.activity = Activity::Waiting;
                return report;
            }
            if event.is_playing {
                player.start_at(now, expected);
            } else {
                player.pause(now);
                player.seek(now, expected);
            }
            self.applied_seq = Some(event.seq);
            report.correction = CorrectionKind::Jump;
        } else if event.is_playing {
            let rendered = player.rendered_position(now).unwrap_or(expected);
            if (rendered - expected).abs() > RESYNC_US {
                player.seek(now, expected);
                report.correction = CorrectionKind::Jump;
            }
            report.error_us = Some(rendered - expected);
        }
        report.activity = match (event.is_playing, event.waiting) {
            (true, _) => Activity::Playing,
            (false, true) => Activity::Waiting,
            (false, false) => Activity::Paused,
        };
        report
    }
}

#[cfg(test)]
mod tests {
    use sync_client::PlaybackArrival;

    use super::*;
    use crate::player::VirtualPlayer;

    const S: i64 = 1_000_000;
    const MS: i64 = 1_000;

    /// An event saying the song is at `position_us` at room instant `room_clock_us`; it arrived
    /// at local instant 0 (which the naive follower ignores: it trusts the timestamps).
    fn event(seq: u64, is_playing: bool, position_us: i64, room_clock_us: i64) -> Snapshot {
        Snapshot {
            song_id: Some(3),
            arrival: Some(PlaybackArrival {
                seq,
                song_id: Some(3),
                is_playing,
                waiting: false,
                position_us,
                room_clock_us,
                arrived_local_us: 0,
            }),
            ..Snapshot::default()
        }
    }

    #[test]
    fn a_wall_clock_ahead_of_the_servers_plays_that_much_ahead() {
        let mut f = NaiveFollower::new();
        let mut p = VirtualPlayer::new();
        // The room said 42 s at room instant 1000 s; it arrives 60 ms later by the room clock,
        // but this wall clock runs 2.5 s ahead: it reads 1002.56 s.
        let room_us = 1_000 * S;
        let now = room_us + 60 * MS + 2_500 * MS;
        let r = f.tick(now, &event(1, true, 42 * S, room_us), &mut p);
        assert_eq!(r.correction, CorrectionKind::Jump);
        assert_eq!(p.rendered_position(now), Some(42 * S + 2_560 * MS));
        // The player runs on; the formula still agrees with it, so no resync ever corrects the
        // 2.5 s: the clock error is position error for good.
        let later = now + 10 * S;
        let r = f.tick(later, &event(1, true, 42 * S, room_us), &mut p);
        assert_eq!((r.correction, r.error_us), (CorrectionKind::None, Some(0)));
        assert_eq!(r.target_us, Some(52 * S + 2_560 * MS));
    }

    #[test]
    fn applies_each_event_on_arrival_and_extrapolates_locally() {
        let mut f = NaiveFollower::new();
        let mut p = VirtualPlayer::new();
        let r = f.tick(10 * S + 5_000, &event(1, true, 42 * S, 10 * S), &mut p);
        assert_eq!(r.correction, CorrectionKind::Jump);
        assert_eq!(p.rendered_position(11 * S), Some(43 * S));
        // Same event later: no correction, the player runs on.
        let r = f.tick(12 * S, &event(1, true, 42 * S, 10 * S), &mut p);
        assert_eq!((r.correction, r.error_us), (CorrectionKind::None, Some(0)));
        // A pause event.
        let r = f.tick(13 * S, &event(2, false, 45 * S, 13 * S), &mut p);
        assert_eq!(r.activity, Activity::Paused);
        assert_eq!(p.rendered_position(20 * S), Some(45 * S));
    }

    #[test]
    fn resyncs_only_beyond_three_seconds() {
        let mut f = NaiveFollower::new();
        let mut p = VirtualPlayer::new();
        f.tick(0, &event(1, true, 0, 0), &mut p);
        p.seek(S, 3 * S); // 2 s ahead: tolerated
        assert_eq!(
            f.tick(S, &event(1, true, 0, 0), &mut p).correction,
            CorrectionKind::None
        );
        p.seek(S, 5 * S); // 4 s ahead: resync
        assert_eq!(
            f.tick(S, &event(1, true, 0, 0), &mut p).correction,
            CorrectionKind::Jump
        );
        assert_eq!(p.rendered_position(S), Some(S));
    }
}
