//! Following the room timeline through the clock estimate, with drift control.
//!
//! The player runs on the local clock, which runs `skew` ppm fast against the room's: the rate
//! it needs to hold still is `-skew`, which the clock estimate already knows. That part is fed
//! forward; the drift controller trims (and learns) only what remains: the device's own drift
//! and the estimate's error. Without it the controller would see a steady drift of the whole
//! skew, and a skew of a few hundred ppm keeps it trimming in a sawtooth between its
//! thresholds instead of settling.
//!
//! # A start is provisional while the clock estimate is young
//! The player starts as soon as the estimate is synced (4 samples, a few tenths of a second
//! after connecting), so a listener is heard at once. On a path with tens of milliseconds of
//! jitter that first estimate can be 15-30 ms off the one the burst of pings ends with: just
//! under the drift controller's 20 ms jump threshold, so only rate trims (at most 500 ppm, i.e.
//! 0.5 ms per second) would remove it, over tens of seconds. The estimate's reported uncertainty
//! cannot tell when to correct: it is half the round trip (about 60 ms on a 120 ms path) and
//! stays there, because it bounds the path's asymmetry, which no number of samples reduces.
//! What improves is how close the best sample is to the path's floor: the excess of the
//! smallest of `n` jittered round trips shrinks about like `1 / n`. So a start made on fewer
//! than [`PROVISIONAL_SAMPLES`] (the burst of pings after connecting) is judged again each time
//! the number of samples has doubled, and once more when it reaches that many, and re-made with
//! a jump if the player is more than [`PROVISIONAL_REARM_US`] off the target. From 4 samples that
//! is at most two jumps (at 8 and 16 samples), both within the burst, about a second after
//! connecting; after that only the drift controller corrects, so nothing can oscillate.

use sync_core::{Correction, DriftConfig, DriftController, Target};

use super::{Activity, CorrectionKind, ReadyReporter, Snapshot, TickReport};
use crate::player::Player;

/// A scheduled start is re-armed when the estimate moves it by more than this.
const REARM_US: i64 = 100;
/// The fed-forward rate never exceeds this (ppm): a skew estimate beyond it is nonsense.
const MAX_FEED_FORWARD_PPM: f64 = 1_000.0;
/// A start made on fewer clock samples than this (the estimator's burst after connecting) is
/// provisional: see the module docs.
pub const PROVISIONAL_SAMPLES: usize = 16;
/// A provisional start is re-made when the player is further than this from the target once
/// the samples have doubled: a jump this small, this early, is not worth a second of trims.
pub const PROVISIONAL_REARM_US: i64 = 2_000;
/// The room's position moving by this much more (or less) than the time that passed is a seek
/// in the room, not drift: it is followed at once, whatever the drift controller's hold-off.
pub const ROOM_JUMP_US: i64 = 250_000;

#[derive(Debug)]
pub struct SyncedFollower {
    drift: DriftController,
    ready: ReadyReporter,
    /// The (local instant, position) the player is armed to start at.
    armed: Option<(i64, i64)>,
    /// While the start is provisional: the clock samples it rests on.
    provisional: Option<usize>,
    /// The last (local instant, target position) while playing, to tell a room seek from drift.
    last_target: Option<(i64, i64)>,
}

impl SyncedFollower {
    /// Follows with `config`'s thresholds (use [`DriftConfig::local_audio`] for a player that
    /// can hold a millisecond).
    pub fn new(config: DriftConfig) -> Self {
        Self {
            drift: DriftController::new(config),
            ready: ReadyReporter::default(),
            armed: None,
            provisional: None,
            last_target: None,
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
                    self.provisional = provisional(room.clock_samples);
                    report.correction = CorrectionKind::Jump;
                }
                self.last_target = None;
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
                    self.provisional = provisional(room.clock_samples);
                    report.correction = CorrectionKind::Jump;
                    return report;
                }
                self.armed = None;
                let previous = self.last_target.replace((now, position_us));
                if let Some((then, was)) = previous
                    && ((position_us - was) - (now - then)).abs() > ROOM_JUMP_US
                {
                    // The room seeked (its message arrived after the change took effect).
                    player.seek(now, position_us);
                    player.set_rate_ppm(now, feed_forward);
                    self.drift.reset();
                    report.correction = CorrectionKind::Jump;
                    return report;
                }
                let rendered = player.rendered_position(now).unwrap_or(position_us);
                if self.remake_provisional_start(room.clock_samples, rendered - position_us) {
                    player.seek(now, position_us);
                    player.set_rate_ppm(now, feed_forward);
                    self.drift.reset();
                    report.correction = CorrectionKind::Jump;
                    return report;
                }
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

    /// Whether a provisional start should be re-made now, `error_us` (rendered - target) off,
    /// with the estimate resting on `samples`: once the samples have doubled since the start,
    /// or reached [`PROVISIONAL_SAMPLES`] (see the module docs). Each such point is judged once;
    /// the start stops being provisional when it rests on [`PROVISIONAL_SAMPLES`], or when the
    /// count drops (a new connection: its first samples are no better than the mapping the
    /// player already follows).
    fn remake_provisional_start(&mut self, samples: usize, error_us: i64) -> bool {
        let Some(rested_on) = self.provisional else {
            return false;
        };
        if samples < rested_on {
            self.provisional = None;
            return false;
        }
        if samples < rested_on.max(1).saturating_mul(2).min(PROVISIONAL_SAMPLES) {
            return false;
        }
        self.provisional = provisional(samples);
        error_us.abs() > PROVISIONAL_REARM_US
    }

    /// A new song or a stop: readings of the old one mean nothing now.
    fn forget(&mut self) {
        self.armed = None;
        self.last_target = None;
        self.provisional = None;
        self.drift.reset();
    }
}

/// A start made on `samples` clock samples is provisional while they are fewer than
/// [`PROVISIONAL_SAMPLES`].
fn provisional(samples: usize) -> Option<usize> {
    (samples < PROVISIONAL_SAMPLES).then_some(samples)
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
    fn a_room_seek_is_followed_at_once_even_right_after_a_corrective_jump() {
        // Spotify's thresholds hold off for seconds after a jump; a seek in the room must not
        // wait for that.
        let mut f = SyncedFollower::new(DriftConfig::spotify());
        let mut player = VirtualPlayer::new();
        let mut t = 0;
        // Playing, then the player is found 2 s off: a corrective jump.
        for _ in 0..50 {
            f.tick(t, &room(Target::Playing { position_us: t }), &mut player);
            t += 20 * MS;
        }
        player.seek(t, t + 2 * S);
        let mut jumped = false;
        for _ in 0..100 {
            let r = f.tick(t, &room(Target::Playing { position_us: t }), &mut player);
            jumped |= r.correction == CorrectionKind::Jump;
            t += 20 * MS;
        }
        assert!(jumped, "the 2 s error was never corrected");
        // The room seeks 30 s ahead: the very next tick follows it.
        let r = f.tick(
            t,
            &room(Target::Playing {
                position_us: t + 30 * S,
            }),
            &mut player,
        );
        assert_eq!(r.correction, CorrectionKind::Jump);
        assert_eq!(player.rendered_position(t), Some(t + 30 * S));
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

    /// A clock estimate on synthetic time: one sample every 50 ms from 4 at `t = 0` (the burst),
    /// one a second from 16 on; the room's timeline seen through it is off by `error(samples)`.
    fn young_estimate(t: i64, error: impl Fn(usize) -> i64) -> Snapshot {
        let samples = if t < 600 * MS {
            4 + usize::try_from(t / (50 * MS)).unwrap_or(0)
        } else {
            16 + usize::try_from((t - 600 * MS) / S).unwrap_or(0)
        };
        let mut r = room(Target::Playing {
            position_us: 30 * S + t + error(samples),
        });
        r.clock_samples = samples;
        r
    }

    #[test]
    fn a_start_on_a_young_estimate_is_remade_when_the_samples_double() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        // 4-7 samples: 25 ms off; 8-15: 6 ms off, so the target moves 19 ms at 8 samples, just
        // under the drift controller's 20 ms jump threshold; from 16 on: right, give or take
        // 1.5 ms of noise.
        let error = |n: usize| match n {
            0..=7 => 25 * MS,
            8..=15 => 6 * MS,
            _ => [0, 1_500, -1_500][n % 3],
        };
        let mut jumps = Vec::new();
        let mut t = 0;
        while t < 30 * S {
            let r = f.tick(t, &young_estimate(t, error), &mut player);
            if r.correction == CorrectionKind::Jump {
                jumps.push(t);
            }
            if t >= 600 * MS {
                let heard = player.rendered_position(t).unwrap_or(0) - (30 * S + t);
                assert!(heard.abs() <= 2 * MS, "{heard} us off at {t} us");
            }
            t += 20 * MS;
        }
        // The start, then once at 8 samples (t = 200 ms) and once at 16 (t = 600 ms); the noise
        // after that is left to the drift controller.
        assert_eq!(jumps, vec![0, 200 * MS, 600 * MS]);
    }

    #[test]
    fn a_start_on_more_samples_is_judged_again_when_the_burst_completes() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        // Started on 10 samples (t = 300 ms), 5 ms off; right from 16 on (t = 600 ms), not 20.
        let error = |n: usize| if n < 16 { 5 * MS } else { 0 };
        let mut jumps = Vec::new();
        let mut t = 300 * MS;
        while t < 20 * S {
            let r = f.tick(t, &young_estimate(t, error), &mut player);
            if r.correction == CorrectionKind::Jump {
                jumps.push(t);
            }
            t += 20 * MS;
        }
        assert_eq!(jumps, vec![300 * MS, 600 * MS]);
    }

    #[test]
    fn provisional_restarts_are_bounded_whatever_the_estimate_does() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        // An estimate that swings 16 ms with every sample, forever.
        let error = |n: usize| if n.is_multiple_of(2) { 8 * MS } else { -8 * MS };
        let mut jumps = 0;
        let mut t = 0;
        while t < 60 * S {
            let r = f.tick(t, &young_estimate(t, error), &mut player);
            jumps += usize::from(r.correction == CorrectionKind::Jump);
            t += 20 * MS;
        }
        assert!(
            jumps <= 3,
            "{jumps} jumps: the start and at most two re-starts"
        );
    }

    #[test]
    fn a_new_connection_ends_the_provisional_start() {
        let mut f = SyncedFollower::new(DriftConfig::local_audio());
        let mut player = VirtualPlayer::new();
        let at = |t: i64, samples: usize, error: i64| {
            let mut r = room(Target::Playing {
                position_us: 30 * S + t + error,
            });
            r.clock_samples = samples;
            r
        };
        assert_eq!(
            f.tick(0, &at(0, 4, 0), &mut player).correction,
            CorrectionKind::Jump
        );
        f.tick(20 * MS, &at(20 * MS, 6, 0), &mut player);
        // Reconnected: the new session's samples count from 0, and its estimate differs by 5 ms.
        let mut jumps = 0;
        for k in 2..100 {
            let samples = usize::try_from(k - 2).unwrap_or(0).min(20);
            let r = f.tick(k * 20 * MS, &at(k * 20 * MS, samples, 5 * MS), &mut player);
            jumps += usize::from(r.correction == CorrectionKind::Jump);
        }
        assert_eq!(jumps, 0, "a new session's first estimate re-made the start");
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
