//! With clock sync off (the naive baseline) there are no pongs to prove the link alive: the
//! client keeps it alive with WebSocket pings instead and does not mistake a quiet room for a
//! dead link.

mod common;

use std::time::Duration;

use common::{Host, TestServer, wait_state};
use room_server::ServerConfig;
use sync_client::{ClientConfig, ConnectionStatus, Join, SyncClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stays_connected_without_clock_sync() {
    let server = TestServer::start(ServerConfig::default());
    let host = Host::create(&server, "host-and-djs", None).await;
    let mut cfg = ClientConfig::new(server.url(), Join::new(host.code.clone(), "Quiet"));
    cfg.clock_sync = false;
    cfg.dead_after = Duration::from_millis(2_000);
    let client = SyncClient::spawn(cfg).expect("spawn");
    wait_state(&client, "in the room", |s| {
        s.status == ConnectionStatus::InRoom
    })
    .await;

    // Over twice the dead-link timeout in a room where nothing happens.
    let mut watch = client.watch();
    let quiet = tokio::time::timeout(
        Duration::from_millis(4_500),
        watch.wait_for(|s| s.status != ConnectionStatus::InRoom),
    )
    .await;
    assert!(quiet.is_err(), "dropped: {:?}", client.state().last_error);
    let state = client.state();
    assert_eq!(state.rejoins, 0);
    assert_eq!(state.clock.samples, 0, "pinged the clock with sync off");
    client.leave().await.expect("leave");
    drop(host);
    server.stop().await;
}
