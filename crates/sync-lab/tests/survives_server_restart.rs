//! The room server restarts on the same port with the same store: listeners reconnect by
//! themselves, follow the restored room, and follow a change made after the restart.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use room_server::ServerConfig;
use support::{Listener, room_with_song, temp_dir, wait_converged};
use sync_lab::host::Host;
use sync_lab::proxy::Profile;
use sync_lab::server::LabServer;
use sync_lab::wall_us;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_reconnect_and_converge_after_a_server_restart() {
    let Some(bin) = support::listen_bin() else {
        return;
    };
    let dir = temp_dir();
    let db = dir.path().join("rooms.db");
    let config = || ServerConfig {
        store_path: Some(db.clone()),
        ..ServerConfig::default()
    };
    let server = LabServer::start_on("127.0.0.1:0".parse().unwrap(), config())
        .await
        .unwrap();
    let addr = server.addr();
    let host = room_with_song(&server.url()).await;
    let (code, secret) = (host.code().to_owned(), host.host_secret().to_owned());
    let started = wall_us();
    let mut listeners = vec![
        Listener::start(
            &bin,
            dir.path(),
            addr,
            Profile::lan(),
            &code,
            "a",
            (1_200, 90),
        )
        .await,
        Listener::start(
            &bin,
            dir.path(),
            addr,
            Profile::lan(),
            &code,
            "b",
            (-3_400, -160),
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

    // Stop the server (gracefully: it flushes its store) and leave it down a moment.
    drop(host);
    server.stop(Duration::from_secs(10)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    // The same port (SO_REUSEADDR) and the same store.
    let server = LabServer::start_on(addr, config()).await.unwrap();
    let host = Host::rejoin(&server.url(), &code, &secret).await.unwrap();
    host.wait_clock_samples(3).await.unwrap();
    let restarted = wall_us();
    wait_converged(
        &mut listeners,
        || host.truth(),
        restarted,
        5_000,
        1_000_000,
        Duration::from_secs(20),
    )
    .await;

    // Only a listener connected to the new server can follow this.
    host.seek(Duration::from_secs(600)).await.unwrap();
    let seeked = wall_us();
    let took = wait_converged(
        &mut listeners,
        || host.truth(),
        seeked,
        5_000,
        1_000_000,
        Duration::from_secs(10),
    )
    .await;
    eprintln!("followed the seek on the restarted server after {took:?}");
    for l in &listeners {
        assert!(l.proxy.stats().accepted >= 2, "{:?}", l.proxy.stats());
    }
    server.stop(Duration::from_secs(10)).await.unwrap();
}
