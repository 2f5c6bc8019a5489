//! Tandem's sync client: the tokio driver between a listener's player and a room server.
//!
//! It connects (`ws://` or `wss://`), joins a room, samples the clock offset with
//! `clock-ping`/`clock-pong` through [`sync_core::ClockEstimator`], keeps the room's state
//! (members, queue, current song, timeline) from the server's broadcasts, and answers the one
//! question a player asks: *what should be playing at this local instant?*
//! ([`SyncHandle::target_at`]). After any drop (socket error, close, server restart, a link that
//! went silent) it reconnects with exponential backoff and jitter and rejoins with its resume
//! token, so it keeps its member id; a refused token means a fresh join.
//!
//! Everything is measured on one [`LocalClock`]: ping timestamps, pong arrivals, targets. A
//! [`SkewedClock`] shifts and skews all of them alike, which is how one machine tests what
//! another machine's clock would do.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sync_client::ClientError> {
//! use sync_client::{ClientConfig, Join, SyncClient};
//!
//! let join = Join::new("K7QM2D", "Kitchen");
//! let handle = SyncClient::spawn(ClientConfig::new("ws://127.0.0.1:7878/ws", join))?;
//! let mut state = handle.watch();
//! let _ = state.wait_for(|s| s.status == sync_client::ConnectionStatus::InRoom).await;
//! if let Some(t) = handle.target_at(handle.now_us()) {
//!     println!("song {} at {:?}", t.song_id, t.target);
//! }
//! handle.leave().await?;
//! # Ok(()) }
//! ```
//!
//! # Layout
//! ```text
//! src/
//!   lib.rs              this overview and the re-exports
//!   handle.rs           SyncClient::spawn, SyncHandle: state, commands, target_at, leave
//!   config.rs           ClientConfig, Join, TlsOptions, ReconnectPolicy
//!   clock.rs            LocalClock, MonotonicClock, SkewedClock
//!   state.rs            ClientState (published through a watch channel), ConnectionStatus,
//!                       ClockStatus, PlaybackArrival, SongTarget
//!   room_state.rs       RoomState: the room from room-joined plus its broadcasts (pure)
//!   error.rs            ClientError (with a stable kind), ServerRefusal
//!   command.rs          what a handle asks of the driver
//!   driver.rs           the task: connect, backoff and reconnect, publish
//!   driver/session.rs   one connection: hello, join, the select! over socket, commands,
//!                       ping timer and dead-link timer; message handling
//!   connect.rs          URL checks, TCP with TCP_NODELAY, TLS, WebSocket handshake
//!   tls.rs              rustls config: system roots plus an optional extra CA
//!   backoff.rs          exponential backoff with jitter
//!   files/              shared local songs: FileCache, CachedFile, StreamingReader, upload
//!                       (downloads by hash with Range, resume, hash check; see files/mod.rs)
//! tests/                one file per behaviour, against the real room server in-process
//! ```
//!
//! # Order of events
//! Server messages are applied in arrival order and a new [`ClientState`] is published after
//! each one; commands are sent in the order given. A playback change takes effect at its
//! `effectiveAtUs`: until then [`SyncHandle::target_at`] keeps answering with the state it
//! replaces (see [`sync_core::Timeline::apply`]).

mod backoff;
mod clock;
mod command;
mod config;
mod connect;
mod driver;
mod error;
pub mod files;
mod handle;
mod room_state;
mod state;
mod tls;

pub use clock::{LocalClock, MonotonicClock, SkewedClock};
pub use config::{ClientConfig, CreateRoom, Join, ReconnectPolicy, TlsOptions};
pub use error::{ClientError, ServerRefusal};
pub use files::{
    CachedFile, DownloadStatus, FileCache, FileError, Progress, StreamingReader, http_base_url,
    upload,
};
pub use handle::{SyncClient, SyncHandle};
pub use room_state::RoomState;
pub use state::{
    ClientState, ClockStatus, ConnectionStatus, CreatedRoom, Me, PlaybackArrival, SongTarget,
};
pub use sync_core::{RoomPlayback, Target};
