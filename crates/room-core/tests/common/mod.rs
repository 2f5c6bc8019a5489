//! Shared helpers for room-core's behaviour tests.
//!
//! A [`Harness`] drives one [`Room`] with explicit, synthetic `now` values and feeds every
//! [`Effect::Store`] it returns into an in-memory [`Store`], so any test can also check that the
//! stored state is enough to rebuild the room. The free functions pick apart the returned effects:
//! which messages reach a given member, which store operations were asked for.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use room_core::persist::{
    MemberRecord, PlaybackRecord, QueueRecord, RoomRecord, RoomSnapshot, StoreOp,
};
use room_core::playback::PlaybackState;
use room_core::protocol::{
    MemberGone, MemberId, MemberView, PlaybackEvent, RoomJoined, SongId, SongInput,
};
use room_core::{
    ClientMessage, ControlPolicy, CreateParams, Effect, ErrorCode, JoinParams, Recipient, Role,
    Room, RoomConfig, RoomError, ServerMessage,
};

/// One second on the room clock.
pub const S: i64 = 1_000_000;
/// One millisecond on the room clock.
pub const MS: i64 = 1_000;
/// Where the room clock stands when a test's room is created: far from zero, so a position that
/// is accidentally an absolute time (or the reverse) shows.
pub const T0: i64 = 1_700_000_000 * S;
pub const CODE: &str = "K7QX2M";
/// How long presence changes are gathered before one `presence` message goes out (the default).
pub const BATCH: i64 = 100 * MS;
pub const HOST_SECRET: &str = "the-host-secret";

/// The resume token the harness hands out to a member called `name`.
pub fn token(name: &str) -> String {
    format!("resume-token-of-{name}")
}

/// An 11-character YouTube video id, distinct for each `n`.
pub fn video_id(n: u32) -> String {
    format!("vid{n:08}")
}

/// A YouTube link with a known duration (seconds), titled `song n`.
pub fn yt(n: u32, duration_s: i64) -> SongInput {
    SongInput::Link {
        url: format!("https://www.youtube.com/watch?v={}", video_id(n)),
        title: Some(format!("song {n}")),
        artist: None,
        album: None,
        duration_us: Some(duration_s * S),
    }
}

/// A YouTube link whose duration nobody knows: only a listener's `song-ended` ends it.
pub fn yt_unknown(n: u32) -> SongInput {
    SongInput::Link {
        url: format!("https://youtu.be/{}", video_id(n)),
        title: Some(format!("song {n}")),
        artist: None,
        album: None,
        duration_us: None,
    }
}

/// A local file entry with a valid hash and codec.
pub fn local(n: u32, duration_us: i64) -> SongInput {
    SongInput::Local {
        sha256: format!("{n:064x}"),
        codec: "flac".into(),
        title: format!("local {n}"),
        artist: Some("Artist".into()),
        album: None,
        duration_us,
    }
}

/// The stored state of one room, as a driver's database would hold it after applying the room's
/// [`StoreOp`]s in order. Semantics the driver must share: a vote of 0 deletes the vote, a song
/// that leaves the queue takes its votes with it, clearing the queue drops every song and vote.
#[derive(Debug, Default)]
pub struct Store {
    pub room: Option<RoomRecord>,
    pub members: BTreeMap<MemberId, MemberRecord>,
    pub songs: BTreeMap<SongId, QueueRecord>,
    pub votes: BTreeMap<(SongId, MemberId), i8>,
    pub playback: Option<PlaybackRecord>,
    pub gone: bool,
    pub writes: usize,
}

impl Store {
    pub fn apply(&mut self, effects: &[Effect]) {
        for op in stores(effects) {
            self.writes += 1;
            match op.clone() {
                StoreOp::Room(r) => self.room = Some(r),
                StoreOp::Member(m) => {
                    self.members.insert(m.id, m);
                }
                StoreOp::MemberGone(id) => {
                    self.members.remove(&id);
                }
                StoreOp::Song(q) => {
                    self.songs.insert(q.song.id, q);
                }
                StoreOp::SongGone(id) => {
                    self.songs.remove(&id);
                    self.votes.retain(|&(song, _), _| song != id);
                }
                StoreOp::QueueCleared => {
                    self.songs.clear();
                    self.votes.clear();
                }
                StoreOp::Vote { song, member, vote } => {
                    if vote == 0 {
                        self.votes.remove(&(song, member));
                    } else {
                        self.votes.insert((song, member), vote);
                    }
                }
                StoreOp::Playback(p) => self.playback = Some(p),
                StoreOp::RoomGone => {
                    *self = Self {
                        gone: true,
                        writes: self.writes,
                        ..Self::default()
                    };
                }
            }
        }
    }

    /// What a restarted server would load. Panics if the room was never stored or was deleted.
    pub fn snapshot(&self) -> RoomSnapshot {
        assert!(!self.gone, "the room was deleted from the store");
        normalise(RoomSnapshot {
            room: self.room.clone().expect("room record stored"),
            members: self.members.values().cloned().collect(),
            queue: self.songs.values().cloned().collect(),
            votes: self
                .votes
                .iter()
                .map(|(&(song, member), &vote)| (song, member, vote))
                .collect(),
            playback: self.playback.clone().expect("playback record stored"),
        })
    }
}

/// A snapshot with its lists in a canonical order, so two snapshots of one state compare equal.
pub fn normalise(mut s: RoomSnapshot) -> RoomSnapshot {
    s.members.sort_by_key(|m| m.id);
    s.queue.sort_by_key(|q| q.song.id);
    s.votes.sort_unstable();
    s
}

/// Everything observable about a room that a rejected request must leave alone.
#[derive(Debug, PartialEq)]
pub struct Fingerprint {
    snapshot: RoomSnapshot,
    playback: PlaybackState,
    next_timeout: Option<i64>,
    connected: usize,
}

pub fn fingerprint(room: &Room) -> Fingerprint {
    Fingerprint {
        snapshot: normalise(room.snapshot()),
        playback: room.playback().clone(),
        next_timeout: room.next_timeout(),
        connected: room.connected_count(),
    }
}

/// One room under test, with the store it writes to.
pub struct Harness {
    pub room: Room,
    pub store: Store,
}

impl Harness {
    pub fn new(policy: ControlPolicy) -> Self {
        Self::with(policy, None, RoomConfig::default())
    }

    pub fn with(policy: ControlPolicy, password: Option<&str>, config: RoomConfig) -> Self {
        let (room, effects) = Room::create(
            CODE.into(),
            CreateParams {
                name: "Friday night",
                policy,
                password,
            },
            HOST_SECRET,
            T0,
            config,
        )
        .expect("create room");
        let mut store = Store::default();
        store.apply(&effects);
        Self { room, store }
    }

    /// A room whose creator (`host`, joined with the host secret) is joined by `listeners`
    /// listeners, called `l1`, `l2`, ... They all join a second before [`T0`] and the presence
    /// batch announcing them has gone out, so at `T0` the room has no timer pending.
    pub fn party(policy: ControlPolicy, listeners: usize) -> (Self, MemberId, Vec<MemberId>) {
        let mut h = Self::new(policy);
        let (host, _) = h.join_host(T0 - S, "host");
        let ids: Vec<MemberId> = (1..=listeners)
            .map(|i| h.join(T0 - S, &format!("l{i}")).0)
            .collect();
        let p = h.presence_after(T0 - S);
        assert_eq!(p.joined.len(), listeners + 1);
        assert_eq!(h.room.next_timeout(), None);
        (h, host, ids)
    }

    /// Wrap a room rebuilt by [`Room::restore`] (the store carries over).
    pub fn restored(room: Room, store: Store) -> Self {
        Self { room, store }
    }

    pub fn try_join(
        &mut self,
        now: i64,
        params: JoinParams<'_>,
        fresh_token: &str,
    ) -> Result<(MemberId, Vec<Effect>), RoomError> {
        let out = self.room.join(now, params, fresh_token);
        if let Ok((_, effects)) = &out {
            self.store.apply(effects);
        }
        out
    }

    /// A fresh join as `name` (no password, no host secret); its resume token is [`token`]`(name)`.
    pub fn join(&mut self, now: i64, name: &str) -> (MemberId, Vec<Effect>) {
        self.try_join(
            now,
            JoinParams {
                display_name: name,
                ..JoinParams::default()
            },
            &token(name),
        )
        .unwrap_or_else(|e| panic!("{name} joins: {e}"))
    }

    /// A fresh join as `name` with the room's host secret.
    pub fn join_host(&mut self, now: i64, name: &str) -> (MemberId, Vec<Effect>) {
        self.try_join(
            now,
            JoinParams {
                display_name: name,
                host_secret: Some(HOST_SECRET),
                ..JoinParams::default()
            },
            &token(name),
        )
        .unwrap_or_else(|e| panic!("{name} joins as host: {e}"))
    }

    /// Come back with the resume token that `name` was given.
    pub fn try_resume(
        &mut self,
        now: i64,
        name: &str,
    ) -> Result<(MemberId, Vec<Effect>), RoomError> {
        let t = token(name);
        self.try_join(
            now,
            JoinParams {
                display_name: name,
                resume_token: Some(&t),
                ..JoinParams::default()
            },
            "unused-fresh-token",
        )
    }

    pub fn resume(&mut self, now: i64, name: &str) -> (MemberId, Vec<Effect>) {
        self.try_resume(now, name)
            .unwrap_or_else(|e| panic!("{name} resumes: {e}"))
    }

    pub fn try_send(
        &mut self,
        now: i64,
        from: MemberId,
        msg: ClientMessage,
    ) -> Result<Vec<Effect>, RoomError> {
        let out = self.room.handle(now, from, msg);
        if let Ok(effects) = &out {
            self.store.apply(effects);
        }
        out
    }

    /// A request that must succeed.
    pub fn send(&mut self, now: i64, from: MemberId, msg: ClientMessage) -> Vec<Effect> {
        let kind = msg.kind();
        self.try_send(now, from, msg)
            .unwrap_or_else(|e| panic!("{kind} from member {from}: {e}"))
    }

    /// A request that must be refused and leave the room exactly as it was. Returns the code.
    pub fn reject(&mut self, now: i64, from: MemberId, msg: ClientMessage) -> ErrorCode {
        let before = fingerprint(&self.room);
        let kind = msg.kind();
        let err = match self.try_send(now, from, msg) {
            Ok(effects) => panic!("{kind} from member {from} was accepted: {effects:?}"),
            Err(e) => e,
        };
        assert_eq!(
            fingerprint(&self.room),
            before,
            "refused {kind} changed the room"
        );
        err.code
    }

    pub fn disconnect(&mut self, now: i64, id: MemberId) -> Vec<Effect> {
        let effects = self.room.disconnect(now, id);
        self.store.apply(&effects);
        effects
    }

    pub fn timeout(&mut self, now: i64) -> Vec<Effect> {
        let effects = self.room.on_timeout(now);
        self.store.apply(&effects);
        effects
    }

    /// Run the room's timer at `now + BATCH` (when presence noted at `now` is due) and return the
    /// one `presence` message that goes out then.
    pub fn presence_after(&mut self, now: i64) -> Presence {
        let effects = self.timeout(now + BATCH);
        presence(&effects).unwrap_or_else(|| panic!("no presence at {}: {effects:?}", now + BATCH))
    }

    /// The member's current view, as the next presence batch would carry it.
    pub fn view_of(&self, id: MemberId, name: &str, connected: bool) -> MemberView {
        MemberView {
            id,
            name: name.into(),
            role: self.room.role_of(id).expect("member present"),
            connected,
        }
    }

    /// `from` adds `song`; returns its id (whether it was queued or started at once).
    pub fn add(&mut self, now: i64, from: MemberId, song: SongInput) -> SongId {
        let effects = self.send(now, from, ClientMessage::AddSong { song });
        for (_, msg) in sends(&effects) {
            match msg {
                ServerMessage::SongAdded { entry, .. } => return entry.song.id,
                ServerMessage::PlaybackStateUpdate(ev) => {
                    return ev.song.as_ref().expect("started song").id;
                }
                _ => {}
            }
        }
        panic!("add-song produced neither song-added nor a started song: {effects:?}")
    }

    /// The host makes `id` a DJ.
    pub fn make_dj(&mut self, now: i64, host: MemberId, id: MemberId) {
        self.send(
            now,
            host,
            ClientMessage::SetRole {
                member_id: id,
                role: Role::Dj,
            },
        );
        assert_eq!(self.room.role_of(id), Some(Role::Dj));
    }

    pub fn current_song(&self) -> Option<SongId> {
        self.room.playback().song_id()
    }

    pub fn order(&self) -> Vec<SongId> {
        self.room.queue().order()
    }

    /// The store holds exactly what the room holds.
    pub fn assert_store_matches(&self) {
        assert_eq!(
            self.store.snapshot(),
            normalise(self.room.snapshot()),
            "the stored state drifted from the room"
        );
    }
}

/// One `presence` batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Presence {
    pub joined: Vec<MemberView>,
    pub updated: Vec<MemberView>,
    pub left: Vec<MemberGone>,
}

/// The `presence` batch among these effects, if any: its messages (chunks of at most
/// `PRESENCE_CHUNK` entries, all to everyone) merged into one.
pub fn presence(effects: &[Effect]) -> Option<Presence> {
    let found: Vec<Presence> = sends(effects)
        .into_iter()
        .filter_map(|(to, m)| match m {
            ServerMessage::Presence {
                joined,
                updated,
                left,
                ..
            } => {
                assert_eq!(to, Recipient::All, "presence goes to everyone");
                assert!(
                    joined.len() + updated.len() + left.len() <= room_core::room::PRESENCE_CHUNK,
                    "presence messages are chunked"
                );
                Some(Presence {
                    joined: joined.clone(),
                    updated: updated.clone(),
                    left: left.clone(),
                })
            }
            _ => None,
        })
        .collect();
    found.into_iter().reduce(|mut all, chunk| {
        all.joined.extend(chunk.joined);
        all.updated.extend(chunk.updated);
        all.left.extend(chunk.left);
        all
    })
}

/// Every message the effects send, with its recipient, in order.
pub fn sends(effects: &[Effect]) -> Vec<(Recipient, &ServerMessage)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(to, msg) => Some((*to, msg)),
            _ => None,
        })
        .collect()
}

/// Every store operation, in order.
pub fn stores(effects: &[Effect]) -> Vec<&StoreOp> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(op) => Some(op),
            _ => None,
        })
        .collect()
}

/// Whether a message addressed to `to` reaches member `id` (assuming it is connected).
pub fn reaches(to: Recipient, id: MemberId) -> bool {
    match to {
        Recipient::All => true,
        Recipient::Only(x) => x == id,
        Recipient::AllBut(x) => x != id,
    }
}

/// The messages member `id` receives from these effects, in order.
pub fn delivered_to(effects: &[Effect], id: MemberId) -> Vec<&ServerMessage> {
    sends(effects)
        .into_iter()
        .filter(|(to, _)| reaches(*to, id))
        .map(|(_, m)| m)
        .collect()
}

/// The wire `type` of a server message, e.g. `"playback-paused"`.
pub fn kind(msg: &ServerMessage) -> String {
    let v = serde_json::to_value(msg).expect("serialise server message");
    v["type"].as_str().expect("type field").to_owned()
}

/// The wire types of every message sent, in order.
pub fn kinds(effects: &[Effect]) -> Vec<String> {
    sends(effects).into_iter().map(|(_, m)| kind(m)).collect()
}

/// The `room-joined` that member `id` received.
pub fn room_joined(effects: &[Effect], id: MemberId) -> &RoomJoined {
    let found: Vec<&RoomJoined> = sends(effects)
        .into_iter()
        .filter_map(|(to, m)| match m {
            ServerMessage::RoomJoined(j) => {
                assert_eq!(
                    to,
                    Recipient::Only(id),
                    "room-joined goes to the joiner only"
                );
                Some(j.as_ref())
            }
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "exactly one room-joined: {effects:?}");
    found[0]
}

/// The single playback event these effects broadcast, with its wire type. Asserts it goes to
/// everyone and that the new timeline was stored.
pub fn playback_event(effects: &[Effect]) -> (String, &PlaybackEvent) {
    let found: Vec<(String, &PlaybackEvent)> = sends(effects)
        .into_iter()
        .filter_map(|(to, m)| {
            let ev = match m {
                ServerMessage::PlaybackPaused(ev)
                | ServerMessage::PlaybackResumed(ev)
                | ServerMessage::PlaybackSeeked(ev)
                | ServerMessage::PlaybackStateUpdate(ev) => ev,
                _ => return None,
            };
            assert_eq!(to, Recipient::All, "playback events go to everyone");
            Some((kind(m), ev))
        })
        .collect();
    assert_eq!(found.len(), 1, "exactly one playback event: {effects:?}");
    let (k, ev) = found.into_iter().next().expect("one event");
    let stored: Vec<&PlaybackRecord> = stores(effects)
        .into_iter()
        .filter_map(|op| match op {
            StoreOp::Playback(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(stored.len(), 1, "the new timeline is stored once");
    assert_eq!(stored[0].started_at_us, ev.playback.started_at_us);
    assert_eq!(stored[0].paused_at_us, ev.playback.paused_at_us);
    assert_eq!(stored[0].is_playing, ev.playback.is_playing);
    (k, ev)
}
