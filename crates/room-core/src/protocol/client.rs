//! Client to server messages.

use serde::{Deserialize, Serialize};

use super::views::{MemberId, SongId};
use crate::policy::{ControlPolicy, Role};

/// Everything a client may send. Order of handling is arrival order on the room's task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ClientMessage {
    /// Announces the client's protocol version; optional, checked when sent.
    #[serde(rename_all = "camelCase")]
    Hello {
        protocol: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client: Option<String>,
    },
    /// Create a room and join it as host. Answered by `room-created` then `room-joined`.
    #[serde(rename_all = "camelCase")]
    CreateRoom {
        name: String,
        display_name: String,
        #[serde(default)]
        policy: ControlPolicy,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
    },
    /// Join by code. `resumeToken` reclaims an earlier identity; `hostSecret` the host role.
    #[serde(rename_all = "camelCase")]
    JoinRoom {
        code: String,
        display_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume_token: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        host_secret: Option<String>,
    },
    LeaveRoom {},
    /// NTP-style clock sample request; `clientSendUs` is echoed in `clock-pong`. `rttUs`, the
    /// client's current round-trip estimate, lets the room pick how far ahead to schedule changes.
    #[serde(rename_all = "camelCase")]
    ClockPing {
        client_send_us: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rtt_us: Option<i64>,
    },
    /// The member's player has loaded `songId` and can start it at once.
    #[serde(rename_all = "camelCase")]
    PlayerReady {
        song_id: SongId,
    },
    /// Whether the room should wait for this member's player before starting a song. Off until
    /// a client with a player turns it on (a remote control or a load generator has nothing to
    /// wait for); a member on a slow link can turn it off again and join at the running position.
    SetWaitForMe {
        wait: bool,
    },
    PausePlayback {},
    ResumePlayback {},
    #[serde(rename_all = "camelCase")]
    SeekPlayback {
        position_us: i64,
    },
    /// Skip to the top of the queue. With `currentSongId`, only if that song is still current,
    /// so two people pressing "next" at once skip once.
    #[serde(rename_all = "camelCase")]
    PlayNext {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        current_song_id: Option<SongId>,
    },
    #[serde(rename_all = "camelCase")]
    PlayNow {
        song_id: SongId,
    },
    /// A listener's player reached the end of `songId`. Reports for a song that is no longer
    /// current are ignored, so many listeners reporting one end skip once.
    #[serde(rename_all = "camelCase")]
    SongEnded {
        song_id: SongId,
    },
    GetPlaybackState {},
    /// A page of the member list, by id after `afterId` (from the start when absent), at most
    /// `limit` (default and maximum 200): how a client of a big room, whose `room-joined` lists
    /// only the first 50, browses the rest.
    #[serde(rename_all = "camelCase")]
    GetMembers {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_id: Option<MemberId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    AddSong {
        song: SongInput,
    },
    #[serde(rename_all = "camelCase")]
    RemoveSong {
        song_id: SongId,
    },
    ClearQueue {},
    #[serde(rename_all = "camelCase")]
    ReorderQueue {
        song_id: SongId,
        to_index: u32,
    },
    /// `vote`: 1 up, -1 down, 0 withdraws the member's vote.
    #[serde(rename_all = "camelCase")]
    Vote {
        song_id: SongId,
        vote: i8,
    },
    Chat {
        text: String,
    },
    #[serde(rename_all = "camelCase")]
    SetRole {
        member_id: MemberId,
        role: Role,
    },
    #[serde(rename_all = "camelCase")]
    TransferHost {
        member_id: MemberId,
    },
    SetPolicy {
        policy: ControlPolicy,
    },
    CloseRoom {},
}

/// A song as a member submits it; validated and normalised into a [`crate::SongSource`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SongInput {
    /// A pasted YouTube or Spotify link (metadata optional, as the adding client knows it).
    #[serde(rename_all = "camelCase")]
    Link {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        artist: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        album: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_us: Option<i64>,
    },
    /// A file on the adding member's disk, identified by content hash, never by path.
    #[serde(rename_all = "camelCase")]
    Local {
        sha256: String,
        codec: String,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        artist: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        album: Option<String>,
        duration_us: i64,
    },
}

impl ClientMessage {
    /// The wire `type` of this message.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Hello { .. } => "hello",
            Self::CreateRoom { .. } => "create-room",
            Self::JoinRoom { .. } => "join-room",
            Self::LeaveRoom {} => "leave-room",
            Self::ClockPing { .. } => "clock-ping",
            Self::PlayerReady { .. } => "player-ready",
            Self::SetWaitForMe { .. } => "set-wait-for-me",
            Self::PausePlayback {} => "pause-playback",
            Self::ResumePlayback {} => "resume-playback",
            Self::SeekPlayback { .. } => "seek-playback",
            Self::PlayNext { .. } => "play-next",
            Self::PlayNow { .. } => "play-now",
            Self::SongEnded { .. } => "song-ended",
            Self::GetPlaybackState {} => "get-playback-state",
            Self::GetMembers { .. } => "get-members",
            Self::AddSong { .. } => "add-song",
            Self::RemoveSong { .. } => "remove-song",
            Self::ClearQueue {} => "clear-queue",
            Self::ReorderQueue { .. } => "reorder-queue",
            Self::Vote { .. } => "vote",
            Self::Chat { .. } => "chat",
            Self::SetRole { .. } => "set-role",
            Self::TransferHost { .. } => "transfer-host",
            Self::SetPolicy { .. } => "set-policy",
            Self::CloseRoom {} => "close-room",
        }
    }

    /// Every client message type, for the decoder's "unknown type" check and the docs test.
    pub const TYPES: &'static [&'static str] = &[
        "hello",
        "create-room",
        "join-room",
        "leave-room",
        "clock-ping",
        "player-ready",
        "set-wait-for-me",
        "pause-playback",
        "resume-playback",
        "seek-playback",
        "play-next",
        "play-now",
        "song-ended",
        "get-playback-state",
        "get-members",
        "add-song",
        "remove-song",
        "clear-queue",
        "reorder-queue",
        "vote",
        "chat",
        "set-role",
        "transfer-host",
        "set-policy",
        "close-room",
    ];
}
