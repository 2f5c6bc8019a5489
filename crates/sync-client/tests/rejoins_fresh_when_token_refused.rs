//! A client away for longer than the room's reconnect grace finds its resume token refused
//! (`invalid-resume-token`): it joins afresh, as a new member, and says why in its state.

mod common;

use std::time::Duration;

use common::proxy::{Mode, Proxy};
use common::{Host, TestServer, wait_state};
use room_core::{ErrorCode, RoomConfig};
use room_server::ServerConfig;
use sync_client::{ClientConfig, ConnectionStatus, Join, ReconnectPolicy, SyncClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejoins_fresh_when_token_refused() {
    let server = TestServer::start(ServerConfig {
        room: RoomConfig {
            reconnect_grace_us: 300_000,
            ..RoomConfig::default()
        },
        ..ServerConfig::default()
    });
    let host = Host::create(&server, "host-and-djs", None).await;
    let proxy = Proxy::start(server.addr).await;
    let mut cfg = ClientConfig::new(proxy.url(), Join::new(host.code.clone(), "Wanderer"));
    cfg.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(300),
        jitter: 0.5,
    };
    let client = SyncClient::spawn(cfg).expect("spawn");
    let first = wait_state(&client, "in the room", |s| {
        s.status == ConnectionStatus::InRoom
    })
    .await;
    let old_id = first.me.expect("me").member_id;

    // Away for well over the grace.
    proxy.set_mode(Mode::Refuse);
    proxy.cut();
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    proxy.set_mode(Mode::Forward);

    let back = wait_state(&client, "back as a new member", |s| {
        s.status == ConnectionStatus::InRoom && s.me.is_some_and(|m| m.member_id != old_id)
    })
    .await;
    assert_eq!(
        back.last_error.as_ref().and_then(|e| e.server_code()),
        Some(ErrorCode::InvalidResumeToken)
    );
    let room = back.room.as_ref().expect("room");
    assert!(
        !room.members.contains_key(&old_id),
        "the old identity lingers"
    );
    assert_eq!(
        room.members
            .values()
            .filter(|m| m.name == "Wanderer")
            .count(),
        1
    );
    client.leave().await.expect("leave");
    drop(host);
    server.stop().await;
}
