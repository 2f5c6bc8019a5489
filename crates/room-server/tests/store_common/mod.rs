//! Shared helpers for the store's tests: rooms driven through the real `room_core::Room`, whose
//! `Effect::Store` ops are collected per call, exactly as a room task would submit them.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

use room_core::persist::{RoomSnapshot, StoreOp};
use room_core::protocol::{MemberId, SongId, SongInput};
use room_core::{
    ClientMessage, ControlPolicy, CreateParams, Effect, JoinParams, Role, Room, RoomConfig,
    ServerMessage,
};
use room_server::store::{SqliteStore, StoreHandle, StoreWriter};

/// One second on the room clock.
pub const S: i64 = 1_000_000;
/// Room-clock time at which the test rooms are created (epoch-anchored, like the server's clock).
pub const T0: i64 = 1_700_000_000 * S;
pub const HOST_SECRET: &str = "the-host-secret";

/// A room plus the store ops it asked for, one `Vec` per call (= one `submit`).
pub struct Driven {
    pub room: Room,
    pub pending: Vec<Vec<StoreOp>>,
}

impl Driven {
    pub fn create(code: &str, now: i64) -> Self {
        let (room, effects) = Room::create(
            code.into(),
            CreateParams {
                name: "Friday night",
                policy: ControlPolicy::HostAndDjs,
                password: Some("hunter2"),
            },
            HOST_SECRET,
            now,
            RoomConfig::default(),
        )
        .expect("create room");
        let mut d = Self {
            room,
            pending: Vec::new(),
        };
        d.record(&effects);
        d
    }

    fn record(&mut self, effects: &[Effect]) {
        let ops = store_ops(effects);
        if !ops.is_empty() {
            self.pending.push(ops);
        }
    }

    fn join_with(&mut self, now: i64, name: &str, host_secret: Option<&str>) -> MemberId {
        let (id, effects) = self
            .room
            .join(
                now,
                JoinParams {
                    display_name: name,
                    password: Some("hunter2"),
                    host_secret,
                    ..JoinParams::default()
                },
                &format!("resume-token-of-{name}"),
            )
            .unwrap_or_else(|e| panic!("{name} joins: {e}"));
        self.record(&effects);
        id
    }

    pub fn join(&mut self, now: i64, name: &str) -> MemberId {
        self.join_with(now, name, None)
    }

    pub fn join_host(&mut self, now: i64, name: &str) -> MemberId {
        self.join_with(now, name, Some(HOST_SECRET))
    }

    pub fn send(&mut self, now: i64, from: MemberId, msg: ClientMessage) -> Vec<Effect> {
        let kind = msg.kind();
        let effects = self
            .room
            .handle(now, from, msg)
            .unwrap_or_else(|e| panic!("{kind} from {from}: {e}"));
        self.record(&effects);
        effects
    }

    /// `from` adds song `n` (`duration_s` long); returns its id.
    pub fn add(&mut self, now: i64, from: MemberId, n: u32, duration_s: i64) -> SongId {
        let effects = self.send(
            now,
            from,
            ClientMessage::AddSong {
                song: yt(n, duration_s),
            },
        );
        song_id_of(&effects)
    }

    pub fn vote(&mut self, now: i64, from: MemberId, song_id: SongId, vote: i8) {
        self.send(now, from, ClientMessage::Vote { song_id, vote });
    }

    pub fn leave(&mut self, now: i64, id: MemberId) {
        let effects = self.room.leave(now, id, "left");
        self.record(&effects);
    }

    /// Hand every pending call's ops to the writer, one submit per call.
    pub fn submit_to(&mut self, store: &StoreHandle) {
        for ops in self.pending.drain(..) {
            store.submit(self.room.code(), ops);
        }
    }
}

/// The id of the song an `add-song` queued or started.
pub fn song_id_of(effects: &[Effect]) -> SongId {
    for e in effects {
        match e {
            Effect::Send(_, ServerMessage::SongAdded { entry, .. }) => return entry.song.id,
            Effect::Send(_, ServerMessage::PlaybackStateUpdate(ev)) => {
                return ev.song.as_ref().expect("started song").id;
            }
            _ => {}
        }
    }
    panic!("add-song neither queued nor started a song")
}

pub fn store_ops(effects: &[Effect]) -> Vec<StoreOp> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(op) => Some(op.clone()),
            _ => None,
        })
        .collect()
}

/// A YouTube link with an 11-character id distinct per `n`.
pub fn yt(n: u32, duration_s: i64) -> SongInput {
    SongInput::Link {
        url: format!("https://www.youtube.com/watch?v=vid{n:08}"),
        title: Some(format!("song {n}")),
        artist: Some("Artist".into()),
        album: None,
        duration_us: Some(duration_s * S),
    }
}

/// A room that has been through most of what a room does: joins with a stand-in host, a queue
/// of YouTube and local songs, votes (one withdrawn, one from a member who left), a hand
/// reorder that pins voted songs, a removal, a skip, a seek and a pause.
pub fn party(code: &str) -> Driven {
    let mut d = Driven::create(code, T0);
    let host = d.join_host(T0, "host");
    let l1 = d.join(T0 + S, "l1");
    let l2 = d.join(T0 + S, "l2");
    let l3 = d.join(T0 + S, "l3");
    d.add(T0 + 2 * S, host, 1, 200);
    let s2 = d.add(T0 + 3 * S, l1, 2, 180);
    let s3 = d.add(T0 + 3 * S, l2, 3, 180);
    let s4 = d.add(T0 + 4 * S, l3, 4, 180);
    let local = d.send(
        T0 + 4 * S,
        host,
        ClientMessage::AddSong {
            song: SongInput::Local {
                sha256: "ab".repeat(32),
                codec: "flac".into(),
                title: "From my disk".into(),
                artist: None,
                album: Some("Album".into()),
                duration_us: 240 * S,
            },
        },
    );
    let s5 = song_id_of(&local);
    let s6 = d.add(T0 + 5 * S, host, 6, 180);
    d.vote(T0 + 6 * S, l1, s3, 1);
    d.vote(T0 + 6 * S, l2, s3, 1);
    d.vote(T0 + 6 * S, l3, s2, -1);
    d.vote(T0 + 6 * S, l3, s4, 1);
    d.vote(T0 + 6 * S, host, s4, 1);
    d.vote(T0 + 6 * S, l1, s6, 1);
    d.vote(T0 + 7 * S, l2, s5, 1);
    d.vote(T0 + 7 * S, l2, s5, 0);
    d.send(
        T0 + 8 * S,
        host,
        ClientMessage::ReorderQueue {
            song_id: s6,
            to_index: 0,
        },
    );
    d.send(T0 + 9 * S, host, ClientMessage::RemoveSong { song_id: s2 });
    d.leave(T0 + 9 * S, l3);
    d.send(
        T0 + 10 * S,
        host,
        ClientMessage::SetRole {
            member_id: l1,
            role: Role::Dj,
        },
    );
    d.send(
        T0 + 10 * S,
        host,
        ClientMessage::SetPolicy {
            policy: ControlPolicy::Everyone,
        },
    );
    d.send(
        T0 + 20 * S,
        l1,
        ClientMessage::PlayNext {
            current_song_id: None,
        },
    );
    d.send(
        T0 + 30 * S,
        host,
        ClientMessage::SeekPlayback {
            position_us: 42 * S,
        },
    );
    d.send(T0 + 40 * S, l2, ClientMessage::PausePlayback {});
    d
}

/// A room with one member and one 300-second song playing since `T0 + 10 s`.
pub fn playing(code: &str) -> Driven {
    let mut d = Driven::create(code, T0);
    let host = d.join_host(T0, "host");
    d.add(T0 + 10 * S, host, 99, 300);
    d
}

pub fn spawn_writer(path: &Path) -> StoreHandle {
    StoreWriter::spawn(SqliteStore::open(path).expect("open store")).expect("spawn writer")
}

/// What a restarted server would load from `path`.
pub fn load(path: &Path) -> Vec<RoomSnapshot> {
    SqliteStore::open(path)
        .expect("reopen store")
        .load_rooms()
        .expect("load rooms")
}

/// A second, raw connection to the file, for checks and sabotage behind the store's back.
pub fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw connection")
}

pub fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}
