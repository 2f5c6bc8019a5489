//! The YouTube player as the follower sees it: a [`Player`] whose real player is the YouTube
//! IFrame API in the UI's page.
//!
//! Commands go to the page as [`YoutubeCommand`]s (instants as delays from now, so the page
//! needs no clock of ours); the page reports `getCurrentTime()`, the player state and the rate
//! four times a second and on every state change ([`YoutubeReport`]). What the follower reads
//! back ([`Player::rendered_position`]) is the last report extrapolated to now while the video
//! plays; while it buffers (after a load or a seek: YouTube's seeks are slow) it is what the
//! player was told, so a slow seek is not mistaken for drift and answered with another seek.
//!
//! YouTube's seeks and starts land late (buffering): the player learns by how much from the
//! first report after each one and asks for that much further ahead the next time, so a seek
//! lands where the room is when it completes.

use std::sync::{Arc, Mutex, PoisonError};

use listener::{Player, VirtualPlayer};
use room_core::SongSource;
use room_core::protocol::{SongId, SongView};
use sync_client::LocalClock;

use crate::view::{YoutubeCommand, YoutubeReport};

/// YouTube's player states.
const ENDED: i32 = 0;
const PLAYING: i32 = 1;
const BUFFERING: i32 = 3;

/// A report older than this is not trusted for the position.
const REPORT_FRESH_US: i64 = 1_000_000;
/// A measured seek lag beyond this is not a lag (a stall, an ad): not learned.
const MAX_LEAD_US: i64 = 3_000_000;

/// Where commands for the page go.
pub type YoutubeSink = Arc<dyn Fn(YoutubeCommand) + Send + Sync>;

/// What the page said last, shared with the command that receives reports.
#[derive(Debug, Default)]
struct Reports {
    ready: bool,
    last: Option<Position>,
    ended: Option<String>,
    error: Option<i32>,
}

#[derive(Debug, Clone)]
struct Position {
    video_id: String,
    position_us: i64,
    state: i32,
    rate: f64,
    at_local_us: i64,
}

/// The receiving end of the page's reports (held by the app; cheap to clone).
#[derive(Clone)]
pub struct YoutubeReports {
    inner: Arc<Mutex<Reports>>,
    clock: Arc<dyn LocalClock>,
}

impl YoutubeReports {
    /// Takes one report from the page, stamped with the local clock on arrival.
    pub fn report(&self, report: YoutubeReport) {
        let now = self.clock.now_us();
        let mut r = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match report {
            YoutubeReport::Ready => r.ready = true,
            YoutubeReport::Position {
                video_id,
                position_s,
                state,
                rate,
            } => {
                if !position_s.is_finite() || !rate.is_finite() || video_id.len() > 64 {
                    return;
                }
                if state == ENDED {
                    r.ended = Some(video_id.clone());
                }
                r.ready = true;
                r.last = Some(Position {
                    video_id,
                    position_us: (position_s.clamp(0.0, 1e7) * 1e6).round() as i64,
                    state,
                    rate: rate.clamp(0.25, 2.0),
                    at_local_us: now,
                });
            }
            YoutubeReport::Error { code } => r.error = Some(code),
        }
    }
}

/// The follower's view of the YouTube player in the page.
pub struct YoutubePlayer {
    sink: YoutubeSink,
    reports: YoutubeReports,
    clock: Arc<dyn LocalClock>,
    /// What it was told, exactly.
    model: VirtualPlayer,
    video_id: Option<String>,
    /// Local instant of the last load, start or seek: reports before it are stale.
    commanded_at_us: i64,
    rate_sent: f64,
    /// How far behind a seek or start lands, learned (µs): asked for that much ahead.
    lead_us: i64,
    /// A seek or start whose landing has not been measured yet.
    landing: bool,
}

impl std::fmt::Debug for YoutubePlayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YoutubePlayer")
            .field("video_id", &self.video_id)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl YoutubePlayer {
    pub fn new(sink: YoutubeSink, clock: Arc<dyn LocalClock>) -> (Self, YoutubeReports) {
        let reports = YoutubeReports {
            inner: Arc::default(),
            clock: clock.clone(),
        };
        let player = Self {
            sink,
            reports: reports.clone(),
            clock,
            model: VirtualPlayer::new(),
            video_id: None,
            commanded_at_us: 0,
            rate_sent: 1.0,
            lead_us: 0,
            landing: false,
        };
        (player, reports)
    }

    fn send(&mut self, command: YoutubeCommand) {
        (self.sink)(command);
    }

    fn mark(&mut self) {
        self.commanded_at_us = self.clock.now_us();
    }

    /// Learns from the first report that shows the video playing after a seek or start how far
    /// behind it landed. Call once per tick, before the follower reads the position.
    pub fn observe(&mut self) {
        if !self.landing || !self.model.is_playing() {
            return;
        }
        let Some(p) = self.measured(self.clock.now_us()) else {
            return;
        };
        if p.state != PLAYING {
            return;
        }
        self.landing = false;
        let Some(expected) = self.model.rendered_position(p.at_local_us) else {
            return;
        };
        // What was asked for was `lead_us` ahead of the model already.
        let lag = expected + self.lead_us - p.position_us;
        if (0..=MAX_LEAD_US).contains(&lag) {
            self.lead_us = if self.lead_us == 0 {
                lag
            } else {
                (self.lead_us * 3 + lag) / 4
            };
        }
    }

    /// How far ahead seeks and starts are asked for (µs).
    pub fn lead_us(&self) -> i64 {
        self.lead_us
    }

    /// The loaded video reached its end (once per end).
    pub fn take_ended(&mut self) -> bool {
        let mut r = self
            .reports
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match (&r.ended, &self.video_id) {
            (Some(ended), Some(loaded)) if ended == loaded => {
                r.ended = None;
                true
            }
            _ => false,
        }
    }

    /// YouTube's error code for the loaded video, once.
    pub fn take_error(&mut self) -> Option<i32> {
        self.reports
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .error
            .take()
    }

    /// The last report about the loaded video, if fresh and newer than the last command.
    fn measured(&self, now_us: i64) -> Option<Position> {
        let r = self
            .reports
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let last = r.last.as_ref()?;
        let fresh = now_us.saturating_sub(last.at_local_us) <= REPORT_FRESH_US
            && last.at_local_us > self.commanded_at_us;
        (fresh && Some(&last.video_id) == self.video_id.as_ref()).then(|| last.clone())
    }
}

fn video_id(song: Option<&SongView>) -> Option<String> {
    match &song?.source {
        SongSource::Youtube { video_id } => Some(video_id.clone()),
        _ => None,
    }
}

fn seconds(us: i64) -> f64 {
    us as f64 / 1e6
}

impl Player for YoutubePlayer {
    fn load(&mut self, song_id: SongId, song: Option<&SongView>) -> bool {
        if self.model.loaded() != Some(song_id) {
            let Some(id) = video_id(song) else {
                return false;
            };
            self.model.load(song_id, song);
            self.video_id = Some(id.clone());
            self.rate_sent = 1.0;
            self.mark();
            self.send(YoutubeCommand::Load {
                video_id: id,
                position_s: 0.0,
            });
        }
        self.reports
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .ready
    }

    fn loaded(&self) -> Option<SongId> {
        self.model.loaded()
    }

    fn start_at(&mut self, local_us: i64, position_us: i64) {
        let now = self.clock.now_us();
        self.model.start_at(local_us, position_us);
        self.mark();
        self.rate_sent = 1.0;
        self.landing = true;
        self.send(YoutubeCommand::Play {
            position_s: seconds(position_us + self.lead_us),
            in_ms: (local_us - now) as f64 / 1e3,
        });
    }

    fn pause(&mut self, now_us: i64) {
        self.model.pause(now_us);
        self.mark();
        self.send(YoutubeCommand::Pause);
    }

    fn seek(&mut self, now_us: i64, position_us: i64) {
        self.model.seek(now_us, position_us);
        self.mark();
        self.landing = self.model.is_playing();
        let ahead = if self.landing { self.lead_us } else { 0 };
        self.send(YoutubeCommand::Seek {
            position_s: seconds(position_us + ahead),
        });
    }

    fn set_rate_ppm(&mut self, now_us: i64, ppm: i32) {
        self.model.set_rate_ppm(now_us, ppm);
        let rate = 1.0 + f64::from(ppm) / 1e6;
        if (rate - self.rate_sent).abs() > 1e-6 {
            self.rate_sent = rate;
            self.send(YoutubeCommand::Rate { rate });
        }
    }

    fn rate_ppm(&self) -> i32 {
        self.model.rate_ppm()
    }

    fn rendered_position(&self, now_us: i64) -> Option<i64> {
        let model = self.model.rendered_position(now_us)?;
        match self.measured(now_us) {
            Some(p) if p.state == PLAYING => {
                let elapsed = now_us.saturating_sub(p.at_local_us) as f64;
                Some(p.position_us + (elapsed * p.rate).round() as i64)
            }
            // Buffering after a command: it is on its way to what it was told.
            Some(p) if p.state == BUFFERING => Some(model),
            Some(p) if !self.model.is_playing() => Some(p.position_us),
            _ => Some(model),
        }
    }

    fn is_playing(&self) -> bool {
        self.model.is_playing()
    }

    fn stop(&mut self) {
        if self.model.loaded().is_some() {
            self.send(YoutubeCommand::Stop);
        }
        self.model.stop();
        self.video_id = None;
    }
}
