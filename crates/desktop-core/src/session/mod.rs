//! A room session: the sync client, the players following it, and what the UI is sent.
//!
//! One task per session: every 20 ms it asks the client what should be playing and lets the
//! lane for the current song's kind drive its player ([`lanes`]); every 240 ms it sends a
//! `tick` (position and sync badge); on every change of the client's state it sends `session`
//! and `room`. The task ends when the client stops (left, failed, room closed) or the session
//! is dropped.

mod lanes;
pub mod views;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use audio_engine::engine::{Engine, EngineHandle, Event as EngineEvent};
use audio_engine::output::{CpalConfig, CpalOutput, NullOutput, OutputFormat};
use listener::{AudioPlayer, CorrectionKind, FileSource, Snapshot};
use room_core::protocol::SongId;
use sync_client::{
    ClientConfig, ConnectionStatus, FileCache, Join, LocalClock, SyncClient, SyncHandle,
    http_base_url,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::CoreError;
use crate::view::{PlayerKind, PlayerView, ShareView, TickView, UiEvent, YoutubeCommand};
use crate::youtube::{YoutubePlayer, YoutubeReports};
use lanes::Lanes;

/// Where events for the UI go.
pub type EventSink = Arc<dyn Fn(UiEvent) + Send + Sync>;

/// How often the players are driven, and how often the UI gets a tick.
const FOLLOW_EVERY: Duration = Duration::from_millis(20);
/// About four UI ticks a second: the page interpolates the progress bar between them, and each
/// tick repaints the badge (ten a second kept the web process at a sixth of a core).
const TICKS_PER_UI_TICK: u32 = 12;
/// How often (in follow ticks) a newly connected or disconnected Spotify account is noticed.
const SPOTIFY_CHECK_TICKS: u32 = 25;
/// How long the badge says "jumped" after a jump.
const JUMP_SHOWN_US: i64 = 1_500_000;

/// What a session needs.
pub struct SessionConfig {
    pub url: String,
    pub join: Join,
    /// Output device by name (`None`: the system default; `Some("null")`: no sound).
    pub output_device: Option<String>,
    pub cache_dir: PathBuf,
    /// This app runs the room's server.
    pub hosting: bool,
    /// How others join, when hosting: `address:port` of each LAN address.
    pub share_addresses: Vec<String>,
    pub clock: Arc<dyn LocalClock>,
    /// The listener's Spotify account: Spotify songs play on its device while connected.
    pub spotify: Arc<crate::spotify_account::SpotifyAccount>,
}

/// A joined (or joining) room.
pub struct Session {
    handle: SyncHandle,
    url: String,
    task: JoinHandle<()>,
    youtube: YoutubeReports,
    covers: Arc<Mutex<HashMap<String, String>>>,
    hosting: bool,
    refresh: watch::Sender<()>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("url", &self.url)
            .field("hosting", &self.hosting)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Connects and starts following.
    ///
    /// # Errors
    /// [`CoreError::Client`] for an unusable address; [`CoreError::File`] when the song cache
    /// cannot be created.
    pub fn start(config: SessionConfig, sink: EventSink) -> Result<Self, CoreError> {
        let client_config = ClientConfig {
            client_name: concat!("tandem-desktop/", env!("CARGO_PKG_VERSION")).to_owned(),
            ..ClientConfig::new(config.url.clone(), config.join.clone())
                .with_clock(config.clock.clone())
        };
        let base_url = http_base_url(&config.url).map_err(|e| CoreError::File(e.to_string()))?;
        let handle = SyncClient::spawn(client_config)?;
        let cache =
            FileCache::new(&config.cache_dir).map_err(|e| CoreError::File(e.to_string()))?;
        let engine = open_engine(config.output_device.as_deref(), &config.clock, &sink)?;
        let format = engine.output_format().unwrap_or(OutputFormat::DEFAULT);
        let audio = AudioPlayer::new(
            engine,
            format,
            FileSource {
                cache,
                base_url,
                code: config.join.code.clone(),
                token: None,
            },
        );
        let youtube_sink: Arc<dyn Fn(YoutubeCommand) + Send + Sync> = {
            let sink = sink.clone();
            Arc::new(move |c| sink(UiEvent::Youtube(c)))
        };
        let (youtube_player, youtube) = YoutubePlayer::new(youtube_sink, config.clock.clone());
        let covers = Arc::new(Mutex::new(HashMap::new()));
        let (refresh, refresh_rx) = watch::channel(());
        let runner = Runner {
            handle: handle.clone(),
            lanes: Lanes::new(audio, youtube_player),
            sink,
            clock: config.clock,
            url: config.url.clone(),
            hosting: config.hosting,
            share_addresses: config.share_addresses,
            covers: covers.clone(),
            last_jump_us: i64::MIN / 2,
            code: config.join.code,
            spotify: config.spotify,
            share: None,
        };
        let task = tokio::spawn(runner.run(refresh_rx));
        Ok(Self {
            handle,
            url: config.url,
            task,
            youtube,
            covers,
            hosting: config.hosting,
            refresh,
        })
    }

    pub fn handle(&self) -> &SyncHandle {
        &self.handle
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn hosting(&self) -> bool {
        self.hosting
    }

    /// Where the YouTube page's reports go.
    pub fn youtube(&self) -> &YoutubeReports {
        &self.youtube
    }

    /// Remembers the cover art of a local song (a `data:` URL) and resends the room.
    pub fn set_cover(&self, sha256: &str, data_url: String) {
        self.covers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(sha256.to_owned(), data_url);
        self.resend();
    }

    /// Sends `session` and `room` again (a new subscriber, a changed cover).
    pub fn resend(&self) {
        let _ = self.refresh.send(());
    }

    /// Whether the session has stopped for good (left, failed, closed).
    pub fn is_over(&self) -> bool {
        self.handle.state().status.is_final()
    }

    /// Leaves the room and stops the players.
    pub async fn leave(self) {
        if let Err(e) = self.handle.leave().await {
            tracing::debug!(error = %e, "leave: client already stopped");
        }
        self.task.abort();
        let _ = self.task.await;
    }
}

/// The audio engine on the chosen output; when that cannot open, on no output at all (the room
/// is then followed silently, and the person told why).
fn open_engine(
    device: Option<&str>,
    clock: &Arc<dyn LocalClock>,
    sink: &EventSink,
) -> Result<EngineHandle, CoreError> {
    let engine_clock = {
        let clock = clock.clone();
        Arc::new(audio_engine::engine::FnClock(move || clock.now_us()))
    };
    let engine = if device == Some("null") {
        Engine::spawn(NullOutput::new(OutputFormat::DEFAULT), engine_clock.clone())
    } else {
        Engine::spawn(
            CpalOutput::new(CpalConfig {
                device: device.map(str::to_owned),
                ..CpalConfig::default()
            }),
            engine_clock.clone(),
        )
    };
    let engine = match engine {
        Ok(e) => e,
        Err(e) => {
            notice(
                sink,
                crate::view::NoticeLevel::Warning,
                "audio-output",
                format!("No sound output ({e}); local files are followed silently."),
            );
            match Engine::spawn(NullOutput::new(OutputFormat::DEFAULT), engine_clock) {
                Ok(e) => e,
                Err(e) => {
                    return Err(CoreError::File(format!(
                        "the audio engine cannot start: {e}"
                    )));
                }
            }
        }
    };
    // Open the output now: a fresh stream takes a while to start.
    let _ = engine.output_format();
    while let Ok(event) = engine.events().try_recv() {
        if let EngineEvent::Error { error, .. } = event {
            notice(
                sink,
                crate::view::NoticeLevel::Warning,
                "audio-output",
                format!(
                    "Sound output problem: {error}. Local files are followed silently until it is fixed."
                ),
            );
        }
    }
    Ok(engine)
}

fn notice(sink: &EventSink, level: crate::view::NoticeLevel, kind: &str, message: String) {
    sink(UiEvent::Notice(crate::view::Notice {
        level,
        code: kind.to_owned(),
        message,
    }));
}

struct Runner {
    handle: SyncHandle,
    lanes: Lanes,
    sink: EventSink,
    clock: Arc<dyn LocalClock>,
    url: String,
    code: String,
    hosting: bool,
    share_addresses: Vec<String>,
    covers: Arc<Mutex<HashMap<String, String>>>,
    last_jump_us: i64,
    spotify: Arc<crate::spotify_account::SpotifyAccount>,
    /// The share panel as last made (see `share`).
    share: Option<ShareView>,
}

impl Runner {
    async fn run(mut self, mut refresh: watch::Receiver<()>) {
        let mut states = self.handle.watch();
        let mut follow = tokio::time::interval(FOLLOW_EVERY);
        follow.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut count: u32 = 0;
        self.send_state();
        loop {
            tokio::select! {
                _ = follow.tick() => {
                    count = count.wrapping_add(1);
                    if count.is_multiple_of(SPOTIFY_CHECK_TICKS) {
                        self.check_spotify();
                    }
                    self.follow(count.is_multiple_of(TICKS_PER_UI_TICK));
                }
                changed = states.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    self.send_state();
                    if states.borrow().status.is_final() {
                        break;
                    }
                }
                changed = refresh.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    self.send_state();
                }
            }
        }
        self.lanes.stop_all();
    }

    /// Plays Spotify songs on the listener's device while the account is connected.
    fn check_spotify(&mut self) {
        let wanted = self.spotify.connected();
        match (&wanted, self.lanes.spotify.is_some()) {
            (Some(account), false) => {
                let player = account.player(self.clock.clone(), spotify::PlayerConfig::default());
                self.lanes.set_spotify(Some(player));
            }
            (None, true) => self.lanes.set_spotify(None),
            _ => {}
        }
        if let Some(lane) = &mut self.lanes.spotify {
            for n in lane.player.take_notices() {
                notice(
                    &self.sink,
                    crate::view::NoticeLevel::Warning,
                    "spotify",
                    n.message,
                );
            }
        }
    }

    fn send_state(&mut self) {
        let state = self.handle.state();
        (self.sink)(UiEvent::Session(views::session_view(&state, &self.url)));
        let share = self.share(&state);
        let room = {
            let covers = self.covers.lock().unwrap_or_else(PoisonError::into_inner);
            views::room_view(&state, self.hosting, share, &covers)
        };
        if let Some(room) = room {
            (self.sink)(UiEvent::Room(Box::new(room)));
        }
    }

    /// The share panel, when hosting: made once per room code (drawing the QR code is not
    /// redone for every change of the room).
    fn share(&mut self, state: &sync_client::ClientState) -> Option<ShareView> {
        if !self.hosting {
            return None;
        }
        let code = state
            .room
            .as_ref()
            .map_or(self.code.as_str(), |r| r.code.as_str());
        let first = self.share_addresses.first()?;
        let link = crate::links::join_link(first, code);
        if self.share.as_ref().is_none_or(|s| s.link != link) {
            self.share = Some(ShareView {
                qr_svg: crate::share::qr_svg(&link).unwrap_or_default(),
                link,
                addresses: self.share_addresses.clone(),
            });
        }
        self.share.clone()
    }

    fn follow(&mut self, send_tick: bool) {
        let now = self.clock.now_us();
        let state = self.handle.state();
        let snap = Snapshot::of(&state, now);
        self.lanes
            .local
            .player
            .set_token(self.handle.resume_token());
        if let Some(room) = &state.room {
            self.lanes.local.player.set_room_code(&room.code);
        }
        let report = self.lanes.tick(now, &snap);
        if let Some(song_id) = report.send_ready
            && let Err(e) = self.handle.player_ready(song_id)
        {
            tracing::debug!(error = %e, "player-ready not sent");
        }
        if report.correction == CorrectionKind::Jump && snap.target.is_some() {
            self.last_jump_us = now;
        }
        for message in self.lanes.local.player.take_notices() {
            notice(
                &self.sink,
                crate::view::NoticeLevel::Warning,
                "audio",
                message,
            );
        }
        self.youtube_events(snap.song_id);
        if send_tick {
            let playing = state.room.as_ref().is_some_and(|r| r.playback.is_playing);
            let position_us = report.target_us.unwrap_or_else(|| {
                state
                    .room
                    .as_ref()
                    .and_then(|r| {
                        r.playback
                            .paused_at_us
                            .map(|p| p - r.playback.started_at_us)
                    })
                    .unwrap_or(0)
            });
            // A small trim held in steady state is being in sync; "correcting" is for an error
            // the lane is working to remove.
            let trimming = self.lanes.rate_ppm() != 0
                && report
                    .error_us
                    .is_some_and(|e| e.abs() > self.lanes.trim_enter_us());
            let jumped = now.saturating_sub(self.last_jump_us) < JUMP_SHOWN_US;
            (self.sink)(UiEvent::Tick(TickView {
                song_id: snap.song_id,
                position_us: position_us.max(0),
                duration_us: snap.song.as_ref().and_then(|s| s.duration_us),
                is_playing: playing,
                sync: views::sync_view(&state, report.error_us, trimming, jumped),
                player: self.player_view(state.status == ConnectionStatus::InRoom),
            }));
        }
    }

    /// The YouTube page's end and error reports become room messages and notices.
    fn youtube_events(&mut self, song_id: Option<SongId>) {
        let player = &mut self.lanes.youtube.player;
        if player.take_ended()
            && let Some(id) = song_id
            && let Err(e) = self.handle.song_ended(id)
        {
            tracing::debug!(error = %e, "song-ended not sent");
        }
        if let Some(code) = player.take_error() {
            let why = match code {
                2 => "the video id is invalid",
                5 => "the video cannot play in this player",
                100 => "the video was removed or is private",
                101 | 150 => "its owner does not allow it to play in other apps",
                153 => "YouTube refused the player's origin (error 153)",
                _ => "YouTube reported an error",
            };
            notice(
                &self.sink,
                crate::view::NoticeLevel::Warning,
                "youtube",
                format!(
                    "This YouTube video cannot play here: {why}. The room carries on; skip it if nobody hears it."
                ),
            );
        }
    }

    fn player_view(&self, in_room: bool) -> PlayerView {
        let kind = self.lanes.active();
        let note = match kind {
            PlayerKind::Spotify => match &self.lanes.spotify {
                Some(lane) => {
                    let status = lane.player.status();
                    status.is_silent().then(|| status.human_message())
                }
                None => Some(
                    "Spotify songs play in your own Spotify app: connect Spotify in Settings to hear this one. The room carries on meanwhile.".to_owned(),
                ),
            },
            PlayerKind::Local => match self.lanes.local.player.status() {
                listener::AudioStatus::Failed(why) => Some(format!("This file cannot play here: {why}.")),
                listener::AudioStatus::Buffering => Some("Fetching the file from the host…".to_owned()),
                _ => None,
            },
            _ => None,
        };
        PlayerView {
            kind,
            note: note.filter(|_| in_room),
        }
    }
}
