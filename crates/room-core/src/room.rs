//! One room's state machine: members, queue, votes, the timeline, and who may change them.
//!
//! Sans-IO: every call takes `now` (room clock, µs) and returns [`Effect`]s for the driver to carry
//! out — messages to send, state to store. The driver owns sockets, clocks and randomness; fresh
//! secrets are passed in.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::error::{ErrorCode, RoomError};
use crate::persist::{
    MemberRecord, PlaybackRecord, QueueRecord, RoomRecord, RoomSnapshot, StoreOp,
};
use crate::playback::PlaybackState;
use crate::policy::{Action, ControlPolicy, Role, allowed};
use crate::protocol::{
    ChatView, ClientMessage, MemberGone, MemberId, MemberView, PlaybackEvent, PlaybackReason,
    RoomJoined, RoomView, ServerMessage, SongId, SongInput, SongView, VoteView, YouView,
};
use crate::queue::{Queue, QueueEntry};
use crate::secret;
use crate::source::SongSource;
use crate::text;

/// Tunables of a room; the defaults suit a party and the internet alike.
#[derive(Debug, Clone)]
pub struct RoomConfig {
    /// How long a dropped member (the host included) keeps its identity and role.
    pub reconnect_grace_us: i64,
    pub max_members: usize,
    pub max_queue: usize,
    pub chat_history: usize,
    /// A listener's `song-ended` for a song of known length counts only this close to its end.
    pub end_report_tolerance_us: i64,
    /// Presence changes are sent in one `presence` message at most this often, so join storms
    /// and mass disconnects cost a few messages per member rather than one per change.
    pub presence_batch_us: i64,
    /// How long a new song waits for the players of members who asked to be waited for.
    pub ready_timeout_us: i64,
    /// Bounds of the lead time: how far ahead of "now" start, pause, resume and seek are
    /// scheduled so every listener acts at the same instant.
    pub min_lead_us: i64,
    pub max_lead_us: i64,
    /// A room nobody has been connected to for this long is closed and forgotten.
    pub empty_room_ttl_us: i64,
}

impl Default for RoomConfig {
    fn default() -> Self {
        Self {
            reconnect_grace_us: 60_000_000,
            max_members: 20_000,
            max_queue: 500,
            chat_history: 50,
            end_report_tolerance_us: 2_000_000,
            presence_batch_us: 100_000,
            ready_timeout_us: 3_000_000,
            min_lead_us: 50_000,
            max_lead_us: 1_500_000,
            empty_room_ttl_us: 24 * 3600 * 1_000_000,
        }
    }
}

/// Who a message goes to. "Everyone" means every connected member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    All,
    Only(MemberId),
    AllBut(MemberId),
}

/// What the driver must do after a call, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(Recipient, ServerMessage),
    Store(StoreOp),
    /// The member is no longer in the room: detach its connection (if any).
    Detach(MemberId),
    /// The room is closed: detach everyone and stop.
    Closed,
}

/// Fields of `create-room`, validated by [`Room::create`].
#[derive(Clone)]
pub struct CreateParams<'a> {
    pub name: &'a str,
    pub policy: ControlPolicy,
    pub password: Option<&'a str>,
}

/// Fields of `join-room`.
#[derive(Clone, Default)]
pub struct JoinParams<'a> {
    pub display_name: &'a str,
    pub password: Option<&'a str>,
    pub resume_token: Option<&'a str>,
    pub host_secret: Option<&'a str>,
}

#[derive(Clone)]
struct Member {
    name: String,
    role: Role,
    resume_digest: String,
    connected: bool,
    disconnected_at_us: Option<i64>,
    /// The member's round trip as its client last reported it; sets the room's lead time.
    rtt_us: Option<i64>,
    /// The member's player asked to be waited for before a song starts.
    wait_for_me: bool,
}

pub struct Room {
    code: String,
    name: String,
    policy: ControlPolicy,
    password_digest: Option<String>,
    host_secret_digest: String,
    created_at_us: i64,
    members: BTreeMap<MemberId, Member>,
    queue: Queue,
    playback: PlaybackState,
    next_member_id: MemberId,
    next_song_id: SongId,
    next_chat_id: u64,
    chat: VecDeque<ChatView>,
    /// Presence changes not yet sent, and when they are due.
    presence: BTreeMap<MemberId, PresenceChange>,
    presence_due_us: Option<i64>,
    /// Players the waiting song still waits for, and until when.
    ready_pending: BTreeSet<MemberId>,
    ready_deadline_us: Option<i64>,
    /// Since when nobody has been connected.
    empty_since_us: Option<i64>,
    config: RoomConfig,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PresenceChange {
    Joined,
    Updated,
    Left(String),
}

type Outcome = Result<Vec<Effect>, RoomError>;

/// Members listed in `room-joined` at most.
pub const MEMBERS_IN_JOINED: usize = 50;
/// Members in one `members-page` at most.
pub const MEMBERS_PAGE_MAX: usize = 200;
/// Entries in one `presence` message at most.
pub const PRESENCE_CHUNK: usize = 50;

// Secrets and their digests never reach `{:?}` output (and so never a log line).
impl std::fmt::Debug for CreateParams<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateParams")
            .field("name", &self.name)
            .field("policy", &self.policy)
            .field("has_password", &self.password.is_some())
            .finish()
    }
}

impl std::fmt::Debug for JoinParams<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinParams")
            .field("display_name", &self.display_name)
            .field("has_password", &self.password.is_some())
            .field("has_resume_token", &self.resume_token.is_some())
            .field("has_host_secret", &self.host_secret.is_some())
            .finish()
    }
}

impl std::fmt::Debug for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Room")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("policy", &self.policy)
            .field("members", &self.members.len())
            .field("queue", &self.queue.len())
            .field("playback", &self.playback)
            .finish_non_exhaustive()
    }
}

impl Room {
    /// A new, empty room. The creator then joins with `host_secret` to become its host.
    ///
    /// # Errors
    /// `invalid-field` for a bad name or password.
    pub fn create(
        code: String,
        params: CreateParams<'_>,
        host_secret: &str,
        now: i64,
        config: RoomConfig,
    ) -> Result<(Self, Vec<Effect>), RoomError> {
        let name = text::required("name", params.name, text::MAX_ROOM_NAME)?;
        let password = match params.password {
            Some(p) if !p.is_empty() => {
                if p.chars().count() > text::MAX_PASSWORD {
                    return Err(RoomError::invalid(
                        "password must be at most 128 characters",
                    ));
                }
                Some(secret::digest("password", &code, p))
            }
            _ => None,
        };
        let room = Self {
            host_secret_digest: secret::digest("host", &code, host_secret),
            code,
            name,
            policy: params.policy,
            password_digest: password,
            created_at_us: now,
            members: BTreeMap::new(),
            queue: Queue::default(),
            playback: PlaybackState::idle(now),
            next_member_id: 1,
            next_song_id: 1,
            next_chat_id: 1,
            chat: VecDeque::new(),
            presence: BTreeMap::new(),
            presence_due_us: None,
            ready_pending: BTreeSet::new(),
            ready_deadline_us: None,
            empty_since_us: Some(now),
            config,
        };
        let effects = vec![
            Effect::Store(StoreOp::Room(room.record())),
            Effect::Store(StoreOp::Playback(room.playback_record())),
        ];
        Ok((room, effects))
    }

    /// Rebuild a stored room after a restart. Every member starts disconnected, with a fresh
    /// reconnect grace from `now`, so clients can resume their identities.
    pub fn restore(snapshot: RoomSnapshot, now: i64, config: RoomConfig) -> Self {
        let RoomSnapshot {
            room,
            members,
            queue,
            votes,
            playback,
        } = snapshot;
        let mut entries: BTreeMap<SongId, QueueEntry> = queue
            .into_iter()
            .map(|r| {
                (
                    r.song.id,
                    QueueEntry {
                        song: r.song,
                        seq: r.seq,
                        votes: BTreeMap::new(),
                        pin: r.pin,
                    },
                )
            })
            .collect();
        for (song, member, vote) in votes {
            if let Some(e) = entries.get_mut(&song) {
                e.votes.insert(member, vote);
            }
        }
        let max_song = entries
            .keys()
            .copied()
            .chain(playback.current.as_ref().map(|s| s.id))
            .max()
            .unwrap_or(0);
        let max_member = members.iter().map(|m| m.id).max().unwrap_or(0);
        Self {
            code: room.code,
            name: room.name,
            policy: room.policy,
            password_digest: room.password_digest,
            host_secret_digest: room.host_secret_digest,
            created_at_us: room.created_at_us,
            members: members
                .into_iter()
                .map(|m| {
                    (
                        m.id,
                        Member {
                            name: m.name,
                            role: m.role,
                            resume_digest: m.resume_digest,
                            connected: false,
                            disconnected_at_us: Some(now),
                            rtt_us: None,
                            wait_for_me: false,
                        },
                    )
                })
                .collect(),
            queue: Queue::from_entries(entries.into_values().collect()),
            playback: PlaybackState {
                current: playback.current,
                started_at_us: playback.started_at_us,
                paused_at_us: playback.paused_at_us,
                is_playing: playback.is_playing,
                last_updated_us: playback.last_updated_us,
                effective_at_us: playback.last_updated_us,
                waiting: false,
            },
            next_member_id: room.next_member_id.max(max_member + 1),
            next_song_id: room.next_song_id.max(max_song + 1),
            next_chat_id: 1,
            chat: VecDeque::new(),
            presence: BTreeMap::new(),
            presence_due_us: None,
            ready_pending: BTreeSet::new(),
            ready_deadline_us: None,
            empty_since_us: Some(now),
            config,
        }
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn playback(&self) -> &PlaybackState {
        &self.playback
    }

    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    pub fn connected_count(&self) -> usize {
        self.members.values().filter(|m| m.connected).count()
    }

    pub fn role_of(&self, id: MemberId) -> Option<Role> {
        self.members.get(&id).map(|m| m.role)
    }

    /// Add a member (or bring one back by resume token). `fresh_token` becomes the new member's
    /// resume token. The joiner gets `room-joined`; everyone else a `member-joined` delta.
    ///
    /// # Errors
    /// `invalid-resume-token`, `wrong-password`, `wrong-host-secret`, `room-full`, or
    /// `invalid-field` for a bad display name.
    pub fn join(
        &mut self,
        now: i64,
        params: JoinParams<'_>,
        fresh_token: &str,
    ) -> Result<(MemberId, Vec<Effect>), RoomError> {
        if let Some(token) = params.resume_token {
            return self.resume(now, token);
        }
        let name = text::required("displayName", params.display_name, text::MAX_DISPLAY_NAME)?;
        if let Some(digest) = &self.password_digest {
            let given = params.password.unwrap_or_default();
            if !secret::same(digest, &secret::digest("password", &self.code, given)) {
                return Err(RoomError::new(
                    ErrorCode::WrongPassword,
                    "this room needs a password, and that one is not it",
                ));
            }
        }
        let claims_host = match params.host_secret {
            Some(s)
                if secret::same(
                    &self.host_secret_digest,
                    &secret::digest("host", &self.code, s),
                ) =>
            {
                true
            }
            Some(_) => {
                return Err(RoomError::new(
                    ErrorCode::WrongHostSecret,
                    "that host secret does not belong to this room",
                ));
            }
            None => false,
        };
        if self.members.len() >= self.config.max_members {
            return Err(RoomError::new(ErrorCode::RoomFull, "the room is full"));
        }
        let id = self.next_member_id;
        self.next_member_id += 1;
        let mut effects = Vec::new();
        let nobody_hosts = !self.members.values().any(|m| m.role == Role::Host);
        let role = if claims_host || nobody_hosts {
            Role::Host
        } else {
            Role::Listener
        };
        if claims_host {
            // The returning host takes the role back from whoever stood in.
            let stand_ins: Vec<MemberId> = self
                .members
                .iter()
                .filter(|(_, m)| m.role == Role::Host)
                .map(|(&id, _)| id)
                .collect();
            for other in stand_ins {
                self.set_role_inner(now, other, Role::Dj, &mut effects);
            }
        }
        self.members.insert(
            id,
            Member {
                name,
                role,
                resume_digest: secret::digest("resume", &self.code, fresh_token),
                connected: true,
                disconnected_at_us: None,
                rtt_us: None,
                wait_for_me: false,
            },
        );
        effects.push(Effect::Store(StoreOp::Member(self.member_record(id))));
        effects.push(Effect::Store(StoreOp::Room(self.record())));
        effects.push(Effect::Send(
            Recipient::Only(id),
            self.joined(now, id, fresh_token),
        ));
        self.note_presence(now, id, PresenceChange::Joined);
        self.empty_since_us = None;
        Ok((id, effects))
    }

    fn resume(&mut self, now: i64, token: &str) -> Result<(MemberId, Vec<Effect>), RoomError> {
        let id = self.member_by_token(token).ok_or_else(|| {
            RoomError::new(
                ErrorCode::InvalidResumeToken,
                "that resume token is unknown or expired; join again without it",
            )
        })?;
        let mut effects = Vec::new();
        let nobody_hosts = !self.members.values().any(|m| m.role == Role::Host);
        if let Some(m) = self.members.get_mut(&id) {
            m.connected = true;
            m.disconnected_at_us = None;
            // The host left while nobody was connected to succeed it: the first member back
            // hosts, as the first to join an empty room does.
            if nobody_hosts {
                m.role = Role::Host;
                effects.push(Effect::Store(StoreOp::Member(self.member_record(id))));
            }
        }
        effects.push(Effect::Send(
            Recipient::Only(id),
            self.joined(now, id, token),
        ));
        self.note_presence(now, id, PresenceChange::Updated);
        self.empty_since_us = None;
        Ok((id, effects))
    }

    /// The member a resume token belongs to: how the room's HTTP side (shared files) knows a
    /// request comes from a member, without a second secret.
    pub fn member_by_token(&self, token: &str) -> Option<MemberId> {
        let digest = secret::digest("resume", &self.code, token);
        self.members
            .iter()
            .find(|(_, m)| secret::same(&m.resume_digest, &digest))
            .map(|(&id, _)| id)
    }

    /// Whether a local file with this content hash is the current song or queued: members may
    /// fetch only what the room is going to play.
    pub fn has_local_file(&self, sha256: &str) -> bool {
        let is_it =
            |s: &SongView| matches!(&s.source, SongSource::Local { sha256: h, .. } if h == sha256);
        self.playback.current.as_ref().is_some_and(is_it)
            || self.queue.entries().iter().any(|e| is_it(&e.song))
    }

    /// The member's connection dropped: keep its identity for the reconnect grace.
    pub fn disconnect(&mut self, now: i64, id: MemberId) -> Vec<Effect> {
        let Some(m) = self.members.get_mut(&id) else {
            return Vec::new();
        };
        if !m.connected {
            return Vec::new();
        }
        m.connected = false;
        m.disconnected_at_us = Some(now);
        self.note_presence(now, id, PresenceChange::Updated);
        self.someone_gone(now, id)
    }

    /// The member left on purpose (or its grace ran out): forget it, hand on the host role.
    pub fn leave(&mut self, now: i64, id: MemberId, reason: &str) -> Vec<Effect> {
        let Some(gone) = self.members.remove(&id) else {
            return Vec::new();
        };
        let mut effects = vec![Effect::Detach(id), Effect::Store(StoreOp::MemberGone(id))];
        self.note_presence(now, id, PresenceChange::Left(reason.to_owned()));
        if gone.role == Role::Host {
            self.appoint_successor(now, &mut effects);
        }
        effects.extend(self.someone_gone(now, id));
        effects
    }

    /// After a member dropped or left: stop waiting for its player, note an empty room.
    fn someone_gone(&mut self, now: i64, id: MemberId) -> Vec<Effect> {
        if self.connected_count() == 0 {
            self.empty_since_us.get_or_insert(now);
        }
        if self.ready_pending.remove(&id) {
            return self.start_if_ready(now);
        }
        Vec::new()
    }

    /// Handle one message from a joined member.
    ///
    /// # Errors
    /// A [`RoomError`] for the sender alone; the room is unchanged.
    pub fn handle(&mut self, now: i64, from: MemberId, msg: ClientMessage) -> Outcome {
        let role = self
            .role_of(from)
            .ok_or_else(|| RoomError::new(ErrorCode::NotInRoom, "you are not in this room"))?;
        match msg {
            ClientMessage::PausePlayback {} => {
                self.require(role, Action::ControlPlayback)?;
                self.playback.pause(now, now + self.lead_us())?;
                self.end_wait();
                Ok(self.playback_changed(now, Some(from), PlaybackReason::Pause))
            }
            ClientMessage::ResumePlayback {} => {
                self.require(role, Action::ControlPlayback)?;
                self.playback.resume(now, now + self.lead_us())?;
                self.end_wait();
                Ok(self.playback_changed(now, Some(from), PlaybackReason::Resume))
            }
            ClientMessage::SeekPlayback { position_us } => {
                self.require(role, Action::ControlPlayback)?;
                self.playback.seek(now, now + self.lead_us(), position_us)?;
                Ok(self.playback_changed(now, Some(from), PlaybackReason::Seek))
            }
            ClientMessage::PlayNext { current_song_id } => {
                self.require(role, Action::ControlPlayback)?;
                if current_song_id.is_some() && current_song_id != self.playback.song_id() {
                    // Someone else skipped first; this press is spent.
                    return Ok(Vec::new());
                }
                if self.playback.current.is_none() && self.queue.is_empty() {
                    return Err(RoomError::new(ErrorCode::QueueEmpty, "the queue is empty"));
                }
                Ok(self.advance(now, now, Some(from), PlaybackReason::Next))
            }
            ClientMessage::PlayNow { song_id } => {
                self.require(role, Action::ControlPlayback)?;
                let entry = self.queue.remove(song_id)?;
                let mut effects = self.queue_removed_effects(song_id);
                effects.extend(self.begin(now, entry.song, Some(from), PlaybackReason::PlayNow));
                Ok(effects)
            }
            ClientMessage::SongEnded { song_id } => Ok(self.song_ended(now, role, song_id)),
            ClientMessage::GetMembers { after_id, limit } => Ok(vec![Effect::Send(
                Recipient::Only(from),
                self.members_page(after_id, limit),
            )]),
            ClientMessage::GetPlaybackState {} => Ok(vec![Effect::Send(
                Recipient::Only(from),
                ServerMessage::PlaybackStateUpdate(self.playback_event(
                    now,
                    None,
                    PlaybackReason::Requested,
                )),
            )]),
            ClientMessage::AddSong { song } => self.add_song(now, from, song),
            ClientMessage::RemoveSong { song_id } => {
                let added_by = self.queue.get(song_id).map(|e| e.song.added_by);
                if added_by.is_some() && added_by != Some(from) {
                    self.require(role, Action::ManageQueue)?;
                }
                self.queue.remove(song_id)?;
                Ok(self.queue_removed_effects(song_id))
            }
            ClientMessage::ClearQueue {} => {
                self.require(role, Action::ManageQueue)?;
                self.queue.clear();
                Ok(vec![
                    Effect::Store(StoreOp::QueueCleared),
                    Effect::Send(Recipient::All, ServerMessage::QueueCleared {}),
                ])
            }
            ClientMessage::ReorderQueue { song_id, to_index } => {
                self.require(role, Action::ManageQueue)?;
                let to = usize::try_from(to_index).unwrap_or(usize::MAX);
                let changed = self.queue.reorder(song_id, to)?;
                let mut effects: Vec<Effect> = changed
                    .into_iter()
                    .filter_map(|id| self.queue_record(id))
                    .map(|r| Effect::Store(StoreOp::Song(r)))
                    .collect();
                effects.push(Effect::Send(
                    Recipient::All,
                    ServerMessage::QueueReordered {
                        order: self.queue.order(),
                    },
                ));
                Ok(effects)
            }
            ClientMessage::Vote { song_id, vote } => {
                let entry = self.queue.vote(song_id, from, vote)?.view();
                Ok(vec![
                    Effect::Store(StoreOp::Vote {
                        song: song_id,
                        member: from,
                        vote,
                    }),
                    Effect::Send(
                        Recipient::All,
                        ServerMessage::SongVoted {
                            song_id,
                            member_id: from,
                            vote,
                            score: entry.score,
                            upvotes: entry.upvotes,
                            downvotes: entry.downvotes,
                            order: self.queue.order(),
                        },
                    ),
                ])
            }
            ClientMessage::Chat { text } => {
                let text = text::required("text", &text, text::MAX_CHAT)?;
                let name = self
                    .members
                    .get(&from)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                let view = ChatView {
                    id: self.next_chat_id,
                    member_id: from,
                    name,
                    text,
                    at_us: now,
                };
                self.next_chat_id += 1;
                self.chat.push_back(view.clone());
                while self.chat.len() > self.config.chat_history {
                    self.chat.pop_front();
                }
                Ok(vec![Effect::Send(
                    Recipient::All,
                    ServerMessage::ChatMessage(view),
                )])
            }
            ClientMessage::SetRole {
                member_id,
                role: new_role,
            } => {
                self.require(role, Action::Administer)?;
                if new_role == Role::Host {
                    return Err(RoomError::invalid(
                        "use transfer-host to hand over the host role",
                    ));
                }
                if member_id == from {
                    return Err(RoomError::invalid(
                        "the host cannot change its own role; transfer-host first",
                    ));
                }
                self.require_member(member_id)?;
                let mut effects = Vec::new();
                self.set_role_inner(now, member_id, new_role, &mut effects);
                Ok(effects)
            }
            ClientMessage::TransferHost { member_id } => {
                self.require(role, Action::Administer)?;
                self.require_member(member_id)?;
                if !self.members.get(&member_id).is_some_and(|m| m.connected) {
                    // A host who cannot be reached would leave the room without one.
                    return Err(RoomError::invalid(
                        "that member is not connected; hand the host role to someone present",
                    ));
                }
                let mut effects = Vec::new();
                if member_id != from {
                    self.set_role_inner(now, member_id, Role::Host, &mut effects);
                    self.set_role_inner(now, from, Role::Dj, &mut effects);
                }
                Ok(effects)
            }
            ClientMessage::SetPolicy { policy } => {
                self.require(role, Action::Administer)?;
                self.policy = policy;
                Ok(vec![
                    Effect::Store(StoreOp::Room(self.record())),
                    Effect::Send(Recipient::All, ServerMessage::PolicyChanged { policy }),
                ])
            }
            ClientMessage::CloseRoom {} => {
                self.require(role, Action::Administer)?;
                Ok(vec![
                    Effect::Send(
                        Recipient::All,
                        ServerMessage::RoomClosed {
                            reason: "the host closed the room".into(),
                        },
                    ),
                    Effect::Store(StoreOp::RoomGone),
                    Effect::Closed,
                ])
            }
            ClientMessage::LeaveRoom {} => Ok(self.leave(now, from, "left")),
            ClientMessage::PlayerReady { song_id } => {
                if self.playback.waiting && self.playback.song_id() == Some(song_id) {
                    self.ready_pending.remove(&from);
                    return Ok(self.start_if_ready(now));
                }
                Ok(Vec::new())
            }
            ClientMessage::SetWaitForMe { wait } => {
                if let Some(m) = self.members.get_mut(&from) {
                    m.wait_for_me = wait;
                }
                if !wait {
                    self.ready_pending.remove(&from);
                    return Ok(self.start_if_ready(now));
                }
                Ok(Vec::new())
            }
            ClientMessage::Hello { .. }
            | ClientMessage::CreateRoom { .. }
            | ClientMessage::JoinRoom { .. }
            | ClientMessage::ClockPing { .. } => Err(RoomError::new(
                ErrorCode::AlreadyInRoom,
                "this connection is already in a room; leave it first",
            )),
        }
    }

    /// The next room-clock instant at which [`Room::on_timeout`] has work: a song's end or a
    /// dropped member's grace running out.
    pub fn next_timeout(&self) -> Option<i64> {
        let grace = self
            .members
            .values()
            .filter_map(|m| m.disconnected_at_us)
            .min()
            .map(|t| t + self.config.reconnect_grace_us);
        [
            self.playback.ends_at_us(),
            grace,
            self.presence_due_us,
            self.ready_deadline_us,
            self.empty_since_us
                .map(|t| t + self.config.empty_room_ttl_us),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Advance past songs that ended, drop members whose grace ran out, send due presence.
    pub fn on_timeout(&mut self, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(end) = self.playback.ends_at_us().filter(|&end| end <= now) {
            // Gapless: the next song starts where the last one ended, unless the server was down
            // for longer than a scheduling hiccup, in which case it starts now.
            let at = if now - end <= self.config.end_report_tolerance_us {
                end
            } else {
                now
            };
            effects.extend(self.advance(now, at, None, PlaybackReason::Ended));
        }
        let expired: Vec<MemberId> = self
            .members
            .iter()
            .filter(|(_, m)| {
                m.disconnected_at_us
                    .is_some_and(|t| t + self.config.reconnect_grace_us <= now)
            })
            .map(|(&id, _)| id)
            .collect();
        for id in expired {
            effects.extend(self.leave(now, id, "timed-out"));
        }
        effects.extend(self.start_if_ready(now));
        if self
            .empty_since_us
            .is_some_and(|t| t + self.config.empty_room_ttl_us <= now)
        {
            effects.push(Effect::Store(StoreOp::RoomGone));
            effects.push(Effect::Closed);
            return effects;
        }
        if self.presence_due_us.is_some_and(|due| due <= now) {
            effects.extend(self.flush_presence());
        }
        effects
    }

    /// The room's full stored form.
    pub fn snapshot(&self) -> RoomSnapshot {
        RoomSnapshot {
            room: self.record(),
            members: self
                .members
                .keys()
                .map(|&id| self.member_record(id))
                .collect(),
            queue: self.queue.entries().iter().map(queue_record).collect(),
            votes: self
                .queue
                .entries()
                .iter()
                .flat_map(|e| e.votes.iter().map(|(&m, &v)| (e.song.id, m, v)))
                .collect(),
            playback: self.playback_record(),
        }
    }

    /// A playback event for `get-playback-state`-style queries from the driver.
    pub fn playback_event(
        &self,
        now: i64,
        by: Option<MemberId>,
        reason: PlaybackReason,
    ) -> PlaybackEvent {
        PlaybackEvent {
            playback: self.playback.view(),
            song: self.playback.current.clone(),
            position_us: self.playback.position_us(now),
            room_clock_us: now,
            by,
            reason,
        }
    }

    fn song_ended(&mut self, now: i64, role: Role, song_id: SongId) -> Vec<Effect> {
        let Some(song) = &self.playback.current else {
            return Vec::new();
        };
        if song.id != song_id || !self.playback.is_playing {
            return Vec::new();
        }
        match song.duration_us {
            // The server ends known-length songs itself; an early report is a stale or skewed
            // player, not the end.
            Some(d) if self.playback.position_us(now) < d - self.config.end_report_tolerance_us => {
                return Vec::new();
            }
            Some(_) => {}
            // Without a known length only someone who could skip anyway may end the song, so a
            // listener cannot skip for everyone under a host-only policy.
            None if !allowed(role, self.policy, Action::ControlPlayback) => return Vec::new(),
            None => {}
        }
        self.advance(now, now, None, PlaybackReason::Ended)
    }

    /// Make the top of the queue current from room instant `at`, or stop when the queue is empty.
    fn advance(
        &mut self,
        now: i64,
        at: i64,
        by: Option<MemberId>,
        reason: PlaybackReason,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        match self.queue.pop_front() {
            Some(next) => {
                let id = next.song.id;
                effects.extend(self.queue_removed_effects(id));
                if reason == PlaybackReason::Ended {
                    // Gapless: players have the top of the queue loaded; no waiting.
                    self.end_wait();
                    self.playback.start(next.song, at, now);
                    effects.extend(self.playback_changed(now, by, reason));
                } else {
                    effects.extend(self.begin(now, next.song, by, reason));
                }
            }
            None => {
                self.end_wait();
                self.playback.stop(now);
                effects.extend(self.playback_changed(now, by, PlaybackReason::Stopped));
            }
        }
        effects
    }

    /// Make `song` current: wait for the players of members who asked for it (up to
    /// `ready_timeout_us`), or start it a lead time from now when nobody did.
    fn begin(
        &mut self,
        now: i64,
        song: SongView,
        by: Option<MemberId>,
        reason: PlaybackReason,
    ) -> Vec<Effect> {
        self.ready_pending = self
            .members
            .iter()
            .filter(|(_, m)| m.connected && m.wait_for_me)
            .map(|(&id, _)| id)
            .collect();
        if self.ready_pending.is_empty() {
            self.end_wait();
            self.playback.start(song, now + self.lead_us(), now);
        } else {
            self.ready_deadline_us = Some(now + self.config.ready_timeout_us);
            self.playback.load_waiting(song, now);
        }
        self.playback_changed(now, by, reason)
    }

    /// Start the waiting song once no player is pending (or the wait ran out).
    fn start_if_ready(&mut self, now: i64) -> Vec<Effect> {
        let expired = self.ready_deadline_us.is_some_and(|d| d <= now);
        if !self.playback.waiting || !(self.ready_pending.is_empty() || expired) {
            return Vec::new();
        }
        self.end_wait();
        if self.playback.resume(now, now + self.lead_us()).is_err() {
            return Vec::new();
        }
        self.playback_changed(now, None, PlaybackReason::Ready)
    }

    fn end_wait(&mut self) {
        self.ready_pending.clear();
        self.ready_deadline_us = None;
    }

    /// How far ahead changes are scheduled: enough for the slowest connected member's message to
    /// arrive and its player to act, within `min_lead_us..=max_lead_us`; none while no member has
    /// reported a round trip (nothing to schedule against).
    pub fn lead_us(&self) -> i64 {
        self.members
            .values()
            .filter(|m| m.connected)
            .filter_map(|m| m.rtt_us)
            .max()
            .map_or(0, |rtt| {
                (rtt * 3 / 2 + 40_000).clamp(self.config.min_lead_us, self.config.max_lead_us)
            })
    }

    /// A member's client reported its round trip to the server (clamped to 0..=10 s).
    pub fn observe_rtt(&mut self, id: MemberId, rtt_us: i64) {
        if let Some(m) = self.members.get_mut(&id) {
            m.rtt_us = Some(rtt_us.clamp(0, 10_000_000));
        }
    }

    fn add_song(&mut self, now: i64, from: MemberId, input: SongInput) -> Outcome {
        let added_by_name = self
            .members
            .get(&from)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let (source, title, artist, album, duration_us) = match input {
            SongInput::Link {
                url,
                title,
                artist,
                album,
                duration_us,
            } => {
                let source = SongSource::from_link(&url)?;
                let fallback = match &source {
                    SongSource::Youtube { video_id } => format!("YouTube video {video_id}"),
                    SongSource::Spotify { track_id } => format!("Spotify track {track_id}"),
                    SongSource::Local { .. } => String::new(),
                };
                let title =
                    text::optional("title", title.as_deref(), text::MAX_META)?.unwrap_or(fallback);
                (source, title, artist, album, duration_us)
            }
            SongInput::Local {
                sha256,
                codec,
                title,
                artist,
                album,
                duration_us,
            } => {
                let source = SongSource::local(&sha256, &codec)?;
                let title = text::required("title", &title, text::MAX_META)?;
                (source, title, artist, album, Some(duration_us))
            }
        };
        let artist = text::optional("artist", artist.as_deref(), text::MAX_META)?;
        let album = text::optional("album", album.as_deref(), text::MAX_META)?;
        if let Some(d) = duration_us
            && !(1..=crate::playback::MAX_POSITION_US).contains(&d)
        {
            return Err(RoomError::invalid(
                "durationUs must be between 1 and 24 hours",
            ));
        }
        if self.queue.len() >= self.config.max_queue {
            return Err(RoomError::new(
                ErrorCode::QueueFull,
                format!("the queue holds at most {} songs", self.config.max_queue),
            ));
        }
        let id = self.next_song_id;
        self.next_song_id += 1;
        let song = SongView {
            id,
            url: source.canonical_url(),
            source,
            title,
            artist,
            album,
            duration_us,
            added_by: from,
            added_by_name,
            added_at_us: now,
        };
        let mut effects = vec![Effect::Store(StoreOp::Room(self.record()))];
        if self.playback.current.is_none() {
            // An idle room starts the first song it is given.
            effects.extend(self.begin(now, song, Some(from), PlaybackReason::Started));
            return Ok(effects);
        }
        let entry = self.queue.push(song, id);
        let record = queue_record(entry);
        let view = entry.view();
        effects.push(Effect::Store(StoreOp::Song(record)));
        effects.push(Effect::Send(
            Recipient::All,
            ServerMessage::SongAdded {
                entry: view,
                order: self.queue.order(),
            },
        ));
        Ok(effects)
    }

    fn queue_removed_effects(&self, id: SongId) -> Vec<Effect> {
        vec![
            Effect::Store(StoreOp::SongGone(id)),
            Effect::Send(
                Recipient::All,
                ServerMessage::SongRemoved {
                    song_id: id,
                    order: self.queue.order(),
                },
            ),
        ]
    }

    fn playback_changed(
        &self,
        now: i64,
        by: Option<MemberId>,
        reason: PlaybackReason,
    ) -> Vec<Effect> {
        let event = self.playback_event(now, by, reason);
        let msg = match reason {
            PlaybackReason::Pause => ServerMessage::PlaybackPaused(event),
            PlaybackReason::Resume => ServerMessage::PlaybackResumed(event),
            PlaybackReason::Seek => ServerMessage::PlaybackSeeked(event),
            _ => ServerMessage::PlaybackStateUpdate(event),
        };
        vec![
            Effect::Store(StoreOp::Playback(self.playback_record())),
            Effect::Send(Recipient::All, msg),
        ]
    }

    fn appoint_successor(&mut self, now: i64, effects: &mut Vec<Effect>) {
        let pick = |want: Option<Role>| {
            self.members
                .iter()
                .find(|(_, m)| m.connected && want.is_none_or(|r| m.role == r))
                .map(|(&id, _)| id)
        };
        if let Some(id) = pick(Some(Role::Dj)).or_else(|| pick(None)) {
            self.set_role_inner(now, id, Role::Host, effects);
        }
    }

    fn set_role_inner(&mut self, now: i64, id: MemberId, role: Role, effects: &mut Vec<Effect>) {
        let Some(m) = self.members.get_mut(&id) else {
            return;
        };
        if m.role == role {
            return;
        }
        m.role = role;
        effects.push(Effect::Store(StoreOp::Member(self.member_record(id))));
        self.note_presence(now, id, PresenceChange::Updated);
    }

    /// Record a presence change for the next `presence` batch, due `presence_batch_us` after the
    /// first change it holds.
    fn note_presence(&mut self, now: i64, id: MemberId, change: PresenceChange) {
        let merged = match (self.presence.remove(&id), change) {
            (Some(PresenceChange::Joined), PresenceChange::Updated) => Some(PresenceChange::Joined),
            // Came and went within one batch: nobody needs to hear of it.
            (Some(PresenceChange::Joined), PresenceChange::Left(_)) => None,
            (_, change) => Some(change),
        };
        if let Some(change) = merged {
            self.presence.insert(id, change);
        }
        self.presence_due_us
            .get_or_insert(now + self.config.presence_batch_us);
    }

    /// The pending presence batch, to everyone, in messages of at most [`PRESENCE_CHUNK`]
    /// entries (a socket keeps a buffer as large as the largest frame it ever sent).
    fn flush_presence(&mut self) -> Vec<Effect> {
        self.presence_due_us = None;
        let changes = std::mem::take(&mut self.presence);
        let member_count = u32::try_from(self.members.len()).unwrap_or(u32::MAX);
        let entries: Vec<(MemberId, PresenceChange)> = changes.into_iter().collect();
        entries
            .chunks(PRESENCE_CHUNK)
            .map(|chunk| {
                let (mut joined, mut updated, mut left) = (Vec::new(), Vec::new(), Vec::new());
                for (id, change) in chunk {
                    match change {
                        PresenceChange::Joined => joined.push(self.member_view(*id)),
                        PresenceChange::Updated => updated.push(self.member_view(*id)),
                        PresenceChange::Left(reason) => left.push(MemberGone {
                            member_id: *id,
                            reason: reason.clone(),
                        }),
                    }
                }
                Effect::Send(
                    Recipient::All,
                    ServerMessage::Presence {
                        joined,
                        updated,
                        left,
                        member_count,
                    },
                )
            })
            .collect()
    }

    /// A page of members by id after `after_id`, at most `limit` (bounded by
    /// [`MEMBERS_PAGE_MAX`]), with where the next page starts.
    fn members_page(&self, after_id: Option<MemberId>, limit: Option<u32>) -> ServerMessage {
        let limit = limit.map_or(MEMBERS_PAGE_MAX, |l| {
            (l as usize).clamp(1, MEMBERS_PAGE_MAX)
        });
        let from = after_id.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded);
        let mut ids = self
            .members
            .range((from, std::ops::Bound::Unbounded))
            .map(|(&id, _)| id);
        let page: Vec<MemberId> = ids.by_ref().take(limit).collect();
        let more = ids.next().is_some();
        ServerMessage::MembersPage {
            next_after_id: if more { page.last().copied() } else { None },
            members: page.into_iter().map(|id| self.member_view(id)).collect(),
            member_count: u32::try_from(self.members.len()).unwrap_or(u32::MAX),
        }
    }

    /// Who a newcomer is told about: the host, the DJs, itself, then the connected, then the
    /// rest, by id, at most [`MEMBERS_IN_JOINED`].
    fn members_for_newcomer(&self, you: MemberId) -> Vec<MemberView> {
        let mut ids: Vec<(u8, MemberId)> = self
            .members
            .iter()
            .map(|(&id, m)| {
                let rank = match (m.role, m.connected) {
                    (Role::Host, _) => 0,
                    (Role::Dj, _) => 1,
                    _ if id == you => 2,
                    (Role::Listener, true) => 3,
                    (Role::Listener, false) => 4,
                };
                (rank, id)
            })
            .collect();
        ids.sort_unstable();
        ids.into_iter()
            .take(MEMBERS_IN_JOINED)
            .map(|(_, id)| self.member_view(id))
            .collect()
    }

    fn require(&self, role: Role, action: Action) -> Result<(), RoomError> {
        if allowed(role, self.policy, action) {
            return Ok(());
        }
        let why = match action {
            Action::ControlPlayback => format!(
                "this room lets {} control playback",
                match self.policy {
                    ControlPolicy::HostOnly => "only the host",
                    ControlPolicy::HostAndDjs => "the host and DJs",
                    ControlPolicy::Everyone => "everyone",
                }
            ),
            Action::ManageQueue => "only the host and DJs manage the queue".to_owned(),
            Action::Administer => "only the host can do that".to_owned(),
            Action::Participate => String::new(),
        };
        Err(RoomError::forbidden(why))
    }

    fn require_member(&self, id: MemberId) -> Result<(), RoomError> {
        if self.members.contains_key(&id) {
            Ok(())
        } else {
            Err(RoomError::new(
                ErrorCode::MemberNotFound,
                format!("member {id} is not in the room"),
            ))
        }
    }

    fn joined(&self, now: i64, id: MemberId, token: &str) -> ServerMessage {
        ServerMessage::RoomJoined(Box::new(RoomJoined {
            room: RoomView {
                code: self.code.clone(),
                name: self.name.clone(),
                policy: self.policy,
                has_password: self.password_digest.is_some(),
            },
            you: YouView {
                member_id: id,
                role: self.role_of(id).unwrap_or(Role::Listener),
                resume_token: token.to_owned(),
            },
            members: self.members_for_newcomer(id),
            member_count: u32::try_from(self.members.len()).unwrap_or(u32::MAX),
            queue: self.queue.views(),
            your_votes: self
                .queue
                .votes_of(id)
                .into_iter()
                .map(|(song_id, vote)| VoteView { song_id, vote })
                .collect(),
            playback: self.playback.view(),
            song: self.playback.current.clone(),
            position_us: self.playback.position_us(now),
            room_clock_us: now,
            chat: self.chat.iter().cloned().collect(),
        }))
    }

    fn member_view(&self, id: MemberId) -> MemberView {
        let m = self.members.get(&id);
        MemberView {
            id,
            name: m.map(|m| m.name.clone()).unwrap_or_default(),
            role: m.map_or(Role::Listener, |m| m.role),
            connected: m.is_some_and(|m| m.connected),
        }
    }

    fn member_record(&self, id: MemberId) -> MemberRecord {
        let m = self.members.get(&id);
        MemberRecord {
            id,
            name: m.map(|m| m.name.clone()).unwrap_or_default(),
            role: m.map_or(Role::Listener, |m| m.role),
            resume_digest: m.map(|m| m.resume_digest.clone()).unwrap_or_default(),
        }
    }

    fn queue_record(&self, id: SongId) -> Option<QueueRecord> {
        self.queue.get(id).map(queue_record)
    }

    fn record(&self) -> RoomRecord {
        RoomRecord {
            code: self.code.clone(),
            name: self.name.clone(),
            policy: self.policy,
            password_digest: self.password_digest.clone(),
            host_secret_digest: self.host_secret_digest.clone(),
            next_member_id: self.next_member_id,
            next_song_id: self.next_song_id,
            created_at_us: self.created_at_us,
        }
    }

    fn playback_record(&self) -> PlaybackRecord {
        PlaybackRecord {
            current: self.playback.current.clone(),
            started_at_us: self.playback.started_at_us,
            paused_at_us: self.playback.paused_at_us,
            is_playing: self.playback.is_playing,
            last_updated_us: self.playback.last_updated_us,
        }
    }
}

fn queue_record(e: &QueueEntry) -> QueueRecord {
    QueueRecord {
        song: e.song.clone(),
        seq: e.seq,
        pin: e.pin,
    }
}
