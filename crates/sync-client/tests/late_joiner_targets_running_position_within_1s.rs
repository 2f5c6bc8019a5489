//! A listener joining a room that is already playing has, within a second of connecting, a
//! synced clock estimate and a playing target at the room's running position, to within a few
//! milliseconds of the server's timeline.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Host, MS, S, TestServer, wait_state};
use room_server::ServerConfig;
use sync_client::{
    ClientConfig, ConnectionStatus, Join, LocalClock, MonotonicClock, SyncClient, Target,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_joiner_targets_running_position_within_1s() {
    let server = TestServer::start(ServerConfig::default());
    let mut host = Host::create(&server, "host-and-djs", None).await;
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;
    // The song has been playing for a while when the listener arrives.
    tokio::time::sleep(Duration::from_millis(400)).await;

    let clock = MonotonicClock::new();
    let connected_at = Instant::now();
    let client = SyncClient::spawn(
        ClientConfig::new(server.url(), Join::new(host.code.clone(), "Late"))
            .with_clock(Arc::new(clock)),
    )
    .expect("spawn");
    wait_state(&client, "synced with a playing target", |s| {
        s.status == ConnectionStatus::InRoom
            && s.clock.synced
            && matches!(
                s.target_at(clock.now_us()).map(|t| t.target),
                Some(Target::Playing { .. })
            )
    })
    .await;
    let ready_after = connected_at.elapsed();
    assert!(
        ready_after < Duration::from_secs(1),
        "synced and playing only after {ready_after:?}"
    );

    // Compare with the server's timeline at one instant, read through the room clock.
    let mut worst = 0;
    for _ in 0..5 {
        let reading = host.room_now().await;
        let Some(Target::Playing { position_us }) =
            client.target_at(clock.at(reading.at)).map(|t| t.target)
        else {
            panic!("expected a playing target");
        };
        let expected = reading.room_us - started.started_at_us;
        let error = position_us - expected;
        let slack = i64::try_from(reading.rtt.as_micros()).unwrap_or(i64::MAX) / 2;
        eprintln!(
            "ready after {ready_after:?}; position error {error} us (reading rtt {:?})",
            reading.rtt
        );
        assert!(
            error.abs() <= 3 * MS + slack,
            "position {position_us} vs server {expected}: off by {error} us"
        );
        worst = worst.max(error.abs());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("worst position error {worst} us");
    server.stop().await;
}
