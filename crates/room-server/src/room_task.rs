//! One task per room: the single writer of its state (actor), so concurrent joins and control
//! messages are applied in one order, without locks, and every member sees that order.
//!
//! The task owns a [`room_core::Room`] and the outbound queue of each member's connection. It
//! serialises each broadcast once and offers it to every queue without waiting: a listener whose
//! queue is full is dropped (it can resume) rather than slowing the room.

use std::collections::{HashMap, VecDeque};
use std::future::pending;
use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use room_core::protocol::MemberId;
use room_core::{ClientMessage, Effect, JoinParams, Recipient, Room, RoomError, ServerMessage};
use tokio::sync::{mpsc, oneshot};
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

use crate::metrics::inc;
use crate::state::Shared;

/// What a room sends down one connection's queue.
#[derive(Debug)]
pub enum Outbound {
    /// A serialised server message, shared by every recipient.
    Frame(Utf8Bytes),
    /// The connection is no longer in the room (it left, was timed out, or the room closed).
    Detached,
    /// The same member resumed on a newer connection; this one should close.
    Replaced,
}

/// A connection's end of the room: its id and outbound queue.
#[derive(Debug)]
pub struct ConnLink {
    pub conn_id: u64,
    pub tx: mpsc::Sender<Outbound>,
}

/// The owned fields of a `join-room`.
#[derive(Default)]
pub struct JoinRequest {
    pub display_name: String,
    pub password: Option<String>,
    pub resume_token: Option<String>,
    pub host_secret: Option<String>,
}

impl std::fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinRequest")
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

/// What connections ask of their room. (No `Debug`: a join carries a fresh resume token.)
pub enum RoomCommand {
    Join {
        request: JoinRequest,
        fresh_token: String,
        link: ConnLink,
        reply: oneshot::Sender<Result<MemberId, RoomError>>,
    },
    Message {
        member: MemberId,
        conn_id: u64,
        msg: ClientMessage,
    },
    /// The member's socket closed.
    Dropped { member: MemberId, conn_id: u64 },
    /// The member's client reported a new round-trip estimate.
    Rtt {
        member: MemberId,
        conn_id: u64,
        rtt_us: i64,
    },
    /// May the holder of resume `token` fetch the local file `sha256` (lowercase hex)? Asked by
    /// the file routes (see [`crate::files`]).
    Authorize {
        token: String,
        sha256: String,
        reply: oneshot::Sender<FileAccess>,
    },
}

/// A room's answer to [`RoomCommand::Authorize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAccess {
    /// The token is not a member's of this room (unknown, expired, left, or another room's).
    NotAMember,
    /// A member (connected or within its reconnect grace); `file_in_room` says whether the file
    /// is the current song or queued.
    Member { file_in_room: bool },
}

/// Where connections send a room's commands.
#[derive(Debug, Clone)]
pub struct RoomHandle {
    pub code: Arc<str>,
    pub tx: mpsc::Sender<RoomCommand>,
}

/// Start the task for `room`, first carrying out `initial` effects (what creating it produced).
pub fn spawn(
    room: Room,
    initial: Vec<Effect>,
    shared: Shared,
    shutdown: CancellationToken,
) -> RoomHandle {
    let (tx, rx) = mpsc::channel(1024);
    let code: Arc<str> = Arc::from(room.code());
    let mut task = RoomTask {
        room,
        links: HashMap::new(),
        shared: shared.clone(),
        closed: false,
    };
    task.apply(initial);
    let tracker = shared.tracker.clone();
    let handle = RoomHandle { code, tx };
    shared
        .metrics
        .rooms_open
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    tracker.spawn(task.run(rx, shutdown));
    handle
}

struct RoomTask {
    room: Room,
    links: HashMap<MemberId, ConnLink>,
    shared: Shared,
    closed: bool,
}

impl RoomTask {
    async fn run(mut self, mut rx: mpsc::Receiver<RoomCommand>, shutdown: CancellationToken) {
        let clock = self.shared.clock;
        let stopping = shutdown.cancelled();
        tokio::pin!(stopping);
        while !self.closed {
            let deadline = self.room.next_timeout().map(|t| clock.instant_of(t));
            let timer = async {
                match deadline {
                    Some(d) => sleep_until(d.into()).await,
                    None => pending().await,
                }
            };
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.on_command(cmd),
                    None => break,
                },
                () = timer => {
                    let effects = self.room.on_timeout(clock.now_us());
                    self.apply(effects);
                }
                () = &mut stopping => break,
            }
        }
        if self.closed {
            self.shared.registry.remove(self.room.code());
        }
        self.shared
            .metrics
            .rooms_open
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn on_command(&mut self, cmd: RoomCommand) {
        let now = self.shared.clock.now_us();
        match cmd {
            RoomCommand::Join {
                request,
                fresh_token,
                link,
                reply,
            } => {
                let params = JoinParams {
                    display_name: &request.display_name,
                    password: request.password.as_deref(),
                    resume_token: request.resume_token.as_deref(),
                    host_secret: request.host_secret.as_deref(),
                };
                match self.room.join(now, params, &fresh_token) {
                    Ok((id, effects)) => {
                        if let Some(old) = self.links.insert(id, link) {
                            // The same identity resumed on a newer socket; the old one is out.
                            let _ = old.tx.try_send(Outbound::Replaced);
                        }
                        inc(&self.shared.metrics.members_joined_total);
                        if reply.send(Ok(id)).is_err() {
                            // The joining socket is already gone.
                            self.links.remove(&id);
                            let mut effects = effects;
                            effects.extend(self.room.disconnect(now, id));
                            self.apply(effects);
                            return;
                        }
                        self.apply(effects);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e));
                    }
                }
            }
            RoomCommand::Message {
                member,
                conn_id,
                msg,
            } => {
                if !self.is_current(member, conn_id) {
                    return;
                }
                let kind = msg.kind();
                match self.room.handle(now, member, msg) {
                    Ok(effects) => self.apply(effects),
                    Err(e) => {
                        inc(&self.shared.metrics.errors_sent_total);
                        let msg = ServerMessage::Error {
                            code: e.code,
                            message: e.message,
                            request_type: Some(kind.to_owned()),
                        };
                        self.apply(vec![Effect::Send(Recipient::Only(member), msg)]);
                    }
                }
            }
            RoomCommand::Rtt {
                member,
                conn_id,
                rtt_us,
            } => {
                if self.is_current(member, conn_id) {
                    self.room.observe_rtt(member, rtt_us);
                }
            }
            RoomCommand::Authorize {
                token,
                sha256,
                reply,
            } => {
                let access = match self.room.member_by_token(&token) {
                    None => FileAccess::NotAMember,
                    Some(_) => FileAccess::Member {
                        file_in_room: self.room.has_local_file(&sha256),
                    },
                };
                let _ = reply.send(access);
            }
            RoomCommand::Dropped { member, conn_id } => {
                if self.is_current(member, conn_id) {
                    self.links.remove(&member);
                    let effects = self.room.disconnect(now, member);
                    self.apply(effects);
                }
            }
        }
    }

    fn is_current(&self, member: MemberId, conn_id: u64) -> bool {
        self.links
            .get(&member)
            .is_some_and(|l| l.conn_id == conn_id)
    }

    /// Carry out effects in order; dropping a slow listener may add more (its presence update).
    fn apply(&mut self, effects: Vec<Effect>) {
        let mut work: VecDeque<Effect> = effects.into();
        let mut ops = Vec::new();
        while let Some(effect) = work.pop_front() {
            match effect {
                Effect::Send(to, msg) => {
                    let Some(frame) = encode(&msg) else { continue };
                    for id in self.deliver(to, &frame) {
                        work.extend(self.room.disconnect(self.shared.clock.now_us(), id));
                    }
                }
                Effect::Store(op) => ops.push(op),
                Effect::Detach(id) => {
                    if let Some(link) = self.links.remove(&id) {
                        let _ = link.tx.try_send(Outbound::Detached);
                    }
                }
                Effect::Closed => {
                    for (_, link) in self.links.drain() {
                        let _ = link.tx.try_send(Outbound::Detached);
                    }
                    self.closed = true;
                }
            }
        }
        if !ops.is_empty()
            && let Some(store) = &self.shared.store
        {
            store.submit(self.room.code(), ops);
        }
    }

    /// Offer `frame` to each recipient's queue without waiting. Returns members whose queue was
    /// full or gone; their links are removed here.
    fn deliver(&mut self, to: Recipient, frame: &Utf8Bytes) -> Vec<MemberId> {
        let metrics = &self.shared.metrics;
        let mut failed = Vec::new();
        let mut offer = |id: MemberId, link: &ConnLink| match link
            .tx
            .try_send(Outbound::Frame(frame.clone()))
        {
            Ok(()) => inc(&metrics.frames_out_total),
            Err(mpsc::error::TrySendError::Full(_)) => {
                inc(&metrics.slow_listeners_dropped_total);
                tracing::info!(member = id, "dropping a listener that fell behind");
                failed.push(id);
            }
            Err(mpsc::error::TrySendError::Closed(_)) => failed.push(id),
        };
        match to {
            Recipient::All => self.links.iter().for_each(|(&id, l)| offer(id, l)),
            Recipient::AllBut(skip) => self
                .links
                .iter()
                .filter(|(id, _)| **id != skip)
                .for_each(|(&id, l)| offer(id, l)),
            Recipient::Only(id) => {
                if let Some(l) = self.links.get(&id) {
                    offer(id, l);
                }
            }
        }
        for id in &failed {
            self.links.remove(id);
        }
        failed
    }
}

/// Serialise a message once for every recipient.
pub fn encode(msg: &ServerMessage) -> Option<Utf8Bytes> {
    match serde_json::to_string(msg) {
        Ok(s) => Some(Utf8Bytes::from(s)),
        Err(e) => {
            tracing::error!(error = %e, "could not serialise a server message");
            None
        }
    }
}
