//! `tandem-listen --naive` reproduces the original design's arithmetic: no clock sync (no
//! offset in its telemetry); each event sets `positionUs + (wall clock - roomClockUs)` on a wall
//! clock that is this machine's Unix time made 5 s fast. So on loopback, where the network costs
//! nothing, it plays the right song exactly 5 s ahead of the room (the clock error becomes
//! position error, and its 3 s resync does not help: it compares against the same wrong clock),
//! and it pauses where the room pauses (a paused position needs no clock).

mod common;

use std::time::Duration;

use common::{Host, Listener, MS, S, TestServer, quantile_abs, telemetry, wait_telemetry};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naive_listener_follows_on_arrival() {
    let server = TestServer::start().await;
    let mut host = Host::create(&server).await;
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("naive.jsonl");
    let path_arg = path.to_string_lossy().into_owned();

    let mut listener = Listener::spawn(&[
        &server.url(),
        "--code",
        &host.code,
        "--telemetry",
        &path_arg,
        "--clock-offset-ms",
        "5000",
        "--naive",
    ]);
    let records = wait_telemetry(&path, "playing", Duration::from_millis(1_500), &listener).await;
    let mut errors = Vec::new();
    for r in records.iter().filter(|r| r["state"] == "playing") {
        assert!(
            r["offsetUs"].is_null(),
            "the naive listener estimated a clock: {r}"
        );
        let t_ns = r["tNs"].as_i64().expect("tNs");
        // Its clock is this machine's Unix time, 5 s fast.
        let local = r["localUs"].as_i64().expect("localUs");
        assert!(
            (local - t_ns / 1_000 - 5_000 * MS).abs() < 5 * MS,
            "localUs {local} is not Unix time + 5 s: {r}"
        );
        errors.push(
            r["positionUs"].as_i64().expect("positionUs") - (t_ns / 1_000 - started.started_at_us),
        );
    }
    // Ahead by the clock's 5 s, give or take the loopback and the 20 ms ticks.
    let off: Vec<i64> = errors.iter().map(|e| e - 5_000 * MS).collect();
    let p50 = quantile_abs(&off, 0.5);
    let max = quantile_abs(&off, 1.0);
    eprintln!(
        "naive error - 5 s: |p50| {p50} us, max {max} us over {} records",
        errors.len()
    );
    assert!(errors.len() >= 40, "only {} records", errors.len());
    assert!(
        p50 <= 20 * MS && max <= 50 * MS,
        "the naive listener is not 5 s ahead: p50 {p50} us, max {max} us off that"
    );
    let jumps = records.iter().filter(|r| r["correction"] == "jump").count();
    assert_eq!(
        jumps, 1,
        "one start, and no resync: it agrees with its own formula"
    );

    host.send(json!({"type": "pause-playback"})).await;
    let paused = host.next_playback().await;
    let held = paused.paused_at_us.expect("paused") - paused.started_at_us;
    let deadline = std::time::Instant::now() + common::WAIT;
    loop {
        let last = telemetry(&path).last().cloned().expect("records");
        if last["state"] == "paused" {
            let at = last["positionUs"].as_i64().expect("position");
            assert!(
                (at - held).abs() <= 50 * MS,
                "paused at {at}, room at {held}"
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never paused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    listener.terminate();
    assert!(listener.wait_exit().await.success());
    server.stop().await;
}
