//! Why fetching or uploading a file failed: a stable [`kind`](FileError::kind) for the UI and a
//! human message.

/// Why a file could not be fetched, read or uploaded. `Clone`, so a download's failure can be
/// handed to every reader of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The server address cannot be used.
    #[error("invalid server address {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The hash is not 64 hexadecimal digits.
    #[error("{0:?} is not a sha256 (64 hexadecimal digits)")]
    InvalidHash(String),
    /// TLS could not be set up, or the server's certificate is not trusted.
    #[error("TLS failed: {0}")]
    Tls(String),
    /// The server could not be reached, or the transfer broke off too often.
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The server answered with an error status: `code` is its stable error code (for example
    /// `not-in-room`, `forbidden`, `song-not-found`) when it sent one.
    #[error("the server refused ({status}, {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The server's answer made no sense (a range other than the one asked for, no length).
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    /// The downloaded bytes do not hash to the name they were asked for; they were deleted.
    #[error("the downloaded file hashes to {actual}, not {expected}; it was deleted")]
    HashMismatch { expected: String, actual: String },
    /// Reading or writing the local cache failed.
    #[error("file system: {0}")]
    Io(String),
    /// Every handle on the download was dropped before it finished (the part is kept).
    #[error("the download was cancelled")]
    Cancelled,
}

impl FileError {
    /// A stable machine-readable kind, e.g. `"unreachable"`, `"hash-mismatch"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "invalid-url",
            Self::InvalidHash(_) => "invalid-hash",
            Self::Tls(_) => "tls",
            Self::Unreachable(_) => "unreachable",
            Self::Refused { .. } => "refused",
            Self::Protocol(_) => "protocol",
            Self::HashMismatch { .. } => "hash-mismatch",
            Self::Io(_) => "io",
            Self::Cancelled => "cancelled",
        }
    }

    pub(crate) fn io(context: impl std::fmt::Display, e: &std::io::Error) -> Self {
        Self::Io(format!("{context}: {e}"))
    }
}
