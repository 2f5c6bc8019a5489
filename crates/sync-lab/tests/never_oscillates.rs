//! Once converged, a listener holds the room with small rate trims: no jumps, and the trims do
//! not swing back and forth (hysteresis), even with a clock 200 ppm off.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use room_server::ServerConfig;
use support::{Listener, room_with_song, temp_dir, wait_converged};
use sync_lab::analysis;
use sync_lab::proxy::Profile;
use sync_lab::server::LabServer;
use sync_lab::wall_us;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_jumps_and_few_trim_reversals_after_convergence() {
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
            "fast",
            (3_100, 200),
        )
        .await,
        Listener::start(
            &bin,
            dir.path(),
            server.addr(),
            Profile::lan(),
            host.code(),
            "slow",
            (-900, -200),
        )
        .await,
    ];
    wait_converged(
        &mut listeners,
        || host.truth(),
        started,
        2_000,
        1_000_000,
        Duration::from_secs(15),
    )
    .await;

    let from = wall_us();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let to = wall_us();
    for l in &mut listeners {
        l.alive();
        let tel = l.telemetry();
        let c = analysis::corrections(&tel, from, to);
        eprintln!("{}: {c:?}", l.proc.spec.name);
        assert_eq!(
            c.jumps, 0,
            "{} jumped after converging: {c:?}",
            l.proc.spec.name
        );
        assert!(
            c.trim_sign_flips <= 3,
            "{} trims swing back and forth: {c:?}",
            l.proc.spec.name
        );
        let samples = tel
            .samples
            .iter()
            .filter(|s| (from..to).contains(&s.wall_us()))
            .count();
        assert!(
            samples >= 300,
            "{} wrote {samples} samples in 10 s",
            l.proc.spec.name
        );
    }
}
