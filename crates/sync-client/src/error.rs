//! Errors of the sync client: each carries a stable [`kind`](ClientError::kind) for the UI and a
//! human message.

use room_core::ErrorCode;

/// Why something failed. Kept in [`ClientState::last_error`](crate::ClientState::last_error)
/// (so it is `Clone`), returned by [`SyncClient::spawn`](crate::SyncClient::spawn) and by the
/// command methods.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server address cannot be used.
    #[error("invalid server address {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The extra CA certificate file cannot be read or holds no certificate.
    #[error("cannot use the CA certificate {path}: {reason}")]
    CaCertificate { path: String, reason: String },
    /// The TLS configuration could not be built.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// TCP, TLS or the WebSocket handshake failed: the server is down, unreachable, or not a
    /// Tandem server. The client retries.
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// An open connection dropped (closed, reset, or silent for too long). The client retries.
    #[error("the connection dropped: {0}")]
    Dropped(String),
    /// The server refused a request; `code` is its stable error code.
    #[error("{0}")]
    Server(ServerRefusal),
    /// The host closed the room.
    #[error("the room was closed: {0}")]
    RoomClosed(String),
    /// A command was given while not in the room (connecting or reconnecting); it was dropped.
    #[error("not in the room right now (connecting); the command was dropped")]
    NotInRoom,
    /// Too many commands are waiting for the connection.
    #[error("too many commands waiting; slow down")]
    Busy,
    /// The client has stopped (left, failed, or its task ended).
    #[error("the sync client has stopped")]
    Stopped,
}

impl ClientError {
    /// A stable machine-readable kind, e.g. `"unreachable"`, `"server"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "invalid-url",
            Self::CaCertificate { .. } => "ca-certificate",
            Self::Tls(_) => "tls",
            Self::Unreachable(_) => "unreachable",
            Self::Dropped(_) => "dropped",
            Self::Server(_) => "server",
            Self::RoomClosed(_) => "room-closed",
            Self::NotInRoom => "not-in-room",
            Self::Busy => "busy",
            Self::Stopped => "stopped",
        }
    }

    /// The server's error code, when the server refused something.
    pub fn server_code(&self) -> Option<ErrorCode> {
        match self {
            Self::Server(r) => Some(r.code),
            _ => None,
        }
    }
}

/// An `error` message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRefusal {
    pub code: ErrorCode,
    pub message: String,
    /// The refused request's `type`, when the server knows it.
    pub request_type: Option<String>,
}

impl std::fmt::Display for ServerRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl ServerRefusal {
    /// Whether joining again cannot help: the room is gone, or the password, host secret or
    /// name is wrong. The client stops instead of retrying.
    pub fn is_fatal_for_join(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::RoomNotFound
                | ErrorCode::WrongPassword
                | ErrorCode::WrongHostSecret
                | ErrorCode::InvalidField
                | ErrorCode::UnsupportedProtocol
                | ErrorCode::RoomClosed
        )
    }
}
