//! `GET /health` answers JSON with the server's state and `GET /metrics` Prometheus text whose
//! samples follow what happens on the sockets; other paths are 404. Plain HTTP over TCP.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::collections::BTreeMap;

use common::{Client, TestServer};
use room_core::ErrorCode;
use serde_json::{Value, json};
use support::{expect_error, http_get, metric_in};

async fn health(server: &TestServer) -> Value {
    let (status, head, body) = http_get(server.addr, "/health").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    serde_json::from_str(&body).unwrap()
}

/// Every sample of `/metrics`, checked for well-formedness: each has a `# TYPE` line before it, a
/// known type, a numeric value, and appears once.
async fn metrics(server: &TestServer) -> BTreeMap<String, f64> {
    let (status, head, body) = http_get(server.addr, "/metrics").await;
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/plain"), "{head}");
    let mut types = BTreeMap::new();
    let mut samples = BTreeMap::new();
    for line in body.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            assert!(matches!(kind, "counter" | "gauge"), "{line}");
            types.insert(name.to_owned(), kind.to_owned());
        } else if line.starts_with("# HELP ") {
        } else {
            let (name, value) = line.split_once(' ').unwrap();
            assert!(types.contains_key(name), "sample {name} without # TYPE");
            assert!(name.starts_with("tandem_"), "{name}");
            let v: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
            if types[name] == "counter" {
                assert!(v >= 0.0, "{line}");
            }
            assert!(samples.insert(name.to_owned(), v).is_none(), "{name} twice");
            assert_eq!(metric_in(&body, name), v);
        }
    }
    samples
}

#[tokio::test]
async fn health_and_metrics_endpoints() {
    let server = TestServer::in_memory().await;
    let h = health(&server).await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["rooms"], 0);
    assert_eq!(h["connections"], 0);
    let clock0 = h["roomClockUs"].as_i64().unwrap();
    assert!(
        clock0 > 1_600_000_000_000_000,
        "the room clock is epoch-anchored µs: {clock0}"
    );
    let m0 = metrics(&server).await;
    assert_eq!(m0["tandem_connections_open"], 0.0);
    assert_eq!(m0["tandem_rooms_open"], 0.0);
    assert_eq!(m0["tandem_members_joined_total"], 0.0);

    let mut host = Client::connect(&server).await;
    let (code, _, _) = host.create_room("Metered", "host-only").await;
    let mut guest = Client::connect(&server).await;
    guest.join(&code, "Guest").await;
    let mut stranger = Client::connect(&server).await;
    stranger.send_raw("{nope").await;
    expect_error(&mut stranger, ErrorCode::MalformedJson, None).await;

    let h = health(&server).await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["rooms"], 1);
    assert_eq!(h["connections"], 3);
    assert!(h["roomClockUs"].as_i64().unwrap() >= clock0);
    let m = metrics(&server).await;
    assert_eq!(m["tandem_connections_open"], 3.0);
    assert_eq!(m["tandem_connections_total"], 3.0);
    assert_eq!(m["tandem_rooms_open"], 1.0);
    assert_eq!(m["tandem_members_joined_total"], 2.0);
    assert!(m["tandem_frames_in_total"] >= 3.0);
    assert!(m["tandem_errors_sent_total"] >= 1.0);
    // The same set of samples as before: none appears only once something happened.
    assert_eq!(m.keys().collect::<Vec<_>>(), m0.keys().collect::<Vec<_>>());

    drop(stranger);
    guest.send(json!({"type": "leave-room"})).await;
    drop(guest);
    // Closing is asynchronous on the server: wait for the count to follow.
    let mut open = 3.0;
    for _ in 0..100 {
        open = metrics(&server).await["tandem_connections_open"];
        if open == 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(open, 1.0);

    let (status, _, _) = http_get(server.addr, "/nope").await;
    assert_eq!(status, 404);
    drop(host);
    server.stop().await;
}

#[tokio::test]
async fn store_counters_appear_with_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::with_store(dir.path().join("rooms.sqlite3")).await;
    let m = metrics(&server).await;
    for name in [
        "tandem_store_transactions_total",
        "tandem_store_ops_applied_total",
        "tandem_store_ops_failed_total",
    ] {
        assert_eq!(m.get(name), Some(&0.0), "{name}");
    }
    let mut host = Client::connect(&server).await;
    host.create_room("Stored", "host-only").await;
    // The writer commits in the background: wait for it to count the room.
    let mut applied = 0.0;
    for _ in 0..200 {
        applied = metrics(&server).await["tandem_store_ops_applied_total"];
        if applied > 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(applied > 0.0, "the store never wrote the new room");
    let m = metrics(&server).await;
    assert!(m["tandem_store_transactions_total"] >= 1.0);
    assert_eq!(m["tandem_store_ops_failed_total"], 0.0);
    server.stop().await;
}
