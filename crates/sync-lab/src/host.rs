//! The lab's host: a WebSocket client straight to the server (no proxy) that creates the room,
//! adds the song, drives pause/resume/seek, and records the truth the listeners are judged by.
//!
//! It records every playback state the room announces (the room's timeline) and measures the
//! room clock against this machine's wall clock (`SystemTime`) with `clock-ping`s four times a
//! second: on loopback a round trip is a fraction of a millisecond, so each sample pins the room
//! clock to within half of that. See [`crate::truth`] for how the two are combined.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use room_core::protocol::{RoomJoined, SongInput};
use room_core::{ClientMessage, ServerMessage};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::error::LabError;
use crate::truth::{OffsetSample, Truth};
use crate::wall_us;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How often the host samples the room clock.
const PING_EVERY: Duration = Duration::from_millis(250);
/// How long the host waits for any one answer from the server.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What the host has seen, shared with its driver task.
#[derive(Debug, Default)]
struct Log {
    truth: Truth,
    /// Server `error` messages, for diagnostics.
    errors: Vec<String>,
    closed: bool,
}

fn lock(log: &Mutex<Log>) -> MutexGuard<'_, Log> {
    log.lock().unwrap_or_else(|e| e.into_inner())
}

/// A connected host. Dropping it closes its socket.
#[derive(Debug)]
pub struct Host {
    code: String,
    host_secret: String,
    member_id: u64,
    tx: mpsc::UnboundedSender<ClientMessage>,
    log: Arc<Mutex<Log>>,
    task: JoinHandle<()>,
}

impl Drop for Host {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Host {
    /// Connects to `url` and creates a room named `name` (policy host-and-djs, no password).
    /// The host asks not to be waited for: it has no player.
    ///
    /// # Errors
    /// When the server cannot be reached or refuses, or does not answer in time.
    pub async fn create(url: &str, name: &str) -> Result<Self, LabError> {
        let mut ws = connect(url).await?;
        send(
            &mut ws,
            &ClientMessage::CreateRoom {
                name: name.to_owned(),
                display_name: "Lab host".to_owned(),
                policy: room_core::ControlPolicy::HostOnly,
                password: None,
            },
        )
        .await?;
        let (code, host_secret) = match recv(&mut ws).await? {
            ServerMessage::RoomCreated { code, host_secret } => (code, host_secret),
            other => return Err(LabError::unexpected("room-created", &other)),
        };
        let joined = expect_joined(&mut ws).await?;
        Ok(Self::drive(ws, code, host_secret, &joined))
    }

    /// Reconnects as the host of room `code` (after a server restart, say).
    ///
    /// # Errors
    /// As [`Host::create`].
    pub async fn rejoin(url: &str, code: &str, host_secret: &str) -> Result<Self, LabError> {
        let mut ws = connect(url).await?;
        send(
            &mut ws,
            &ClientMessage::JoinRoom {
                code: code.to_owned(),
                display_name: "Lab host".to_owned(),
                password: None,
                resume_token: None,
                host_secret: Some(host_secret.to_owned()),
            },
        )
        .await?;
        let joined = expect_joined(&mut ws).await?;
        Ok(Self::drive(
            ws,
            code.to_owned(),
            host_secret.to_owned(),
            &joined,
        ))
    }

    fn drive(ws: Ws, code: String, host_secret: String, joined: &RoomJoined) -> Self {
        let log = Arc::new(Mutex::new(Log::default()));
        lock(&log).truth.push_state(joined.playback.clone());
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(ClientMessage::SetWaitForMe { wait: false });
        let task = tokio::spawn(run(ws, rx, Arc::clone(&log)));
        Self {
            code,
            host_secret,
            member_id: joined.you.member_id,
            tx,
            log,
            task,
        }
    }

    /// The room's code, for `tandem-listen --code`.
    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn host_secret(&self) -> &str {
        &self.host_secret
    }

    pub fn member_id(&self) -> u64 {
        self.member_id
    }

    /// Everything recorded so far: the room's states and the clock samples.
    pub fn truth(&self) -> Truth {
        lock(&self.log).truth.clone()
    }

    /// Server errors received so far.
    pub fn errors(&self) -> Vec<String> {
        lock(&self.log).errors.clone()
    }

    /// Adds a YouTube song of known length (the server plays it by its timeline; no media is
    /// needed) and waits until the room announces it.
    ///
    /// # Errors
    /// When the socket is gone or the room does not announce a change in time.
    pub async fn add_youtube(&self, video_id: &str, duration: Duration) -> Result<(), LabError> {
        let duration_us = i64::try_from(duration.as_micros()).unwrap_or(i64::MAX);
        self.request(ClientMessage::AddSong {
            song: SongInput::Link {
                url: format!("https://youtu.be/{video_id}"),
                title: Some("Sync lab tone".to_owned()),
                artist: None,
                album: None,
                duration_us: Some(duration_us),
            },
        })
        .await
    }

    /// # Errors
    /// As [`Host::add_youtube`].
    pub async fn pause(&self) -> Result<(), LabError> {
        self.request(ClientMessage::PausePlayback {}).await
    }

    /// # Errors
    /// As [`Host::add_youtube`].
    pub async fn resume(&self) -> Result<(), LabError> {
        self.request(ClientMessage::ResumePlayback {}).await
    }

    /// # Errors
    /// As [`Host::add_youtube`].
    pub async fn seek(&self, position: Duration) -> Result<(), LabError> {
        let position_us = i64::try_from(position.as_micros()).unwrap_or(i64::MAX);
        self.request(ClientMessage::SeekPlayback { position_us })
            .await
    }

    /// Sends `msg` and waits for the room to announce a new playback state.
    async fn request(&self, msg: ClientMessage) -> Result<(), LabError> {
        let kind = msg.kind();
        let before = lock(&self.log).truth.states().len();
        self.tx.send(msg).map_err(|_| LabError::HostGone)?;
        let deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
        loop {
            {
                let log = lock(&self.log);
                if log.truth.states().len() > before {
                    return Ok(());
                }
                if log.closed {
                    return Err(LabError::HostGone);
                }
            }
            if tokio::time::Instant::now() > deadline {
                let errors = self.errors().join("; ");
                return Err(LabError::Timeout(format!(
                    "the room did not announce a change after {kind} (server errors: {errors})"
                )));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until the host has at least `n` clock samples.
    ///
    /// # Errors
    /// When they do not come in time.
    pub async fn wait_clock_samples(&self, n: usize) -> Result<(), LabError> {
        let deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
        while lock(&self.log).truth.offsets().len() < n {
            if tokio::time::Instant::now() > deadline {
                return Err(LabError::Timeout("no clock-pong from the server".into()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }
}

async fn connect(url: &str) -> Result<Ws, LabError> {
    let (mut ws, _) = tokio::time::timeout(ANSWER_TIMEOUT, tokio_tungstenite::connect_async(url))
        .await
        .map_err(|_| LabError::Timeout(format!("connecting to {url}")))?
        .map_err(|e| LabError::Ws(e.to_string()))?;
    if let MaybeTlsStream::Plain(s) = ws.get_ref() {
        let _ = s.set_nodelay(true);
    }
    match recv(&mut ws).await? {
        ServerMessage::Hello { .. } => Ok(ws),
        other => Err(LabError::unexpected("hello", &other)),
    }
}

async fn send(ws: &mut Ws, msg: &ClientMessage) -> Result<(), LabError> {
    let text = serde_json::to_string(msg).map_err(|e| LabError::Ws(e.to_string()))?;
    ws.send(Message::text(text))
        .await
        .map_err(|e| LabError::Ws(e.to_string()))
}

/// The next server message (control frames skipped), with a timeout.
async fn recv(ws: &mut Ws) -> Result<ServerMessage, LabError> {
    loop {
        let frame = tokio::time::timeout(ANSWER_TIMEOUT, ws.next())
            .await
            .map_err(|_| LabError::Timeout("waiting for the server".into()))?
            .ok_or(LabError::HostGone)?
            .map_err(|e| LabError::Ws(e.to_string()))?;
        if let Message::Text(t) = frame {
            return serde_json::from_str(&t).map_err(|e| LabError::Ws(format!("{e}: {t}")));
        }
    }
}

async fn expect_joined(ws: &mut Ws) -> Result<RoomJoined, LabError> {
    match recv(ws).await? {
        ServerMessage::RoomJoined(j) => Ok(*j),
        ServerMessage::Error { code, message, .. } => Err(LabError::Refused(format!(
            "{}: {message}",
            serde_json::to_string(&code).unwrap_or_default()
        ))),
        other => Err(LabError::unexpected("room-joined", &other)),
    }
}

/// The host's driver: one `select!` over the socket, requests and the ping timer.
async fn run(mut ws: Ws, mut rx: mpsc::UnboundedReceiver<ClientMessage>, log: Arc<Mutex<Log>>) {
    let mut ticker = tokio::time::interval(PING_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            frame = ws.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => break,
                };
                let received = wall_us();
                let Ok(msg) = serde_json::from_str::<ServerMessage>(&text) else {
                    continue;
                };
                on_message(&log, msg, received);
            }
            msg = rx.recv() => {
                let Some(msg) = msg else { break };
                if send(&mut ws, &msg).await.is_err() {
                    break;
                }
            }
            _ = ticker.tick() => {
                let ping = ClientMessage::ClockPing { client_send_us: wall_us(), rtt_us: None };
                if send(&mut ws, &ping).await.is_err() {
                    break;
                }
            }
        }
    }
    lock(&log).closed = true;
}

fn on_message(log: &Mutex<Log>, msg: ServerMessage, received_us: i64) {
    let mut log = lock(log);
    match msg {
        ServerMessage::ClockPong {
            client_send_us,
            server_recv_us,
            server_send_us,
        } => {
            let rtt_us = (received_us - client_send_us) - (server_send_us - server_recv_us);
            let room_minus_wall_us =
                ((server_recv_us - client_send_us) + (server_send_us - received_us)) / 2;
            log.truth.push_offset(OffsetSample {
                wall_us: client_send_us + (received_us - client_send_us) / 2,
                room_minus_wall_us,
                rtt_us,
            });
        }
        ServerMessage::PlaybackPaused(e)
        | ServerMessage::PlaybackResumed(e)
        | ServerMessage::PlaybackSeeked(e)
        | ServerMessage::PlaybackStateUpdate(e) => log.truth.push_state(e.playback),
        ServerMessage::RoomJoined(j) => log.truth.push_state(j.playback),
        ServerMessage::Error { message, .. } => log.errors.push(message),
        _ => {}
    }
}
