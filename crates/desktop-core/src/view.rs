//! What the UI is sent: the IPC contract between Rust and the web UI.
//!
//! Everything reaches the UI through one channel (`subscribe`) as a [`UiEvent`], in this order
//! per change: `session` (connection), `room` (the whole room, on every change), `tick` (four
//! times a second while in a room: position and sync), `discovery` (rooms on the LAN), `notice`
//! (one-off messages), `youtube` (commands for the YouTube player page). The UI's TypeScript
//! mirror is `ui/src/ipc/types.ts`; `tests/ipc_fixtures.rs` writes an example of every event to
//! `ui/src/ipc/fixtures/` and the UI's type check reads them back, so the two cannot drift apart.
//!
//! Serialized camelCase; enums tagged with `kind`.

use room_core::protocol::{ChatView, MemberId, MemberView, QueueEntryView, SongId, SongView};
use room_core::{ControlPolicy, Role};
use serde::{Deserialize, Serialize};

/// One message to the UI.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UiEvent {
    Session(SessionView),
    Room(Box<RoomUiView>),
    Tick(TickView),
    Discovery { rooms: Vec<DiscoveredRoom> },
    Notice(Notice),
    Youtube(YoutubeCommand),
}

/// Where the app stands with its room.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub status: SessionStatus,
    /// What happened, in words a person can act on (a wrong password, an unreachable host).
    pub message: Option<String>,
    /// A stable code for `message` (`room-not-found`, `wrong-password`, `unreachable`, ...).
    pub error_kind: Option<String>,
    /// While reconnecting: when the next try is.
    pub retry_in_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SessionStatus {
    /// Not in a room: the home screen.
    Idle,
    Connecting,
    Joining,
    InRoom,
    Reconnecting,
    /// Joining cannot succeed (see `message`).
    Failed,
    /// Left, or the room was closed (see `message`).
    Closed,
}

/// The room as this member sees it, with what the UI needs to decide what to enable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomUiView {
    pub code: String,
    pub name: String,
    pub policy: ControlPolicy,
    pub has_password: bool,
    pub me: MeView,
    /// Connected and within-grace members: host first, then DJs, then listeners.
    pub members: Vec<MemberView>,
    pub member_count: usize,
    pub queue: Vec<QueueItemView>,
    pub now_playing: Option<NowPlayingView>,
    pub chat: Vec<ChatView>,
    /// May this member pause, resume, seek, skip? `control_reason` says why not.
    pub can_control: bool,
    pub control_reason: Option<String>,
    /// This app runs the room's server: the share panel and "close room" apply.
    pub hosting: bool,
    /// How others join: a `tandem://join/...` link, the same as an http link for people
    /// without the app, the addresses tried, and the QR code of the link as an SVG document.
    pub share: Option<ShareView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    pub member_id: MemberId,
    pub role: Role,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueItemView {
    pub entry: QueueEntryView,
    /// This member's own vote on it: -1, 0 or 1.
    pub my_vote: i8,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NowPlayingView {
    pub song: SongView,
    /// A `data:` URL of the cover art, when the song is a local file that carries one.
    pub cover: Option<String>,
    pub is_playing: bool,
    /// The room waits for players to load the song before it starts.
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    pub link: String,
    pub addresses: Vec<String>,
    pub qr_svg: String,
}

/// Four times a second while in a room: where the song is and how well this listener follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TickView {
    pub song_id: Option<SongId>,
    /// Where the room's song is now (µs), for the progress bar.
    pub position_us: i64,
    pub duration_us: Option<i64>,
    pub is_playing: bool,
    pub sync: SyncView,
    /// Which player follows the current song, and whether it can be heard here.
    pub player: PlayerView,
}

/// The sync badge.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncView {
    pub state: SyncState,
    /// `room - local` clock offset, µs.
    pub offset_us: Option<i64>,
    /// Worst-case error of the offset, µs.
    pub uncertainty_us: Option<i64>,
    pub rtt_us: Option<i64>,
    /// The player's tracking error (heard - room), µs, when measured.
    pub error_us: Option<i64>,
    /// What the app is doing about it.
    pub correction: Correction,
    /// The badge's words: "in sync ±0.4 ms", "correcting: nudging the speed", ...
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyncState {
    /// Clock not estimated yet (first second after connecting).
    Measuring,
    InSync,
    /// The player is being brought back (a trim or a jump this tick).
    Correcting,
    /// Not connected: following the last known timeline.
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Correction {
    None,
    Trim,
    Jump,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlayerView {
    pub kind: PlayerKind,
    /// Why it is silent here, when it is ("Spotify songs play in your own Spotify app: ...").
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlayerKind {
    None,
    Local,
    Youtube,
    Spotify,
}

/// A room announced on the LAN (from the discovery crate, sent as is).
pub use discovery::DiscoveredRoom;

/// Something to tell the person once (a toast).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub level: NoticeLevel,
    /// Stable code for tests and for the UI to pick an icon (`file-added`, `youtube`, ...).
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// What the YouTube player page is told to do. Instants are given as a delay from when the
/// command is sent (`in_ms`), so the page needs no clock of ours.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum YoutubeCommand {
    /// Cue `video_id` at `position_s`, paused.
    Load {
        video_id: String,
        position_s: f64,
    },
    /// Play from `position_s`, `in_ms` from now.
    Play {
        position_s: f64,
        in_ms: f64,
    },
    Pause,
    Seek {
        position_s: f64,
    },
    /// Playback rate (1.0 nominal), for drift trims.
    Rate {
        rate: f64,
    },
    Stop,
}

/// What the YouTube player page reports back (`youtube_report`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum YoutubeReport {
    /// The IFrame API is loaded and the player made.
    Ready,
    /// `getCurrentTime()` and the player state, sampled just before sending.
    Position {
        video_id: String,
        position_s: f64,
        /// YouTube's state: -1 unstarted, 0 ended, 1 playing, 2 paused, 3 buffering, 5 cued.
        state: i32,
        rate: f64,
    },
    /// `onError` with YouTube's code (2, 5, 100, 101, 150, 153).
    Error { code: i32 },
}

/// A playback intent from the UI.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Control {
    Pause,
    Resume,
    Seek {
        #[serde(rename = "positionUs")]
        position_us: i64,
    },
    Next,
    PlayNow {
        #[serde(rename = "songId")]
        song_id: SongId,
    },
}

/// Starting a room from the app.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HostRequest {
    pub name: String,
    pub policy: ControlPolicy,
    pub password: Option<String>,
}

/// Joining by code (and address), link or discovery.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    /// `ws://host:port/ws`, `host:port`, or empty for this machine's own server.
    pub address: String,
    pub code: String,
    pub password: Option<String>,
}

/// An error a command returns to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UiError {
    pub kind: String,
    pub message: String,
}
