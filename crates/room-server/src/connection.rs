//! One task per WebSocket: decodes frames, answers what needs no room (hello, clock-ping,
//! create/join), forwards the rest to its room's task, and writes what the room queues for it.
//!
//! Everything a peer sends is checked here first: frame size (1009), rate (error, then 1008 for
//! a flood), idleness, JSON shape (an `error` with a code). A bad message never ends the room or
//! touches another member's connection.

use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use room_core::protocol::MemberId;
use room_core::room::CreateParams;
use room_core::text;
use room_core::{
    ClientMessage, ErrorCode, PROTOCOL_VERSION, Room, RoomError, ServerMessage, decode_client,
};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{MissedTickBehavior, interval};

use crate::metrics::inc;
use crate::rate_limit::TokenBucket;
use crate::room_task::{self, ConnLink, JoinRequest, Outbound, RoomCommand, RoomHandle, encode};
use crate::secrets;
use crate::state::Shared;

/// WebSocket close codes used by the server.
pub mod close_code {
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL: u16 = 1002;
    pub const INVALID_DATA: u16 = 1007;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub const TRY_AGAIN_LATER: u16 = 1013;
    pub const IDLE: u16 = 4000;
    pub const REPLACED: u16 = 4001;
    pub const UNSUPPORTED_PROTOCOL: u16 = 4002;
}

struct Joined {
    room: RoomHandle,
    member: MemberId,
    rx: mpsc::Receiver<Outbound>,
    /// The last round trip passed on to the room, so only real changes are forwarded.
    rtt_sent_us: Option<i64>,
}

struct Conn {
    id: u64,
    shared: Shared,
    bucket: TokenBucket,
    refused_in_window: u32,
    window_start: Instant,
    last_rate_error: Option<Instant>,
}

/// Serve one upgraded socket until it closes or the server shuts down.
pub async fn serve(mut ws: WebSocket, shared: Shared) {
    let id = shared.next_conn_id.fetch_add(1, Ordering::Relaxed);
    shared
        .metrics
        .connections_open
        .fetch_add(1, Ordering::Relaxed);
    inc(&shared.metrics.connections_total);
    let limits = shared.config.limits.clone();
    let now = Instant::now();
    let mut conn = Conn {
        id,
        shared: shared.clone(),
        bucket: TokenBucket::new(limits.rate_per_sec, limits.rate_burst, now),
        refused_in_window: 0,
        window_start: now,
        last_rate_error: None,
    };
    let mut joined: Option<Joined> = None;
    let mut last_rx = now;
    let mut ticker = interval(limits.ping_interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ticker.tick().await;

    let hello = ServerMessage::Hello {
        protocol: PROTOCOL_VERSION,
        server: concat!("tandem-server/", env!("CARGO_PKG_VERSION")).to_owned(),
        room_clock_us: shared.clock.now_us(),
    };
    let mut open = send_msg(&mut ws, &hello).await.is_continue();

    // Registered once, not on every frame: this loop is the hot path of a broadcast.
    let shutdown = shared.shutdown.clone();
    let stopping = shutdown.cancelled();
    tokio::pin!(stopping);
    while open {
        let room_rx = async {
            match joined.as_mut() {
                Some(j) => j.rx.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            () = &mut stopping => {
                close(&mut ws, close_code::GOING_AWAY, "server shutting down").await;
                break;
            }
            out = room_rx => match out {
                Some(Outbound::Frame(text)) => {
                    open = ws.send(Message::Text(text)).await.is_ok();
                }
                Some(Outbound::Detached) => joined = None,
                Some(Outbound::Replaced) => {
                    joined = None;
                    close(&mut ws, close_code::REPLACED, "this member resumed on another connection").await;
                    break;
                }
                None => {
                    // The room let go of our queue without a word: we fell behind.
                    close(&mut ws, close_code::TRY_AGAIN_LATER, "fell behind the room; reconnect to resume").await;
                    joined = None;
                    break;
                }
            },
            frame = ws.recv() => {
                let received = Instant::now();
                last_rx = received;
                match frame {
                    None => break,
                    Some(Err(e)) => {
                        let (code, reason) = read_error_close(&e);
                        if code == close_code::TOO_BIG {
                            inc(&shared.metrics.oversize_closed_total);
                        }
                        tracing::debug!(conn = id, error = %e, "closing a socket after a read error");
                        close(&mut ws, code, reason).await;
                        break;
                    }
                    Some(Ok(msg)) => {
                        open = conn.on_frame(&mut ws, &mut joined, msg, received).await.is_continue();
                    }
                }
            }
            _ = ticker.tick() => {
                if last_rx.elapsed() >= limits.idle_timeout {
                    inc(&shared.metrics.idle_closed_total);
                    close(&mut ws, close_code::IDLE, "idle for too long").await;
                    break;
                }
                open = ws.send(Message::Ping(Default::default())).await.is_ok();
            }
        }
    }
    if let Some(j) = joined {
        let _ = j
            .room
            .tx
            .send(RoomCommand::Dropped {
                member: j.member,
                conn_id: id,
            })
            .await;
    }
    shared
        .metrics
        .connections_open
        .fetch_sub(1, Ordering::Relaxed);
}

impl Conn {
    async fn on_frame(
        &mut self,
        ws: &mut WebSocket,
        joined: &mut Option<Joined>,
        msg: Message,
        received: Instant,
    ) -> ControlFlow<()> {
        match msg {
            Message::Close(_) => return ControlFlow::Break(()),
            Message::Ping(_) | Message::Pong(_) => return ControlFlow::Continue(()),
            Message::Text(_) | Message::Binary(_) => {}
        }
        inc(&self.shared.metrics.frames_in_total);
        if !self.bucket.try_take(received) {
            return self.refuse_for_rate(ws, received).await;
        }
        let Message::Text(text) = msg else {
            let e = RoomError::new(ErrorCode::MalformedJson, "frames must be JSON text");
            return self.reply_error(ws, e, None).await;
        };
        let received_us = self.shared.clock.at(received);
        let msg = match decode_client(&text) {
            Ok(m) => m,
            Err((e, kind)) => return self.reply_error(ws, e, kind).await,
        };
        match msg {
            ClientMessage::ClockPing {
                client_send_us,
                rtt_us,
            } => {
                let pong = ServerMessage::ClockPong {
                    client_send_us,
                    server_recv_us: received_us,
                    server_send_us: self.shared.clock.now_us(),
                };
                let flow = send_msg(ws, &pong).await;
                if let (Some(rtt), Some(j)) = (rtt_us, joined.as_mut()) {
                    self.forward_rtt(j, rtt);
                }
                flow
            }
            ClientMessage::Hello { protocol, .. } => {
                if protocol == PROTOCOL_VERSION {
                    ControlFlow::Continue(())
                } else {
                    let e = RoomError::new(
                        ErrorCode::UnsupportedProtocol,
                        format!("this server speaks protocol {PROTOCOL_VERSION}; update the app"),
                    );
                    let _ = self.reply_error(ws, e, Some("hello".into())).await;
                    close(
                        ws,
                        close_code::UNSUPPORTED_PROTOCOL,
                        "unsupported protocol version",
                    )
                    .await;
                    ControlFlow::Break(())
                }
            }
            ClientMessage::CreateRoom { .. } | ClientMessage::JoinRoom { .. }
                if joined.is_some() =>
            {
                let e = RoomError::new(
                    ErrorCode::AlreadyInRoom,
                    "this connection is already in a room; leave it first",
                );
                self.reply_error(ws, e, Some(msg.kind().into())).await
            }
            ClientMessage::CreateRoom {
                name,
                display_name,
                policy,
                password,
            } => {
                // Check the creator's name first, so a bad one cannot leave an empty room behind.
                if let Err(e) = text::required("displayName", &display_name, text::MAX_DISPLAY_NAME)
                {
                    return self.reply_error(ws, e, Some("create-room".into())).await;
                }
                let result = self
                    .create_room(ws, &name, policy, password.as_deref())
                    .await;
                match result {
                    Ok((room, host_secret)) => {
                        let request = JoinRequest {
                            display_name,
                            password,
                            host_secret: Some(host_secret),
                            ..JoinRequest::default()
                        };
                        self.join(ws, joined, room, request, "create-room").await
                    }
                    Err(e) => self.reply_error(ws, e, Some("create-room".into())).await,
                }
            }
            ClientMessage::JoinRoom {
                code,
                display_name,
                password,
                resume_token,
                host_secret,
            } => {
                let Some(room) = self.shared.registry.get(&secrets::normalise_code(&code)) else {
                    let e = RoomError::new(
                        ErrorCode::RoomNotFound,
                        "no room has that code; check it with the host",
                    );
                    return self.reply_error(ws, e, Some("join-room".into())).await;
                };
                let request = JoinRequest {
                    display_name,
                    password,
                    resume_token,
                    host_secret,
                };
                self.join(ws, joined, room, request, "join-room").await
            }
            other => match joined {
                Some(j) => {
                    let kind = other.kind();
                    let leaving = matches!(other, ClientMessage::LeaveRoom {});
                    let cmd = RoomCommand::Message {
                        member: j.member,
                        conn_id: self.id,
                        msg: other,
                    };
                    if j.room.tx.send(cmd).await.is_err() {
                        *joined = None;
                        let e = RoomError::new(ErrorCode::RoomClosed, "the room is closed");
                        return self.reply_error(ws, e, Some(kind.into())).await;
                    }
                    if leaving {
                        // Out at once, so a join-room right after a leave-room is not refused.
                        *joined = None;
                    }
                    ControlFlow::Continue(())
                }
                None => {
                    let e = RoomError::new(ErrorCode::NotInRoom, "join or create a room first");
                    let kind = other.kind().to_owned();
                    self.reply_error(ws, e, Some(kind)).await
                }
            },
        }
    }

    /// Pass a changed round-trip estimate on to the room (it sets the room's lead time); small
    /// changes are not worth a message.
    fn forward_rtt(&self, j: &mut Joined, rtt_us: i64) {
        let changed = j
            .rtt_sent_us
            .is_none_or(|old| (rtt_us - old).abs() > (old / 5).max(1_000));
        if changed {
            let cmd = RoomCommand::Rtt {
                member: j.member,
                conn_id: self.id,
                rtt_us,
            };
            if j.room.tx.try_send(cmd).is_ok() {
                j.rtt_sent_us = Some(rtt_us);
            }
        }
    }

    /// Create the room and tell the creator its code and host secret.
    async fn create_room(
        &mut self,
        ws: &mut WebSocket,
        name: &str,
        policy: room_core::ControlPolicy,
        password: Option<&str>,
    ) -> Result<(RoomHandle, String), RoomError> {
        let shared = &self.shared;
        let host_secret = secrets::token();
        let now = shared.clock.now_us();
        let params = CreateParams {
            name,
            policy,
            password,
        };
        let handle = shared
            .registry
            .create(shared.config.limits.max_rooms, |code| {
                let (room, effects) =
                    Room::create(code, params, &host_secret, now, shared.config.room.clone())?;
                Ok(room_task::spawn(
                    room,
                    effects,
                    shared.clone(),
                    shared.shutdown.clone(),
                ))
            })?;
        tracing::info!(room = %handle.code, "room created");
        let created = ServerMessage::RoomCreated {
            code: handle.code.to_string(),
            host_secret: host_secret.clone(),
        };
        let _ = send_msg(ws, &created).await;
        Ok((handle, host_secret))
    }

    async fn join(
        &mut self,
        ws: &mut WebSocket,
        joined: &mut Option<Joined>,
        room: RoomHandle,
        request: JoinRequest,
        kind: &str,
    ) -> ControlFlow<()> {
        let (tx, rx) = mpsc::channel(self.shared.config.limits.outbound_queue);
        let (reply, answer) = oneshot::channel();
        let cmd = RoomCommand::Join {
            request,
            fresh_token: secrets::token(),
            link: ConnLink {
                conn_id: self.id,
                tx,
            },
            reply,
        };
        let closed = || RoomError::new(ErrorCode::RoomClosed, "the room is closed");
        if room.tx.send(cmd).await.is_err() {
            return self.reply_error(ws, closed(), Some(kind.into())).await;
        }
        match answer.await {
            Ok(Ok(member)) => {
                *joined = Some(Joined {
                    room,
                    member,
                    rx,
                    rtt_sent_us: None,
                });
                ControlFlow::Continue(())
            }
            Ok(Err(e)) => self.reply_error(ws, e, Some(kind.into())).await,
            Err(_) => self.reply_error(ws, closed(), Some(kind.into())).await,
        }
    }

    /// Refuse a message over the rate: an `error` at most once a second, and close the socket
    /// with 1008 when a window holds more refusals than a client could send by accident.
    async fn refuse_for_rate(&mut self, ws: &mut WebSocket, now: Instant) -> ControlFlow<()> {
        inc(&self.shared.metrics.rate_limited_total);
        if now.duration_since(self.window_start).as_secs() >= 10 {
            self.window_start = now;
            self.refused_in_window = 0;
        }
        self.refused_in_window += 1;
        if self.refused_in_window > self.shared.config.limits.flood_close_after {
            inc(&self.shared.metrics.flood_closed_total);
            close(ws, close_code::POLICY, "too many messages").await;
            return ControlFlow::Break(());
        }
        if self
            .last_rate_error
            .is_some_and(|t| now.duration_since(t).as_secs() < 1)
        {
            return ControlFlow::Continue(());
        }
        self.last_rate_error = Some(now);
        let e = RoomError::new(
            ErrorCode::RateLimited,
            "too many messages; this one was dropped, slow down",
        );
        self.reply_error(ws, e, None).await
    }

    async fn reply_error(
        &self,
        ws: &mut WebSocket,
        e: RoomError,
        request_type: Option<String>,
    ) -> ControlFlow<()> {
        inc(&self.shared.metrics.errors_sent_total);
        let msg = ServerMessage::Error {
            code: e.code,
            message: e.message,
            request_type,
        };
        send_msg(ws, &msg).await
    }
}

async fn send_msg(ws: &mut WebSocket, msg: &ServerMessage) -> ControlFlow<()> {
    let Some(text) = encode(msg) else {
        return ControlFlow::Continue(());
    };
    match ws.send(Message::Text(text)).await {
        Ok(()) => ControlFlow::Continue(()),
        Err(_) => ControlFlow::Break(()),
    }
}

async fn close(ws: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = ws.send(Message::Close(Some(frame))).await;
}

/// The close code for a failed read: 1009 for an oversized message, 1007 for bad UTF-8, 1002
/// for anything else the peer got wrong at the WebSocket level.
fn read_error_close(e: &axum::Error) -> (u16, &'static str) {
    use std::error::Error as _;
    use tungstenite::Error as WsError;
    match e.source().and_then(|s| s.downcast_ref::<WsError>()) {
        Some(WsError::Capacity(_)) => (close_code::TOO_BIG, "message too big"),
        Some(WsError::Utf8(_)) => (close_code::INVALID_DATA, "text frame is not UTF-8"),
        _ => (close_code::PROTOCOL, "WebSocket protocol error"),
    }
}
