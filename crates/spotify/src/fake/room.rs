//! A room for the tests and the bench: a scripted timeline on the local clock (play, pause,
//! resume, seek, next song) and the real follower (`listener::SyncedFollower` with
//! `DriftConfig::spotify()`) ticking a player every 20 ms, as the app does.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use listener::{CorrectionKind, Player, Snapshot, SyncedFollower};
use room_core::SongSource;
use room_core::protocol::{SongId, SongView};
use sync_client::{LocalClock, SongTarget};
use sync_core::{DriftConfig, Target};
use tokio::task::JoinHandle;

/// A room's playback on the listener's local clock (the clock estimate taken as exact: what is
/// measured here is the Spotify leg, not the clock sync).
#[derive(Debug, Clone)]
pub struct ScriptedRoom {
    /// Bumped by every change of the room (song, pause, resume, seek).
    epoch: u64,
    song: Option<SongView>,
    playing: bool,
    anchor_us: i64,
    anchor_pos_us: i64,
}

/// A Spotify song entry for `track_id`.
pub fn spotify_song(song_id: SongId, track_id: &str) -> SongView {
    SongView {
        id: song_id,
        source: SongSource::Spotify {
            track_id: track_id.to_owned(),
        },
        url: Some(format!("https://open.spotify.com/track/{track_id}")),
        title: format!("track {track_id}"),
        artist: None,
        album: None,
        duration_us: None,
        added_by: 1,
        added_by_name: "host".to_owned(),
        added_at_us: 0,
    }
}

impl Default for ScriptedRoom {
    fn default() -> Self {
        Self::new()
    }
}

impl ScriptedRoom {
    /// Nothing playing.
    pub fn new() -> Self {
        Self {
            epoch: 0,
            song: None,
            playing: false,
            anchor_us: 0,
            anchor_pos_us: 0,
        }
    }

    /// Makes `song` current, playing from `position_us` at `now_us`.
    pub fn play_song(&mut self, song: SongView, now_us: i64, position_us: i64) {
        self.epoch += 1;
        self.song = Some(song);
        self.playing = true;
        self.anchor_us = now_us;
        self.anchor_pos_us = position_us;
    }

    pub fn pause(&mut self, now_us: i64) {
        self.epoch += 1;
        self.anchor_pos_us = self.position_at(now_us);
        self.anchor_us = now_us;
        self.playing = false;
    }

    pub fn resume(&mut self, now_us: i64) {
        self.epoch += 1;
        self.anchor_pos_us = self.position_at(now_us);
        self.anchor_us = now_us;
        self.playing = true;
    }

    pub fn seek(&mut self, now_us: i64, position_us: i64) {
        self.epoch += 1;
        self.anchor_us = now_us;
        self.anchor_pos_us = position_us;
    }

    /// No song.
    pub fn clear(&mut self) {
        self.epoch += 1;
        self.song = None;
        self.playing = false;
    }

    /// Changes with every change of the room.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn is_playing(&self) -> bool {
        self.playing && self.song.is_some()
    }

    pub fn song(&self) -> Option<&SongView> {
        self.song.as_ref()
    }

    /// Where the room's timeline is at `now_us`.
    pub fn position_at(&self, now_us: i64) -> i64 {
        if self.playing {
            self.anchor_pos_us + (now_us - self.anchor_us)
        } else {
            self.anchor_pos_us
        }
    }

    /// What a follower sees at `now_us`.
    pub fn snapshot(&self, now_us: i64) -> Snapshot {
        let Some(song) = &self.song else {
            return Snapshot {
                synced: true,
                clock_samples: 100,
                ..Snapshot::default()
            };
        };
        let position_us = self.position_at(now_us);
        let target = if self.playing {
            Target::Playing { position_us }
        } else {
            Target::Paused { position_us }
        };
        Snapshot {
            target: Some(SongTarget {
                song_id: song.id,
                target,
            }),
            synced: true,
            skew_ppm: 0.0,
            clock_samples: 100,
            song_id: Some(song.id),
            song: Some(song.clone()),
            waiting: false,
            arrival: None,
        }
    }
}

/// What the follow loop counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowCounts {
    pub ticks: u64,
    /// Ticks where the follower moved the player (starts, seeks, resyncs).
    pub jumps: u64,
}

/// The follower ticking `player` every 20 ms against `room`, on a Tokio task, until dropped.
///
/// With `renew_on_change`, every change of the room (song, pause, resume, seek) gets a fresh
/// follower. `SyncedFollower` sees a room seek while playing only as a large error and answers
/// it with a drift jump, which it ignores during the cooldown after the previous jump (8 s for
/// Spotify, doubling up to 60 s when jumps come back to back): a room seek shortly after a
/// corrective jump is then followed up to a minute late. Renewing the follower on room changes
/// is what the follower should do itself (a room seek is not drift); the bench can measure both.
pub struct FollowLoop<P: Player + Send + 'static> {
    pub room: Arc<Mutex<ScriptedRoom>>,
    pub player: Arc<Mutex<P>>,
    counts: Arc<Mutex<FollowCounts>>,
    task: JoinHandle<()>,
}

impl<P: Player + Send + 'static> FollowLoop<P> {
    /// Follows with `config` (the app uses [`DriftConfig::spotify`] for Spotify).
    pub fn spawn(player: P, clock: Arc<dyn LocalClock>, config: DriftConfig) -> Self {
        Self::spawn_with(player, clock, config, true)
    }

    /// As [`spawn`](Self::spawn), choosing whether room changes renew the follower.
    pub fn spawn_with(
        player: P,
        clock: Arc<dyn LocalClock>,
        config: DriftConfig,
        renew_on_change: bool,
    ) -> Self {
        let room = Arc::new(Mutex::new(ScriptedRoom::new()));
        let player = Arc::new(Mutex::new(player));
        let counts = Arc::new(Mutex::new(FollowCounts::default()));
        let task = {
            let (room, player, counts) = (room.clone(), player.clone(), counts.clone());
            tokio::spawn(async move {
                let mut follower = SyncedFollower::new(config.clone());
                let mut epoch = 0;
                let mut tick = tokio::time::interval(Duration::from_millis(20));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let now = clock.now_us();
                    let (snapshot, now_epoch) = {
                        let r = room.lock().unwrap_or_else(PoisonError::into_inner);
                        (r.snapshot(now), r.epoch())
                    };
                    if renew_on_change && now_epoch != epoch {
                        follower = SyncedFollower::new(config.clone());
                    }
                    epoch = now_epoch;
                    let mut p = player.lock().unwrap_or_else(PoisonError::into_inner);
                    let report = follower.tick(now, &snapshot, &mut *p);
                    drop(p);
                    let mut c = counts.lock().unwrap_or_else(PoisonError::into_inner);
                    c.ticks += 1;
                    c.jumps += u64::from(report.correction == CorrectionKind::Jump);
                }
            })
        };
        Self {
            room,
            player,
            counts,
            task,
        }
    }

    /// Changes the room (the next tick sees it).
    pub fn with_room<R>(&self, f: impl FnOnce(&mut ScriptedRoom) -> R) -> R {
        f(&mut self.room.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Reads the player.
    pub fn with_player<R>(&self, f: impl FnOnce(&mut P) -> R) -> R {
        f(&mut self.player.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn counts(&self) -> FollowCounts {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<P: Player + Send + 'static> Drop for FollowLoop<P> {
    fn drop(&mut self) {
        self.task.abort();
    }
}
