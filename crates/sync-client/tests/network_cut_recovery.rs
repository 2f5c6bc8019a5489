//! Through a TCP proxy: a cut link (both sockets closed) and a link gone silent (no byte either
//! way, TCP none the wiser) are both noticed, and the client comes back as the same member on
//! the same timeline once the path works again. Meanwhile it keeps answering targets.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::proxy::{Mode, Proxy};
use common::{Host, MS, S, TestServer, wait_state};
use room_server::ServerConfig;
use sync_client::{
    ClientConfig, ConnectionStatus, Join, LocalClock, MonotonicClock, ReconnectPolicy, SyncClient,
    Target,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_cut_recovery() {
    let server = TestServer::start(ServerConfig::default());
    let mut host = Host::create(&server, "host-and-djs", None).await;
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;
    let proxy = Proxy::start(server.addr).await;

    let clock = MonotonicClock::new();
    let mut cfg = ClientConfig::new(proxy.url(), Join::new(host.code.clone(), "Behind a proxy"))
        .with_clock(Arc::new(clock));
    cfg.dead_after = Duration::from_millis(1_500);
    cfg.connect_timeout = Duration::from_millis(1_000);
    cfg.reconnect = ReconnectPolicy {
        initial_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(500),
        jitter: 0.5,
    };
    let client = SyncClient::spawn(cfg).expect("spawn");
    let first = wait_state(&client, "in the room", |s| {
        s.status == ConnectionStatus::InRoom && s.clock.synced
    })
    .await;
    let me = first.me.expect("me").member_id;

    // 1. Cut: both sockets close; the client is back at once.
    proxy.cut();
    wait_state(&client, "the cut noticed", |s| {
        s.status != ConnectionStatus::InRoom
    })
    .await;
    let back = wait_state(&client, "back after the cut", |s| {
        s.status == ConnectionStatus::InRoom && s.rejoins == 1
    })
    .await;
    assert_eq!(back.me.map(|m| m.member_id), Some(me));

    // 2. Silence: nothing goes through, nothing closes. The client notices by itself.
    let silent_at = Instant::now();
    proxy.set_mode(Mode::Hold);
    let noticed = wait_state(&client, "the silence noticed", |s| {
        s.status != ConnectionStatus::InRoom
    })
    .await;
    let noticed_after = silent_at.elapsed();
    eprintln!(
        "silence noticed after {noticed_after:?}: {:?}",
        noticed.last_error
    );
    assert_eq!(
        noticed.last_error.as_ref().map(|e| e.kind()),
        Some("dropped")
    );
    // Retries hang in the held proxy and time out; the player still has its target.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(matches!(
        client.target_at(clock.now_us()).map(|t| t.target),
        Some(Target::Playing { .. })
    ));
    assert_ne!(client.state().status, ConnectionStatus::InRoom);

    proxy.cut();
    proxy.set_mode(Mode::Forward);
    let back = wait_state(&client, "back after the silence", |s| {
        s.status == ConnectionStatus::InRoom && s.rejoins == 2 && s.clock.synced
    })
    .await;
    assert_eq!(back.me.map(|m| m.member_id), Some(me));
    let room = back.room.as_ref().expect("room");
    assert_eq!(
        room.members
            .values()
            .filter(|m| m.name == "Behind a proxy")
            .count(),
        1
    );

    let reading = host.room_now().await;
    let Some(Target::Playing { position_us }) =
        client.target_at(clock.at(reading.at)).map(|t| t.target)
    else {
        panic!("expected playing after recovery");
    };
    let error = position_us - (reading.room_us - started.started_at_us);
    let slack = i64::try_from(reading.rtt.as_micros()).unwrap_or(i64::MAX) / 2;
    eprintln!("after recovery: position error {error} us");
    assert!(error.abs() <= 3 * MS + slack, "off by {error} us");
    client.leave().await.expect("leave");
    server.stop().await;
}
