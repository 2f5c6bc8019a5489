//! A room server inside the lab's process, on loopback.

use std::net::SocketAddr;
use std::time::Duration;

use room_server::{ServerConfig, ServerError};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::LabError;

/// A running `room_server::run`. Dropping it aborts the server (like a killed process); use
/// [`LabServer::stop`] for a graceful stop.
#[derive(Debug)]
pub struct LabServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl LabServer {
    /// Starts a server on `127.0.0.1:0`.
    ///
    /// # Errors
    /// When loopback cannot be bound.
    pub async fn start(config: ServerConfig) -> Result<Self, LabError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(LabError::io("binding the room server to 127.0.0.1:0"))?;
        Self::serve(listener, config)
    }

    /// Starts a server on `addr` with `SO_REUSEADDR`, so a server can come back on the port of
    /// one that just stopped (its connections may linger in `TIME_WAIT`).
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start_on(addr: SocketAddr, config: ServerConfig) -> Result<Self, LabError> {
        let bind = || -> std::io::Result<TcpListener> {
            let socket = if addr.is_ipv4() {
                TcpSocket::new_v4()?
            } else {
                TcpSocket::new_v6()?
            };
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            socket.listen(1024)
        };
        let listener =
            bind().map_err(LabError::io(format!("binding the room server to {addr}")))?;
        Self::serve(listener, config)
    }

    fn serve(listener: TcpListener, config: ServerConfig) -> Result<Self, LabError> {
        let addr = listener
            .local_addr()
            .map_err(LabError::io("reading the server's address"))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(room_server::run(
            listener,
            async {
                let _ = stopped.await;
            },
            config,
        ));
        Ok(Self {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://ADDR/ws`.
    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Graceful stop: closes sockets and flushes the store, within `timeout`.
    ///
    /// # Errors
    /// When the server does not stop in time or stopped with an error.
    pub async fn stop(mut self, timeout: Duration) -> Result<(), LabError> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(timeout, task).await {
            Err(_) => Err(LabError::Timeout("the room server did not stop".into())),
            Ok(Err(e)) => Err(LabError::Refused(format!("server task: {e}"))),
            Ok(Ok(Err(e))) => Err(LabError::Refused(format!("server: {e}"))),
            Ok(Ok(Ok(()))) => Ok(()),
        }
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
