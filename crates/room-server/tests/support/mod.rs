//! Helpers for the end-to-end behaviour tests, on top of `common`: checks that skip `presence`
//! batches, a tiny HTTP client for `/health` and `/metrics`, and a store-backed room fixture for
//! the hostile-input tests (one room with a queue, a vote and a paused song; after the hostile
//! act, the room must carry on and a restart must restore exactly what was stored).
//!
//! A test file using it declares `mod common; mod support;`.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;

use room_core::protocol::{MemberId, PlaybackEvent, RoomJoined, SongId};
use room_core::{ErrorCode, RoomConfig, ServerMessage};
use room_server::{Limits, ServerConfig};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{Client, TestServer, WAIT};

/// One second in microseconds.
pub const S: i64 = 1_000_000;

/// The next message that is not a `presence` batch (those arrive whenever the room's batch is
/// due, so tests that look for one particular reply skip them).
pub async fn next(c: &mut Client) -> ServerMessage {
    loop {
        let m = c.recv().await;
        if !matches!(m, ServerMessage::Presence { .. }) {
            return m;
        }
    }
}

/// The next non-presence message must be an `error` with `code` and `request_type`; returns its
/// human message.
pub async fn expect_error(c: &mut Client, code: ErrorCode, request_type: Option<&str>) -> String {
    match next(c).await {
        ServerMessage::Error {
            code: got,
            message,
            request_type: rt,
        } => {
            assert_eq!(got, code, "error message: {message}");
            assert_eq!(rt.as_deref(), request_type, "request type of {code:?}");
            message
        }
        other => panic!("expected error {code:?}, got {other:?}"),
    }
}

/// The next non-presence message must be a playback event; returns its type and payload.
pub async fn expect_playback(c: &mut Client) -> (&'static str, PlaybackEvent) {
    match next(c).await {
        ServerMessage::PlaybackPaused(e) => ("playback-paused", e),
        ServerMessage::PlaybackResumed(e) => ("playback-resumed", e),
        ServerMessage::PlaybackSeeked(e) => ("playback-seeked", e),
        ServerMessage::PlaybackStateUpdate(e) => ("playback-state-update", e),
        other => panic!("expected a playback event, got {other:?}"),
    }
}

/// Add a song to an idle room as `c` (its only member so far) and return the event that started
/// it. A room that first waits for players' `player-ready` is told this one is ready.
pub async fn start_first_song(
    c: &mut Client,
    video: &str,
    duration_us: Option<i64>,
) -> PlaybackEvent {
    let mut song = json!({"kind": "link", "url": format!("https://youtu.be/{video}")});
    if let Some(d) = duration_us {
        song["durationUs"] = json!(d);
    }
    c.send(json!({"type": "add-song", "song": song})).await;
    let (kind, e) = expect_playback(c).await;
    assert_eq!(kind, "playback-state-update");
    if e.playback.waiting {
        c.send(json!({"type": "player-ready", "songId": e.playback.song_id}))
            .await;
        loop {
            let (_, e) = expect_playback(c).await;
            if e.playback.is_playing {
                return e;
            }
        }
    }
    assert!(e.playback.is_playing, "the first song did not start: {e:?}");
    e
}

/// Where a playing timeline (re)starts: the song position at the instant the change takes
/// effect, which may be a little after the event is sent (the room's lead time).
pub fn playing_from(e: &PlaybackEvent) -> i64 {
    assert!(e.playback.is_playing, "not playing: {e:?}");
    e.playback.effective_at_us - e.playback.started_at_us
}

/// Ask for the playback state; the next non-presence message must be the answer.
pub async fn playback_state(c: &mut Client) -> PlaybackEvent {
    c.send(json!({"type": "get-playback-state"})).await;
    match expect_playback(c).await {
        ("playback-state-update", e) => e,
        (kind, e) => panic!("expected the state answer, got {kind} {e:?}"),
    }
}

/// The next non-presence message must be the chat message `text`.
pub async fn expect_chat(c: &mut Client, text: &str) -> MemberId {
    match next(c).await {
        ServerMessage::ChatMessage(chat) => {
            assert_eq!(chat.text, text);
            chat.member_id
        }
        other => panic!("expected chat {text:?}, got {other:?}"),
    }
}

/// Send a chat message and check that the sender receives it back.
pub async fn chat(c: &mut Client, text: &str) {
    c.send(json!({"type": "chat", "text": text})).await;
    expect_chat(c, text).await;
}

/// Join with a resume token; returns the `room-joined` (skipping presence before it).
pub async fn resume(c: &mut Client, code: &str, token: &str) -> RoomJoined {
    c.send(
        json!({"type": "join-room", "code": code, "displayName": "ignored", "resumeToken": token}),
    )
    .await;
    match next(c).await {
        ServerMessage::RoomJoined(j) => *j,
        other => panic!("expected room-joined, got {other:?}"),
    }
}

/// Wait for a `presence` batch that reports member `id` as updated with `connected`.
pub async fn expect_presence_connected(c: &mut Client, id: MemberId, connected: bool) {
    c.recv_until(|m| match m {
        ServerMessage::Presence { updated, .. } => updated
            .iter()
            .any(|v| v.id == id && v.connected == connected),
        _ => false,
    })
    .await;
}

/// What a client has learnt from `presence` batches: the latest view of each member mentioned,
/// and why those that left did.
#[derive(Debug, Default)]
pub struct Presences {
    pub members: std::collections::BTreeMap<MemberId, room_core::protocol::MemberView>,
    pub left: std::collections::BTreeMap<MemberId, String>,
}

impl Presences {
    /// Read `c`'s messages (ignoring all but presence) until `done` holds.
    pub async fn until(&mut self, c: &mut Client, mut done: impl FnMut(&Self) -> bool) {
        while !done(self) {
            let m = c.recv().await;
            self.apply(&m);
        }
    }

    /// Learn from `m` if it is a presence batch.
    pub fn apply(&mut self, m: &ServerMessage) {
        if let ServerMessage::Presence {
            joined,
            updated,
            left,
            ..
        } = m
        {
            for m in joined.iter().chain(updated) {
                self.left.remove(&m.id);
                self.members.insert(m.id, m.clone());
            }
            for g in left {
                self.members.remove(&g.member_id);
                self.left.insert(g.member_id, g.reason.clone());
            }
        }
    }

    pub fn role(&self, id: MemberId) -> Option<room_core::Role> {
        self.members.get(&id).map(|m| m.role)
    }

    pub fn connected(&self, id: MemberId) -> Option<bool> {
        self.members.get(&id).map(|m| m.connected)
    }
}

/// Join as a newcomer, read the room, and leave again (the probe is not left behind as a member).
pub async fn probe(server: &TestServer, code: &str, password: Option<&str>) -> RoomJoined {
    probe_url(&server.url(), code, password).await
}

/// [`probe`] for a server known only by its `ws://` address.
pub async fn probe_url(url: &str, code: &str, password: Option<&str>) -> RoomJoined {
    let mut c = connect_url(url).await;
    c.send(
        json!({"type": "join-room", "code": code, "displayName": "Probe", "password": password}),
    )
    .await;
    let joined = match next(&mut c).await {
        ServerMessage::RoomJoined(j) => *j,
        other => panic!("expected room-joined, got {other:?}"),
    };
    c.send(json!({"type": "leave-room"})).await;
    // Any answer after the leave proves the room processed it before we hang up.
    c.send(json!({"type": "clock-ping", "clientSendUs": 1}))
        .await;
    c.recv_until(|m| matches!(m, ServerMessage::ClockPong { .. }))
        .await;
    joined
}

/// Connect to `url` and consume the server's `hello`.
pub async fn connect_url(url: &str) -> Client {
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut c = Client { ws };
    match c.recv().await {
        ServerMessage::Hello { .. } => c,
        other => panic!("expected hello, got {other:?}"),
    }
}

/// The parts of a timeline a restart must keep exactly. (`effectiveAtUs` is not stored: a
/// restored room's changes are all in the past.)
pub fn timeline(
    p: &room_core::protocol::PlaybackView,
) -> (Option<SongId>, i64, Option<i64>, bool, i64) {
    (
        p.song_id,
        p.started_at_us,
        p.paused_at_us,
        p.is_playing,
        p.last_updated_us,
    )
}

/// A plain HTTP/1.1 GET over TCP; returns (status, lower-cased header block, body).
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut raw))
        .await
        .expect("HTTP response timed out")
        .unwrap();
    let text = String::from_utf8(raw).expect("HTTP response is UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("HTTP header end");
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("HTTP status");
    let head = head.to_ascii_lowercase();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, head, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").expect("chunk size line");
        let size = usize::from_str_radix(size.trim(), 16).expect("chunk size");
        if size == 0 {
            return out;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
}

/// The value of one sample in `/metrics`.
pub async fn metric(addr: SocketAddr, name: &str) -> f64 {
    let (status, _, body) = http_get(addr, "/metrics").await;
    assert_eq!(status, 200);
    metric_in(&body, name)
}

pub fn metric_in(body: &str, name: &str) -> f64 {
    body.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (n, v) = l.split_once(' ')?;
            (n == name).then(|| v.trim().parse::<f64>().expect("numeric sample"))
        })
        .unwrap_or_else(|| panic!("no sample {name} in /metrics:\n{body}"))
}

/// How the fixture's room and server are set up.
#[derive(Clone)]
pub struct Setup {
    pub policy: &'static str,
    pub password: Option<&'static str>,
    pub limits: Limits,
    pub room: RoomConfig,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            policy: "host-and-djs",
            password: None,
            limits: Limits::default(),
            room: RoomConfig::default(),
        }
    }
}

/// A store-backed server with one room: song 1 current and paused at a known position, two songs
/// queued, one of them up-voted by the bystander (so the vote reordered the queue).
pub struct Fixture {
    _dir: tempfile::TempDir,
    pub config: ServerConfig,
    pub server: TestServer,
    pub code: String,
    pub host_secret: String,
    pub password: Option<&'static str>,
    pub host: Client,
    pub host_id: MemberId,
    pub bystander: Client,
    pub bystander_id: MemberId,
    /// Ids of the current song and the queued ones, in the order they were added.
    pub songs: Vec<SongId>,
    /// The room as a newcomer saw it; what the store must give back after a restart.
    pub expected: RoomJoined,
    said: u32,
}

impl Fixture {
    pub async fn start(setup: Setup) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = ServerConfig {
            limits: setup.limits,
            room: setup.room,
            store_path: Some(dir.path().join("rooms.sqlite3")),
            ..ServerConfig::default()
        };
        let server = TestServer::start(config.clone()).await;
        let mut host = Client::connect(&server).await;
        let mut create = json!({"type": "create-room", "name": "Fixture", "displayName": "Host", "policy": setup.policy});
        if let Some(p) = setup.password {
            create["password"] = json!(p);
        }
        host.send(create).await;
        let (code, host_secret) = match next(&mut host).await {
            ServerMessage::RoomCreated { code, host_secret } => (code, host_secret),
            other => panic!("expected room-created, got {other:?}"),
        };
        let host_id = match next(&mut host).await {
            ServerMessage::RoomJoined(j) => j.you.member_id,
            other => panic!("expected room-joined, got {other:?}"),
        };

        let started = start_first_song(&mut host, "dQw4w9WgXcQ", Some(200 * S)).await;
        let mut songs = vec![started.playback.song_id.unwrap()];
        for (id, d) in [("9bZkp7q19f0", 180 * S), ("kJQP7kiw5Fk", 240 * S)] {
            host.add_youtube(id, d).await;
            match next(&mut host).await {
                ServerMessage::SongAdded { entry, .. } => songs.push(entry.song.id),
                other => panic!("expected song-added, got {other:?}"),
            }
        }

        let mut bystander = Client::connect(&server).await;
        bystander
            .send(json!({"type": "join-room", "code": code, "displayName": "Bystander", "password": setup.password}))
            .await;
        let bystander_id = match next(&mut bystander).await {
            ServerMessage::RoomJoined(j) => j.you.member_id,
            other => panic!("expected room-joined, got {other:?}"),
        };
        bystander
            .send(json!({"type": "vote", "songId": songs[2], "vote": 1}))
            .await;
        for c in [&mut bystander, &mut host] {
            match next(c).await {
                ServerMessage::SongVoted { order, .. } => assert_eq!(order, [songs[2], songs[1]]),
                other => panic!("expected song-voted, got {other:?}"),
            }
        }
        // Let the song run a little so the paused position is not zero.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        host.send(json!({"type": "pause-playback"})).await;
        for c in [&mut host, &mut bystander] {
            match expect_playback(c).await {
                ("playback-paused", e) => assert!(e.position_us > 0),
                other => panic!("expected playback-paused, got {other:?}"),
            }
        }
        let expected = probe(&server, &code, setup.password).await;
        let mut fixture = Self {
            _dir: dir,
            config,
            server,
            code,
            host_secret,
            password: setup.password,
            host,
            host_id,
            bystander,
            bystander_id,
            songs,
            expected,
            said: 0,
        };
        assert_eq!(fixture.expected.queue.len(), 2);
        fixture.host.drain().await;
        fixture.bystander.drain().await;
        fixture
    }

    /// Read the room again as a newcomer: call after a valid change the restart must keep.
    pub async fn refresh_expected(&mut self) {
        self.expected = probe(&self.server, &self.code, self.password).await;
    }

    /// A new listener in the room, with nothing pending on its socket.
    pub async fn join(&self, name: &str) -> (Client, RoomJoined) {
        let mut c = Client::connect(&self.server).await;
        c.send(json!({"type": "join-room", "code": self.code, "displayName": name, "password": self.password}))
            .await;
        let joined = match next(&mut c).await {
            ServerMessage::RoomJoined(j) => *j,
            other => panic!("expected room-joined, got {other:?}"),
        };
        c.drain().await;
        (c, joined)
    }

    /// The room carries on: the host's next broadcast is the very next thing the bystander and
    /// each of `others` receive (so nothing the hostile act caused was broadcast).
    pub async fn carries_on(&mut self, others: &mut [&mut Client]) {
        self.said += 1;
        let text = format!("still here #{}", self.said);
        self.host.send(json!({"type": "chat", "text": text})).await;
        assert_eq!(expect_chat(&mut self.host, &text).await, self.host_id);
        assert_eq!(expect_chat(&mut self.bystander, &text).await, self.host_id);
        for c in others {
            assert_eq!(expect_chat(c, &text).await, self.host_id);
        }
    }

    /// Stop the server gracefully, start a new one on the same store, and check the room is
    /// there with the queue, votes and paused timeline it had.
    pub async fn restart_and_check(self) {
        let Self {
            _dir,
            config,
            server,
            expected,
            code,
            password,
            host,
            bystander,
            ..
        } = self;
        server.stop().await;
        drop((host, bystander));
        // Restored members are disconnected until they resume: give them the default grace, so
        // a test's short one cannot expire them before the check.
        let mut config = config;
        config.room.reconnect_grace_us = RoomConfig::default().reconnect_grace_us;
        let server = TestServer::start(config).await;
        let mut c = Client::connect(&server).await;
        c.send(json!({"type": "join-room", "code": code, "displayName": "After restart", "password": password}))
            .await;
        let got = match next(&mut c).await {
            ServerMessage::RoomJoined(j) => *j,
            other => panic!("expected the stored room after a restart, got {other:?}"),
        };
        assert_eq!(got.queue, expected.queue, "queue and votes after restart");
        assert_eq!(
            timeline(&got.playback),
            timeline(&expected.playback),
            "timeline after restart"
        );
        assert_eq!(got.song, expected.song);
        assert!(!got.playback.is_playing);
        assert_eq!(got.position_us, expected.position_us, "paused position");
        assert_eq!(got.room.policy, expected.room.policy);
        for m in expected
            .members
            .iter()
            .filter(|m| m.id != expected.you.member_id)
        {
            let after = got.members.iter().find(|g| g.id == m.id);
            assert_eq!(
                after.map(|a| (&a.name, a.role)),
                Some((&m.name, m.role)),
                "member {} after restart",
                m.id
            );
        }
        server.stop().await;
    }
}
