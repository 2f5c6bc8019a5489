//! The lab's errors.

use std::path::PathBuf;

use room_core::ServerMessage;

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(
        "tandem-listen not found at {0} (build it with `cargo build --release -p listen-cli`, or pass --listen-bin PATH)"
    )]
    ListenBinMissing(PathBuf),
    #[error("timed out: {0}")]
    Timeout(String),
    #[error("websocket: {0}")]
    Ws(String),
    #[error("the server refused: {0}")]
    Refused(String),
    #[error("expected {expected}, got {got}")]
    Unexpected { expected: &'static str, got: String },
    #[error("the host's connection to the server is gone")]
    HostGone,
    #[error("listener {name} exited early ({status}); last stderr:\n{stderr}")]
    ListenerExited {
        name: String,
        status: String,
        stderr: String,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl LabError {
    pub(crate) fn unexpected(expected: &'static str, got: &ServerMessage) -> Self {
        let got = serde_json::to_string(got).unwrap_or_else(|_| format!("{got:?}"));
        Self::Unexpected { expected, got }
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}
