//! The client task: connect, join, follow, and after any drop reconnect with backoff and rejoin
//! with the resume token. One task, one `select!` per connection over the socket, the command
//! channel, the ping timer (the estimator's `next_ping_at`) and the dead-link timer.

mod session;

use std::future::Future;
use std::sync::Arc;

use room_core::ClientMessage;
use sync_core::{ClockEstimator, RoomPlayback, Timeline};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_rustls::rustls;

use crate::backoff;
use crate::command::Command;
use crate::config::ClientConfig;
use crate::connect::{self, Endpoint};
use crate::error::ClientError;
use crate::handle::TokenCell;
use crate::state::{ClientState, ClockStatus, ConnectionStatus, PlaybackArrival};

/// How a connection ended.
#[derive(Debug)]
enum SessionEnd {
    /// Lost: reconnect after a backoff.
    Dropped(ClientError),
    /// Joining cannot succeed: stop with [`ConnectionStatus::Failed`].
    Fatal(ClientError),
    /// Left, the room closed, or the handle was dropped: stop with [`ConnectionStatus::Closed`].
    Closed {
        error: Option<ClientError>,
        ack: Option<oneshot::Sender<()>>,
    },
}

pub(crate) struct Driver {
    config: ClientConfig,
    endpoint: Endpoint,
    tls: Option<Arc<rustls::ClientConfig>>,
    commands: mpsc::Receiver<Command>,
    state_tx: watch::Sender<ClientState>,
    /// What is published; every field but the snapshot's clock is kept here directly.
    draft: ClientState,
    estimator: ClockEstimator,
    /// The previous connection's mapping, followed until this connection's first sample.
    fallback_clock: Option<Arc<ClockEstimator>>,
    /// The identity to ask back for on the next join.
    resume_token: Option<String>,
    /// The same token, for the handle (file fetches are authorised by it).
    token_out: TokenCell,
    joined_before: bool,
    playback_seq: u64,
}

impl Driver {
    pub fn new(
        config: ClientConfig,
        endpoint: Endpoint,
        tls: Option<Arc<rustls::ClientConfig>>,
        commands: mpsc::Receiver<Command>,
        state_tx: watch::Sender<ClientState>,
        token_out: TokenCell,
    ) -> Self {
        let estimator = ClockEstimator::new(config.estimator.clone());
        Self {
            config,
            endpoint,
            tls,
            commands,
            state_tx,
            draft: ClientState::new(),
            estimator,
            fallback_clock: None,
            resume_token: None,
            token_out,
            joined_before: false,
            playback_seq: 0,
        }
    }

    /// Runs until the client leaves, fails for good, or its handles are all dropped.
    pub async fn run(mut self) {
        // Failed tries since the client was last in the room: the backoff exponent.
        let mut failures: u32 = 0;
        loop {
            self.draft.status = ConnectionStatus::Connecting { attempt: failures };
            self.publish();
            let timeout = self.config.connect_timeout;
            let endpoint = self.endpoint.clone();
            let tls = self.tls.clone();
            let opening =
                tokio::time::timeout(timeout, async move { connect::open(&endpoint, tls).await });
            let opened = match self.while_offline(opening).await {
                Err(ack) => return self.finish(ConnectionStatus::Closed, None, ack),
                Ok(Ok(result)) => result,
                Ok(Err(_elapsed)) => Err(ClientError::Unreachable(format!(
                    "{}: no answer within {} s",
                    self.endpoint.url,
                    timeout.as_secs()
                ))),
            };
            let error = match opened {
                Ok(socket) => match self.session(socket).await {
                    SessionEnd::Dropped(e) => {
                        if self.draft.status == ConnectionStatus::InRoom {
                            failures = 0;
                        }
                        e
                    }
                    SessionEnd::Fatal(e) => {
                        return self.finish(ConnectionStatus::Failed, Some(e), None);
                    }
                    SessionEnd::Closed { error, ack } => {
                        return self.finish(ConnectionStatus::Closed, error, ack);
                    }
                },
                Err(e) => e,
            };
            tracing::debug!(error = %error, failures, "connection lost or refused; retrying");
            self.draft.last_error = Some(error);
            let retry_in = backoff::delay(&self.config.reconnect, failures);
            failures = failures.saturating_add(1);
            self.draft.status = ConnectionStatus::Reconnecting {
                attempt: failures,
                retry_in,
            };
            self.publish();
            if let Err(ack) = self.while_offline(tokio::time::sleep(retry_in)).await {
                return self.finish(ConnectionStatus::Closed, None, ack);
            }
        }
    }

    /// Waits for `fut` while answering commands as one can without a connection. `Err` when
    /// the client must stop (a leave, with its acknowledgement, or every handle dropped).
    async fn while_offline<T>(
        &mut self,
        fut: impl Future<Output = T>,
    ) -> Result<T, Option<oneshot::Sender<()>>> {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                out = &mut fut => return Ok(out),
                cmd = self.commands.recv() => match cmd {
                    None => return Err(None),
                    // Without a connection the member cannot say goodbye: it stays in the room
                    // as disconnected until its reconnect grace runs out.
                    Some(Command::Leave(ack)) => return Err(Some(ack)),
                    Some(Command::SetWaitForMe(wait)) => self.config.join.wait_for_me = wait,
                    Some(Command::Send(_)) => {
                        self.draft.last_error = Some(ClientError::NotInRoom);
                        self.publish();
                    }
                },
            }
        }
    }

    fn finish(
        mut self,
        status: ConnectionStatus,
        error: Option<ClientError>,
        ack: Option<oneshot::Sender<()>>,
    ) {
        self.draft.status = status;
        if let Some(e) = error {
            self.draft.last_error = Some(e);
        }
        self.publish();
        if let Some(ack) = ack {
            let _ = ack.send(());
        }
    }

    /// Publishes the draft with the current clock mapping.
    fn publish(&mut self) {
        self.state_tx.send_replace(self.draft.clone());
    }

    /// Refreshes the published clock after the estimator changed.
    fn refresh_clock(&mut self) {
        let est = &self.estimator;
        let published = if est.sample_count() > 0 {
            self.fallback_clock = None;
            Some(Arc::new(est.clone()))
        } else {
            self.fallback_clock.clone()
        };
        let shown = published.as_deref().unwrap_or(est);
        self.draft.clock = ClockStatus {
            synced: est.is_synced(),
            offset_us: shown.offset_us(),
            rtt_us: shown.rtt_us(),
            uncertainty_us: shown.uncertainty_us(),
            skew_ppm: shown.skew_ppm(),
            samples: est.sample_count(),
        };
        self.draft.sync.clock = published;
    }

    /// A new connection: forget the old path's samples but keep following the old mapping
    /// (and its skew, in the estimator) until the first new sample.
    fn begin_session(&mut self) {
        if self.estimator.sample_count() > 0 {
            self.fallback_clock = Some(Arc::new(self.estimator.clone()));
        }
        self.estimator.reset();
        self.refresh_clock();
        self.draft.status = ConnectionStatus::Joining;
    }

    fn join_message(&self) -> ClientMessage {
        let join = &self.config.join;
        if let Some(create) = &join.create {
            return ClientMessage::CreateRoom {
                name: create.name.clone(),
                display_name: join.display_name.clone(),
                policy: create.policy,
                password: join.password.clone(),
            };
        }
        ClientMessage::JoinRoom {
            code: join.code.clone(),
            display_name: join.display_name.clone(),
            password: join.password.clone(),
            resume_token: self.resume_token.clone(),
            host_secret: join.host_secret.clone(),
        }
    }

    /// Takes the room's playback state (from `room-joined` or a playback message read at local
    /// instant `arrived_local_us`).
    fn apply_playback(
        &mut self,
        view: &room_core::protocol::PlaybackView,
        position_us: i64,
        room_clock_us: i64,
        arrived_local_us: i64,
    ) {
        match view.song_id {
            None => self.draft.sync.timeline = None,
            Some(song_id) => {
                let playback = RoomPlayback {
                    song_id,
                    started_at_us: view.started_at_us,
                    paused_at_us: view.paused_at_us,
                    is_playing: view.is_playing,
                    effective_at_us: view.effective_at_us,
                };
                match &mut self.draft.sync.timeline {
                    Some(timeline) => timeline.apply(playback),
                    None => {
                        let mut timeline = Timeline::new(playback);
                        timeline.set_output_latency_us(self.config.output_latency_us);
                        self.draft.sync.timeline = Some(timeline);
                    }
                }
            }
        }
        self.playback_seq += 1;
        self.draft.last_playback = Some(PlaybackArrival {
            seq: self.playback_seq,
            song_id: view.song_id,
            is_playing: view.is_playing,
            waiting: view.waiting,
            position_us,
            room_clock_us,
            arrived_local_us,
        });
    }
}
