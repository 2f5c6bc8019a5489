//! A listener whose clock is 5 s off and runs 200 ppm fast still maps room time right: the
//! estimate of the room clock is within a millisecond on loopback, both ways.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Host, MS, S, TestServer, wait_state};
use room_server::ServerConfig;
use sync_client::{ClientConfig, ConnectionStatus, Join, SkewedClock, SyncClient};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skewed_clock_still_syncs() {
    let server = TestServer::start(ServerConfig::default());
    let mut host = Host::create(&server, "host-and-djs", None).await;

    let clock = SkewedClock::new(5 * S, 200.0);
    let client = SyncClient::spawn(
        ClientConfig::new(server.url(), Join::new(host.code.clone(), "Skewed"))
            .with_clock(Arc::new(clock)),
    )
    .expect("spawn");
    wait_state(&client, "synced", |s| {
        s.status == ConnectionStatus::InRoom && s.clock.synced
    })
    .await;

    let mut worst = 0;
    for i in 0..12 {
        let reading = host.room_now().await;
        let local = clock.at(reading.at);
        let room = client.room_time_of(local).expect("a mapping");
        let error = room - reading.room_us;
        let slack = i64::try_from(reading.rtt.as_micros()).unwrap_or(i64::MAX) / 2;
        assert!(
            error.abs() <= MS + slack,
            "reading {i}: room time off by {error} us (reading rtt {:?})",
            reading.rtt
        );
        // And back: the local instant of that room instant.
        let back = client.local_time_of(reading.room_us).expect("a mapping");
        assert!(
            (back - local).abs() <= MS + slack,
            "reading {i}: local time off by {} us",
            back - local
        );
        worst = worst.max(error.abs());
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let status = client.state().clock;
    eprintln!(
        "worst room-time error {worst} us; offset {:?} us, skew {:.0} ppm, rtt {:?} us, uncertainty {:?} us",
        status.offset_us, status.skew_ppm, status.rtt_us, status.uncertainty_us
    );
    // The offset the estimator found is the one the clock was given (room clock minus 5 s).
    let offset = status.offset_us.expect("offset");
    let reading = host.room_now().await;
    let true_offset = reading.room_us - clock.at(reading.at);
    assert!(
        (offset - true_offset).abs() < 2 * MS,
        "{offset} vs {true_offset}"
    );
    client.leave().await.expect("leave");
    server.stop().await;
}
