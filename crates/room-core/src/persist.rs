//! What a room asks its driver to store, and what it is rebuilt from after a restart.
//!
//! A room emits [`StoreOp`]s only at discrete events (join, queue change, vote, play, pause,
//! resume, seek, next), never per tick: the timeline is `startedAt`/`pausedAt`, so the position
//! needs no writes while a song plays.

use crate::policy::{ControlPolicy, Role};
use crate::protocol::{MemberId, SongId, SongView};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRecord {
    pub code: String,
    pub name: String,
    pub policy: ControlPolicy,
    pub password_digest: Option<String>,
    pub host_secret_digest: String,
    pub next_member_id: MemberId,
    pub next_song_id: SongId,
    pub created_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub id: MemberId,
    pub name: String,
    pub role: Role,
    pub resume_digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRecord {
    pub song: SongView,
    pub seq: u64,
    pub pin: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackRecord {
    pub current: Option<SongView>,
    pub started_at_us: i64,
    pub paused_at_us: Option<i64>,
    pub is_playing: bool,
    pub last_updated_us: i64,
}

/// Everything stored about one room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSnapshot {
    pub room: RoomRecord,
    pub members: Vec<MemberRecord>,
    pub queue: Vec<QueueRecord>,
    /// (song, member, vote)
    pub votes: Vec<(SongId, MemberId, i8)>,
    pub playback: PlaybackRecord,
}

/// One change to the stored state of a room. Applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOp {
    Room(RoomRecord),
    Member(MemberRecord),
    MemberGone(MemberId),
    Song(QueueRecord),
    SongGone(SongId),
    QueueCleared,
    Vote {
        song: SongId,
        member: MemberId,
        vote: i8,
    },
    Playback(PlaybackRecord),
    /// The room was closed: delete everything about it.
    RoomGone,
}
