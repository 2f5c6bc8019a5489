//! Server to client messages.

use serde::{Deserialize, Serialize};

use super::views::{
    ChatView, MemberGone, MemberId, MemberView, PlaybackView, QueueEntryView, RoomView, SongId,
    SongView, VoteView, YouView,
};
use crate::error::ErrorCode;
use crate::policy::ControlPolicy;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ServerMessage {
    /// Sent once when the socket opens.
    #[serde(rename_all = "camelCase")]
    Hello {
        protocol: u32,
        server: String,
        room_clock_us: i64,
    },
    /// Answer to `create-room`, to the creator only. Keep `hostSecret` to reclaim the host role.
    #[serde(rename_all = "camelCase")]
    RoomCreated {
        code: String,
        host_secret: String,
    },
    /// Everything a newcomer needs, stamped with the room clock.
    RoomJoined(Box<RoomJoined>),
    /// Presence changes since the last `presence`, batched: a room sends at most one every
    /// `presenceBatchUs` (100 ms), so a thousand joins cost a handful of messages per member,
    /// not a thousand. Deltas only, never the whole list. Apply by member id (upsert `joined`
    /// and `updated`, remove `left`); a batch may name the receiver itself.
    /// At most [`crate::room::PRESENCE_CHUNK`] entries per message; a larger batch comes as
    /// several messages. `memberCount` is the room's size after the changes.
    #[serde(rename_all = "camelCase")]
    Presence {
        joined: Vec<MemberView>,
        updated: Vec<MemberView>,
        left: Vec<MemberGone>,
        #[serde(default)]
        member_count: u32,
    },
    /// The room's control policy changed.
    PolicyChanged {
        policy: ControlPolicy,
    },
    /// `order` is the whole queue's order after the change, by song id.
    SongAdded {
        entry: QueueEntryView,
        order: Vec<SongId>,
    },
    #[serde(rename_all = "camelCase")]
    SongRemoved {
        song_id: SongId,
        order: Vec<SongId>,
    },
    QueueCleared {},
    QueueReordered {
        order: Vec<SongId>,
    },
    #[serde(rename_all = "camelCase")]
    SongVoted {
        song_id: SongId,
        member_id: MemberId,
        vote: i8,
        score: i32,
        upvotes: u32,
        downvotes: u32,
        order: Vec<SongId>,
    },
    PlaybackPaused(PlaybackEvent),
    PlaybackResumed(PlaybackEvent),
    PlaybackSeeked(PlaybackEvent),
    /// The current song changed (next, play-now, automatic advance) or an answer to
    /// `get-playback-state`.
    PlaybackStateUpdate(PlaybackEvent),
    ChatMessage(ChatView),
    /// Answer to `get-members`, to the sender only: members by id; `nextAfterId` asks for the
    /// next page, absent on the last one.
    #[serde(rename_all = "camelCase")]
    MembersPage {
        members: Vec<MemberView>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_after_id: Option<MemberId>,
        member_count: u32,
    },
    /// `serverRecvUs`/`serverSendUs` are on the room clock; `clientSendUs` is echoed.
    #[serde(rename_all = "camelCase")]
    ClockPong {
        client_send_us: i64,
        server_recv_us: i64,
        server_send_us: i64,
    },
    #[serde(rename_all = "camelCase")]
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_type: Option<String>,
    },
    /// The host closed the room; the socket stays open and may join another.
    RoomClosed {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomJoined {
    pub room: RoomView,
    pub you: YouView,
    /// The host, the DJs, then others up to [`crate::room::MEMBERS_IN_JOINED`] in all: a room
    /// of thousands does not send each newcomer thousands of names. `memberCount` is the size.
    pub members: Vec<MemberView>,
    #[serde(default)]
    pub member_count: u32,
    /// In play order.
    pub queue: Vec<QueueEntryView>,
    /// This member's own votes. (A list, not a map: JSON object keys would be strings.)
    pub your_votes: Vec<VoteView>,
    pub playback: PlaybackView,
    pub song: Option<SongView>,
    /// Where the newcomer should be at `roomClockUs` (the paused position when paused).
    pub position_us: i64,
    pub room_clock_us: i64,
    /// The most recent chat messages, oldest first.
    pub chat: Vec<ChatView>,
}

/// The payload of every playback event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaybackEvent {
    pub playback: PlaybackView,
    pub song: Option<SongView>,
    /// The song position at `roomClockUs`.
    pub position_us: i64,
    pub room_clock_us: i64,
    /// Who caused it (absent for the server's own automatic advance or a state request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<MemberId>,
    pub reason: PlaybackReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaybackReason {
    Pause,
    Resume,
    Seek,
    Next,
    PlayNow,
    /// The current song reached its end (known duration or a listener's report).
    Ended,
    /// A song was added to an idle room and started.
    Started,
    /// The queue ran out.
    Stopped,
    /// The song that was waiting for members' players starts (all ready, or the wait ran out).
    Ready,
    /// Answer to `get-playback-state`.
    Requested,
}
