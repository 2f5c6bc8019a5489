//! BASELINE: a deliberately naive room server that models the original design (the Node `ws`
//! app the project started from). It is NOT the original code and not Tandem: it exists only so
//! that every benchmark run has a reference measured on the same machine in the same run.
//!
//! What it copies from the original design (docs: /shared/ANCHORS.md):
//! - one event loop on one thread (Node), state in one shared map;
//! - every broadcast is serialised again for each listener (`JSON.stringify` per socket);
//! - every join (and leave) rebroadcasts the full member list to everyone: quadratic traffic;
//! - unbounded per-socket send queues (Node buffers whatever it cannot write yet);
//! - no authorization (anyone may pause).
//!
//! What it does not copy: the lost members (its membership update is atomic), Redis, logging
//! every message. It speaks the subset of Tandem's wire messages the load generator uses, with
//! room-core's types, plus `{"type":"room-members","members":[...]}` for the full list.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use room_core::{ClientMessage, ControlPolicy, ServerMessage, decode_client};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

struct Member {
    id: u64,
    name: String,
    role: &'static str,
    tx: mpsc::UnboundedSender<String>,
}

/// A member as the wire shows it (room-core's `MemberView`).
#[derive(Serialize)]
struct MemberWire {
    id: u64,
    name: String,
    role: &'static str,
    connected: bool,
}

struct Room {
    code: String,
    name: String,
    policy: ControlPolicy,
    members: Vec<Member>,
    song: Option<Value>,
    started_at_us: i64,
    paused_at_us: Option<i64>,
    is_playing: bool,
    last_updated_us: i64,
}

#[derive(Default)]
struct State {
    room: Option<Room>,
    next_id: u64,
}

#[derive(Clone)]
struct Server {
    state: Arc<Mutex<State>>,
    epoch: Instant,
}

#[derive(Serialize)]
struct RoomMembers<'a> {
    r#type: &'static str,
    members: &'a [MemberWire],
}

impl Server {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now_us(&self) -> i64 {
        i64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(i64::MAX)
    }
}

impl Room {
    fn views(&self) -> Vec<MemberWire> {
        self.members
            .iter()
            .map(|m| MemberWire {
                id: m.id,
                name: m.name.clone(),
                role: m.role,
                connected: true,
            })
            .collect()
    }

    /// The original's way: the whole member list, serialised once per recipient.
    fn broadcast_members(&self) {
        let views = self.views();
        for m in &self.members {
            let frame = RoomMembers {
                r#type: "room-members",
                members: &views,
            };
            if let Ok(text) = serde_json::to_string(&frame) {
                let _ = m.tx.send(text);
            }
        }
    }

    /// Serialise `msg` again for every member.
    fn broadcast(&self, msg: &ServerMessage) {
        for m in &self.members {
            if let Ok(text) = serde_json::to_string(msg) {
                let _ = m.tx.send(text);
            }
        }
    }

    fn position_us(&self, now: i64) -> i64 {
        match self.paused_at_us {
            Some(p) => p - self.started_at_us,
            None if self.is_playing => now - self.started_at_us,
            None => 0,
        }
    }

    /// The playback payload, built from JSON so that fields room-core adds with defaults do not
    /// break the baseline.
    fn event(&self, now: i64, by: u64, reason: &str) -> Value {
        json!({
            "playback": {
                "songId": self.song.as_ref().map(|_| 1),
                "startedAtUs": self.started_at_us,
                "pausedAtUs": self.paused_at_us,
                "isPlaying": self.is_playing,
                "lastUpdatedUs": self.last_updated_us,
            },
            "song": self.song,
            "positionUs": self.position_us(now),
            "roomClockUs": now,
            "by": by,
            "reason": reason,
        })
    }

    fn joined(&self, now: i64, id: u64, role: &str) -> Option<ServerMessage> {
        let ev = self.event(now, id, "requested");
        message(json!({
            "type": "room-joined",
            "room": {"code": self.code, "name": self.name, "policy": self.policy, "hasPassword": false},
            "you": {"memberId": id, "role": role, "resumeToken": ""},
            "members": self.views(),
            "queue": [],
            "yourVotes": [],
            "playback": ev["playback"],
            "song": ev["song"],
            "positionUs": ev["positionUs"],
            "roomClockUs": now,
            "chat": [],
        }))
    }
}

/// A room-core message from its JSON form (serialised again per listener when broadcast).
fn message(v: Value) -> Option<ServerMessage> {
    match serde_json::from_value(v) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("baseline: cannot build a message (has room-core's protocol changed?): {e}");
            None
        }
    }
}

/// `tandem-bench baseline-server`: serve on 127.0.0.1:`port` on one thread until killed.
pub fn run(port: u16) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the baseline's runtime")?;
    rt.block_on(async move {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .context("baseline: cannot listen")?;
        println!(
            "baseline (naive model of the original design) listening on ws://{}/ws",
            listener.local_addr()?
        );
        let server = Server {
            state: Arc::new(Mutex::new(State::default())),
            epoch: Instant::now(),
        };
        loop {
            let (stream, _) = listener.accept().await?;
            let _ = stream.set_nodelay(true);
            tokio::spawn(connection(stream, server.clone()));
        }
    })
}

async fn connection(stream: TcpStream, server: Server) {
    // The same small buffers as tandem-server, so memory compares designs, not buffer settings.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(text) = rx.recv().await {
            if sink.send(Message::text(text)).await.is_err() {
                break;
            }
        }
    });
    let mut me: Option<u64> = None;
    while let Some(Ok(frame)) = stream.next().await {
        let Message::Text(text) = frame else { continue };
        let Ok(msg) = decode_client(&text) else {
            continue;
        };
        handle(&server, &mut me, &tx, msg);
    }
    if let Some(id) = me {
        let mut state = server.lock();
        if let Some(room) = state.room.as_mut() {
            room.members.retain(|m| m.id != id);
            room.broadcast_members();
        }
    }
    writer.abort();
}

fn handle(
    server: &Server,
    me: &mut Option<u64>,
    tx: &mpsc::UnboundedSender<String>,
    msg: ClientMessage,
) {
    let now = server.now_us();
    let mut state = server.lock();
    let send = |msg: Option<ServerMessage>| {
        if let Some(text) = msg.and_then(|m| serde_json::to_string(&m).ok()) {
            let _ = tx.send(text);
        }
    };
    match msg {
        ClientMessage::CreateRoom {
            name,
            display_name,
            policy,
            ..
        } => {
            let id = state.next_id;
            state.next_id += 1;
            let mut room = Room {
                code: "BASE01".into(),
                name,
                policy,
                members: Vec::new(),
                song: None,
                started_at_us: now,
                paused_at_us: None,
                is_playing: false,
                last_updated_us: now,
            };
            room.members.push(Member {
                id,
                name: display_name,
                role: "host",
                tx: tx.clone(),
            });
            send(message(json!({
                "type": "room-created", "code": room.code, "hostSecret": "baseline",
            })));
            send(room.joined(now, id, "host"));
            room.broadcast_members();
            state.room = Some(room);
            *me = Some(id);
        }
        ClientMessage::JoinRoom { display_name, .. } => {
            let id = state.next_id;
            state.next_id += 1;
            let Some(room) = state.room.as_mut() else {
                return;
            };
            room.members.push(Member {
                id,
                name: display_name,
                role: "listener",
                tx: tx.clone(),
            });
            send(room.joined(now, id, "listener"));
            room.broadcast_members();
            *me = Some(id);
        }
        other => {
            let (Some(room), Some(by)) = (state.room.as_mut(), *me) else {
                return;
            };
            // Like the original, the server checks no role: anyone may control playback.
            let (kind, reason) = match other {
                ClientMessage::AddSong { .. } => {
                    room.song = Some(json!({
                        "id": 1,
                        "source": {"kind": "youtube", "videoId": "dQw4w9WgXcQ"},
                        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                        "title": "baseline song",
                        "durationUs": 600_000_000,
                        "addedBy": by,
                        "addedByName": "host",
                        "addedAtUs": now,
                    }));
                    room.started_at_us = now;
                    room.paused_at_us = None;
                    room.is_playing = true;
                    ("playback-state-update", "started")
                }
                ClientMessage::PausePlayback {} => {
                    room.paused_at_us = Some(now);
                    room.is_playing = false;
                    ("playback-paused", "pause")
                }
                ClientMessage::ResumePlayback {} => {
                    if let Some(p) = room.paused_at_us.take() {
                        room.started_at_us += now - p;
                    }
                    room.is_playing = true;
                    ("playback-resumed", "resume")
                }
                _ => return,
            };
            room.last_updated_us = now;
            let mut ev = room.event(now, by, reason);
            ev["type"] = json!(kind);
            if let Some(msg) = message(ev) {
                room.broadcast(&msg);
            }
        }
    }
}
