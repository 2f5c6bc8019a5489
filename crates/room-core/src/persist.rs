//! What a room asks its driver to store, and what it is rebuilt from after a restart.
//!
//! A room emits [`StoreOp`]s only at discrete events (join, queue change, vote, play, pause,
//! resume, seek, next), never per tick: the timeline is `startedAt`/`pausedAt`, so the position
//! needs no writes while a song plays.

use crate::policy::{ControlPolicy, Role};
use crate::protocol::{MemberId, SongId, SongView};

#[derive(Clone, PartialEq, Eq)]
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

#[derive(Clone, PartialEq, Eq)]
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

/// Digests stay out of logs: `{:?}` of a record (or of an op or effect holding one) shows that a
/// secret is set, never its digest.
impl std::fmt::Debug for RoomRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomRecord")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("policy", &self.policy)
            .field("has_password", &self.password_digest.is_some())
            .field("next_member_id", &self.next_member_id)
            .field("next_song_id", &self.next_song_id)
            .field("created_at_us", &self.created_at_us)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for MemberRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_digests() {
        let room = RoomRecord {
            code: "ABCDEF".into(),
            name: "n".into(),
            policy: crate::ControlPolicy::Everyone,
            password_digest: Some("feedface".into()),
            host_secret_digest: "deadbeef".into(),
            next_member_id: 1,
            next_song_id: 1,
            created_at_us: 0,
        };
        let member = MemberRecord {
            id: 1,
            name: "m".into(),
            role: crate::Role::Host,
            resume_digest: "cafebabe".into(),
        };
        let text = format!("{:?} {:?}", StoreOp::Room(room), StoreOp::Member(member));
        for secret in ["feedface", "deadbeef", "cafebabe"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
