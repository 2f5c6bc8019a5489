//! The app without its window: what each UI command does. The Tauri layer holds one [`App`]
//! as managed state and its commands call these methods.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use room_core::protocol::{MemberId, SongId, SongInput};
use room_core::{ClientMessage, ControlPolicy, Role};
use sync_client::{Join, LocalClock, MonotonicClock};
use tokio::sync::Mutex;

use crate::error::CoreError;
use crate::host::{HostPaths, HostServer};
use crate::links::{self, JoinTarget};
use crate::session::{EventSink, Session, SessionConfig};
use crate::settings::{Settings, SettingsStore};
use crate::spotify_account::{SpotifyAccount, SpotifyDeviceView, SpotifyView};
use crate::view::{
    Control, HostRequest, JoinRequest, Notice, NoticeLevel, SessionStatus, SessionView, UiEvent,
    YoutubeReport,
};

/// Longest chat message sent (the server's own limit).
const CHAT_MAX: usize = 500;
/// Most files added at once.
const FILES_MAX: usize = 200;

/// Where the app keeps things.
#[derive(Debug, Clone)]
pub struct AppPaths {
    /// settings.json
    pub config_dir: PathBuf,
    /// The hosted rooms' SQLite file and members' uploads.
    pub data_dir: PathBuf,
    /// Songs fetched from hosts.
    pub cache_dir: PathBuf,
}

/// Options fixed at start (from the environment in the Tauri layer).
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Bind the hosted server to loopback only (tests).
    pub host_loopback_only: bool,
}

pub struct App {
    paths: AppPaths,
    options: AppOptions,
    store: SettingsStore,
    sink: EventSink,
    clock: Arc<dyn LocalClock>,
    state: Mutex<State>,
    /// The setting, readable without waiting for the state lock (from event handlers).
    notify_when_hidden: std::sync::atomic::AtomicBool,
    spotify: Arc<SpotifyAccount>,
}

struct State {
    settings: Settings,
    host: Option<HostServer>,
    session: Option<Session>,
}

impl App {
    pub fn new(paths: AppPaths, options: AppOptions, sink: EventSink) -> Self {
        let store = SettingsStore::new(&paths.config_dir);
        let settings = store.load();
        let notify_when_hidden = settings.notify_when_hidden.into();
        let spotify = Arc::new(SpotifyAccount::default());
        if let Err(e) = spotify.configure(&settings.spotify_client_id, &settings.spotify_device) {
            tracing::warn!(error = %e, "Spotify not set up");
        }
        Self {
            notify_when_hidden,
            spotify,
            paths,
            options,
            store,
            sink,
            clock: Arc::new(MonotonicClock::new()),
            state: Mutex::new(State {
                settings,
                host: None,
                session: None,
            }),
        }
    }

    pub(crate) fn emit(&self, event: UiEvent) {
        (self.sink)(event);
    }

    fn notice(&self, level: NoticeLevel, kind: &str, message: impl Into<String>) {
        self.emit(UiEvent::Notice(Notice {
            level,
            code: kind.to_owned(),
            message: message.into(),
        }));
    }

    /// Tells the person about an error that has no command to return to (a deep link).
    pub fn report(&self, error: &CoreError) {
        self.notice(NoticeLevel::Error, error.kind(), error.to_string());
    }

    /// Sends the current state again (a page that just subscribed).
    pub async fn replay(&self) {
        let state = self.state.lock().await;
        match &state.session {
            Some(s) => s.resend(),
            None => self.emit(UiEvent::Session(idle())),
        }
    }

    /// Whether to notify of a new song while the window is hidden.
    pub fn notify_when_hidden(&self) -> bool {
        self.notify_when_hidden
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub async fn settings(&self) -> Settings {
        self.state.lock().await.settings.clone()
    }

    /// Saves what the settings screen edits. The Spotify client id and device are kept as they
    /// are: they change only through the Spotify commands (a settings screen opened before a
    /// login must not write the old ones back).
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] for a bad display name; [`CoreError::Io`] when it cannot be
    /// written.
    pub async fn save_settings(&self, mut settings: Settings) -> Result<Settings, CoreError> {
        {
            let current = &self.state.lock().await.settings;
            settings.spotify_client_id = current.spotify_client_id.clone();
            settings.spotify_device = current.spotify_device.clone();
        }
        self.store_settings(settings).await
    }

    async fn store_settings(&self, settings: Settings) -> Result<Settings, CoreError> {
        let settings = settings.validated()?;
        self.store.save(&settings)?;
        self.notify_when_hidden.store(
            settings.notify_when_hidden,
            std::sync::atomic::Ordering::Relaxed,
        );
        self.state.lock().await.settings = settings.clone();
        Ok(settings)
    }

    /// Starts this machine's room server (if not running) and creates a room on it.
    ///
    /// # Errors
    /// [`CoreError::AlreadyInRoom`], [`CoreError::InvalidInput`] for an empty name,
    /// [`CoreError::Server`] when the server cannot start.
    pub async fn host_room(&self, request: HostRequest) -> Result<(), CoreError> {
        let name = request.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(CoreError::InvalidInput(
                "give the room a name of 1 to 60 characters".into(),
            ));
        }
        let mut state = self.state.lock().await;
        Self::ensure_free(&mut state)?;
        if state.host.is_none() {
            let paths = HostPaths::in_dir(&self.paths.data_dir);
            let host = HostServer::start(
                state.settings.host_port,
                &paths,
                self.options.host_loopback_only,
            )
            .await?;
            state.host = Some(host);
        }
        let Some(host) = state.host.as_ref() else {
            return Err(CoreError::Server("the server did not start".into()));
        };
        let mut join = Join::create(name, request.policy, state.settings.name_or_default());
        join.password = request.password.filter(|p| !p.is_empty());
        let url = host.local_url();
        let addresses = host.lan_addresses();
        let session = self.start_session(&state.settings, url, join, true, addresses)?;
        state.session = Some(session);
        Ok(())
    }

    /// Joins a room by code on the server at `address` (this machine's own server when empty
    /// and it hosts).
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] for a bad code or address, [`CoreError::AlreadyInRoom`].
    pub async fn join_room(&self, request: JoinRequest) -> Result<(), CoreError> {
        let code = links::normalize_code(&request.code)?;
        let url = {
            let state = self.state.lock().await;
            match (&state.host, request.address.trim()) {
                (Some(host), "") => host.local_url(),
                (_, address) => links::address_to_url(address)?,
            }
        };
        if !request.address.trim().is_empty() {
            let mut state = self.state.lock().await;
            state.settings.last_address = request.address.trim().to_owned();
            let settings = state.settings.clone();
            drop(state);
            if let Err(e) = self.store.save(&settings) {
                tracing::warn!(error = %e, "could not remember the address");
            }
        }
        self.join_target(JoinTarget { url, code }, request.password)
            .await
    }

    /// Joins by a `tandem://` or http join link.
    ///
    /// # Errors
    /// As for [`join_room`](Self::join_room).
    pub async fn open_link(&self, link: &str) -> Result<(), CoreError> {
        let target = links::parse_link(link)?;
        self.join_target(target, None).await
    }

    async fn join_target(
        &self,
        target: JoinTarget,
        password: Option<String>,
    ) -> Result<(), CoreError> {
        let mut state = self.state.lock().await;
        if let Some(s) = &state.session
            && !s.is_over()
            && s.url() == target.url
            && s.handle()
                .state()
                .room
                .as_ref()
                .is_some_and(|r| r.code == target.code)
        {
            // Already there (a link clicked twice).
            return Ok(());
        }
        Self::ensure_free(&mut state)?;
        let mut join = Join::new(target.code, state.settings.name_or_default());
        join.password = password.filter(|p| !p.is_empty());
        let hosting = state
            .host
            .as_ref()
            .is_some_and(|h| h.local_url() == target.url);
        let addresses = state
            .host
            .as_ref()
            .map(HostServer::lan_addresses)
            .unwrap_or_default();
        let session = self.start_session(&state.settings, target.url, join, hosting, addresses)?;
        state.session = Some(session);
        Ok(())
    }

    fn start_session(
        &self,
        settings: &Settings,
        url: String,
        join: Join,
        hosting: bool,
        share_addresses: Vec<String>,
    ) -> Result<Session, CoreError> {
        Session::start(
            SessionConfig {
                url,
                join,
                output_device: settings.output_device.clone(),
                cache_dir: self.paths.cache_dir.clone(),
                hosting,
                share_addresses,
                clock: self.clock.clone(),
                spotify: self.spotify.clone(),
            },
            self.sink.clone(),
        )
    }

    /// A finished session (failed, closed) is cleared; a live one is an error.
    fn ensure_free(state: &mut State) -> Result<(), CoreError> {
        match &state.session {
            Some(s) if !s.is_over() => Err(CoreError::AlreadyInRoom),
            _ => {
                state.session = None;
                Ok(())
            }
        }
    }

    /// Leaves the room (the hosted server keeps running for the others).
    pub async fn leave_room(&self) {
        let session = self.state.lock().await.session.take();
        if let Some(s) = session {
            s.leave().await;
        }
        self.emit(UiEvent::Session(idle()));
    }

    /// Closes the room for everyone (host only) and leaves.
    ///
    /// # Errors
    /// [`CoreError::NotInRoom`], or the client's refusal.
    pub async fn close_room(&self) -> Result<(), CoreError> {
        self.send(ClientMessage::CloseRoom {}).await?;
        // The server answers with room-closed, which ends the session; leave regardless.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        self.leave_room().await;
        Ok(())
    }

    async fn send(&self, message: ClientMessage) -> Result<(), CoreError> {
        let state = self.state.lock().await;
        let session = state.session.as_ref().ok_or(CoreError::NotInRoom)?;
        session.handle().send(message)?;
        Ok(())
    }

    /// # Errors
    /// [`CoreError::NotInRoom`], [`CoreError::InvalidInput`] for a negative seek.
    pub async fn control(&self, control: Control) -> Result<(), CoreError> {
        let state = self.state.lock().await;
        let session = state.session.as_ref().ok_or(CoreError::NotInRoom)?;
        let h = session.handle();
        match control {
            Control::Pause => h.pause()?,
            Control::Resume => h.resume()?,
            Control::Seek { position_us } => {
                if position_us < 0 {
                    return Err(CoreError::InvalidInput(
                        "cannot seek before the start".into(),
                    ));
                }
                h.seek(position_us)?;
            }
            Control::Next => h.next()?,
            Control::PlayNow { song_id } => h.play_now(song_id)?,
        }
        Ok(())
    }

    /// Pause when the room plays, resume when it is paused (a play/pause key).
    pub async fn toggle_control(&self) -> Control {
        let state = self.state.lock().await;
        let playing = state
            .session
            .as_ref()
            .and_then(|s| s.handle().state().room)
            .is_some_and(|r| r.playback.is_playing);
        if playing {
            Control::Pause
        } else {
            Control::Resume
        }
    }

    /// Adds a pasted YouTube or Spotify link.
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] when it is neither.
    pub async fn add_link(&self, url: &str) -> Result<(), CoreError> {
        let url = url.trim();
        room_core::SongSource::from_link(url)
            .map_err(|e| CoreError::InvalidInput(e.to_string()))?;
        self.send(ClientMessage::AddSong {
            song: SongInput::Link {
                url: url.to_owned(),
                title: None,
                artist: None,
                album: None,
                duration_us: None,
            },
        })
        .await
    }

    /// Adds local files: read (tags, length, cover), shared (hosting) or uploaded to the host,
    /// then queued. Each file's outcome is a notice; one bad file does not stop the others.
    ///
    /// # Errors
    /// [`CoreError::NotInRoom`], [`CoreError::InvalidInput`] for too many files at once.
    pub async fn add_files(&self, paths: Vec<PathBuf>) -> Result<(), CoreError> {
        if paths.len() > FILES_MAX {
            return Err(CoreError::InvalidInput(format!(
                "add at most {FILES_MAX} files at once"
            )));
        }
        for path in paths {
            match self.add_file(&path).await {
                Ok(title) => {
                    self.notice(NoticeLevel::Info, "file-added", format!("Added “{title}”"))
                }
                Err(CoreError::NotInRoom) => return Err(CoreError::NotInRoom),
                Err(e) => self.notice(
                    NoticeLevel::Error,
                    "file-refused",
                    format!("Could not add {}: {e}", file_name(&path)),
                ),
            }
        }
        Ok(())
    }

    async fn add_file(&self, path: &Path) -> Result<String, CoreError> {
        let owned = path.to_path_buf();
        let meta = tokio::task::spawn_blocking(move || audio_engine::metadata::read(&owned))
            .await
            .map_err(|e| CoreError::File(e.to_string()))?
            .map_err(|e| CoreError::File(format!("not a playable audio file ({e})")))?;
        let duration_us = meta
            .duration_us
            .and_then(|d| i64::try_from(d).ok())
            .filter(|d| *d > 0)
            .ok_or_else(|| CoreError::File("its length is unknown".into()))?;
        // Where the file goes, decided under the lock; the hashing or upload happens after it.
        let dest = {
            let state = self.state.lock().await;
            let session = state.session.as_ref().ok_or(CoreError::NotInRoom)?;
            match (&state.host, session.hosting()) {
                (Some(host), true) => FileDest::Host(host.files()),
                _ => FileDest::Upload {
                    url: session.url().to_owned(),
                    token: session
                        .handle()
                        .resume_token()
                        .ok_or(CoreError::NotInRoom)?,
                    code: session
                        .handle()
                        .state()
                        .room
                        .map(|r| r.code)
                        .ok_or(CoreError::NotInRoom)?,
                },
            }
        };
        let sha256 = match dest {
            // Hashing a whole file is blocking work: off the async threads.
            FileDest::Host(files) => {
                let owned = path.to_path_buf();
                tokio::task::spawn_blocking(move || files.share(&owned))
                    .await
                    .map_err(|e| CoreError::File(e.to_string()))?
                    .map_err(|e| CoreError::File(format!("{}: {e}", path.display())))?
                    .sha256
            }
            FileDest::Upload { url, token, code } => {
                let base =
                    sync_client::http_base_url(&url).map_err(|e| CoreError::File(e.to_string()))?;
                sync_client::upload(
                    &base,
                    &code,
                    &token,
                    path,
                    &sync_client::TlsOptions::default(),
                )
                .await
                .map_err(|e| CoreError::File(format!("upload to the host failed: {e}")))?
            }
        };
        let title = meta.title.clone();
        let state = self.state.lock().await;
        let session = state.session.as_ref().ok_or(CoreError::NotInRoom)?;
        if let Some(cover) = &meta.cover {
            session.set_cover(&sha256, data_url(&cover.mime, &cover.data));
        }
        session.handle().add_song(SongInput::Local {
            sha256,
            codec: meta.codec.to_owned(),
            title: meta.title,
            artist: meta.artist,
            album: meta.album,
            duration_us,
        })?;
        Ok(title)
    }

    /// # Errors
    /// [`CoreError::InvalidInput`] for a vote other than -1, 0, 1.
    pub async fn vote(&self, song_id: SongId, vote: i8) -> Result<(), CoreError> {
        if !(-1..=1).contains(&vote) {
            return Err(CoreError::InvalidInput("a vote is -1, 0 or 1".into()));
        }
        self.send(ClientMessage::Vote { song_id, vote }).await
    }

    /// # Errors
    /// [`CoreError::NotInRoom`].
    pub async fn reorder(&self, song_id: SongId, to_index: u32) -> Result<(), CoreError> {
        self.send(ClientMessage::ReorderQueue { song_id, to_index })
            .await
    }

    /// # Errors
    /// [`CoreError::NotInRoom`].
    pub async fn remove_song(&self, song_id: SongId) -> Result<(), CoreError> {
        self.send(ClientMessage::RemoveSong { song_id }).await
    }

    /// # Errors
    /// [`CoreError::InvalidInput`] for an empty or too long message.
    pub async fn chat(&self, text: &str) -> Result<(), CoreError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > CHAT_MAX {
            return Err(CoreError::InvalidInput(format!(
                "a message has 1 to {CHAT_MAX} characters"
            )));
        }
        self.send(ClientMessage::Chat {
            text: text.to_owned(),
        })
        .await
    }

    /// # Errors
    /// [`CoreError::InvalidInput`] for the host role (use transfer).
    pub async fn set_role(&self, member_id: MemberId, role: Role) -> Result<(), CoreError> {
        if role == Role::Host {
            return Err(CoreError::InvalidInput(
                "hand over the host role with “make host”".into(),
            ));
        }
        self.send(ClientMessage::SetRole { member_id, role }).await
    }

    /// # Errors
    /// [`CoreError::NotInRoom`].
    pub async fn transfer_host(&self, member_id: MemberId) -> Result<(), CoreError> {
        self.send(ClientMessage::TransferHost { member_id }).await
    }

    /// # Errors
    /// [`CoreError::NotInRoom`].
    pub async fn set_policy(&self, policy: ControlPolicy) -> Result<(), CoreError> {
        self.send(ClientMessage::SetPolicy { policy }).await
    }

    pub async fn youtube_report(&self, report: YoutubeReport) {
        if let Some(s) = &self.state.lock().await.session {
            s.youtube().report(report);
        }
    }

    /// Opens a YouTube search for `query` in the system browser: the labelled fallback offered to
    /// a listener who cannot play a Spotify song. Only a YouTube search address is ever built,
    /// whatever the page sends.
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] for an empty, too long or control-character query;
    /// [`CoreError::Io`] when no browser can be opened.
    pub fn open_youtube_search(query: &str) -> Result<(), CoreError> {
        let url = youtube_search_url(query)?;
        open::that_detached(url.as_str()).map_err(|e| CoreError::io("opening the browser", e))
    }

    /// What the settings screen shows of Spotify.
    pub async fn spotify_state(&self) -> SpotifyView {
        let client_id = self.state.lock().await.settings.spotify_client_id.clone();
        self.spotify.view(&client_id)
    }

    /// Saves `client_id` and logs in through the system browser (resolves when done).
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] for a malformed client id; [`CoreError::Spotify`] when the
    /// login is denied, times out or fails.
    pub async fn spotify_connect(&self, client_id: &str) -> Result<SpotifyView, CoreError> {
        let mut settings = self.settings().await;
        settings.spotify_client_id = client_id.trim().to_lowercase();
        let settings = self.store_settings(settings).await?;
        self.spotify
            .configure(&settings.spotify_client_id, &settings.spotify_device)?;
        self.spotify.connect().await?;
        Ok(self.spotify_state().await)
    }

    /// Restores the account name of a login kept in the keychain (at start).
    pub async fn spotify_restore(&self) {
        self.spotify.refresh_profile().await;
    }

    /// Forgets the tokens (here and in the keychain).
    ///
    /// # Errors
    /// [`CoreError::Spotify`] when the keychain refuses.
    pub async fn spotify_disconnect(&self) -> Result<SpotifyView, CoreError> {
        self.spotify.disconnect().await?;
        Ok(self.spotify_state().await)
    }

    /// # Errors
    /// [`CoreError::Spotify`] when not connected or Spotify cannot be reached.
    pub async fn spotify_devices(&self) -> Result<Vec<SpotifyDeviceView>, CoreError> {
        self.spotify.devices().await
    }

    /// # Errors
    /// [`CoreError::InvalidInput`] for an empty or oversized device id or name;
    /// [`CoreError::Io`] when the choice cannot be saved.
    pub async fn spotify_choose_device(
        &self,
        choice: spotify::DeviceChoice,
    ) -> Result<SpotifyView, CoreError> {
        if let spotify::DeviceChoice::Id { id, name } = &choice
            && [id, name]
                .iter()
                .any(|t| t.is_empty() || t.len() > 200 || t.chars().any(char::is_control))
        {
            return Err(CoreError::InvalidInput(
                "a Spotify device has an id and a name of 1 to 200 characters".into(),
            ));
        }
        let mut settings = self.settings().await;
        settings.spotify_device = choice.clone();
        self.store_settings(settings).await?;
        self.spotify.choose_device(choice);
        Ok(self.spotify_state().await)
    }

    /// The output devices by name, for settings.
    pub fn output_devices() -> Vec<String> {
        audio_engine::output::CpalOutput::device_names().unwrap_or_default()
    }

    /// Leaves the room and stops the server (the app is quitting).
    pub async fn shutdown(&self) {
        let (session, host) = {
            let mut state = self.state.lock().await;
            (state.session.take(), state.host.take())
        };
        if let Some(s) = session {
            s.leave().await;
        }
        if let Some(h) = host {
            h.stop().await;
        }
    }

    /// The room this app hosts and is in, for the LAN announcement.
    pub async fn hosted_room(&self) -> Option<HostedRoom> {
        let state = self.state.lock().await;
        let host = state.host.as_ref()?;
        let session = state
            .session
            .as_ref()
            .filter(|s| s.hosting() && !s.is_over())?;
        let room = session.handle().state().room?;
        let members = room.members.values().filter(|m| m.connected).count();
        Some(HostedRoom {
            code: room.code,
            name: room.name,
            host_name: state.settings.name_or_default(),
            port: host.port(),
            has_password: room.has_password,
            members: u32::try_from(members).unwrap_or(u32::MAX),
        })
    }
}

/// Where an added file goes: shared by this app's own server, or uploaded to the host's.
enum FileDest {
    Host(Arc<room_server::files::FileRegistry>),
    Upload {
        url: String,
        token: String,
        code: String,
    },
}

/// What the LAN announcement says of the hosted room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedRoom {
    pub code: String,
    pub name: String,
    pub host_name: String,
    pub port: u16,
    pub has_password: bool,
    pub members: u32,
}

fn idle() -> SessionView {
    SessionView {
        status: SessionStatus::Idle,
        message: None,
        error_kind: None,
        retry_in_ms: None,
    }
}

/// `https://www.youtube.com/results?search_query=…` for `query`.
///
/// # Errors
/// [`CoreError::InvalidInput`] for an empty query, one over 200 characters, or one with control
/// characters.
pub fn youtube_search_url(query: &str) -> Result<url::Url, CoreError> {
    let q = query.trim();
    if q.is_empty() || q.chars().count() > 200 || q.chars().any(char::is_control) {
        return Err(CoreError::InvalidInput(
            "a search is 1 to 200 characters of text".into(),
        ));
    }
    url::Url::parse_with_params("https://www.youtube.com/results", [("search_query", q)])
        .map_err(|e| CoreError::InvalidInput(e.to_string()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn data_url(mime: &str, data: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(data)
    )
}
