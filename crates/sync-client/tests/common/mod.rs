//! Shared by the sync client's tests: the real room server in-process (on its own thread and
//! runtime, so a test can kill it like a crashed process), a raw WebSocket host that creates the
//! room and reads the room clock, and a TCP proxy that can cut or black-hole the link.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod proxy;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use room_core::ServerMessage;
use room_core::protocol::PlaybackView;
use room_server::ServerConfig;
use serde_json::{Value, json};
use sync_client::{ClientState, SyncHandle};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The longest any single wait in a test may take before it fails.
pub const WAIT: Duration = Duration::from_secs(10);
pub const MS: i64 = 1_000;
pub const S: i64 = 1_000_000;

/// A room server on its own thread and runtime.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    kill: Option<oneshot::Sender<()>>,
    done: Option<oneshot::Receiver<()>>,
}

impl TestServer {
    pub fn start(config: ServerConfig) -> Self {
        Self::start_at("127.0.0.1:0".parse().unwrap(), config)
    }

    /// Starts on `addr`, retrying the bind for a while (the previous server's port may take a
    /// moment to be released).
    pub fn start_at(addr: SocketAddr, config: ServerConfig) -> Self {
        let deadline = Instant::now() + WAIT;
        let listener = loop {
            match std::net::TcpListener::bind(addr) {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("bind {addr}: {e}; retrying");
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("cannot bind {addr}: {e}"),
            }
        };
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let (kill, kill_rx) = oneshot::channel::<()>();
        let (done_tx, done) = oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let run = room_server::run(
                    listener,
                    async {
                        let _ = stop_rx.await;
                    },
                    config,
                );
                tokio::select! {
                    result = run => result.unwrap(),
                    _ = kill_rx => {}
                }
            });
            // Dropping the runtime drops every connection task: their sockets close at once.
            drop(rt);
            let _ = done_tx.send(());
        });
        Self {
            addr,
            stop: Some(stop),
            kill: Some(kill),
            done: Some(done),
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Graceful stop: sockets are closed with 1001 and the store flushed.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.wait_done().await;
    }

    /// Abrupt stop, like a killed process: every task is dropped mid-flight.
    pub async fn kill(mut self) {
        if let Some(k) = self.kill.take() {
            let _ = k.send(());
        }
        self.wait_done().await;
    }

    async fn wait_done(&mut self) {
        if let Some(done) = self.done.take() {
            tokio::time::timeout(WAIT, done)
                .await
                .expect("the server did not stop")
                .ok();
        }
    }
}

/// A room-clock reading: the room clock read `room_us` at `at` (to within `rtt / 2`).
#[derive(Debug, Clone, Copy)]
pub struct RoomReading {
    pub room_us: i64,
    pub at: Instant,
    pub rtt: Duration,
}

/// The room's creator, speaking raw JSON.
pub struct Host {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub code: String,
    pub secret: String,
}

impl Host {
    /// Creates a room with `policy` (and `password`); the host does not make the room wait for
    /// its own player.
    pub async fn create(server: &TestServer, policy: &str, password: Option<&str>) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(server.url())
            .await
            .unwrap();
        let mut host = Self {
            ws,
            code: String::new(),
            secret: String::new(),
        };
        host.recv_until(|m| matches!(m, ServerMessage::Hello { .. }))
            .await;
        let mut create = json!({"type": "create-room", "name": "Test room", "displayName": "Host", "policy": policy});
        if let Some(p) = password {
            create["password"] = json!(p);
        }
        host.send(create).await;
        match host.recv().await {
            ServerMessage::RoomCreated { code, host_secret } => {
                host.code = code;
                host.secret = host_secret;
            }
            other => panic!("expected room-created, got {other:?}"),
        }
        host.recv_until(|m| matches!(m, ServerMessage::RoomJoined(_)))
            .await;
        host.send(json!({"type": "set-wait-for-me", "wait": false}))
            .await;
        host
    }

    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.unwrap();
    }

    pub async fn recv(&mut self) -> ServerMessage {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for a server message")
                .expect("socket closed")
                .expect("socket error");
            if let Message::Text(t) = frame {
                return serde_json::from_str(&t).unwrap_or_else(|e| panic!("unparsable {t}: {e}"));
            }
        }
    }

    pub async fn recv_until(
        &mut self,
        mut want: impl FnMut(&ServerMessage) -> bool,
    ) -> ServerMessage {
        loop {
            let m = self.recv().await;
            if want(&m) {
                return m;
            }
        }
    }

    /// The next playback message's timeline.
    pub async fn next_playback(&mut self) -> PlaybackView {
        match self
            .recv_until(|m| {
                matches!(
                    m,
                    ServerMessage::PlaybackPaused(_)
                        | ServerMessage::PlaybackResumed(_)
                        | ServerMessage::PlaybackSeeked(_)
                        | ServerMessage::PlaybackStateUpdate(_)
                )
            })
            .await
        {
            ServerMessage::PlaybackPaused(ev)
            | ServerMessage::PlaybackResumed(ev)
            | ServerMessage::PlaybackSeeked(ev)
            | ServerMessage::PlaybackStateUpdate(ev) => ev.playback,
            _ => unreachable!(),
        }
    }

    /// Adds a YouTube link of known duration; returns the timeline once it plays.
    pub async fn add_youtube(&mut self, id: &str, duration_us: i64) -> PlaybackView {
        self.send(json!({"type": "add-song", "song": {"kind": "link", "url": format!("https://youtu.be/{id}"), "durationUs": duration_us}}))
            .await;
        loop {
            let pb = self.next_playback().await;
            if pb.is_playing && pb.song_id.is_some() {
                return pb;
            }
        }
    }

    /// Reads the room clock: the best (smallest round trip) of three `clock-ping`s, as a stall
    /// on either side makes one reading off by up to half its round trip.
    pub async fn room_now(&mut self) -> RoomReading {
        let mut best = self.ping_once().await;
        for _ in 0..2 {
            let r = self.ping_once().await;
            if r.rtt < best.rtt {
                best = r;
            }
        }
        best
    }

    async fn ping_once(&mut self) -> RoomReading {
        let before = Instant::now();
        self.send(json!({"type": "clock-ping", "clientSendUs": 1}))
            .await;
        let (t1, t2) = match self
            .recv_until(|m| matches!(m, ServerMessage::ClockPong { .. }))
            .await
        {
            ServerMessage::ClockPong {
                server_recv_us,
                server_send_us,
                ..
            } => (server_recv_us, server_send_us),
            _ => unreachable!(),
        };
        let after = Instant::now();
        let rtt = after - before;
        RoomReading {
            room_us: (t1 + t2) / 2,
            at: before + rtt / 2,
            rtt,
        }
    }
}

/// Waits (at most [`WAIT`]) until the client's state satisfies `want`; returns that state.
pub async fn wait_state(
    handle: &SyncHandle,
    what: &str,
    want: impl FnMut(&ClientState) -> bool,
) -> ClientState {
    let mut rx = handle.watch();
    match tokio::time::timeout(WAIT, rx.wait_for(want)).await {
        Ok(Ok(state)) => state.clone(),
        Ok(Err(_)) => panic!(
            "client stopped while waiting for {what}: {:?}",
            handle.state()
        ),
        Err(_) => panic!(
            "timed out waiting for {what}; last state: {:?} {:?} {:?}",
            handle.state().status,
            handle.state().last_error,
            handle.state().clock
        ),
    }
}
