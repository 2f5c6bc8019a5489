//! `tandem-listen --naive` reproduces the original design: no clock sync (no offset in its
//! telemetry), events applied on arrival and carried forward on the local clock. On loopback it
//! still plays the right song near the right place, and pauses when the room pauses.

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
        errors.push(
            r["positionUs"].as_i64().expect("positionUs") - (t_ns / 1_000 - started.started_at_us),
        );
    }
    let p50 = quantile_abs(&errors, 0.5);
    eprintln!("naive |error| p50 {p50} us over {} records", errors.len());
    assert!(p50 <= 50 * MS, "naive listener off by {p50} us");

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
