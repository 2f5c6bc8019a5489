//! The load generator's clients: one host that creates the room and drives playback, and many
//! listeners, each a tokio task with its own WebSocket, all timed on one monotonic clock.
//!
//! Listeners fully parse (with room-core's `ServerMessage`) the playback events they time. For
//! presence traffic (`member-joined`, the baseline's `room-members`), which grows with the square
//! of the room size, they only look at the `type` at the head of the frame and count it, so that
//! the load generator takes as little of the shared CPU as it can.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use room_core::ServerMessage;
use room_core::protocol::YouView;
use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Client-side buffers kept small so that 10,000 sockets fit in the bench process.
fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0)
}

pub async fn connect(url: &str) -> anyhow::Result<Ws> {
    let connecting = connect_async_with_config(url, Some(ws_config()), true);
    let (ws, _response) = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
        .await
        .map_err(|_| anyhow!("connect timed out"))?
        .context("connect failed")?;
    Ok(ws)
}

/// The `type` of a server frame, read from its head (`{"type":"...",`) without parsing the rest.
pub fn frame_type(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("{\"type\":\"")?;
    Some(&rest[..rest.find('"')?])
}

/// `room-joined` without its payload: who we are and how many members the room has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoomJoinedLite {
    you: YouView,
    members: Vec<IgnoredAny>,
}

#[derive(Deserialize)]
struct MembersLite {
    members: Vec<IgnoredAny>,
}

/// What a client learns when it is in the room.
#[derive(Debug, Clone, Copy)]
pub struct Joined {
    pub at: Instant,
    pub member_id: u64,
    pub members: usize,
    /// Size of the `room-joined` frame.
    pub bytes: usize,
}

fn error_text(text: &str) -> String {
    match serde_json::from_str::<ServerMessage>(text) {
        Ok(ServerMessage::Error { code, message, .. }) => format!("{code:?}: {message}"),
        _ => text.chars().take(200).collect(),
    }
}

/// Read frames until `room-joined`; fail on an `error`, a close or the timeout.
async fn await_joined(ws: &mut Ws, mut on_other: impl FnMut(&str)) -> anyhow::Result<Joined> {
    let wait = async {
        while let Some(frame) = ws.next().await {
            let frame = frame.context("socket error before room-joined")?;
            let Message::Text(text) = frame else {
                if let Message::Close(c) = frame {
                    bail!("closed before room-joined: {c:?}");
                }
                continue;
            };
            match frame_type(&text) {
                Some("room-joined") => {
                    let at = Instant::now();
                    let lite: RoomJoinedLite =
                        serde_json::from_str(&text).context("bad room-joined")?;
                    return Ok(Joined {
                        at,
                        member_id: lite.you.member_id,
                        members: lite.members.len(),
                        bytes: text.len(),
                    });
                }
                Some("error") => bail!("server refused: {}", error_text(&text)),
                _ => on_other(&text),
            }
        }
        bail!("socket closed before room-joined")
    };
    tokio::time::timeout(JOIN_TIMEOUT, wait)
        .await
        .map_err(|_| anyhow!("no room-joined within {} s", JOIN_TIMEOUT.as_secs()))?
}

/// Counters the host's reader keeps.
#[derive(Debug, Default)]
pub struct HostView {
    /// Members the host knows of, itself included (tandem: 1 + member-joined; baseline: the
    /// length of the latest full list).
    pub members: AtomicUsize,
    pub closed: AtomicUsize,
}

/// The room's host: creates the room (policy host-only), starts a song, sends pause/resume.
pub struct Host {
    sink: SplitSink<Ws, Message>,
    pub code: String,
    pub view: Arc<HostView>,
    reader: tokio::task::JoinHandle<()>,
}

impl Host {
    pub async fn create(url: &str) -> anyhow::Result<Self> {
        let mut ws = connect(url).await?;
        let create =
            r#"{"type":"create-room","name":"bench","displayName":"host","policy":"host-only"}"#;
        ws.send(Message::text(create)).await?;
        let mut code = None;
        let me = await_joined(&mut ws, |text| {
            if let Ok(ServerMessage::RoomCreated { code: c, .. }) = serde_json::from_str(text) {
                code = Some(c);
            }
        })
        .await
        .context("the host could not create a room")?;
        let code = code.context("no room-created before room-joined")?;

        let add = r#"{"type":"add-song","song":{"kind":"link","url":"https://youtu.be/dQw4w9WgXcQ","durationUs":600000000}}"#;
        ws.send(Message::text(add)).await?;
        let started = async {
            while let Some(frame) = ws.next().await {
                if let Message::Text(text) = frame? {
                    match serde_json::from_str::<ServerMessage>(&text) {
                        Ok(ServerMessage::PlaybackStateUpdate(ev)) if ev.playback.is_playing => {
                            return Ok(());
                        }
                        Ok(ServerMessage::Error { message, .. }) => bail!("add-song: {message}"),
                        _ => {}
                    }
                }
            }
            bail!("socket closed before the song started")
        };
        tokio::time::timeout(Duration::from_secs(10), started)
            .await
            .map_err(|_| anyhow!("the song did not start within 10 s"))??;

        let (sink, stream) = ws.split();
        let view = Arc::new(HostView::default());
        view.members.store(1, Ordering::Relaxed);
        let reader = tokio::spawn(host_reader(stream, view.clone(), me.member_id));
        Ok(Self {
            sink,
            code,
            view,
            reader,
        })
    }

    /// Send one text frame; returns the instant taken just before sending.
    pub async fn send(&mut self, text: &'static str) -> anyhow::Result<Instant> {
        let t0 = Instant::now();
        self.sink.send(Message::text(text)).await?;
        Ok(t0)
    }

    pub fn join_message(&self, name: &str) -> String {
        serde_json::json!({"type": "join-room", "code": self.code, "displayName": name}).to_string()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

async fn host_reader(mut stream: SplitStream<Ws>, view: Arc<HostView>, me: u64) {
    // Other members by id (a presence batch may name the host itself).
    let mut known: HashSet<u64> = HashSet::new();
    let mut others_from_lists = 0usize;
    while let Some(frame) = stream.next().await {
        let Ok(frame) = frame else { break };
        let Message::Text(text) = frame else { continue };
        match frame_type(&text) {
            // Tandem: batched presence deltas (apply by id).
            Some("presence") => {
                if let Ok(p) = serde_json::from_str::<PresenceLite>(&text) {
                    known.extend(p.joined.iter().map(|m| m.id).filter(|&id| id != me));
                    for gone in &p.left {
                        known.remove(&gone.member_id);
                    }
                }
            }
            // Tandem before presence batching: one delta per join.
            Some("member-joined") => {
                if let Ok(m) = serde_json::from_str::<MemberJoinedLite>(&text)
                    && m.member.id != me
                {
                    known.insert(m.member.id);
                }
            }
            // Baseline: the whole list.
            Some("room-members") => {
                if let Ok(list) = serde_json::from_str::<MembersLite>(&text) {
                    others_from_lists = list.members.len().saturating_sub(1);
                }
            }
            _ => {}
        }
        let others = known.len().max(others_from_lists);
        view.members.store(1 + others, Ordering::Relaxed);
    }
    view.closed.fetch_add(1, Ordering::Relaxed);
}

#[derive(Deserialize)]
struct IdLite {
    id: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GoneLite {
    member_id: u64,
}

#[derive(Deserialize)]
struct PresenceLite {
    #[serde(default)]
    joined: Vec<IdLite>,
    #[serde(default)]
    left: Vec<GoneLite>,
}

#[derive(Deserialize)]
struct MemberJoinedLite {
    member: IdLite,
}

/// What all listeners of one phase record, indexed by listener and round.
pub struct Board {
    pub listeners: usize,
    pub rounds: usize,
    pub epoch: Instant,
    /// Nanoseconds after `epoch` + 1 when listener `i` parsed the `playback-paused` of round `r`
    /// (slot `i * rounds + r`); 0 = not received.
    pub paused_at: Vec<AtomicU64>,
    pub paused_count: Vec<AtomicUsize>,
    /// Whether listener `i` joined.
    pub joined_flag: Vec<AtomicBool>,
    pub resumed_count: Vec<AtomicUsize>,
    pub progress: Notify,
    /// Presence frames listeners received (`presence`, `member-joined`, the baseline's
    /// `room-members`) and their bytes.
    pub presence_frames: AtomicU64,
    pub presence_bytes: AtomicU64,
    pub joined: AtomicUsize,
    pub failed: AtomicUsize,
    /// Total and largest size of the `room-joined` frames listeners received.
    pub joined_bytes: AtomicU64,
    pub joined_bytes_max: AtomicU64,
    /// Listeners whose socket closed after they had joined.
    pub closed_after_join: AtomicUsize,
    pub first_error: std::sync::Mutex<Option<String>>,
}

impl Board {
    pub fn new(listeners: usize, rounds: usize) -> Arc<Self> {
        Arc::new(Self {
            listeners,
            rounds,
            epoch: Instant::now(),
            paused_at: (0..listeners * rounds).map(|_| AtomicU64::new(0)).collect(),
            paused_count: (0..rounds).map(|_| AtomicUsize::new(0)).collect(),
            joined_flag: (0..listeners).map(|_| AtomicBool::new(false)).collect(),
            resumed_count: (0..rounds).map(|_| AtomicUsize::new(0)).collect(),
            progress: Notify::new(),
            presence_frames: AtomicU64::new(0),
            presence_bytes: AtomicU64::new(0),
            joined: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            joined_bytes: AtomicU64::new(0),
            joined_bytes_max: AtomicU64::new(0),
            closed_after_join: AtomicUsize::new(0),
            first_error: std::sync::Mutex::new(None),
        })
    }

    fn note_error(&self, e: &anyhow::Error) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(|p| p.into_inner());
        if first.is_none() {
            *first = Some(format!("{e:#}"));
        }
        drop(first);
        self.progress.notify_one();
    }

    /// Wait until `count` reaches `target` (fewer if listeners were lost) or `deadline`.
    pub async fn wait_for(&self, count: &AtomicUsize, target: usize, deadline: Instant) -> bool {
        loop {
            let lost = self.closed_after_join.load(Ordering::Relaxed);
            if count.load(Ordering::Relaxed) >= target.saturating_sub(lost) {
                return true;
            }
            let notified = self.progress.notified();
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            // Short naps as well, in case a wake-up raced with the check above.
            let nap = left.min(Duration::from_millis(50));
            let _ = tokio::time::timeout(nap, notified).await;
        }
    }
}

/// How a listener task starts.
pub struct ListenerStart {
    pub index: usize,
    pub url: String,
    pub join: String,
    pub board: Arc<Board>,
    /// Released once joined (or failed): bounds how many joins are in flight.
    pub permit: Option<OwnedSemaphorePermit>,
    pub on_joined: Option<tokio::sync::oneshot::Sender<anyhow::Result<Joined>>>,
}

/// One listener: join, report, then read until the socket closes or the task is aborted.
pub async fn listener(mut start: ListenerStart) {
    let board = start.board.clone();
    let joined = async {
        let mut ws = connect(&start.url).await?;
        ws.send(Message::text(start.join.clone())).await?;
        let joined = await_joined(&mut ws, |text| count_presence(&board, text)).await?;
        anyhow::Ok((ws, joined))
    }
    .await;
    drop(start.permit.take());
    let mut ws = match joined {
        Ok((ws, joined)) => {
            board.joined_flag[start.index].store(true, Ordering::Relaxed);
            let bytes = joined.bytes as u64;
            board.joined_bytes.fetch_add(bytes, Ordering::Relaxed);
            board.joined_bytes_max.fetch_max(bytes, Ordering::Relaxed);
            board.joined.fetch_add(1, Ordering::Relaxed);
            board.progress.notify_one();
            if let Some(tx) = start.on_joined.take() {
                let _ = tx.send(Ok(joined));
            }
            ws
        }
        Err(e) => {
            board.note_error(&e);
            if let Some(tx) = start.on_joined.take() {
                let _ = tx.send(Err(e));
            }
            return;
        }
    };

    let mut pauses = 0usize;
    let mut resumes = 0usize;
    while let Some(frame) = ws.next().await {
        let Ok(frame) = frame else { break };
        let Message::Text(text) = frame else { continue };
        match frame_type(&text) {
            Some("playback-paused") => {
                let parsed = serde_json::from_str::<ServerMessage>(&text);
                let at = Instant::now();
                if matches!(parsed, Ok(ServerMessage::PlaybackPaused(_))) && pauses < board.rounds {
                    let nanos = at.duration_since(board.epoch).as_nanos();
                    let slot = start.index * board.rounds + pauses;
                    board.paused_at[slot].store(
                        u64::try_from(nanos).unwrap_or(u64::MAX - 1) + 1,
                        Ordering::Relaxed,
                    );
                    bump(&board, &board.paused_count[pauses]);
                    pauses += 1;
                }
            }
            Some("playback-resumed") => {
                let parsed = serde_json::from_str::<ServerMessage>(&text);
                if matches!(parsed, Ok(ServerMessage::PlaybackResumed(_))) && resumes < board.rounds
                {
                    bump(&board, &board.resumed_count[resumes]);
                    resumes += 1;
                }
            }
            _ => count_presence(&board, &text),
        }
    }
    board.closed_after_join.fetch_add(1, Ordering::Relaxed);
    board.progress.notify_one();
}

fn bump(board: &Board, counter: &AtomicUsize) {
    let now = counter.fetch_add(1, Ordering::Relaxed) + 1;
    if now
        >= board
            .listeners
            .saturating_sub(board.closed_after_join.load(Ordering::Relaxed))
    {
        board.progress.notify_one();
    }
}

fn count_presence(board: &Board, text: &str) {
    if matches!(
        frame_type(text),
        Some("presence" | "member-joined" | "member-updated" | "member-left" | "room-members")
    ) {
        board.presence_frames.fetch_add(1, Ordering::Relaxed);
        board
            .presence_bytes
            .fetch_add(text.len() as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_type_reads_the_head() {
        assert_eq!(
            frame_type(r#"{"type":"playback-paused","x":1}"#),
            Some("playback-paused")
        );
        assert_eq!(frame_type(r#"{"x":1,"type":"a"}"#), None);
    }
}
