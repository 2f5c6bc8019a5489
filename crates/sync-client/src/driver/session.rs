//! One connection: hello, join, then the `select!` loop until it drops or the client stops.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use room_core::{ClientMessage, ErrorCode, PROTOCOL_VERSION, ServerMessage};
use sync_core::Sample;
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

use super::{Driver, SessionEnd};
use crate::command::Command;
use crate::connect::Socket;
use crate::error::{ClientError, ServerRefusal};
use crate::room_state::RoomState;
use crate::state::CreatedRoom;
use crate::state::{ConnectionStatus, Me};

type Sink = SplitSink<Socket, Message>;

/// A send that takes longer than this means the link is stuck.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Pings whose pong is still awaited, at most (older ones are forgotten).
const OUTSTANDING_PINGS: usize = 64;
/// Without clock sync, a WebSocket ping this often keeps the dead-link timer fed (the server
/// answers with a pong frame).
const KEEPALIVE: Duration = Duration::from_secs(1);

impl Driver {
    pub(super) async fn session(&mut self, socket: Socket) -> SessionEnd {
        let (mut sink, mut stream) = socket.split();
        self.begin_session();
        self.publish();
        let hello = ClientMessage::Hello {
            protocol: PROTOCOL_VERSION,
            client: Some(self.config.client_name.clone()),
        };
        let join = self.join_message();
        for msg in [hello, join] {
            if let Err(e) = send(&mut sink, &msg).await {
                return SessionEnd::Dropped(e);
            }
        }
        let clock = self.config.clock.clone();
        let dead_after = self.config.dead_after;
        let mut outstanding: VecDeque<i64> = VecDeque::new();
        let mut last_rx = Instant::now();
        let mut next_keepalive = last_rx + KEEPALIVE;

        loop {
            let now_local = clock.now_us();
            let ping_in = if self.config.clock_sync {
                let due = self.estimator.next_ping_at(now_local);
                Duration::from_micros(u64::try_from(due.saturating_sub(now_local)).unwrap_or(0))
            } else {
                next_keepalive.saturating_duration_since(Instant::now())
            };
            tokio::select! {
                biased;
                frame = stream.next() => {
                    let arrived_local_us = clock.now_us();
                    last_rx = Instant::now();
                    let text = match read_text(frame) {
                        Ok(Some(text)) => text,
                        Ok(None) => continue,
                        Err(e) => return SessionEnd::Dropped(e),
                    };
                    let handled = self.on_text(text.as_str(), arrived_local_us, &mut outstanding);
                    let replies = match handled {
                        Ok(replies) => replies,
                        Err(end) => {
                            let _ = timeout(SEND_TIMEOUT, sink.close()).await;
                            return end;
                        }
                    };
                    self.publish();
                    for msg in replies {
                        if let Err(e) = send(&mut sink, &msg).await {
                            return SessionEnd::Dropped(e);
                        }
                    }
                }
                cmd = self.commands.recv() => match cmd {
                    None => {
                        let _ = timeout(SEND_TIMEOUT, sink.close()).await;
                        return SessionEnd::Closed { error: None, ack: None };
                    }
                    Some(Command::Leave(ack)) => {
                        if self.draft.status == ConnectionStatus::InRoom {
                            let _ = send(&mut sink, &ClientMessage::LeaveRoom {}).await;
                        }
                        let _ = timeout(SEND_TIMEOUT, sink.close()).await;
                        return SessionEnd::Closed { error: None, ack: Some(ack) };
                    }
                    Some(Command::SetWaitForMe(wait)) => {
                        self.config.join.wait_for_me = wait;
                        let in_room = self.draft.status == ConnectionStatus::InRoom;
                        let msg = ClientMessage::SetWaitForMe { wait };
                        if in_room && let Err(e) = send(&mut sink, &msg).await {
                            return SessionEnd::Dropped(e);
                        }
                    }
                    Some(Command::Send(msg)) => {
                        if self.draft.status == ConnectionStatus::InRoom {
                            if let Err(e) = send(&mut sink, &msg).await {
                                return SessionEnd::Dropped(e);
                            }
                        } else {
                            self.draft.last_error = Some(ClientError::NotInRoom);
                            self.publish();
                        }
                    }
                },
                () = sleep(ping_in) => {
                    let sent = if self.config.clock_sync {
                        let t0 = clock.now_us();
                        let ping = ClientMessage::ClockPing {
                            client_send_us: t0,
                            rtt_us: self.estimator.rtt_us(),
                        };
                        self.estimator.on_ping_sent(t0);
                        outstanding.push_back(t0);
                        while outstanding.len() > OUTSTANDING_PINGS {
                            outstanding.pop_front();
                        }
                        send(&mut sink, &ping).await
                    } else {
                        next_keepalive = Instant::now() + KEEPALIVE;
                        send_frame(&mut sink, Message::Ping(Default::default()), "ping").await
                    };
                    if let Err(e) = sent {
                        return SessionEnd::Dropped(e);
                    }
                }
                () = sleep_until(last_rx + dead_after) => {
                    return SessionEnd::Dropped(ClientError::Dropped(format!(
                        "no word from the server for {:.1} s",
                        dead_after.as_secs_f64()
                    )));
                }
            }
        }
    }

    /// Handles one text frame read at local instant `local_us`. Returns what to send back, or
    /// how the connection ends.
    fn on_text(
        &mut self,
        text: &str,
        local_us: i64,
        outstanding: &mut VecDeque<i64>,
    ) -> Result<Vec<ClientMessage>, SessionEnd> {
        let msg: ServerMessage = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                // A newer server's message this build does not know: not an error.
                tracing::debug!(error = %e, "ignoring a server message this client cannot read");
                return Ok(Vec::new());
            }
        };
        match msg {
            ServerMessage::ClockPong {
                client_send_us,
                server_recv_us,
                server_send_us,
            } => {
                // Only answers to this connection's own pings count.
                if let Some(i) = outstanding.iter().position(|&t0| t0 == client_send_us) {
                    outstanding.drain(..=i);
                    let sample =
                        Sample::new(client_send_us, server_recv_us, server_send_us, local_us);
                    if let Err(e) = self.estimator.add_sample(sample) {
                        tracing::trace!(reason = %e, "clock sample refused");
                    }
                    self.refresh_clock();
                }
                Ok(Vec::new())
            }
            ServerMessage::Hello { server, .. } => {
                self.draft.server = Some(server);
                Ok(Vec::new())
            }
            ServerMessage::RoomJoined(joined) => {
                self.resume_token = Some(joined.you.resume_token.clone());
                self.token_out.set(self.resume_token.clone());
                self.draft.me = Some(Me {
                    member_id: joined.you.member_id,
                    role: joined.you.role,
                });
                self.draft.room = Some(RoomState::from_joined(&joined));
                self.apply_playback(
                    &joined.playback,
                    joined.position_us,
                    joined.room_clock_us,
                    local_us,
                );
                if self.joined_before {
                    self.draft.rejoins = self.draft.rejoins.saturating_add(1);
                }
                self.joined_before = true;
                self.draft.status = ConnectionStatus::InRoom;
                let mut replies = Vec::new();
                if !self.config.join.wait_for_me {
                    replies.push(ClientMessage::SetWaitForMe { wait: false });
                }
                Ok(replies)
            }
            ServerMessage::Error {
                code,
                message,
                request_type,
            } => self.on_error(ServerRefusal {
                code,
                message,
                request_type,
            }),
            ServerMessage::RoomClosed { reason } => Err(SessionEnd::Closed {
                error: Some(ClientError::RoomClosed(reason)),
                ack: None,
            }),
            ServerMessage::RoomCreated { code, host_secret } => {
                // From now on this is an ordinary room to rejoin, as its host.
                let join = &mut self.config.join;
                join.create = None;
                join.code = code.clone();
                join.host_secret = Some(host_secret.clone());
                self.draft.created = Some(CreatedRoom { code, host_secret });
                Ok(Vec::new())
            }
            other => {
                let me = self.draft.me.map(|m| m.member_id);
                if let Some(room) = &mut self.draft.room {
                    room.apply(&other, me);
                }
                match &other {
                    ServerMessage::Presence {
                        joined, updated, ..
                    } => {
                        if let Some(me) = &mut self.draft.me
                            && let Some(view) =
                                joined.iter().chain(updated).find(|m| m.id == me.member_id)
                        {
                            me.role = view.role;
                        }
                    }
                    ServerMessage::PlaybackPaused(ev)
                    | ServerMessage::PlaybackResumed(ev)
                    | ServerMessage::PlaybackSeeked(ev)
                    | ServerMessage::PlaybackStateUpdate(ev) => {
                        self.apply_playback(
                            &ev.playback,
                            ev.position_us,
                            ev.room_clock_us,
                            local_us,
                        );
                    }
                    _ => {}
                }
                Ok(Vec::new())
            }
        }
    }

    fn on_error(&mut self, refusal: ServerRefusal) -> Result<Vec<ClientMessage>, SessionEnd> {
        let joining = self.draft.status == ConnectionStatus::Joining;
        let about_join = matches!(
            refusal.request_type.as_deref(),
            Some("join-room" | "create-room")
        );
        if about_join
            && refusal.code == ErrorCode::InvalidResumeToken
            && self.resume_token.is_some()
        {
            // The identity is gone (its grace ran out, or the server forgot it): join afresh.
            tracing::info!("resume token refused; joining as a new member");
            self.resume_token = None;
            self.token_out.set(None);
            self.draft.last_error = Some(ClientError::Server(refusal));
            return Ok(vec![self.join_message()]);
        }
        if about_join {
            let error = ClientError::Server(refusal.clone());
            return Err(if refusal.is_fatal_for_join() {
                SessionEnd::Fatal(error)
            } else {
                SessionEnd::Dropped(error)
            });
        }
        if joining && refusal.code == ErrorCode::RateLimited {
            // The join itself may have been dropped: try again later.
            return Err(SessionEnd::Dropped(ClientError::Server(refusal)));
        }
        self.draft.last_error = Some(ClientError::Server(refusal));
        Ok(Vec::new())
    }
}

/// The text of a frame; `None` for frames that carry no message (pings, pongs, binary).
fn read_text(frame: Option<Result<Message, WsError>>) -> Result<Option<Utf8Bytes>, ClientError> {
    match frame {
        Some(Ok(Message::Text(text))) => Ok(Some(text)),
        Some(Ok(Message::Close(frame))) => {
            let why = frame.map_or_else(String::new, |f| {
                format!(": {} ({})", f.reason, u16::from(f.code))
            });
            Err(ClientError::Dropped(format!(
                "the server closed the connection{why}"
            )))
        }
        Some(Ok(_)) => Ok(None),
        Some(Err(e)) => Err(ClientError::Dropped(e.to_string())),
        None => Err(ClientError::Dropped("the connection closed".to_owned())),
    }
}

async fn send(sink: &mut Sink, msg: &ClientMessage) -> Result<(), ClientError> {
    let text = serde_json::to_string(msg)
        .map_err(|e| ClientError::Dropped(format!("cannot encode {}: {e}", msg.kind())))?;
    send_frame(sink, Message::text(text), msg.kind()).await
}

async fn send_frame(sink: &mut Sink, frame: Message, what: &str) -> Result<(), ClientError> {
    match timeout(SEND_TIMEOUT, sink.send(frame)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(ClientError::Dropped(e.to_string())),
        Err(_) => Err(ClientError::Dropped(format!(
            "sending {what} took over {} s",
            SEND_TIMEOUT.as_secs()
        ))),
    }
}
