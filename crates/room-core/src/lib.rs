//! Sans-IO core of a Tandem room.
//!
//! Takes inputs with an explicit `now` (room clock, microseconds) and returns what to send and
//! what to store; it never touches a socket, a clock, a file or a random number generator, so it
//! is deterministic and tested on synthetic time.
//!
//! # Layout
//! - [`protocol`]: every wire message (`ClientMessage`, `ServerMessage`) and [`decode_client`].
//! - [`room`]: one room's state machine ([`Room`]): join/leave/resume, authorization, effects.
//! - [`playback`]: the original design's `PlaybackState` (startedAt/pausedAt timeline).
//! - [`queue`]: the shared queue: votes, pins, play order.
//! - [`source`]: validating and normalising YouTube/Spotify links and local-file entries.
//! - [`policy`]: roles, control policy, the `allowed` check.
//! - [`persist`]: records a room stores and is restored from.
//! - [`error`]: stable error codes.
//! - [`text`], [`secret`]: validation of free text; digests of secrets.

pub mod error;
pub mod persist;
pub mod playback;
pub mod policy;
pub mod protocol;
pub mod queue;
pub mod room;
pub mod secret;
pub mod source;
pub mod text;

pub use error::{ErrorCode, RoomError};
pub use policy::{ControlPolicy, Role};
pub use protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage, decode_client};
pub use room::{CreateParams, Effect, JoinParams, Recipient, Room, RoomConfig};
pub use source::SongSource;
