//! Shared by the file-cache tests: a room server (in-process, from `common`) whose host shares
//! one song file, a member's resume token for it, and a TCP proxy that throttles, pauses, counts
//! and cuts what the server sends.
//!
//! A test file using it declares `mod common; mod files_common;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use room_core::ServerMessage;
use room_server::ServerConfig;
use room_server::files::FileRegistry;
use serde_json::json;
use sha2::{Digest, Sha256};
use sync_client::{CachedFile, DownloadStatus, Progress};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::AbortHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::common::{Host, TestServer, WAIT};

/// `n` bytes that differ for each `seed`.
pub fn content(n: usize, seed: u8) -> Vec<u8> {
    let mut x = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A member connected to a room over a raw WebSocket (kept open so it stays a member).
pub struct Member {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub token: String,
}

impl Member {
    pub async fn join(server: &TestServer, code: &str, name: &str) -> Self {
        let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
            .await
            .unwrap();
        ws.send(Message::text(
            json!({"type": "join-room", "code": code, "displayName": name}).to_string(),
        ))
        .await
        .unwrap();
        loop {
            let frame = tokio::time::timeout(WAIT, ws.next())
                .await
                .expect("timed out joining")
                .unwrap()
                .unwrap();
            if let Message::Text(t) = frame
                && let Ok(ServerMessage::RoomJoined(j)) = serde_json::from_str(&t)
            {
                return Self {
                    ws,
                    token: j.you.resume_token,
                };
            }
        }
    }
}

/// Add a local file to the host's room; returns once the room plays or queues it.
pub async fn add_local(host: &mut Host, sha256: &str) {
    host.send(json!({"type": "add-song", "song": {"kind": "local", "sha256": sha256, "codec": "flac", "title": "Shared", "durationUs": 180_000_000}}))
        .await;
    host.recv_until(|m| match m {
        ServerMessage::SongAdded { .. } | ServerMessage::PlaybackStateUpdate(_) => true,
        ServerMessage::Error { code, message, .. } => {
            panic!("add-song refused: {code:?} {message}")
        }
        _ => false,
    })
    .await;
}

/// A room server whose host shares one file that the room plays, and a member.
pub struct SharedSong {
    pub dir: tempfile::TempDir,
    pub files: Arc<FileRegistry>,
    pub server: TestServer,
    pub host: Host,
    pub member: Member,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// The shared file, on the "host's disk".
    pub path: PathBuf,
}

impl SharedSong {
    pub async fn start(size: usize) -> Self {
        Self::start_with(size, ServerConfig::default()).await
    }

    pub async fn start_with(size: usize, config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bytes = content(size, 11);
        let path = dir.path().join("song.flac");
        std::fs::write(&path, &bytes).unwrap();
        let files = Arc::new(FileRegistry::new());
        let sha256 = files.share(&path).unwrap().sha256;
        assert_eq!(sha256, sha256_hex(&bytes));
        let server = TestServer::start(ServerConfig {
            files: files.clone(),
            ..config
        });
        let mut host = Host::create(&server, "everyone", None).await;
        add_local(&mut host, &sha256).await;
        let member = Member::join(&server, &host.code, "Listener").await;
        Self {
            dir,
            files,
            server,
            host,
            member,
            bytes,
            sha256,
            path,
        }
    }

    pub fn code(&self) -> &str {
        &self.host.code
    }

    pub fn token(&self) -> &str {
        &self.member.token
    }

    /// The server's own address, as the room's `ws://` URL (the cache takes either form).
    pub fn base_url(&self) -> String {
        self.server.url()
    }
}

/// Wait (at most `WAIT`) until the download's progress satisfies `want`.
pub async fn wait_progress(file: &CachedFile, what: &str, want: impl FnMut(&Progress) -> bool) {
    let mut rx = file.watch();
    match tokio::time::timeout(WAIT, rx.wait_for(want)).await {
        Ok(Ok(_)) => {}
        _ => panic!("timed out waiting for {what}: {:?}", file.progress()),
    }
}

pub fn fraction(p: &Progress, total: usize) -> f64 {
    p.downloaded as f64 / total as f64
}

pub fn is_downloading(p: &Progress) -> bool {
    p.status == DownloadStatus::Downloading
}

/// A TCP proxy to one server that passes requests at once and the server's answers at a set
/// rate (`None`: as fast as they come), counts the answer bytes it passed, and can pause or
/// cut every connection.
pub struct Throttle {
    pub addr: SocketAddr,
    rate: watch::Sender<Option<u64>>,
    paused: watch::Sender<bool>,
    passed: Arc<AtomicU64>,
    connections: Arc<AtomicU64>,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
    accept: AbortHandle,
}

impl Throttle {
    /// A proxy to `upstream` passing at most `bytes_per_sec` downstream.
    pub async fn start(upstream: SocketAddr, bytes_per_sec: Option<u64>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (rate, rate_rx) = watch::channel(bytes_per_sec);
        let (paused, paused_rx) = watch::channel(false);
        let passed = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicU64::new(0));
        let tasks: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (count, registry, accepted) = (passed.clone(), tasks.clone(), connections.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                accepted.fetch_add(1, Ordering::Relaxed);
                let (rate_rx, paused_rx, count) =
                    (rate_rx.clone(), paused_rx.clone(), count.clone());
                let task = tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    let up = async {
                        let _ = tokio::io::copy(&mut cr, &mut sw).await;
                        let _ = sw.shutdown().await;
                    };
                    let down = async {
                        let mut buf = vec![0_u8; 8 * 1024];
                        let mut paused_rx = paused_rx;
                        loop {
                            let n = match sr.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            if paused_rx.wait_for(|p| !*p).await.is_err() {
                                break;
                            }
                            if cw.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                            count.fetch_add(n as u64, Ordering::Relaxed);
                            let rate = *rate_rx.borrow();
                            if let Some(rate) = rate {
                                let secs = n as f64 / rate as f64;
                                tokio::time::sleep(Duration::from_secs_f64(secs)).await;
                            }
                        }
                        let _ = cw.shutdown().await;
                    };
                    tokio::join!(up, down);
                });
                registry.lock().unwrap().push(task.abort_handle());
            }
        })
        .abort_handle();
        Self {
            addr,
            rate,
            paused,
            passed,
            connections,
            tasks,
            accept,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Bytes the server sent that went through (headers included).
    pub fn passed(&self) -> u64 {
        self.passed.load(Ordering::Relaxed)
    }

    /// Connections accepted so far (one per request: the cache does not reuse them).
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    pub fn set_rate(&self, bytes_per_sec: Option<u64>) {
        self.rate.send_replace(bytes_per_sec);
    }

    /// Hold (or release) every byte the server sends.
    pub fn pause(&self, paused: bool) {
        self.paused.send_replace(paused);
    }

    /// Close every open connection.
    pub fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
