//! What can go wrong, with a stable `kind` for the UI and tests and a message a person can act on.

use crate::view::UiError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Something the person typed or the UI sent does not make sense.
    #[error("{0}")]
    InvalidInput(String),
    #[error("you are not in a room")]
    NotInRoom,
    #[error("you are already in a room: leave it first")]
    AlreadyInRoom,
    #[error("only the host can do that")]
    NotHost,
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The room server could not start (the port taken, no permission).
    #[error("could not start the room server: {0}")]
    Server(String),
    #[error("{0}")]
    Client(#[from] sync_client::ClientError),
    #[error("{0}")]
    File(String),
    /// Spotify refused or failed (login, devices); `kind` is the spotify crate's code.
    #[error("{message}")]
    Spotify { kind: &'static str, message: String },
}

impl CoreError {
    pub fn io(what: &'static str, source: std::io::Error) -> Self {
        Self::Io { what, source }
    }

    /// A stable code for the UI and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) => "invalid-input",
            Self::NotInRoom => "not-in-room",
            Self::AlreadyInRoom => "already-in-room",
            Self::NotHost => "not-host",
            Self::Io { .. } => "io",
            Self::Server(_) => "server-start",
            Self::Client(e) => e.kind(),
            Self::File(_) => "file",
            Self::Spotify { kind, .. } => kind,
        }
    }

    pub fn to_ui(&self) -> UiError {
        UiError {
            kind: self.kind().to_owned(),
            message: self.to_string(),
        }
    }
}
