//! The wire protocol: JSON text frames `{"type": ..., ...}` on `/ws`.
//!
//! Field names are camelCase, message types kebab-case, times are microseconds on the room clock
//! (`...Us`). Every message is shown with an example in `docs/protocol.md`.

mod client;
mod decode;
mod server;
mod views;

pub use client::{ClientMessage, SongInput};
pub use decode::decode_client;
pub use server::{PlaybackEvent, PlaybackReason, RoomJoined, ServerMessage};
pub use views::{
    ChatView, MemberGone, MemberId, MemberView, PlaybackView, QueueEntryView, RoomView, SongId,
    SongView, VoteView, YouView,
};

/// The protocol version this build speaks. A client announcing another major version is refused.
pub const PROTOCOL_VERSION: u32 = 1;
