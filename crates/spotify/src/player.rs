//! The listener's Spotify client as the follower sees it: a [`Player`] whose real player is a
//! Spotify Connect device driven through the Web API.
//!
//! The follower calls the trait's methods every 20 ms from its loop and they must never block,
//! so [`SpotifyPlayer`] only keeps a model of what it was told (a [`VirtualPlayer`]: the room
//! timeline as the follower gave it) and hands the wish to its own worker task
//! (`player/worker.rs`), which turns it into requests one at a time:
//!
//! - **start** (`start_at`, or a resume): `PUT /me/player/play` with the track's uri and
//!   `position_ms` = the model's position at *send + lead*, sent at *start − lead*, where lead
//!   is half the measured round trip of commands plus the device's learned start lag (the time
//!   it takes to buffer, learned from the first progress reading after each start). A scheduled
//!   start is sent that much before its instant.
//! - **seek** while playing: `PUT /me/player/seek`, compensated the same way; while paused only
//!   the model moves (the next start carries the position: one request instead of two).
//! - **pause** / **stop**: `PUT /me/player/pause` (a `403 Restriction violated`, already
//!   paused, counts as done).
//! - **progress**: while a track of ours plays, `GET /me/player` every `poll_interval` (the
//!   first `first_poll_after` after a command is acknowledged). A reading sent after the
//!   command settled, with no command since, for our track, becomes the measurement: the
//!   device's position is `progress_ms` at *send + round trip / 2* (when Spotify read it),
//!   extrapolated at the nominal rate.
//!
//! [`Player::rendered_position`] is that measurement extrapolated to now while it is fresh, and
//! the model otherwise: while a command is in flight or waiting, while a start is scheduled,
//! while rate limited or failing (so a slow or unreachable device is never mistaken for drift
//! and answered with another seek).
//!
//! # No seek storm
//! The follower (with `sync_core::DriftConfig::spotify()`) seeks only beyond 500 ms, confirmed
//! twice, at least 8 s apart. On top of that the adapter tells a *corrective* seek (to within
//! [`PlayerConfig::corrective_seek_max`] of where the model already is: the follower fixing the
//! device, not the room moving) from a room seek, and drops a corrective one while a command is
//! in flight or waiting, or within [`PlayerConfig::min_seek_gap`] of the last command sent.
//! After each start or seek it may make one settling seek of its own when the first reading is
//! off by more than [`PlayerConfig::settle_threshold`]. A corrective seek held back is not lost:
//! once the gap has passed, the worker makes it itself if the latest reading still shows the
//! device off by more than that threshold (the follower, meanwhile, waits out its cooldown). Errors park the worker (rate limit:
//! until `Retry-After`; no device: 5 s; network: backoff to 5 s; not Premium / not connected:
//! until the account or the song changes), and while parked the follower sees the model, so it
//! asks for nothing.
//!
//! Spotify cannot change its playback rate: `set_rate_ppm` changes the model only.

mod worker;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use listener::{Player, VirtualPlayer};
use room_core::SongSource;
use room_core::protocol::{SongId, SongView};
use sync_client::LocalClock;
use tokio::sync::Notify;

use crate::account::Spotify;
use crate::status::{SpotifyNotice, SpotifyStatus};

/// How the adapter drives the device.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerConfig {
    /// Progress readings while a track of ours plays.
    pub poll_interval: Duration,
    /// The first reading after a command is acknowledged (the device has started by then).
    pub first_poll_after: Duration,
    /// A reading is used for this long.
    pub fresh_for: Duration,
    /// No corrective seek within this of the last command.
    pub min_seek_gap: Duration,
    /// A seek to within this of the model's position is corrective (see the module docs).
    pub corrective_seek_max: Duration,
    /// After a start or seek, one settling seek when the first reading is off by more; also
    /// how far off a held-back correction must still be to be made later. `None`: the adapter
    /// never seeks on its own.
    pub settle_threshold: Option<Duration>,
    /// Send commands early and positions ahead by the measured latency and device lag.
    /// `false`: position computed at request time (the naive baseline).
    pub compensate_latency: bool,
    /// Poll progress and report it. `false`: the model only (the naive baseline).
    pub measure: bool,
    /// The device's start lag before any is learned.
    pub initial_play_lag: Duration,
    /// The device's seek lag before any is learned.
    pub initial_seek_lag: Duration,
    /// An automatically chosen device is looked up again after this.
    pub device_cache: Duration,
    /// Retry after "no device" this long.
    pub no_device_retry: Duration,
    /// Retries after network or server errors back off up to this.
    pub max_backoff: Duration,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(1_500),
            first_poll_after: Duration::from_millis(500),
            fresh_for: Duration::from_millis(3_500),
            min_seek_gap: Duration::from_secs(3),
            corrective_seek_max: Duration::from_millis(250),
            settle_threshold: Some(Duration::from_millis(150)),
            compensate_latency: true,
            measure: true,
            initial_play_lag: Duration::ZERO,
            initial_seek_lag: Duration::ZERO,
            device_cache: Duration::from_secs(60),
            no_device_retry: Duration::from_secs(5),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl PlayerConfig {
    /// The baseline the bench compares with: `play` with `position_ms` computed when the
    /// request is made, no latency compensation, no progress readings, no corrections.
    pub fn naive() -> Self {
        Self {
            settle_threshold: None,
            compensate_latency: false,
            measure: false,
            ..Self::default()
        }
    }
}

/// What the adapter did, for telemetry and the bench.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlayerStats {
    pub plays: u64,
    pub seeks: u64,
    pub pauses: u64,
    pub polls: u64,
    /// Other requests (profile, devices).
    pub lookups: u64,
    /// Seeks the adapter made on its own after a start that landed off.
    pub settle_seeks: u64,
    /// Corrective seeks the adapter's own limit held back (in flight, or too soon).
    pub seeks_suppressed: u64,
    /// Held-back corrections the adapter made later, once allowed and still needed.
    pub deferred_corrections: u64,
    pub errors: u64,
}

impl PlayerStats {
    /// Requests sent to the Web API.
    pub fn requests(&self) -> u64 {
        self.plays + self.seeks + self.pauses + self.polls + self.lookups
    }
}

/// What the device should do, as the follower last said.
#[derive(Debug, Clone, Default)]
pub(crate) struct Desired {
    pub track: Option<String>,
    /// The room timeline as the follower gave it (positions on the local clock).
    pub model: VirtualPlayer,
    pub playing: bool,
    /// Local instant the last start or seek takes effect.
    pub start_at_us: i64,
    /// Bumped by every change that needs a command (start, seek while playing, pause, stop,
    /// another track).
    pub move_gen: u64,
}

/// A progress reading, accepted (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Measured {
    pub track: Option<String>,
    pub playing: bool,
    pub progress_us: i64,
    /// Local instant Spotify read it (send + round trip / 2).
    pub at_us: i64,
    /// Not yet looked at by the worker (learning, settling).
    pub new: bool,
}

/// Shared by the adapter and its worker (held for microseconds at a time).
#[derive(Debug, Default)]
pub(crate) struct Core {
    pub desired: Desired,
    pub closed: bool,
    pub status: SpotifyStatus,
    pub notices: Vec<SpotifyNotice>,
    /// A command is on its way.
    pub in_flight: bool,
    /// The `move_gen` the device has been brought to.
    pub applied_move: u64,
    /// Local instant the last command was sent.
    pub last_command_us: Option<i64>,
    pub measured: Option<Measured>,
    /// The last reading showed the device not playing our track (paused or changed in the
    /// Spotify app, or playback moved elsewhere).
    pub diverged: bool,
    /// A corrective seek was held back: the worker makes it once allowed, if still needed.
    pub correction_wanted: bool,
    pub stats: PlayerStats,
    /// Learned: round trips (GET, commands) and device lags (play, seek), µs.
    pub rtt_get_us: Option<f64>,
    pub rtt_command_us: Option<f64>,
    pub lag_play_us: f64,
    pub lag_seek_us: f64,
    pub lag_play_samples: u32,
    pub lag_seek_samples: u32,
}

impl Core {
    pub fn set_status(&mut self, status: SpotifyStatus) {
        if self.status != status {
            let rate_limited_again = matches!(
                (&self.status, &status),
                (
                    SpotifyStatus::RateLimited { .. },
                    SpotifyStatus::RateLimited { .. }
                )
            );
            if !rate_limited_again {
                if self.notices.len() >= 32 {
                    self.notices.remove(0);
                }
                self.notices.push(SpotifyNotice {
                    message: status.human_message(),
                    status: status.clone(),
                });
            }
            self.status = status;
        }
    }
}

pub(crate) struct Shared {
    core: Mutex<Core>,
    pub wake: Notify,
}

impl Shared {
    pub fn core(&self) -> MutexGuard<'_, Core> {
        self.core.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The Spotify [`Player`]. Made by [`Spotify::player`]; dropping it stops its worker (pausing
/// the device if it plays one of ours).
pub struct SpotifyPlayer {
    shared: Arc<Shared>,
    clock: Arc<dyn LocalClock>,
    config: PlayerConfig,
    model: VirtualPlayer,
    song_id: Option<SongId>,
    track: Option<String>,
    /// Local instant of the last corrective seek let through.
    last_corrective_us: Option<i64>,
}

impl fmt::Debug for SpotifyPlayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpotifyPlayer")
            .field("track", &self.track)
            .field("model", &self.model)
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

/// The Spotify track of a song, if it is one.
pub fn track_of(song: Option<&SongView>) -> Option<String> {
    match &song?.source {
        SongSource::Spotify { track_id } if crate::types::is_spotify_id(track_id) => {
            Some(track_id.clone())
        }
        _ => None,
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 4)
}

impl SpotifyPlayer {
    /// A player on `spotify`'s account and device choice, with its worker spawned on the
    /// current Tokio runtime.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub(crate) fn spawn(
        spotify: &Spotify,
        clock: Arc<dyn LocalClock>,
        config: PlayerConfig,
    ) -> Self {
        let core = Core {
            status: spotify.status(),
            lag_play_us: micros(config.initial_play_lag) as f64,
            lag_seek_us: micros(config.initial_seek_lag) as f64,
            ..Core::default()
        };
        let shared = Arc::new(Shared {
            core: Mutex::new(core),
            wake: Notify::new(),
        });
        worker::Worker::spawn(
            spotify.clone(),
            shared.clone(),
            clock.clone(),
            config.clone(),
        );
        Self {
            shared,
            clock,
            config,
            model: VirtualPlayer::new(),
            song_id: None,
            track: None,
            last_corrective_us: None,
        }
    }

    /// The state of Spotify playback, for the UI.
    pub fn status(&self) -> SpotifyStatus {
        self.shared.core().status.clone()
    }

    /// Status changes since the last call, oldest first.
    pub fn take_notices(&self) -> Vec<SpotifyNotice> {
        std::mem::take(&mut self.shared.core().notices)
    }

    pub fn stats(&self) -> PlayerStats {
        self.shared.core().stats
    }

    /// What the adapter has learned: (command round trip, device start lag), if measured.
    pub fn learned_latency(&self) -> (Option<Duration>, Duration) {
        let core = self.shared.core();
        let us = |v: f64| Duration::from_micros(v.max(0.0).round() as u64);
        (
            core.rtt_command_us.or(core.rtt_get_us).map(us),
            us(core.lag_play_us),
        )
    }

    /// The loaded Spotify track.
    pub fn track(&self) -> Option<&str> {
        self.track.as_deref()
    }

    /// Hands the model to the worker; `moved`: the device needs a command.
    fn publish(&mut self, moved: bool, start_at_us: Option<i64>) {
        let mut core = self.shared.core();
        let d = &mut core.desired;
        d.track.clone_from(&self.track);
        d.model = self.model.clone();
        d.playing = self.model.is_playing();
        if let Some(at) = start_at_us {
            d.start_at_us = at;
        }
        if moved {
            d.move_gen += 1;
        }
        drop(core);
        if moved {
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for SpotifyPlayer {
    fn drop(&mut self) {
        self.shared.core().closed = true;
        self.shared.wake.notify_one();
    }
}

impl Player for SpotifyPlayer {
    /// Takes any Spotify track at once (returns `true`): a listener who cannot play it (no
    /// account, no Premium, no device) must not hold the room; [`SpotifyPlayer::status`] says
    /// why it is silent. Anything else is not for this player (`false`).
    fn load(&mut self, song_id: SongId, song: Option<&SongView>) -> bool {
        if self.song_id == Some(song_id) {
            return true;
        }
        let Some(track) = track_of(song) else {
            return false;
        };
        self.model.load(song_id, song);
        self.song_id = Some(song_id);
        self.track = Some(track);
        self.publish(true, Some(self.clock.now_us()));
        true
    }

    fn loaded(&self) -> Option<SongId> {
        self.song_id
    }

    fn start_at(&mut self, local_us: i64, position_us: i64) {
        if self.song_id.is_none() {
            return;
        }
        self.model.start_at(local_us, position_us);
        self.publish(true, Some(local_us));
    }

    fn pause(&mut self, now_us: i64) {
        let was_playing = self.model.is_playing();
        self.model.pause(now_us);
        self.publish(was_playing, None);
    }

    fn seek(&mut self, now_us: i64, position_us: i64) {
        let before = self.model.rendered_position(now_us);
        self.model.seek(now_us, position_us);
        if !self.model.is_playing() {
            // Held in the model; the next start carries it.
            self.publish(false, None);
            return;
        }
        let corrective = before
            .is_some_and(|b| (position_us - b).abs() <= micros(self.config.corrective_seek_max));
        if corrective {
            let mut core = self.shared.core();
            let gap = micros(self.config.min_seek_gap);
            let busy = core.in_flight || core.applied_move != core.desired.move_gen;
            let recent = [core.last_command_us, self.last_corrective_us]
                .into_iter()
                .flatten()
                .any(|t| now_us - t < gap);
            if busy || recent {
                core.stats.seeks_suppressed += 1;
                let first = !core.correction_wanted;
                core.correction_wanted = true;
                drop(core);
                self.publish(false, None);
                if first {
                    self.shared.wake.notify_one();
                }
                return;
            }
            drop(core);
            self.last_corrective_us = Some(now_us);
        }
        let start = self.shared.core().desired.start_at_us.max(now_us);
        self.publish(true, Some(start));
    }

    /// Spotify has no rate control: the model only.
    fn set_rate_ppm(&mut self, now_us: i64, ppm: i32) {
        if ppm != self.model.rate_ppm() {
            self.model.set_rate_ppm(now_us, ppm);
            self.publish(false, None);
        }
    }

    fn rate_ppm(&self) -> i32 {
        self.model.rate_ppm()
    }

    fn rendered_position(&self, now_us: i64) -> Option<i64> {
        let model = self.model.rendered_position(now_us)?;
        if !self.model.is_playing() {
            return Some(model);
        }
        let core = self.shared.core();
        let settled = !core.in_flight
            && core.applied_move == core.desired.move_gen
            && now_us >= core.desired.start_at_us;
        // A device that diverged (paused or changed in the Spotify app) shows as it is, so
        // the follower's own (rate-limited) correction brings it back.
        let fresh = core.measured.as_ref().filter(|m| {
            settled
                && (m.track == self.track || core.diverged)
                && now_us.saturating_sub(m.at_us) <= micros(self.config.fresh_for)
        });
        Some(match fresh {
            Some(m) if m.playing => m.progress_us + (now_us - m.at_us),
            Some(m) => m.progress_us,
            None => model,
        })
    }

    fn is_playing(&self) -> bool {
        self.model.is_playing()
    }

    fn stop(&mut self) {
        let had = self.song_id.is_some();
        self.model.stop();
        self.song_id = None;
        self.track = None;
        self.publish(had, None);
    }
}
