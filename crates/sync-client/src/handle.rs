//! [`SyncClient::spawn`] and the [`SyncHandle`] it returns: the state to watch, the commands
//! to send, and "what should be playing at this local instant".

use std::sync::{Arc, Mutex};
use std::time::Duration;

use room_core::ClientMessage;
use room_core::protocol::{SongId, SongInput};
use tokio::sync::{mpsc, oneshot, watch};

use crate::clock::LocalClock;
use crate::command::Command;
use crate::config::ClientConfig;
use crate::connect::Endpoint;
use crate::driver::Driver;
use crate::error::ClientError;
use crate::state::{ClientState, SongTarget};
use crate::tls;

/// Commands waiting for the connection, at most.
const COMMAND_QUEUE: usize = 64;
/// How long [`SyncHandle::leave`] waits for the goodbye to go out.
const LEAVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts sync clients.
pub struct SyncClient;

impl SyncClient {
    /// Starts the client task on the current tokio runtime: it connects, joins, keeps the clock
    /// estimate and the room state up to date, and reconnects after any drop until it leaves or
    /// every handle is dropped.
    ///
    /// # Errors
    /// [`ClientError::InvalidUrl`] for an address that is not `ws://` or `wss://`;
    /// [`ClientError::CaCertificate`] or [`ClientError::Tls`] when TLS cannot be set up. Network
    /// failures are not errors here: they show in the state, and the client retries.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn spawn(config: ClientConfig) -> Result<SyncHandle, ClientError> {
        let endpoint = Endpoint::parse(&config.url)?;
        let tls = if endpoint.secure {
            Some(tls::client_config(&config.tls)?)
        } else {
            None
        };
        let clock = config.clock.clone();
        let (commands_tx, commands_rx) = mpsc::channel(COMMAND_QUEUE);
        let (state_tx, state_rx) = watch::channel(ClientState::new());
        let token = TokenCell::default();
        let driver = Driver::new(config, endpoint, tls, commands_rx, state_tx, token.clone());
        tokio::spawn(driver.run());
        Ok(SyncHandle {
            commands: commands_tx,
            state: state_rx,
            clock,
            token,
        })
    }
}

/// A handle on a running client. Clones share the client; when the last one is dropped the
/// client closes its socket without leaving (the member stays in the room for its reconnect
/// grace, as after a crash). Call [`leave`](Self::leave) to leave.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    commands: mpsc::Sender<Command>,
    state: watch::Receiver<ClientState>,
    clock: Arc<dyn LocalClock>,
    token: TokenCell,
}

/// The member's resume token, written by the driver on each join, read by the handle. Its
/// `Debug` never shows it.
#[derive(Clone, Default)]
pub(crate) struct TokenCell(Arc<Mutex<Option<String>>>);

impl TokenCell {
    pub fn set(&self, token: Option<String>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = token;
    }

    pub fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl std::fmt::Debug for TokenCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCell(…)")
    }
}

impl SyncHandle {
    /// A receiver of every published state, to `changed().await` or `wait_for` on.
    pub fn watch(&self) -> watch::Receiver<ClientState> {
        self.state.clone()
    }

    /// A copy of the current state.
    pub fn state(&self) -> ClientState {
        self.state.borrow().clone()
    }

    /// The client's local clock (the one every target is on).
    pub fn clock(&self) -> &Arc<dyn LocalClock> {
        &self.clock
    }

    /// Now, on the client's local clock.
    pub fn now_us(&self) -> i64 {
        self.clock.now_us()
    }

    /// This member's resume token, once joined: a secret (keep it out of logs) that also
    /// authorises fetching the room's shared files
    /// ([`FileCache::fetch`](crate::FileCache::fetch), [`upload`](crate::upload)). It changes
    /// when the client had to join afresh.
    pub fn resume_token(&self) -> Option<String> {
        self.token.get()
    }

    /// What should be playing at local instant `local_us` (see [`ClientState::target_at`]).
    pub fn target_at(&self, local_us: i64) -> Option<SongTarget> {
        self.state.borrow().target_at(local_us)
    }

    /// The local instant of room instant `room_us`, once the clock is sampled.
    pub fn local_time_of(&self, room_us: i64) -> Option<i64> {
        self.state.borrow().local_time_of(room_us)
    }

    /// The room instant at local instant `local_us`, once the clock is sampled.
    pub fn room_time_of(&self, local_us: i64) -> Option<i64> {
        self.state.borrow().room_time_of(local_us)
    }

    /// # Errors
    /// [`ClientError::Stopped`] once the client stopped, [`ClientError::Busy`] when too many
    /// commands wait for a connection. Refusals from the server arrive later, in
    /// [`ClientState::last_error`].
    pub fn pause(&self) -> Result<(), ClientError> {
        self.send(ClientMessage::PausePlayback {})
    }

    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn resume(&self) -> Result<(), ClientError> {
        self.send(ClientMessage::ResumePlayback {})
    }

    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn seek(&self, position_us: i64) -> Result<(), ClientError> {
        self.send(ClientMessage::SeekPlayback { position_us })
    }

    /// Skips the current song; only that one, so two listeners pressing at once skip once.
    ///
    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn next(&self) -> Result<(), ClientError> {
        let current_song_id = self.state.borrow().song_id();
        self.send(ClientMessage::PlayNext { current_song_id })
    }

    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn play_now(&self, song_id: SongId) -> Result<(), ClientError> {
        self.send(ClientMessage::PlayNow { song_id })
    }

    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn add_song(&self, song: SongInput) -> Result<(), ClientError> {
        self.send(ClientMessage::AddSong { song })
    }

    /// `vote`: 1 up, -1 down, 0 withdraws.
    ///
    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn vote(&self, song_id: SongId, vote: i8) -> Result<(), ClientError> {
        self.send(ClientMessage::Vote { song_id, vote })
    }

    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn chat(&self, text: impl Into<String>) -> Result<(), ClientError> {
        self.send(ClientMessage::Chat { text: text.into() })
    }

    /// Tells the room this listener's player has `song_id` loaded.
    ///
    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn player_ready(&self, song_id: SongId) -> Result<(), ClientError> {
        self.send(ClientMessage::PlayerReady { song_id })
    }

    /// Reports that the player reached the end of `song_id` (for songs of unknown length).
    ///
    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn song_ended(&self, song_id: SongId) -> Result<(), ClientError> {
        self.send(ClientMessage::SongEnded { song_id })
    }

    /// Whether the room should wait for this player before starting songs; kept for rejoins.
    ///
    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn set_wait_for_me(&self, wait: bool) -> Result<(), ClientError> {
        self.enqueue(Command::SetWaitForMe(wait))
    }

    /// Leaves the room, closes the socket and stops the client. Offline, it just stops (the
    /// room forgets the member after its reconnect grace).
    ///
    /// # Errors
    /// [`ClientError::Stopped`] when the client had already stopped.
    pub async fn leave(&self) -> Result<(), ClientError> {
        let (ack, done) = oneshot::channel();
        self.commands
            .send(Command::Leave(ack))
            .await
            .map_err(|_| ClientError::Stopped)?;
        // A lost acknowledgement means the task ended anyway.
        let _ = tokio::time::timeout(LEAVE_TIMEOUT, done).await;
        Ok(())
    }

    /// Waits until the client has stopped (left, failed, or the room closed) and returns its
    /// last state.
    pub async fn stopped(&self) -> ClientState {
        let mut rx = self.state.clone();
        if let Ok(state) = rx.wait_for(|s| s.status.is_final()).await {
            return state.clone();
        }
        rx.borrow().clone()
    }

    /// Sends any message to the room (`set-role`, `transfer-host`, `reorder-queue`, ...), in order
    /// with the others.
    ///
    /// # Errors
    /// As for [`pause`](Self::pause).
    pub fn send(&self, msg: ClientMessage) -> Result<(), ClientError> {
        self.enqueue(Command::Send(msg))
    }

    fn enqueue(&self, cmd: Command) -> Result<(), ClientError> {
        if self.state.borrow().status.is_final() {
            return Err(ClientError::Stopped);
        }
        self.commands.try_send(cmd).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => ClientError::Busy,
            mpsc::error::TrySendError::Closed(_) => ClientError::Stopped,
        })
    }
}
