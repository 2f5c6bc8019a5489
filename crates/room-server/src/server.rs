//! The accept loop: `run(listener, shutdown, config)`, embeddable in the app and testable on
//! `127.0.0.1:0`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use room_core::Room;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::RoomClock;
use crate::config::ServerConfig;
use crate::error::ServerError;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::state::{ServerState, Shared};
use crate::store::{SqliteStore, StoreWriter};
use crate::{http, room_task, tls};

/// Pending connections the kernel holds for us. The default of 128 overflows when a party's
/// thousand phones connect at once, and the kernel then retries each dropped SYN after a second.
const ACCEPT_BACKLOG: u32 = 4096;

/// Bind a listener for [`run`] with a backlog deep enough for a join storm.
///
/// # Errors
/// The address is in use or not ours to bind.
pub fn bind(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // A restarted server must get its port back while old connections linger in TIME_WAIT.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_BACKLOG)
}

/// How long shutdown waits for connections to say goodbye before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve rooms on `listener` until `shutdown` resolves, then close every socket with 1001, wait
/// for connections and rooms to finish, and flush the store.
///
/// With `config.store_path`, stored rooms are restored first: queue, votes, members (as
/// disconnected, resumable) and the playing timeline.
///
/// # Errors
/// A store that cannot be opened or read, or TLS files that cannot be loaded. Errors on single
/// connections are logged and never end the server.
pub async fn run(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    config: ServerConfig,
) -> Result<(), ServerError> {
    let (store, snapshots) = match &config.store_path {
        Some(path) => {
            let store = SqliteStore::open(path)?;
            let snapshots = store.load_rooms()?;
            (Some(StoreWriter::spawn(store)?), snapshots)
        }
        None => (None, Vec::new()),
    };
    let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
    let shared: Shared = Arc::new(ServerState {
        clock: RoomClock::new(),
        config,
        metrics: Metrics::default(),
        registry: Registry::default(),
        store,
        tracker: TaskTracker::new(),
        shutdown: CancellationToken::new(),
        next_conn_id: AtomicU64::new(1),
    });
    let now = shared.clock.now_us();
    let restored = snapshots.len();
    for snapshot in snapshots {
        let room = Room::restore(snapshot, now, shared.config.room.clone());
        let handle = room_task::spawn(room, Vec::new(), shared.clone(), shared.shutdown.clone());
        shared.registry.insert(handle);
    }
    tracing::info!(addr = ?listener.local_addr().ok(), restored, tls = tls.is_some(), "room server listening");

    let router = http::router(shared.clone());
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let task = serve_tcp(stream, tls.clone(), router.clone(), shared.clone());
                    shared.tracker.spawn(task);
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    tracing::info!("shutting down: closing connections");
    drop(listener);
    shared.shutdown.cancel();
    shared.tracker.close();
    if timeout(DRAIN_TIMEOUT, shared.tracker.wait()).await.is_err() {
        tracing::warn!("some connections did not close in time");
    }
    if let Some(store) = &shared.store
        && let Err(e) = store.flush().await
    {
        tracing::error!(error = %e, "the store could not write its last changes");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn serve_tcp(stream: TcpStream, tls: Option<TlsAcceptor>, router: Router, shared: Shared) {
    // Control messages are tiny and latency is the product: never wait for Nagle.
    let _ = stream.set_nodelay(true);
    match tls {
        None => serve_http(stream, router, shared).await,
        Some(acceptor) => match timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
            Ok(Ok(tls_stream)) => serve_http(tls_stream, router, shared).await,
            Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
            Err(_) => tracing::debug!("TLS handshake timed out"),
        },
    }
}

async fn serve_http<IO>(io: IO, router: Router, shared: Shared)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HANDSHAKE_TIMEOUT)
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(router))
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        () = shared.shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
