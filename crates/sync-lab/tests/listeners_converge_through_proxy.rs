//! Two listeners with badly wrong clocks (seconds off, hundreds of ppm fast or slow), each
//! through its own LAN proxy, converge onto the room within a few seconds and then agree.
//! Behaviour, not a benchmark: the bounds are generous (the figures are in docs/benchmarks.md).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use room_server::ServerConfig;
use support::{Listener, room_with_song, temp_dir, wait_converged, window};
use sync_lab::proxy::Profile;
use sync_lab::server::LabServer;
use sync_lab::wall_us;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_with_wrong_clocks_converge_and_agree() {
    let Some(bin) = support::listen_bin() else {
        return;
    };
    let dir = temp_dir();
    let server = LabServer::start(ServerConfig::default()).await.unwrap();
    let host = room_with_song(&server.url()).await;
    let started = wall_us();
    let mut listeners = vec![
        Listener::start(
            &bin,
            dir.path(),
            server.addr(),
            Profile::lan(),
            host.code(),
            "fast-ahead",
            (2_300, 180),
        )
        .await,
        Listener::start(
            &bin,
            dir.path(),
            server.addr(),
            Profile::lan(),
            host.code(),
            "slow-behind",
            (-1_700, -150),
        )
        .await,
    ];

    let took = wait_converged(
        &mut listeners,
        || host.truth(),
        started,
        5_000,
        1_000_000,
        Duration::from_secs(15),
    )
    .await;
    eprintln!("converged after {took:?}");

    let from = wall_us();
    tokio::time::sleep(Duration::from_secs(3)).await;
    for l in &mut listeners {
        l.alive();
    }
    let w = window(&listeners, &host.truth(), from, wall_us() - 50_000);
    eprintln!("{w:?}");
    assert!(w.instants_used >= 200, "too few comparable instants: {w:?}");
    assert!(w.spread.max_ms < 5.0, "listeners disagree: {w:?}");
    assert!(w.error.p99_ms < 5.0, "listeners off the room: {w:?}");
}
