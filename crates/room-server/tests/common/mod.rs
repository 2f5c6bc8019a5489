//! Shared by the server's end-to-end tests: a real server on 127.0.0.1:0 and real WebSocket
//! clients speaking JSON.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use room_core::protocol::RoomJoined;
use room_core::{ErrorCode, ServerMessage};
use room_server::ServerConfig;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WAIT: Duration = Duration::from_secs(10);

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), room_server::ServerError>>>,
}

impl TestServer {
    pub async fn start(config: ServerConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(room_server::run(
            listener,
            async {
                let _ = stopped.await;
            },
            config,
        ));
        Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn in_memory() -> Self {
        Self::start(ServerConfig::default()).await
    }

    pub async fn with_store(path: PathBuf) -> Self {
        Self::start(ServerConfig {
            store_path: Some(path),
            ..ServerConfig::default()
        })
        .await
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Graceful stop: waits for the server to close sockets and flush its store.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            tokio::time::timeout(WAIT, t)
                .await
                .unwrap()
                .unwrap()
                .unwrap();
        }
    }

    /// Abrupt stop, like a killed process: the task is aborted mid-flight.
    pub async fn kill(mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
    }
}

pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Client {
    /// Connect and consume the server's `hello`.
    pub async fn connect(server: &TestServer) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(server.url())
            .await
            .unwrap();
        let mut c = Self { ws };
        match c.recv().await {
            ServerMessage::Hello { protocol, .. } => {
                assert_eq!(protocol, room_core::PROTOCOL_VERSION)
            }
            other => panic!("expected hello, got {other:?}"),
        }
        c
    }

    pub async fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).await.unwrap();
    }

    pub async fn send_raw(&mut self, text: &str) {
        self.ws.send(Message::text(text.to_owned())).await.unwrap();
    }

    /// The next server message (pings and pongs skipped).
    pub async fn recv(&mut self) -> ServerMessage {
        loop {
            let frame = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for a server message")
                .expect("socket closed")
                .expect("socket error");
            match frame {
                Message::Text(t) => {
                    return serde_json::from_str(&t)
                        .unwrap_or_else(|e| panic!("unparsable {t}: {e}"));
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// Discard whatever arrives until the server has been quiet for a little longer than one
    /// presence batch.
    pub async fn drain(&mut self) {
        while let Ok(Some(Ok(_))) =
            tokio::time::timeout(Duration::from_millis(250), self.ws.next()).await
        {}
    }

    /// Skip messages until one matches.
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

    /// The next message must be an `error` with `code`.
    pub async fn expect_error(&mut self, code: ErrorCode) -> String {
        match self.recv().await {
            ServerMessage::Error {
                code: got, message, ..
            } => {
                assert_eq!(got, code, "error message: {message}");
                message
            }
            other => panic!("expected error {code:?}, got {other:?}"),
        }
    }

    /// Wait for the server to close the socket; returns the close code.
    pub async fn expect_close(&mut self) -> Option<u16> {
        loop {
            match tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("timed out waiting for close")
            {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return None,
            }
        }
    }

    /// Create a room; returns (code, host secret, room-joined).
    pub async fn create_room(&mut self, name: &str, policy: &str) -> (String, String, RoomJoined) {
        self.send(
            json!({"type": "create-room", "name": name, "displayName": "Host", "policy": policy}),
        )
        .await;
        let (code, secret) = match self.recv().await {
            ServerMessage::RoomCreated { code, host_secret } => (code, host_secret),
            other => panic!("expected room-created, got {other:?}"),
        };
        let joined = self.expect_joined().await;
        (code, secret, joined)
    }

    pub async fn join(&mut self, code: &str, name: &str) -> RoomJoined {
        self.send(json!({"type": "join-room", "code": code, "displayName": name}))
            .await;
        self.expect_joined().await
    }

    pub async fn expect_joined(&mut self) -> RoomJoined {
        match self.recv().await {
            ServerMessage::RoomJoined(j) => *j,
            other => panic!("expected room-joined, got {other:?}"),
        }
    }

    /// Add a YouTube song with a known duration.
    pub async fn add_youtube(&mut self, id: &str, duration_us: i64) {
        self.send(json!({"type": "add-song", "song": {"kind": "link", "url": format!("https://youtu.be/{id}"), "durationUs": duration_us}}))
            .await;
    }
}

/// A host and `n` listeners in a fresh room. Returns once the host has seen every listener in a
/// `presence` batch and every client's pending messages are drained, so the next message each
/// receives is caused by what the test does next.
pub async fn room_with_listeners(
    server: &TestServer,
    policy: &str,
    n: usize,
) -> (Client, String, Vec<Client>) {
    let mut host = Client::connect(server).await;
    let (code, _, _) = host.create_room("Test room", policy).await;
    let mut listeners = Vec::new();
    for i in 0..n {
        let mut c = Client::connect(server).await;
        c.join(&code, &format!("Listener {i}")).await;
        listeners.push(c);
    }
    let mut seen = 0;
    while seen < n {
        if let ServerMessage::Presence { joined, .. } = host.recv().await {
            seen += joined.len();
        }
    }
    host.drain().await;
    for c in &mut listeners {
        c.drain().await;
    }
    (host, code, listeners)
}
