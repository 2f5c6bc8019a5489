//! The adapter's worker: one task per player that brings the device to what the follower
//! wants, one command at a time, reads its progress, learns the latency, and parks on errors.
//! See the parent module for the rules.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use listener::Player as _;
use sync_client::LocalClock;
use tokio::sync::watch;

use super::{Desired, Measured, PlayerConfig, Shared, micros};
use crate::account::Spotify;
use crate::error::SpotifyError;
use crate::status::SpotifyStatus;
use crate::types::{DeviceChoice, pick_device};

/// Smoothing of round-trip and lag estimates (weight of a new sample).
const EWMA: f64 = 0.3;
/// A learned device lag is kept within this.
const MAX_LAG_US: f64 = 2_000_000.0;
/// A pause waits this long for a start that may follow in the same tick (a song change).
const PAUSE_DEBOUNCE: Duration = Duration::from_millis(30);
/// A reading answered 202 is trusted this much later.
const ACCEPTED_LATER_EXTRA: Duration = Duration::from_millis(500);

/// What the device has been brought to.
#[derive(Debug, Clone, Default)]
struct Applied {
    track: Option<String>,
    playing: bool,
    move_gen: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MoveKind {
    Play,
    Seek,
}

/// Who asked for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The follower (applies its wish).
    Follower,
    /// The adapter, settling a start that landed off.
    Settle,
    /// The adapter, making a correction it held back.
    Deferred,
}

/// The first reading after a command teaches its lag (and may call for one settling seek).
#[derive(Debug, Clone, Copy)]
struct Learn {
    kind: MoveKind,
    /// The lag part of the lead used (µs).
    lag_used_us: f64,
    /// Whether a settling seek may still follow.
    may_settle: bool,
}

/// Why the worker waits before trying again.
#[derive(Debug, Clone)]
struct Parked {
    until: Option<Instant>,
    account: u64,
    track: Option<String>,
    /// A new command from the follower ends it too.
    move_gen: Option<u64>,
}

enum Action {
    Prepare,
    Move(MoveKind),
    Pause,
    Idle,
}

pub(super) struct Worker {
    spotify: Spotify,
    shared: Arc<Shared>,
    clock: Arc<dyn LocalClock>,
    config: PlayerConfig,
    account: watch::Receiver<u64>,
    /// The account generation last acted on.
    seen_account: u64,
    applied: Applied,
    /// The device chosen automatically, and when.
    auto_device: Option<(String, String, Instant)>,
    /// The account generation whose product was checked.
    checked_account: Option<u64>,
    parked: Option<Parked>,
    backoff: Duration,
    learn: Option<Learn>,
    next_poll_us: i64,
    poll_in_flight: Arc<AtomicBool>,
}

impl Worker {
    pub(super) fn spawn(
        spotify: Spotify,
        shared: Arc<Shared>,
        clock: Arc<dyn LocalClock>,
        config: PlayerConfig,
    ) {
        let account = spotify.api().account_changes();
        let seen_account = *account.borrow();
        let worker = Self {
            spotify,
            shared,
            clock,
            config,
            account,
            seen_account,
            applied: Applied::default(),
            auto_device: None,
            checked_account: None,
            parked: None,
            backoff: Duration::ZERO,
            learn: None,
            next_poll_us: 0,
            poll_in_flight: Arc::new(AtomicBool::new(false)),
        };
        tokio::spawn(worker.run());
    }

    fn now(&self) -> i64 {
        self.clock.now_us()
    }

    fn desired(&self) -> Desired {
        self.shared.core().desired.clone()
    }

    async fn run(mut self) {
        loop {
            if self.shared.core().closed {
                break;
            }
            let account = *self.account.borrow_and_update();
            if account != self.seen_account {
                self.seen_account = account;
                self.on_account_change();
            }
            self.take_measurement().await;
            let d = self.desired();
            if let Some(deadline) = self.parked_until(&d) {
                self.wait(deadline).await;
                continue;
            }
            match self.next_action(&d) {
                Action::Prepare => {
                    if let Err(e) = self.prepare().await {
                        self.on_error(&e, &d);
                    }
                }
                Action::Move(kind) => {
                    let lead = self.lead_us(kind);
                    let send_at = d.start_at_us - lead.round() as i64;
                    let now = self.now();
                    if send_at > now + 1_000 {
                        self.wait(Some(send_at)).await;
                        continue;
                    }
                    self.do_move(kind).await;
                }
                Action::Pause => {
                    tokio::time::sleep(PAUSE_DEBOUNCE).await;
                    let again = self.desired();
                    if again.move_gen == d.move_gen {
                        self.do_pause(&d).await;
                    }
                }
                Action::Idle => {
                    self.shared.core().applied_move = d.move_gen;
                    self.applied.move_gen = d.move_gen;
                    let correct_at = match self.deferred_correction(&d) {
                        Some(Ok(())) => {
                            self.move_device(MoveKind::Seek, Origin::Deferred).await;
                            continue;
                        }
                        Some(Err(at)) => Some(at),
                        None => None,
                    };
                    let poll_at = self.maybe_poll(&d);
                    let deadline = [correct_at, poll_at].into_iter().flatten().min();
                    self.wait(deadline).await;
                }
            }
        }
        // Closed: leave the device silent if it plays one of ours.
        if self.applied.playing {
            let device = self.device_id();
            let _ = tokio::time::timeout(
                Duration::from_secs(2),
                self.spotify.api().pause(device.as_deref()),
            )
            .await;
        }
    }

    fn on_account_change(&mut self) {
        self.checked_account = None;
        self.auto_device = None;
        self.parked = None;
        self.shared.core().set_status(self.spotify.status());
    }

    /// Waits for a wish, an account change, a reading, or `deadline` (local µs).
    async fn wait(&mut self, deadline: Option<i64>) {
        let sleep = deadline.map_or(Duration::from_secs(3600), |at| {
            Duration::from_micros(u64::try_from(at - self.now()).unwrap_or(0))
        });
        tokio::select! {
            () = self.shared.wake.notified() => {}
            _ = self.account.changed() => {}
            () = tokio::time::sleep(sleep) => {}
        }
    }

    /// When parked: until when (local µs; `Some(far)` when only an event ends it).
    fn parked_until(&mut self, d: &Desired) -> Option<Option<i64>> {
        let p = self.parked.as_ref()?;
        let account = *self.account.borrow();
        let over = p.until.is_some_and(|u| Instant::now() >= u)
            || p.account != account
            || p.track != d.track
            || p.move_gen.is_some_and(|g| g != d.move_gen);
        if over || (d.track.is_none() && !self.applied.playing) {
            self.parked = None;
            return None;
        }
        let now = self.now();
        Some(p.until.map(|u| {
            let left = u.saturating_duration_since(Instant::now());
            now + micros(left)
        }))
    }

    fn next_action(&self, d: &Desired) -> Action {
        let prepared = self.checked_account == Some(*self.account.borrow()) && self.device_known();
        if d.track.is_none() || !d.playing {
            return if self.applied.playing {
                Action::Pause
            } else if d.track.is_some() && !prepared {
                Action::Prepare
            } else {
                Action::Idle
            };
        }
        if !prepared {
            return Action::Prepare;
        }
        if self.applied.track != d.track || !self.applied.playing {
            Action::Move(MoveKind::Play)
        } else if self.applied.move_gen != d.move_gen {
            Action::Move(MoveKind::Seek)
        } else {
            Action::Idle
        }
    }

    fn device_known(&self) -> bool {
        match self.spotify.device_choice() {
            DeviceChoice::Id { .. } => true,
            DeviceChoice::Auto => self
                .auto_device
                .as_ref()
                .is_some_and(|(_, _, at)| at.elapsed() < self.config.device_cache),
        }
    }

    fn device_id(&self) -> Option<String> {
        match self.spotify.device_choice() {
            DeviceChoice::Id { id, .. } => Some(id),
            DeviceChoice::Auto => self.auto_device.as_ref().map(|(id, _, _)| id.clone()),
        }
    }

    fn device_name(&self) -> Option<String> {
        match self.spotify.device_choice() {
            DeviceChoice::Id { name, .. } => Some(name),
            DeviceChoice::Auto => self.auto_device.as_ref().map(|(_, n, _)| n.clone()),
        }
    }

    /// Checks the account can play and finds the device.
    async fn prepare(&mut self) -> Result<(), SpotifyError> {
        let account = *self.account.borrow();
        if self.checked_account != Some(account) {
            let sent = self.now();
            let me = self.spotify.api().me().await;
            self.note_get(sent);
            if !me?.can_control_playback() {
                return Err(SpotifyError::PremiumRequired);
            }
            self.checked_account = Some(account);
        }
        if !self.device_known() {
            let sent = self.now();
            let devices = self.spotify.api().devices().await;
            self.note_get(sent);
            let devices = devices?;
            let Some(device) = pick_device(&devices) else {
                return Err(SpotifyError::NoActiveDevice);
            };
            let id = device.id.clone().unwrap_or_default();
            self.auto_device = Some((id, device.name.clone(), Instant::now()));
        }
        let device_name = self.device_name();
        self.shared
            .core()
            .set_status(SpotifyStatus::Ready { device_name });
        Ok(())
    }

    /// A GET's round trip, from `sent` to now.
    fn note_get(&self, sent: i64) {
        let rtt = (self.now() - sent) as f64;
        let mut core = self.shared.core();
        core.stats.lookups += 1;
        core.rtt_get_us = Some(ewma(core.rtt_get_us, rtt));
    }

    /// How far ahead a command of `kind` is sent and aimed (µs).
    fn lead_us(&self, kind: MoveKind) -> f64 {
        if !self.config.compensate_latency {
            return 0.0;
        }
        let core = self.shared.core();
        let rtt = core.rtt_command_us.or(core.rtt_get_us).unwrap_or(0.0);
        let lag = match kind {
            MoveKind::Play => core.lag_play_us,
            MoveKind::Seek => core.lag_seek_us,
        };
        rtt / 2.0 + lag
    }

    async fn do_move(&mut self, kind: MoveKind) {
        // A device that no longer plays our track (paused or changed in the Spotify app) is
        // brought back with a play, not a seek.
        let diverged = self.shared.core().diverged;
        let kind = if self.applied.playing && self.applied.track.is_some() && !diverged {
            kind
        } else {
            MoveKind::Play
        };
        self.move_device(kind, Origin::Follower).await;
    }

    /// Sends a play or seek aimed at the model (the latest wish, read just before sending).
    async fn move_device(&mut self, kind: MoveKind, origin: Origin) {
        let from_follower = origin == Origin::Follower;
        let (d, lead, lag_used) = {
            let lead = self.lead_us(kind);
            let mut core = self.shared.core();
            let lag_used = if self.config.compensate_latency {
                match kind {
                    MoveKind::Play => core.lag_play_us,
                    MoveKind::Seek => core.lag_seek_us,
                }
            } else {
                0.0
            };
            core.in_flight = true;
            core.measured = None;
            core.diverged = false;
            core.correction_wanted = false;
            (core.desired.clone(), lead, lag_used)
        };
        let Some(track) = d.track.clone() else {
            self.shared.core().in_flight = false;
            return;
        };
        let device = self.device_id();
        let sent = self.now();
        let aim = sent + lead.round() as i64;
        let position_ms = d.model.rendered_position(aim).unwrap_or(0).max(0) / 1_000;
        self.shared.core().last_command_us = Some(sent);
        let api = self.spotify.api();
        let result = match kind {
            MoveKind::Play => api.play_track(device.as_deref(), &track, position_ms).await,
            MoveKind::Seek => api.seek(device.as_deref(), position_ms).await,
        };
        let acked = self.now();
        let mut core = self.shared.core();
        core.in_flight = false;
        match kind {
            MoveKind::Play => core.stats.plays += 1,
            MoveKind::Seek => core.stats.seeks += 1,
        }
        match origin {
            Origin::Follower => {}
            Origin::Settle => core.stats.settle_seeks += 1,
            Origin::Deferred => core.stats.deferred_corrections += 1,
        }
        match result {
            Ok(ack) => {
                let rtt = (acked - sent) as f64;
                core.rtt_command_us = Some(ewma(core.rtt_command_us, rtt));
                if from_follower {
                    core.applied_move = d.move_gen;
                    self.applied.move_gen = d.move_gen;
                }
                self.applied.track = Some(track);
                self.applied.playing = true;
                let device_name = self.device_name();
                core.set_status(SpotifyStatus::Ready { device_name });
                drop(core);
                self.backoff = Duration::ZERO;
                let extra = if ack.accepted_later {
                    micros(ACCEPTED_LATER_EXTRA)
                } else {
                    0
                };
                self.next_poll_us =
                    acked.max(d.start_at_us) + micros(self.config.first_poll_after) + extra;
                self.learn = self.config.measure.then_some(Learn {
                    kind,
                    lag_used_us: lag_used,
                    may_settle: from_follower && self.config.settle_threshold.is_some(),
                });
            }
            Err(e) => {
                core.stats.errors += 1;
                drop(core);
                if matches!(
                    e,
                    SpotifyError::NoActiveDevice | SpotifyError::DeviceNotFound
                ) {
                    self.auto_device = None;
                }
                self.on_error(&e, &d);
            }
        }
    }

    async fn do_pause(&mut self, d: &Desired) {
        let device = self.device_id();
        {
            let mut core = self.shared.core();
            core.in_flight = true;
            core.measured = None;
            core.last_command_us = Some(self.now());
        }
        let result = self.spotify.api().pause(device.as_deref()).await;
        let mut core = self.shared.core();
        core.in_flight = false;
        core.stats.pauses += 1;
        match result {
            // 403 "Restriction violated": it was paused already.
            Ok(_) | Err(SpotifyError::Forbidden(_)) => {
                self.applied.playing = false;
                self.applied.move_gen = d.move_gen;
                core.applied_move = d.move_gen;
                self.learn = None;
            }
            Err(e) => {
                core.stats.errors += 1;
                drop(core);
                if matches!(
                    e,
                    SpotifyError::NoActiveDevice | SpotifyError::DeviceNotFound
                ) {
                    // Nothing plays there any more: paused enough.
                    self.applied.playing = false;
                    self.auto_device = None;
                    return;
                }
                self.on_error(&e, d);
            }
        }
    }

    /// A held-back correction: `Ok` to make it now, `Err(instant)` to look again then, `None`
    /// when there is none (or it is no longer needed).
    fn deferred_correction(&self, d: &Desired) -> Option<Result<(), i64>> {
        let threshold = micros(self.config.settle_threshold?);
        let mut core = self.shared.core();
        if !core.correction_wanted {
            return None;
        }
        let ours = self.applied.playing && d.playing && self.applied.track == d.track;
        if !ours || !self.config.measure {
            core.correction_wanted = false;
            return None;
        }
        let now = self.now();
        let allowed_at = core
            .last_command_us
            .map_or(now, |t| t + micros(self.config.min_seek_gap));
        if now < allowed_at {
            return Some(Err(allowed_at));
        }
        // The latest reading decides (a new one wakes the worker).
        let fresh = core
            .measured
            .as_ref()
            .filter(|m| now - m.at_us <= micros(self.config.fresh_for))?;
        let device = if fresh.playing {
            fresh.progress_us + (now - fresh.at_us)
        } else {
            fresh.progress_us
        };
        let error = d.model.rendered_position(now).map_or(0, |m| device - m);
        if core.diverged || error.abs() > threshold {
            Some(Ok(()))
        } else {
            core.correction_wanted = false;
            None
        }
    }

    /// Starts a progress reading when one is due; returns when the next is.
    fn maybe_poll(&mut self, d: &Desired) -> Option<i64> {
        let ours = self.applied.playing && d.playing && self.applied.track == d.track;
        if !self.config.measure || !ours {
            return None;
        }
        let now = self.now();
        if now < self.next_poll_us {
            return Some(self.next_poll_us);
        }
        if self.poll_in_flight.swap(true, Ordering::AcqRel) {
            return Some(now + micros(self.config.poll_interval));
        }
        self.next_poll_us = now + micros(self.config.poll_interval);
        let api = self.spotify.api().clone();
        let shared = self.shared.clone();
        let clock = self.clock.clone();
        let in_flight = self.poll_in_flight.clone();
        let track = d.track.clone();
        let device = self.device_id();
        let device_name = self.device_name();
        let last_command = self.shared.core().last_command_us;
        tokio::spawn(async move {
            let sent = clock.now_us();
            let result = api.player_state().await;
            let received = clock.now_us();
            in_flight.store(false, Ordering::Release);
            let rtt = (received - sent) as f64;
            let mut core = shared.core();
            core.stats.polls += 1;
            let state = match result {
                Ok(s) => s,
                Err(e) => {
                    core.stats.errors += 1;
                    tracing::debug!(kind = e.kind(), "spotify: progress reading failed");
                    if let SpotifyError::RateLimited { retry_after } = e {
                        core.set_status(SpotifyStatus::RateLimited {
                            retry_in: retry_after,
                        });
                    }
                    return;
                }
            };
            core.rtt_get_us = Some(ewma(core.rtt_get_us, rtt));
            if matches!(
                core.status,
                SpotifyStatus::RateLimited { .. } | SpotifyStatus::Error(_)
            ) {
                core.set_status(SpotifyStatus::Ready { device_name });
            }
            // A command sent since this reading left makes it meaningless.
            if core.in_flight || core.last_command_us != last_command {
                return;
            }
            let (playing, item, progress, on_device) = match &state {
                Some(s) => (
                    s.is_playing,
                    s.item.as_ref().and_then(|i| i.id.clone()),
                    s.progress_ms,
                    s.device.as_ref().and_then(|dv| dv.id.clone()),
                ),
                None => (false, None, None, None),
            };
            let elsewhere = device.is_some() && on_device.is_some() && on_device != device;
            if !playing || item != track || elsewhere {
                if !core.diverged {
                    tracing::info!("spotify: the device no longer plays the room's song");
                }
                core.diverged = true;
            }
            core.measured = progress.map(|p| Measured {
                track: item,
                playing,
                progress_us: p.saturating_mul(1_000),
                at_us: sent + (rtt / 2.0).round() as i64,
                new: true,
            });
            drop(core);
            shared.wake.notify_one();
        });
        Some(self.next_poll_us)
    }

    /// Looks at a new reading: learns the lag of the command before it and settles once.
    async fn take_measurement(&mut self) {
        let (m, d) = {
            let mut core = self.shared.core();
            let Some(m) = core.measured.as_mut().filter(|m| m.new) else {
                return;
            };
            m.new = false;
            (m.clone(), core.desired.clone())
        };
        let Some(learn) = self.learn.take() else {
            return;
        };
        if !m.playing || m.track != d.track || !d.playing {
            return;
        }
        let Some(target) = d.model.rendered_position(m.at_us) else {
            return;
        };
        let error = (m.progress_us - target) as f64;
        if self.config.compensate_latency {
            let mut core = self.shared.core();
            let sample = (learn.lag_used_us - error).clamp(0.0, MAX_LAG_US);
            // The first sample replaces the configured guess; later ones are smoothed.
            match learn.kind {
                MoveKind::Play => {
                    let old = (core.lag_play_samples > 0).then_some(core.lag_play_us);
                    core.lag_play_us = ewma(old, sample);
                    core.lag_play_samples += 1;
                }
                MoveKind::Seek => {
                    let old = (core.lag_seek_samples > 0).then_some(core.lag_seek_us);
                    core.lag_seek_us = ewma(old, sample);
                    core.lag_seek_samples += 1;
                }
            }
        }
        let threshold = self.config.settle_threshold.map(micros);
        if learn.may_settle && threshold.is_some_and(|t| error.abs() > t as f64) {
            tracing::debug!(error_ms = error / 1e3, "spotify: settling the start");
            self.move_device(MoveKind::Seek, Origin::Settle).await;
        }
    }

    fn on_error(&mut self, e: &SpotifyError, d: &Desired) {
        let account = *self.account.borrow();
        let chosen = match self.spotify.device_choice() {
            DeviceChoice::Id { name, .. } => Some(name),
            DeviceChoice::Auto => None,
        };
        self.shared
            .core()
            .set_status(SpotifyStatus::of_error(e, chosen));
        tracing::info!(kind = e.kind(), "spotify: playback command failed");
        let parked = |until: Option<Duration>, move_gen: Option<u64>| Parked {
            until: until.map(|u| Instant::now() + u),
            account,
            track: d.track.clone(),
            move_gen,
        };
        self.parked = Some(match e {
            SpotifyError::NotConnected | SpotifyError::Unauthorized => parked(None, None),
            SpotifyError::PremiumRequired => parked(None, None),
            SpotifyError::RateLimited { retry_after } => parked(Some(*retry_after), None),
            SpotifyError::NoActiveDevice | SpotifyError::DeviceNotFound => {
                parked(Some(self.config.no_device_retry), Some(d.move_gen))
            }
            SpotifyError::Forbidden(_)
            | SpotifyError::BadRequest(_)
            | SpotifyError::NotFound(_) => parked(None, Some(d.move_gen)),
            _ => {
                self.backoff = (self.backoff * 2)
                    .max(Duration::from_millis(500))
                    .min(self.config.max_backoff);
                parked(Some(self.backoff), None)
            }
        });
    }
}

fn ewma(old: Option<f64>, sample: f64) -> f64 {
    old.map_or(sample, |o| o + EWMA * (sample - o))
}
