//! Following the room timeline through the clock estimate, with drift control.
//!
//! The player runs on the local clock, which runs `skew` ppm fast against the room's: the rate
//! it needs to hold still is `-skew`, which the clock estimate already knows. That part is fed
//! forward; the drift controller trims (and learns) only what remains: the device's own drift
//! and the estimate's error. Without it the controller would see a steady drift of the whole
//! skew, and a skew of a few hundred ppm keeps it trimming in a sawtooth between its
//! thresholds instead of settling.

use sync_core::{Correction, DriftConfig, DriftController, Target};

use super::{Activity, CorrectionKind, ReadyReporter, Snapshot, TickReport};
use crate::player::Player;

/// A scheduled start is re-armed when the estimate moves it by more than this.
const REARM_US: i64 = 100;
/// The fed-forward rate never exceeds this (ppm): a skew estimate beyond it is nonsense.
const MAX_FEED_FORWARD_PPM: f64 = 1_000.0;

#[derive(Debug)]
pub struct SyncedFollower {
    drift: DriftController,
    ready: ReadyReporter,
    /// The (local instant, position) the player is armed to start at.
    armed: Option<(i64, i64)>,
}

impl SyncedFollower {
    /// Follows with `config`'s thresholds (use [`DriftConfig::local_audio`] for a player that
    /// can hold a millisecond).
    pub fn new(config: DriftConfig) -> Self {
        Self {
            drift: DriftController::new(config),
            ready: ReadyReporter::default(),
            armed: None,
        }
    }

    pub fn tick(&mut self, now: i64, room: &Snapshot, player: &mut dyn Player) -> TickReport {
        let send_ready = self.ready.check(room, player);
        let feed_forward = (-room.skew_ppm)
            .clamp(-MAX_FEED_FORWARD_PPM, MAX_FEED_FORWARD_PPM)
            .round() as i32;
        let mut report = TickReport {
            send_ready,
            ..TickReport::idle()
        };
        let Some(song_target) = room.target else {
            if room.song_id.is_none() {
                player.stop();
                self.forget();
            } else {
                // Playing, but the clock is not known yet: wait for the estimate.
                report.activity = Activity::Waiting;
                report.song_id = room.song_id;
            }
            return report;
        };
        let song_id = song_target.song_id;
        report.song_id = Some(song_id);
        if player.loaded() != Some(song_id) {
            if !player.load(song_id, room.song_info(song_id)) {
                report.activity = Activity::Waiting;
                return report;
            }
            self.forget();
        }
        match song_target.target {
            Target::Paused { position_us } => {
                if player.is_playing() || player.rendered_position(now) != Some(position_us) {
                    player.pause(now);
                    player.seek(now, position_us);
                    report.correction = CorrectionKind::Jump;
                }
                self.forget();
                report.target_us = Some(position_us);
                report.activity = if room.waiting {
                    Activity::Waiting
                } else {
                    Activity::Paused
                };
            }
            Target::Scheduled {
                position_us,
                start_at_local_us,
                start_position_us,
            } => {
                let rearm = self.armed.is_none_or(|(at, pos)| {
                    (at - start_at_local_us).abs() > REARM_US || pos != start_position_us
                });
                if rearm || !player.is_playing() {
                    player.start_at(start_at_local_us, start_position_us);
                    player.set_rate_ppm(now, feed_forward);
                    self.armed = Some((start_at_local_us, start_position_us));
                    self.drift.reset();
                    report.correction = CorrectionKind::Jump;
                }
                report.target_us = Some(position_us);
                report.activity = Activity::Waiting;
            }
            Target::Playing { position_us } => {
                report.target_us = Some(position_us);
                report.activity = Activity::Playing;
                if !player.is_playing() {
                    if !room.synced {
                        // Start on a trustworthy estimate rather than jump right after.
                        report.activity = Activity::Waiting;
                        return report;
                    }
                    player.start_at(now, position_us);
                    player.set_rate_ppm(now, feed_forward);
                    self.drift.reset();
                    report.correction = CorrectionKind::Jump;
                    return report;
                }
                self.armed = None;
                let rendered = player.rendered_position(now).unwrap_or(position_us);
                report.correction = match self.drift.update(now, rendered, position_us) {
                    Correction::None => {
                        player.set_rate_ppm(now, feed_forward);
                        CorrectionKind::None
                    }
                    Correction::Rate { ppm } => {
                        player.set_rate_ppm(now, feed_forward.saturating_add(ppm));
                        CorrectionKind::Trim
                    }
                    Correction::Jump { position_us } => {
                        player.seek(now, position_us);
                        player.set_rate_ppm(now, feed_forward);
                        CorrectionKind::Jump
                    }
                };
                report.error_us = self.drift.smoothed_error_us();
            }
        }
        report
    }

    /// A new song or a stop: readings of the old one mean nothing now.
    fn forget(&mut self) {
        self.armed = None;
        self.drift.reset();
    }
}

#[cfg(test)]
mod tests {
    use sync_client::SongTarget;

    use super::*;
    use crate::player::VirtualPlayer;

    const MS: i64 = 1_000;
    const S: i64 = 1_000_000;

    fn room(target: Target) -> Snapshot {
        Snapshot {
            target: Some(SongTarget { song_id: 7, target }),
            synced: true,
            song_id: Some(7),
            ..Snapshot::default()
        }
    }

    #[test]
    fn starts_then_trims_a_fast_player_back_onto_the_timeline() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        // The room's position runs 300 ppm slower than this clock: a steady drift to trim.
        let target = |t: i64| (t as f64 * (1.0 - 300e-6)) as i64;
        let mut t = 0;
        let mut last = None;
        while t < 60 * S {
            let r = f.tick(
                t,
                &room(Target::Playing {
                    position_us: target(t),
                }),
                &mut player,
            );
            last = Some(r);
            t += 20 * MS;
        }
        let error = player.rendered_position(t).unwrap_or(0) - target(t);
        assert!(error.abs() < MS, "still off by {error} us after a minute");
        assert_eq!(last.map(|r| r.activity), Some(Activity::Playing));
        assert!(player.rate_ppm() < -100, "rate {}", player.rate_ppm());
    }

    #[test]
    fn the_known_clock_skew_is_fed_forward_so_no_trim_is_needed() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        // The local clock runs 300 ppm fast, and the estimate knows it.
        let target = |t: i64| (t as f64 / (1.0 + 300e-6)) as i64;
        let mut snapshot = room(Target::Playing { position_us: 0 });
        snapshot.skew_ppm = 300.0;
        let mut t = 0;
        let mut trims = 0;
        while t < 20 * S {
            snapshot.target = Some(SongTarget {
                song_id: 7,
                target: Target::Playing {
                    position_us: target(t),
                },
            });
            trims +=
                usize::from(f.tick(t, &snapshot, &mut player).correction == CorrectionKind::Trim);
            t += 20 * MS;
        }
        let error = player.rendered_position(t).unwrap_or(0) - target(t);
        assert!(error.abs() < 100, "off by {error} us");
        assert_eq!(trims, 0);
        assert_eq!(player.rate_ppm(), -300);
    }

    #[test]
    fn arms_a_scheduled_start_and_holds_a_pause() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        let scheduled = Target::Scheduled {
            position_us: 29 * S,
            start_at_local_us: 5 * S,
            start_position_us: 30 * S,
        };
        let r = f.tick(4 * S, &room(scheduled), &mut player);
        assert_eq!(
            (r.activity, r.correction),
            (Activity::Waiting, CorrectionKind::Jump)
        );
        assert_eq!(
            player.rendered_position(5 * S + 500 * MS),
            Some(30 * S + 500 * MS)
        );
        // Re-asked with the same schedule: nothing changes.
        let r = f.tick(4 * S + 20 * MS, &room(scheduled), &mut player);
        assert_eq!(r.correction, CorrectionKind::None);

        let r = f.tick(
            6 * S,
            &room(Target::Paused {
                position_us: 31 * S,
            }),
            &mut player,
        );
        assert_eq!(r.activity, Activity::Paused);
        assert!(!player.is_playing());
        assert_eq!(player.rendered_position(9 * S), Some(31 * S));
    }

    #[test]
    fn waits_for_the_clock_and_reports_ready_once_per_song() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        let mut waiting = Snapshot {
            target: Some(SongTarget {
                song_id: 9,
                target: Target::Paused { position_us: 0 },
            }),
            synced: true,
            song_id: Some(9),
            waiting: true,
            ..Snapshot::default()
        };
        assert_eq!(f.tick(0, &waiting, &mut player).send_ready, Some(9));
        assert_eq!(f.tick(20 * MS, &waiting, &mut player).send_ready, None);
        assert_eq!(player.loaded(), Some(9));

        waiting.waiting = false;
        waiting.synced = false;
        waiting.target = Some(SongTarget {
            song_id: 9,
            target: Target::Playing { position_us: 0 },
        });
        let r = f.tick(40 * MS, &waiting, &mut player);
        assert_eq!(r.activity, Activity::Waiting);
        assert!(!player.is_playing(), "started on an unsynced clock");
    }
}
