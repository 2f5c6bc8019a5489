//! `tandem-server`: the headless room server.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use room_server::{Limits, ServerConfig, TlsFiles};
use tracing_subscriber::EnvFilter;

/// Tandem room server: hosts listening rooms over WebSocket (`/ws`), with `/health` and `/metrics`.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on. Only loopback unless --expose is given.
    #[arg(long, env = "TANDEM_BIND")]
    bind: Option<IpAddr>,
    /// Listen on every interface (or on a non-loopback --bind): rooms become reachable from the
    /// network.
    #[arg(long)]
    expose: bool,
    #[arg(long, short, env = "TANDEM_PORT", default_value_t = 7878)]
    port: u16,
    /// SQLite file for rooms (default: rooms.db in the user's data directory).
    #[arg(long, env = "TANDEM_STORE")]
    store: Option<PathBuf>,
    /// Keep rooms in memory only; nothing survives a restart.
    #[arg(long, conflicts_with = "store")]
    memory: bool,
    /// PEM certificate chain; with --tls-key, serve wss:// instead of ws://.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Largest accepted message, in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    max_frame_bytes: usize,
    /// Messages per second a client may send (bursts of three times this).
    #[arg(long, default_value_t = 20.0)]
    rate: f64,
    /// Seconds without any frame before a socket is closed.
    #[arg(long, default_value_t = 60)]
    idle_timeout: u64,
    /// Messages that may wait for one slow listener before it is dropped.
    #[arg(long, default_value_t = 256)]
    outbound_queue: usize,
    /// Rooms held at once.
    #[arg(long, default_value_t = 10_000)]
    max_rooms: usize,
    /// Seconds a dropped member (the host too) keeps its place and role.
    #[arg(long, default_value_t = 60)]
    reconnect_grace: u64,
    /// Where members' uploaded song files are kept (default: `files` next to the store; with
    /// --memory and no --upload-dir, uploads are refused).
    #[arg(long, env = "TANDEM_UPLOAD_DIR")]
    upload_dir: Option<PathBuf>,
    /// Refuse uploads of song files.
    #[arg(long, conflicts_with = "upload_dir")]
    no_uploads: bool,
    /// Largest song file a member may upload, in megabytes.
    #[arg(long, default_value_t = 200)]
    max_upload_mb: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();

    let ip = match (args.bind, args.expose) {
        (Some(ip), false) if !ip.is_loopback() => bail!(
            "refusing to listen on {ip} without --expose: rooms would be reachable from the network"
        ),
        (Some(ip), _) => ip,
        (None, true) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        (None, false) => IpAddr::V4(Ipv4Addr::LOCALHOST),
    };
    let store_path = if args.memory {
        None
    } else {
        Some(match args.store {
            Some(p) => p,
            None => default_store_path()?,
        })
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    let upload_dir = match (args.upload_dir, args.no_uploads, &store_path) {
        (_, true, _) => None,
        (Some(dir), false, _) => Some(dir),
        (None, false, Some(store)) => Some(
            store
                .parent()
                .map_or_else(|| PathBuf::from("files"), |p| p.join("files")),
        ),
        (None, false, None) => None,
    };
    let config = ServerConfig {
        limits: Limits {
            max_frame_bytes: args.max_frame_bytes,
            outbound_queue: args.outbound_queue.max(1),
            rate_per_sec: args.rate,
            rate_burst: args.rate * 3.0,
            idle_timeout: Duration::from_secs(args.idle_timeout),
            max_rooms: args.max_rooms,
            ..Limits::default()
        },
        room: room_core::RoomConfig {
            reconnect_grace_us: i64::try_from(args.reconnect_grace).unwrap_or(60) * 1_000_000,
            ..room_core::RoomConfig::default()
        },
        store_path: store_path.clone(),
        tls: tls.clone(),
        upload_dir: upload_dir.clone(),
        max_upload_bytes: args.max_upload_mb.saturating_mul(1_000_000),
        ..ServerConfig::default()
    };
    let addr = SocketAddr::new(ip, args.port);
    let listener = room_server::bind(addr).with_context(|| {
        format!("cannot listen on {addr}; is another server using the port? try --port")
    })?;
    let scheme = if tls.is_some() { "wss" } else { "ws" };
    let local = listener.local_addr()?;
    match &store_path {
        Some(p) => tracing::info!("storing rooms in {}", p.display()),
        None => tracing::info!("rooms are kept in memory only"),
    }
    match &upload_dir {
        Some(p) => tracing::info!("storing uploaded files in {}", p.display()),
        None => tracing::info!("uploads of files are refused"),
    }
    println!("tandem-server listening on {scheme}://{local}/ws");
    room_server::run(listener, shutdown_signal(), config)
        .await
        .context("the room server stopped with an error")
}

fn default_store_path() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("app", "Tandem", "Tandem")
        .context("cannot find a data directory for this user; pass --store PATH")?;
    Ok(dirs.data_dir().join("rooms.db"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
