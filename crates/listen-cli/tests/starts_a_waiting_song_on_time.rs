//! A song added while the listener is in the room: the room may wait for its player
//! (`waiting`), the listener reports `player-ready` at once, and the start the room schedules
//! is hit on time: from the first playing record on, what it renders matches the server's
//! timeline, with no catch-up jump.

mod common;

use std::time::{Duration, Instant};

use common::{Host, Listener, MS, S, TestServer, quantile_abs, telemetry, wait_telemetry};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_a_waiting_song_on_time() {
    let server = TestServer::start().await;
    let mut host = Host::create(&server).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ready.jsonl");
    let path_arg = path.to_string_lossy().into_owned();
    let mut listener = Listener::spawn(&[
        &server.url(),
        "--code",
        &host.code,
        "--telemetry",
        &path_arg,
        "--clock-drift-ppm",
        "-150",
    ]);
    listener.wait_for_stderr("in room").await;
    // Let its clock estimate settle (a burst takes well under a second).
    let deadline = Instant::now() + common::WAIT;
    let has_estimate = |r: &serde_json::Value| r["uncertaintyUs"].as_i64().is_some();
    while telemetry(&path).last().is_none_or(|r| !has_estimate(r)) {
        assert!(Instant::now() < deadline, "no clock estimate");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let added = Instant::now();
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;
    let took = added.elapsed();
    // The room waits at most a few seconds for players; a ready listener makes it quick.
    assert!(
        took < Duration::from_millis(2_000),
        "the song started only after {took:?}"
    );

    let records = wait_telemetry(&path, "playing", Duration::from_millis(1_500), &listener).await;
    let waited = records.iter().any(|r| r["state"] == "waiting");
    let mut errors = Vec::new();
    for r in records.iter().filter(|r| r["state"] == "playing") {
        let t_ns = r["tNs"].as_i64().expect("tNs");
        errors.push(
            r["positionUs"].as_i64().expect("position") - (t_ns / 1_000 - started.started_at_us),
        );
    }
    let jumps_while_playing = records
        .iter()
        .filter(|r| r["state"] == "playing" && r["correction"] == "jump")
        .count();
    let (p95, max) = (quantile_abs(&errors, 0.95), quantile_abs(&errors, 1.0));
    eprintln!(
        "started {took:?} after add (lead {} us, waiting seen: {waited}); from the first playing record: |error| p95 {p95} us, max {max} us; jumps while playing {jumps_while_playing}",
        started.effective_at_us - started.last_updated_us
    );
    assert!(p95 <= 2 * MS, "p95 error {p95} us");
    assert!(max <= 5 * MS, "max error {max} us");
    assert_eq!(
        jumps_while_playing, 0,
        "caught up by jumping instead of starting on time"
    );
    listener.terminate();
    assert!(listener.wait_exit().await.success());
    server.stop().await;
}
