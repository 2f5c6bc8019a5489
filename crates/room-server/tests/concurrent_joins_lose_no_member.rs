//! Hundreds of simultaneous joins lose no member (the original design lost about one in ten):
//! every joiner gets `room-joined` with its own id, the host hears of every one, the room lists
//! them all, and every one receives the next broadcast.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{Client, TestServer};
use room_core::ServerMessage;
use serde_json::json;
use support::{Presences, S, expect_playback, start_first_song};
use tokio::sync::Barrier;

const JOINERS: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_joins_lose_no_member() {
    let server = Arc::new(TestServer::in_memory().await);
    let mut host = Client::connect(&server).await;
    let (code, _, created) = host.create_room("Crowd", "host-only").await;
    let host_id = created.you.member_id;
    start_first_song(&mut host, "dQw4w9WgXcQ", Some(200 * S)).await;

    // Everyone connects first, then all send join-room at once.
    let barrier = Arc::new(Barrier::new(JOINERS + 1));
    let tasks: Vec<_> = (0..JOINERS)
        .map(|i| {
            let (server, barrier, code) = (server.clone(), barrier.clone(), code.clone());
            tokio::spawn(async move {
                let mut c = Client::connect(&server).await;
                barrier.wait().await;
                c.send(json!({"type": "join-room", "code": code, "displayName": format!("Joiner {i}")}))
                    .await;
                let joined = c.expect_joined().await;
                // Then wait for the host's pause, past whatever presence batches come first.
                let paused = loop {
                    match c.recv().await {
                        ServerMessage::PlaybackPaused(e) => break e,
                        ServerMessage::Presence { .. } => {}
                        other => panic!("joiner {i}: unexpected {other:?}"),
                    }
                };
                (joined, paused)
            })
        })
        .collect();
    barrier.wait().await;

    // The host hears of every joiner, as deltas.
    // (A batch may name the host itself: it joined moments before.)
    let mut seen = Presences::default();
    seen.until(&mut host, |p| {
        p.members.keys().filter(|&&id| id != host_id).count() >= JOINERS
    })
    .await;
    seen.members.remove(&host_id);
    assert_eq!(seen.members.len(), JOINERS);
    assert!(seen.left.is_empty());
    assert!(seen.members.values().all(|m| m.connected));

    host.send(json!({"type": "pause-playback"})).await;
    let (kind, paused) = expect_playback(&mut host).await;
    assert_eq!(kind, "playback-paused");

    let mut ids = BTreeSet::new();
    for t in tasks {
        let (joined, got) = t.await.unwrap();
        assert!(
            ids.insert(joined.you.member_id),
            "id {} given twice",
            joined.you.member_id
        );
        assert!(joined.members.iter().any(|m| m.id == joined.you.member_id));
        assert!(joined.members.iter().any(|m| m.id == host_id));
        assert_eq!(got, paused, "a joiner missed or garbled the broadcast");
    }
    assert_eq!(ids.len(), JOINERS);
    assert!(!ids.contains(&host_id));
    assert_eq!(ids, seen.members.keys().copied().collect::<BTreeSet<_>>());

    // A newcomer's list is bounded (host first, itself included); the count is the room's size.
    let room = support::probe(&server, &code, None).await;
    assert_eq!(
        room.member_count as usize,
        JOINERS + 2,
        "the room counts {} members",
        room.member_count
    );
    assert_eq!(room.members.len(), room_core::room::MEMBERS_IN_JOINED);
    assert_eq!(room.members[0].id, host_id);
    assert!(room.members.iter().any(|m| m.id == room.you.member_id));
    match Arc::try_unwrap(server) {
        Ok(server) => server.stop().await,
        Err(_) => panic!("server still shared"),
    }
}
