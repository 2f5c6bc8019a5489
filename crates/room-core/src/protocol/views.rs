//! Data carried inside messages: members, songs, queue entries, the playback state.

use serde::{Deserialize, Serialize};

use crate::policy::{ControlPolicy, Role};
use crate::source::SongSource;

/// A member's id, unique within its room for the room's lifetime.
pub type MemberId = u64;
/// A queued song's id, unique within its room (the same link added twice gets two ids).
pub type SongId = u64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomView {
    pub code: String,
    pub name: String,
    pub policy: ControlPolicy,
    pub has_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub id: MemberId,
    pub name: String,
    pub role: Role,
    /// False while the member's connection is down but its reconnect grace has not run out.
    pub connected: bool,
}

/// One of a member's own votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteView {
    pub song_id: SongId,
    /// 1 up, -1 down.
    pub vote: i8,
}

/// A member that left (or was dropped after its reconnect grace, or whose room closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberGone {
    pub member_id: MemberId,
    /// `left`, `timed-out`.
    pub reason: String,
}

/// What a newly joined member learns about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct YouView {
    pub member_id: MemberId,
    pub role: Role,
    /// Present it in `join-room` after a drop to get this identity back.
    pub resume_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SongView {
    pub id: SongId,
    pub source: SongSource,
    /// Canonical link (YouTube/Spotify); absent for local files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    /// Known duration; the server advances to the next song by itself when it is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_us: Option<i64>,
    pub added_by: MemberId,
    pub added_by_name: String,
    pub added_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntryView {
    pub song: SongView,
    pub score: i32,
    pub upvotes: u32,
    pub downvotes: u32,
    /// Placed by the host or a DJ: votes no longer move it.
    pub pinned: bool,
}

/// The original design's `PlaybackState`, on the room clock.
///
/// Position is `now - startedAt` while playing and `pausedAt - startedAt` while paused.
/// Changes take effect at `effectiveAtUs`, slightly after they are sent, so every listener acts
/// at the same instant: before it, a listener keeps following the state it had (a newcomer holds
/// at `effectiveAtUs - startedAt` when playing, and keeps playing until `pausedAt` when paused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaybackView {
    pub song_id: Option<SongId>,
    pub started_at_us: i64,
    pub paused_at_us: Option<i64>,
    pub is_playing: bool,
    pub last_updated_us: i64,
    /// The room instant from which this state holds.
    #[serde(default)]
    pub effective_at_us: i64,
    /// The current song is loaded but the room is waiting (a few seconds at most) for members'
    /// players to report `player-ready` before it starts.
    #[serde(default)]
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatView {
    pub id: u64,
    pub member_id: MemberId,
    pub name: String,
    pub text: String,
    pub at_us: i64,
}
