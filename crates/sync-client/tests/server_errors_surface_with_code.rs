//! What the server refuses shows in the client's state with its stable code: a wrong room code
//! or password stops the client (retrying cannot help), a forbidden command does not; an
//! unreachable server is retried and reported as such.

mod common;

use std::time::Duration;

use common::{Host, S, TestServer, wait_state};
use room_core::ErrorCode;
use room_server::ServerConfig;
use sync_client::{ClientConfig, ConnectionStatus, Join, SyncClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_surface_with_code() {
    let server = TestServer::start(ServerConfig::default());
    let mut host = Host::create(&server, "host-only", Some("open sesame")).await;
    host.add_youtube("dQw4w9WgXcQ", 300 * S).await;

    // No such room.
    let lost = SyncClient::spawn(ClientConfig::new(server.url(), Join::new("ZZZZZZ", "Lost")))
        .expect("spawn");
    let end = tokio::time::timeout(common::WAIT, lost.stopped())
        .await
        .expect("stops");
    assert_eq!(end.status, ConnectionStatus::Failed);
    assert_eq!(
        end.last_error.as_ref().and_then(|e| e.server_code()),
        Some(ErrorCode::RoomNotFound)
    );
    assert!(lost.pause().is_err(), "a stopped client takes no commands");

    // Wrong password.
    let mut join = Join::new(host.code.clone(), "Guesser");
    join.password = Some("abracadabra".into());
    let guesser = SyncClient::spawn(ClientConfig::new(server.url(), join)).expect("spawn");
    let end = tokio::time::timeout(common::WAIT, guesser.stopped())
        .await
        .expect("stops");
    assert_eq!(end.status, ConnectionStatus::Failed);
    assert_eq!(
        end.last_error.as_ref().and_then(|e| e.server_code()),
        Some(ErrorCode::WrongPassword)
    );

    // The right password; then a pause the host-only policy forbids.
    let mut join = Join::new(host.code.clone(), "Guest");
    join.password = Some("open sesame".into());
    let guest = SyncClient::spawn(ClientConfig::new(server.url(), join)).expect("spawn");
    wait_state(&guest, "in the room", |s| {
        s.status == ConnectionStatus::InRoom
    })
    .await;
    guest.pause().expect("sent");
    let state = wait_state(&guest, "the refusal", |s| s.last_error.is_some()).await;
    assert_eq!(
        state.last_error.as_ref().and_then(|e| e.server_code()),
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(state.status, ConnectionStatus::InRoom);
    assert!(state.room.as_ref().is_some_and(|r| r.playback.is_playing));
    guest.leave().await.expect("leave");

    // Nobody listening: retried, reported as unreachable; leaving stops it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("ws://{}/ws", closed.local_addr().expect("addr"));
    drop(closed);
    let nowhere =
        SyncClient::spawn(ClientConfig::new(url, Join::new("ABCDEF", "Nowhere"))).expect("spawn");
    let state = wait_state(&nowhere, "a retry scheduled", |s| {
        matches!(s.status, ConnectionStatus::Reconnecting { .. })
    })
    .await;
    assert_eq!(
        state.last_error.as_ref().map(|e| e.kind()),
        Some("unreachable")
    );
    tokio::time::timeout(Duration::from_secs(2), nowhere.leave())
        .await
        .expect("leave returns")
        .expect("leave");
    assert_eq!(nowhere.state().status, ConnectionStatus::Closed);

    // A bad address is refused at once.
    assert!(
        SyncClient::spawn(ClientConfig::new(
            "http://example.com/ws",
            Join::new("A", "B")
        ))
        .is_err()
    );
    server.stop().await;
}
