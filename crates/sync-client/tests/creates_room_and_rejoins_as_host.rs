//! A client that creates a room is its host; when the server restarts it joins the same room
//! back, still host, by the host secret and its resume token, not as a second member.

mod common;

use std::time::Duration;

use common::{TestServer, wait_state};
use room_core::{ControlPolicy, Role};
use room_server::ServerConfig;
use sync_client::{ClientConfig, ConnectionStatus, Join, ReconnectPolicy, SyncClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_room_and_rejoins_as_host() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = ServerConfig {
        store_path: Some(dir.path().join("rooms.sqlite")),
        ..ServerConfig::default()
    };
    let server = TestServer::start(config.clone());
    let addr = server.addr;

    let join = Join::create("Friday listening", ControlPolicy::HostOnly, "Ada");
    let mut cfg = ClientConfig::new(server.url(), join);
    cfg.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
        jitter: 0.5,
    };
    let client = SyncClient::spawn(cfg).expect("spawn");
    let first = wait_state(&client, "in the room it created", |s| {
        s.status == ConnectionStatus::InRoom && s.created.is_some()
    })
    .await;
    let created = first.created.clone().expect("created");
    let room = first.room.as_ref().expect("room");
    assert_eq!(room.code, created.code);
    assert_eq!(room.name, "Friday listening");
    assert_eq!(room.policy, ControlPolicy::HostOnly);
    let me = first.me.expect("me");
    assert_eq!(me.role, Role::Host);
    // Let the store write the room down before the crash.
    tokio::time::sleep(Duration::from_millis(500)).await;

    server.kill().await;
    wait_state(&client, "the drop noticed", |s| {
        s.status != ConnectionStatus::InRoom
    })
    .await;
    let server = TestServer::start_at(addr, config);
    let after = wait_state(&client, "back in the same room", |s| {
        s.status == ConnectionStatus::InRoom && s.rejoins == 1
    })
    .await;
    let room = after.room.as_ref().expect("room");
    assert_eq!(
        room.code, created.code,
        "created a second room instead of rejoining"
    );
    assert_eq!(
        after.me.map(|m| (m.member_id, m.role)),
        Some((me.member_id, Role::Host))
    );
    let hosts = room
        .members
        .values()
        .filter(|m| m.role == Role::Host)
        .count();
    assert_eq!(hosts, 1, "members: {:?}", room.members);
    client.leave().await.expect("leave");
    server.stop().await;
}
