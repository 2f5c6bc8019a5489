//! End to end: `tandem-listen` with a clock 5 s off running 200 ppm fast and 30 ms of output
//! latency joins a room that is playing, and from a second after it starts playing, what it
//! renders (heard, after the latency) matches the server's timeline to within ~2 ms at the same
//! true instants. SIGTERM makes it leave the room.

mod common;

use std::time::Duration;

use common::{Host, Listener, MS, S, TestServer, quantile_abs, wait_telemetry};
use room_core::ServerMessage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_room_with_skewed_clock() {
    let server = TestServer::start().await;
    let mut host = Host::create(&server).await;
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lab").join("kitchen.jsonl");
    let path_arg = path.to_string_lossy().into_owned();

    let mut listener = Listener::spawn(&[
        &server.url(),
        "--code",
        &host.code,
        "--name",
        "Kitchen",
        "--telemetry",
        &path_arg,
        "--clock-offset-ms",
        "5000",
        "--clock-drift-ppm",
        "200",
        "--output-latency-ms",
        "30",
        "--status-every",
        "1",
    ]);
    let records = wait_telemetry(&path, "playing", Duration::from_millis(2_500), &listener).await;

    // Every playing record from a second after the first on, against the server's timeline
    // (the room clock is Unix time at the server's start, advanced monotonically).
    let first = records
        .iter()
        .find(|r| r["state"] == "playing")
        .and_then(|r| r["tNs"].as_i64())
        .expect("a playing record");
    let mut errors = Vec::new();
    for r in &records {
        let t_ns = r["tNs"].as_i64().expect("tNs");
        if r["state"] != "playing" || t_ns < first + 1_000_000_000 {
            continue;
        }
        assert_eq!(r["songId"].as_u64(), started.song_id);
        let heard = r["positionUs"].as_i64().expect("positionUs");
        let truth = t_ns / 1_000 - started.started_at_us;
        errors.push(heard - truth);
        // The listener's own clock is the skewed one.
        let local = r["localUs"].as_i64().expect("localUs");
        assert!(local > 4 * S, "localUs {local} is not on the skewed clock");
        assert!(r["offsetUs"].as_i64().is_some());
    }
    let (p50, p95, max) = (
        quantile_abs(&errors, 0.5),
        quantile_abs(&errors, 0.95),
        quantile_abs(&errors, 1.0),
    );
    eprintln!(
        "{} records after 1 s: |error| p50 {p50} us, p95 {p95} us, max {max} us",
        errors.len()
    );
    assert!(errors.len() >= 40, "only {} records", errors.len());
    assert!(
        p95 <= 2 * MS,
        "p95 error {p95} us; stderr:\n{}",
        listener.stderr()
    );
    assert!(max <= 5 * MS, "max error {max} us");
    listener.wait_for_stderr("in sync").await;

    // SIGTERM: it leaves the room (the host sees it go) and exits cleanly.
    listener.terminate();
    let status = listener.wait_exit().await;
    assert!(
        status.success(),
        "exit {status:?}; stderr:\n{}",
        listener.stderr()
    );
    host.recv_until(|m| match m {
        ServerMessage::Presence { left, .. } => left.iter().any(|g| g.reason == "left"),
        _ => false,
    })
    .await;
    eprintln!("stderr:\n{}", listener.stderr());
    server.stop().await;
}
