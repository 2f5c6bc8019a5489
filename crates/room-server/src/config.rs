//! Server settings: limits that protect the server from its peers, and where to store rooms.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use room_core::RoomConfig;

use crate::files::FileRegistry;

/// Per-connection and server-wide limits.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest text frame accepted; larger ones close the socket with 1009.
    pub max_frame_bytes: usize,
    /// Messages waiting for one slow socket; when full, that listener is dropped (the room never
    /// waits for it).
    pub outbound_queue: usize,
    /// Sustained messages per second a client may send...
    pub rate_per_sec: f64,
    /// ...with bursts up to this many.
    pub rate_burst: f64,
    /// Messages refused for rate within one window that make the server close the socket (1008).
    pub flood_close_after: u32,
    /// No frame (not even a pong) for this long closes the socket.
    pub idle_timeout: Duration,
    /// How often the server pings an idle socket.
    pub ping_interval: Duration,
    /// Rooms in memory at once.
    pub max_rooms: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 64 * 1024,
            outbound_queue: 256,
            rate_per_sec: 20.0,
            rate_burst: 60.0,
            flood_close_after: 200,
            idle_timeout: Duration::from_secs(60),
            ping_interval: Duration::from_secs(20),
            max_rooms: 10_000,
        }
    }
}

/// A certificate chain and key (PEM) to serve `wss://`.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub limits: Limits,
    pub room: RoomConfig,
    /// SQLite file; `None` keeps rooms in memory only (tests, throwaway rooms).
    pub store_path: Option<PathBuf>,
    pub tls: Option<TlsFiles>,
    /// Files served to rooms by hash. Shared, so the app that embeds the server keeps a clone
    /// and [shares](FileRegistry::share) its own files while the server runs.
    pub files: Arc<FileRegistry>,
    /// Where members' uploads are stored (as `<sha256>`); `None` refuses uploads.
    pub upload_dir: Option<PathBuf>,
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            room: RoomConfig::default(),
            store_path: None,
            tls: None,
            files: Arc::default(),
            upload_dir: None,
            max_upload_bytes: 200 * 1_000_000,
        }
    }
}
