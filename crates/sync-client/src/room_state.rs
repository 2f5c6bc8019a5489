//! The room as this client knows it: members, queue, current song, timeline view, chat. Built
//! from `room-joined` and kept up to date by the room's broadcasts; pure, no I/O.

use std::collections::{BTreeMap, HashMap, VecDeque};

use room_core::protocol::{
    ChatView, MemberId, MemberView, PlaybackView, QueueEntryView, RoomJoined, SongId, SongView,
};
use room_core::{ControlPolicy, ServerMessage};

/// Chat messages kept, newest last.
const CHAT_KEPT: usize = 200;

/// One room, from this member's point of view.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomState {
    pub code: String,
    pub name: String,
    pub policy: ControlPolicy,
    pub has_password: bool,
    /// Everyone in the room, connected or within their reconnect grace, by id.
    pub members: BTreeMap<MemberId, MemberView>,
    /// In play order.
    pub queue: Vec<QueueEntryView>,
    /// This member's votes, by song id.
    pub your_votes: BTreeMap<SongId, i8>,
    pub song: Option<SongView>,
    /// The room's timeline as last announced (raw, room clock).
    pub playback: PlaybackView,
    /// Recent chat, oldest first.
    pub chat: VecDeque<ChatView>,
}

impl RoomState {
    pub fn from_joined(j: &RoomJoined) -> Self {
        Self {
            code: j.room.code.clone(),
            name: j.room.name.clone(),
            policy: j.room.policy,
            has_password: j.room.has_password,
            members: j.members.iter().map(|m| (m.id, m.clone())).collect(),
            queue: j.queue.clone(),
            your_votes: j.your_votes.iter().map(|v| (v.song_id, v.vote)).collect(),
            song: j.song.clone(),
            playback: j.playback.clone(),
            chat: j.chat.iter().cloned().collect(),
        }
    }

    /// Applies a broadcast about the room's content (members, queue, votes, chat, policy,
    /// playback). Returns whether it was one. `me` tells which votes are this member's.
    pub fn apply(&mut self, msg: &ServerMessage, me: Option<MemberId>) -> bool {
        match msg {
            ServerMessage::Presence {
                joined,
                updated,
                left,
                ..
            } => {
                for m in joined.iter().chain(updated) {
                    self.members.insert(m.id, m.clone());
                }
                for gone in left {
                    self.members.remove(&gone.member_id);
                }
            }
            ServerMessage::PolicyChanged { policy } => self.policy = *policy,
            ServerMessage::SongAdded { entry, order } => {
                self.queue.retain(|e| e.song.id != entry.song.id);
                self.queue.push(entry.clone());
                self.reorder(order);
            }
            ServerMessage::SongRemoved { song_id, order } => {
                self.queue.retain(|e| e.song.id != *song_id);
                self.your_votes.remove(song_id);
                self.reorder(order);
            }
            ServerMessage::QueueCleared {} => {
                self.queue.clear();
                self.your_votes.clear();
            }
            ServerMessage::QueueReordered { order } => self.reorder(order),
            ServerMessage::SongVoted {
                song_id,
                member_id,
                vote,
                score,
                upvotes,
                downvotes,
                order,
            } => {
                if let Some(e) = self.queue.iter_mut().find(|e| e.song.id == *song_id) {
                    e.score = *score;
                    e.upvotes = *upvotes;
                    e.downvotes = *downvotes;
                }
                if Some(*member_id) == me {
                    if *vote == 0 {
                        self.your_votes.remove(song_id);
                    } else {
                        self.your_votes.insert(*song_id, *vote);
                    }
                }
                self.reorder(order);
            }
            ServerMessage::PlaybackPaused(ev)
            | ServerMessage::PlaybackResumed(ev)
            | ServerMessage::PlaybackSeeked(ev)
            | ServerMessage::PlaybackStateUpdate(ev) => {
                self.song = ev.song.clone();
                self.playback = ev.playback.clone();
            }
            ServerMessage::ChatMessage(chat) => {
                self.chat.push_back(chat.clone());
                while self.chat.len() > CHAT_KEPT {
                    self.chat.pop_front();
                }
            }
            _ => return false,
        }
        true
    }

    /// Puts the queue in `order`; entries it does not name keep their relative order at the
    /// end (a message this client missed cannot make it lose songs).
    fn reorder(&mut self, order: &[SongId]) {
        let rank: HashMap<SongId, usize> =
            order.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        self.queue
            .sort_by_key(|e| rank.get(&e.song.id).copied().unwrap_or(usize::MAX));
    }
}
