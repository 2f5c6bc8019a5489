//! Errors a room answers a client with: a stable machine code plus a human message.

use serde::{Deserialize, Serialize};

/// Stable error codes sent in `error` messages. Clients switch on these; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The frame was not valid JSON.
    MalformedJson,
    /// The frame was JSON but had no string `type`.
    MissingType,
    /// The `type` is not one this server knows.
    UnknownType,
    /// A field is missing, has the wrong type, or is out of its allowed range.
    InvalidField,
    /// The client's protocol version is not supported.
    UnsupportedProtocol,
    /// The request needs a joined room and this connection has not joined one.
    NotInRoom,
    /// This connection already joined a room; leave it first.
    AlreadyInRoom,
    /// No room has that code.
    RoomNotFound,
    /// The room needs a password and it was missing or wrong.
    WrongPassword,
    /// The resume token is unknown or expired; join again without it.
    InvalidResumeToken,
    /// The host secret does not match this room.
    WrongHostSecret,
    /// The member's role does not allow this under the room's control policy.
    Forbidden,
    /// The song link or file entry is not something Tandem can play.
    UnsupportedSource,
    /// No song with that id is in the queue (or current).
    SongNotFound,
    /// The named member is not in the room.
    MemberNotFound,
    /// There is no current song to control.
    NothingPlaying,
    /// The queue has no song to play next.
    QueueEmpty,
    /// The queue is at its size limit.
    QueueFull,
    /// The room is full.
    RoomFull,
    /// Pause while paused.
    AlreadyPaused,
    /// Resume while playing.
    AlreadyPlaying,
    /// Too many messages; slow down.
    RateLimited,
    /// The server is at its room limit.
    ServerFull,
    /// The room was closed by its host.
    RoomClosed,
    /// Something went wrong on the server; the request may be retried.
    Internal,
}

impl ErrorCode {
    /// The wire spelling of the code, e.g. `"not-in-room"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed-json",
            Self::MissingType => "missing-type",
            Self::UnknownType => "unknown-type",
            Self::InvalidField => "invalid-field",
            Self::UnsupportedProtocol => "unsupported-protocol",
            Self::NotInRoom => "not-in-room",
            Self::AlreadyInRoom => "already-in-room",
            Self::RoomNotFound => "room-not-found",
            Self::WrongPassword => "wrong-password",
            Self::InvalidResumeToken => "invalid-resume-token",
            Self::WrongHostSecret => "wrong-host-secret",
            Self::Forbidden => "forbidden",
            Self::UnsupportedSource => "unsupported-source",
            Self::SongNotFound => "song-not-found",
            Self::MemberNotFound => "member-not-found",
            Self::NothingPlaying => "nothing-playing",
            Self::QueueEmpty => "queue-empty",
            Self::QueueFull => "queue-full",
            Self::RoomFull => "room-full",
            Self::AlreadyPaused => "already-paused",
            Self::AlreadyPlaying => "already-playing",
            Self::RateLimited => "rate-limited",
            Self::ServerFull => "server-full",
            Self::RoomClosed => "room-closed",
            Self::Internal => "internal",
        }
    }
}

/// A rejected request: what went wrong, for the client that sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct RoomError {
    pub code: ErrorCode,
    pub message: String,
}

impl RoomError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidField, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }
}
