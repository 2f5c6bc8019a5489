//! The original design, kept as the sync lab's baseline: apply each playback event's position
//! on arrival, extrapolate on the local clock, resync only when more than 3 s off. No clock
//! estimate, no scheduled changes, no output latency, no rate trims.

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
        // Where the event says the song is, carried forward on the local clock since it arrived.
        let expected = if event.is_playing {
            event.position_us + now.saturating_sub(event.arrived_local_us)
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

    fn event(seq: u64, is_playing: bool, position_us: i64, arrived_local_us: i64) -> Snapshot {
        Snapshot {
            song_id: Some(3),
            arrival: Some(PlaybackArrival {
                seq,
                song_id: Some(3),
                is_playing,
                waiting: false,
                position_us,
                room_clock_us: 0,
                arrived_local_us,
            }),
            ..Snapshot::default()
        }
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
