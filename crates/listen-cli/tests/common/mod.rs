//! Shared by the listener's end-to-end tests: the real room server in-process, a raw WebSocket
//! host, and the `tandem-listen` binary run as a child process with its stderr collected.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use room_core::ServerMessage;
use room_core::protocol::PlaybackView;
use room_server::ServerConfig;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const WAIT: Duration = Duration::from_secs(10);
pub const MS: i64 = 1_000;
pub const S: i64 = 1_000_000;

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(ServerConfig::default()).await
    }

    /// A server with this configuration (shared files, limits...).
    pub async fn start_with(config: ServerConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            room_server::run(listener, shutdown, config).await.unwrap();
        });
        Self {
            addr,
            stop: Some(stop),
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(WAIT, self.task).await;
    }
}

/// The room's creator, speaking raw JSON.
pub struct Host {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub code: String,
}

impl Host {
    /// Creates a room; the host does not make the room wait for its own player.
    pub async fn create(server: &TestServer) -> Self {
        let (ws, _) = tokio_tungstenite::connect_async(server.url())
            .await
            .unwrap();
        let mut host = Self {
            ws,
            code: String::new(),
        };
        host.send(json!({"type": "create-room", "name": "Lab", "displayName": "Host"}))
            .await;
        host.code = match host
            .recv_until(|m| matches!(m, ServerMessage::RoomCreated { .. }))
            .await
        {
            ServerMessage::RoomCreated { code, .. } => code,
            _ => unreachable!(),
        };
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
        loop {
            match self.recv().await {
                ServerMessage::PlaybackPaused(ev)
                | ServerMessage::PlaybackResumed(ev)
                | ServerMessage::PlaybackSeeked(ev)
                | ServerMessage::PlaybackStateUpdate(ev) => return ev.playback,
                _ => {}
            }
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
}

/// A running `tandem-listen`, its stderr collected as it goes.
pub struct Listener {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Listener {
    pub fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tandem-listen"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tandem-listen");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0_u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self { child, stderr }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr contains `text` (at most [`WAIT`]).
    pub async fn wait_for_stderr(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "no {text:?} on stderr:\n{}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM, as a service manager would.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits for the process to exit (at most [`WAIT`], then kills it and fails).
    pub async fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("tandem-listen did not exit; stderr:\n{}", self.stderr());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The telemetry file's records so far (a partly written last line is skipped).
pub fn telemetry(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Waits until the telemetry holds `span` of `state` records (at most [`WAIT`]).
pub async fn wait_telemetry(
    path: &Path,
    state: &str,
    span: Duration,
    listener: &Listener,
) -> Vec<Value> {
    let deadline = Instant::now() + WAIT + span;
    loop {
        let records = telemetry(path);
        let times: Vec<i64> = records
            .iter()
            .filter(|r| r["state"] == state)
            .filter_map(|r| r["tNs"].as_i64())
            .collect();
        if let (Some(first), Some(last)) = (times.first(), times.last())
            && last - first >= i64::try_from(span.as_nanos()).unwrap()
        {
            return records;
        }
        assert!(
            Instant::now() < deadline,
            "no {span:?} of {state} in the telemetry ({} records); stderr:\n{}",
            records.len(),
            listener.stderr()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `q`-quantile of the absolute values.
pub fn quantile_abs(values: &[i64], q: f64) -> i64 {
    let mut v: Vec<i64> = values.iter().map(|x| x.abs()).collect();
    v.sort_unstable();
    if v.is_empty() {
        return i64::MAX;
    }
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)]
}
