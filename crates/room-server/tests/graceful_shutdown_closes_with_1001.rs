//! Stopping the server closes every socket with 1001 (going away), joined or not, lets `run`
//! return, and stops accepting connections.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use common::{Client, TestServer, room_with_listeners};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_closes_with_1001() {
    let server = TestServer::in_memory().await;
    let addr = server.addr;
    let (host, code, listeners) = room_with_listeners(&server, "host-only", 3).await;
    let mut other = Client::connect(&server).await;
    other.create_room("Second room", "everyone").await;
    let stranger = Client::connect(&server).await;
    let mut clients = vec![host, other, stranger];
    clients.extend(listeners);

    // Every client waits for its close while the server stops.
    let waiting: Vec<_> = clients
        .into_iter()
        .map(|mut c| tokio::spawn(async move { c.expect_close().await }))
        .collect();
    server.stop().await;
    for (i, w) in waiting.into_iter().enumerate() {
        assert_eq!(w.await.unwrap(), Some(1001), "client {i}");
    }
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the server still accepts connections after stopping (room {code})"
    );
}
