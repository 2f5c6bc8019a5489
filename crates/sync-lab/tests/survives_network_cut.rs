//! A 10 s network cut: one listener's path goes silent (a blackhole: bytes held, TCP
//! alive), the other's connections are reset and refused. The host seeks during the cut.
//! When the path comes back both listeners catch up with the room and converge again.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use room_server::ServerConfig;
use support::{Listener, room_with_song, temp_dir, wait_converged, window};
use sync_lab::analysis::{self, Track};
use sync_lab::proxy::{CutMode, Profile};
use sync_lab::server::LabServer;
use sync_lab::wall_us;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_converge_again_after_a_ten_second_cut() {
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
            "blackholed",
            (800, 120),
        )
        .await,
        Listener::start(
            &bin,
            dir.path(),
            server.addr(),
            Profile::lan(),
            host.code(),
            "reset",
            (-2_500, -90),
        )
        .await,
    ];
    wait_converged(
        &mut listeners,
        || host.truth(),
        started,
        5_000,
        1_000_000,
        Duration::from_secs(15),
    )
    .await;

    let cut = Duration::from_secs(10);
    listeners[0].proxy.cut_with(cut, CutMode::Blackhole);
    listeners[1].proxy.cut_with(cut, CutMode::Reset);
    tokio::time::sleep(Duration::from_secs(2)).await;
    // A change the listeners cannot hear about until the path is back.
    host.seek(Duration::from_secs(900)).await.unwrap();
    tokio::time::sleep(cut - Duration::from_secs(2)).await;
    assert!(!listeners[0].proxy.is_cut() && !listeners[1].proxy.is_cut());
    let restored = wall_us();

    // One at a time, to tell which recovery is slower. The reset listener's reconnect backoff
    // grew during the cut (to at most 2 s), so it may take up to that long to try again.
    for k in 0..listeners.len() {
        wait_converged(
            &mut listeners[k..=k],
            || host.truth(),
            restored,
            5_000,
            1_000_000,
            Duration::from_secs(15),
        )
        .await;
        // When its error came under the threshold for good (the wait adds the hold and polling).
        let back = analysis::convergence(
            &Track {
                telemetry: &listeners[k].telemetry(),
            },
            &host.truth(),
            restored,
            wall_us() - 50_000,
            10_000,
            5_000,
            1_000_000,
        );
        eprintln!(
            "{} back on the room's timeline {} after the cut ended",
            listeners[k].proc.spec.name,
            back.map_or("?".to_owned(), |us| format!("{:.2} s", us as f64 / 1e6))
        );
    }
    let from = wall_us();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let w = window(&listeners, &host.truth(), from, wall_us() - 50_000);
    assert!(w.instants_used >= 50, "{w:?}");
    assert!(w.spread.max_ms < 5.0, "{w:?}");
    assert!(listeners[1].proxy.stats().reset >= 1);
}
