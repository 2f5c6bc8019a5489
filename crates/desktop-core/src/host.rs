//! The room server this app runs when it hosts: the real `room-server` on this machine,
//! reachable on the LAN, with its rooms in a SQLite file in the app's data folder and the host's
//! own files shared by content hash.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use room_server::ServerConfig;
use room_server::files::FileRegistry;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::CoreError;

/// A running embedded room server.
pub struct HostServer {
    addr: SocketAddr,
    files: Arc<FileRegistry>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HostServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Where the embedded server keeps its rooms and members' uploads.
#[derive(Debug, Clone)]
pub struct HostPaths {
    pub store: PathBuf,
    pub uploads: PathBuf,
}

impl HostPaths {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            store: dir.join("rooms.sqlite"),
            uploads: dir.join("uploads"),
        }
    }
}

impl HostServer {
    /// Starts the server on every interface at `port`, or on any free port when that one is
    /// taken (another app, a second Tandem) or `port` is 0.
    ///
    /// # Errors
    /// [`CoreError::Server`] when no port can be bound or the store cannot be opened.
    pub async fn start(
        port: u16,
        paths: &HostPaths,
        loopback_only: bool,
    ) -> Result<Self, CoreError> {
        let ip = if loopback_only {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        };
        let listener = match room_server::bind(SocketAddr::new(ip, port)) {
            Ok(l) => l,
            Err(e) if port != 0 => {
                tracing::info!(port, error = %e, "host port taken; using any free port");
                room_server::bind(SocketAddr::new(ip, 0))
                    .map_err(|e| CoreError::Server(e.to_string()))?
            }
            Err(e) => return Err(CoreError::Server(e.to_string())),
        };
        let addr = listener
            .local_addr()
            .map_err(|e| CoreError::Server(e.to_string()))?;
        std::fs::create_dir_all(&paths.uploads)
            .map_err(|e| CoreError::io("creating the uploads folder", e))?;
        let files = Arc::new(FileRegistry::new());
        let config = ServerConfig {
            store_path: Some(paths.store.clone()),
            files: files.clone(),
            upload_dir: Some(paths.uploads.clone()),
            ..ServerConfig::default()
        };
        let (shutdown, stop) = oneshot::channel::<()>();
        let (started_tx, started) = oneshot::channel::<Result<(), String>>();
        let task = tokio::spawn(async move {
            let run = room_server::run(
                listener,
                async move {
                    let _ = stop.await;
                },
                config,
            );
            // `run` fails early (the store) or runs until shut down.
            let mut started_tx = Some(started_tx);
            tokio::pin!(run);
            tokio::select! {
                result = &mut run => {
                    if let Some(tx) = started_tx.take() {
                        let _ = tx.send(result.map_err(|e| e.to_string()));
                    }
                    return;
                }
                () = tokio::time::sleep(std::time::Duration::from_millis(300)) => {
                    if let Some(tx) = started_tx.take() {
                        let _ = tx.send(Ok(()));
                    }
                }
            }
            if let Err(e) = run.await {
                tracing::error!(error = %e, "the room server stopped");
            }
        });
        match started.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(CoreError::Server(e)),
            Err(_) => return Err(CoreError::Server("the server task ended".into())),
        }
        tracing::info!(%addr, "room server started");
        Ok(Self {
            addr,
            files,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The URL this app's own client joins with.
    pub fn local_url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.port())
    }

    /// `address:port` for each LAN address others can reach, IPv4 first; loopback when the
    /// machine has no network (or the server is bound to loopback).
    pub fn lan_addresses(&self) -> Vec<String> {
        let port = self.port();
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        if !self.addr.ip().is_loopback() {
            for iface in if_addrs::get_if_addrs().unwrap_or_default() {
                if iface.is_loopback() {
                    continue;
                }
                match iface.ip() {
                    IpAddr::V4(ip) if !ip.is_link_local() => v4.push(format!("{ip}:{port}")),
                    IpAddr::V6(ip) if ip.segments()[0] & 0xffc0 != 0xfe80 => {
                        v6.push(format!("[{ip}]:{port}"));
                    }
                    _ => {}
                }
            }
        }
        v4.sort();
        v6.sort();
        v4.extend(v6);
        if v4.is_empty() {
            v4.push(format!("127.0.0.1:{port}"));
        }
        v4
    }

    /// The files this server shares by content hash (hashing a file to share it is blocking
    /// work: call [`FileRegistry::share`] off the async threads).
    pub fn files(&self) -> Arc<FileRegistry> {
        self.files.clone()
    }

    /// Stops the server: connections are closed with "going away", the store flushed.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for HostServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
