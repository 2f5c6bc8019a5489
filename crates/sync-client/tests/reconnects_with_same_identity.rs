//! The server is killed mid-song and started again on the same address and SQLite store: the
//! client notices, keeps answering targets from its last mapping meanwhile, reconnects with
//! backoff and comes back as the same member (no duplicate), on the same timeline.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Host, MS, S, TestServer, wait_state};
use room_server::ServerConfig;
use sync_client::{
    ClientConfig, ConnectionStatus, Join, LocalClock, MonotonicClock, ReconnectPolicy, SyncClient,
    Target,
};

fn config(store: &std::path::Path) -> ServerConfig {
    ServerConfig {
        store_path: Some(store.to_path_buf()),
        ..ServerConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_with_same_identity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("rooms.sqlite");
    let server = TestServer::start(config(&store));
    let addr = server.addr;
    let mut host = Host::create(&server, "host-and-djs", None).await;
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;

    let clock = MonotonicClock::new();
    let mut cfg = ClientConfig::new(server.url(), Join::new(host.code.clone(), "Kitchen"))
        .with_clock(Arc::new(clock));
    cfg.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
        jitter: 0.5,
    };
    let client = SyncClient::spawn(cfg).expect("spawn");
    let before = wait_state(&client, "in the room and synced", |s| {
        s.status == ConnectionStatus::InRoom && s.clock.synced
    })
    .await;
    let me = before.me.expect("me").member_id;
    // Let the store write the member down before the crash.
    tokio::time::sleep(Duration::from_millis(500)).await;

    server.kill().await;
    let down = wait_state(&client, "the drop noticed", |s| {
        s.status != ConnectionStatus::InRoom
    })
    .await;
    eprintln!("dropped: {:?} ({:?})", down.status, down.last_error);
    // Offline, the player still has a target from the last mapping.
    assert!(
        matches!(
            client.target_at(clock.now_us()).map(|t| t.target),
            Some(Target::Playing { .. })
        ),
        "no target while reconnecting"
    );
    // Let a retry or two fail against the closed port.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let server = TestServer::start_at(addr, config(&store));
    let after = wait_state(&client, "back in the room, synced", |s| {
        s.status == ConnectionStatus::InRoom && s.rejoins == 1 && s.clock.synced
    })
    .await;
    assert_eq!(after.me.map(|m| m.member_id), Some(me), "a new identity");
    let room = after.room.as_ref().expect("room");
    let named: Vec<_> = room
        .members
        .values()
        .filter(|m| m.name == "Kitchen")
        .collect();
    assert_eq!(named.len(), 1, "duplicate member: {:?}", room.members);

    // Still on the stored timeline.
    let mut host = Host::create(&server, "host-and-djs", None).await;
    let reading = host.room_now().await;
    let Some(Target::Playing { position_us }) =
        client.target_at(clock.at(reading.at)).map(|t| t.target)
    else {
        panic!("expected playing after the restart");
    };
    let expected = reading.room_us - started.started_at_us;
    eprintln!(
        "after restart: position error {} us; startedAt {} -> {}",
        position_us - expected,
        started.started_at_us,
        room.playback.started_at_us
    );
    let slack = i64::try_from(reading.rtt.as_micros()).unwrap_or(i64::MAX) / 2;
    assert!(
        (position_us - expected).abs() <= 3 * MS + slack,
        "position {position_us} vs stored timeline {expected}"
    );
    client.leave().await.expect("leave");
    server.stop().await;
}
