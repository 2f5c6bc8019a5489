//! Many listeners report the end of the same song at once: the room advances exactly once (the
//! original design skipped one song per report). Reports name the song, so a late report for a
//! song that is no longer current is ignored.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::sync::Arc;

use common::{TestServer, room_with_listeners};
use room_core::ServerMessage;
use room_core::protocol::PlaybackReason;
use serde_json::json;
use support::{next, start_first_song};
use tokio::sync::Barrier;

const LISTENERS: usize = 8;

#[tokio::test]
async fn duplicate_song_ended_skips_once() {
    let server = TestServer::in_memory().await;
    // Songs of unknown length end when a member who may control playback says so: everyone.
    let (mut host, _code, listeners) = room_with_listeners(&server, "everyone", LISTENERS).await;
    let first = start_first_song(&mut host, "dQw4w9WgXcQ", None).await;
    let first = first.playback.song_id.unwrap();
    let mut queued = Vec::new();
    for video in ["9bZkp7q19f0", "kJQP7kiw5Fk", "JGwWNGJdvx8"] {
        host.send(json!({"type": "add-song", "song": {"kind": "link", "url": format!("https://youtu.be/{video}")}}))
            .await;
        match next(&mut host).await {
            ServerMessage::SongAdded { entry, .. } => queued.push(entry.song.id),
            other => panic!("expected song-added, got {other:?}"),
        }
    }
    host.drain().await;

    // Every listener reports the end at the same moment, then asks for the state: the answer
    // comes after its own report was handled (one connection's messages stay in order).
    let barrier = Arc::new(Barrier::new(LISTENERS));
    let tasks: Vec<_> = listeners
        .into_iter()
        .map(|mut c| {
            let barrier = barrier.clone();
            tokio::spawn(async move {
                c.drain().await;
                barrier.wait().await;
                c.send(json!({"type": "song-ended", "songId": first})).await;
                let state = playback_state_skipping(&mut c).await;
                (c, state)
            })
        })
        .collect();
    let mut listeners = Vec::new();
    for t in tasks {
        let (c, state) = t.await.unwrap();
        assert_eq!(
            state.playback.song_id,
            Some(queued[0]),
            "a listener sees another song"
        );
        listeners.push(c);
    }

    // All reports are handled; the host saw exactly one advance.
    let state = playback_state_counting(&mut host).await;
    assert_eq!(state.0, 1, "the room advanced {} times", state.0);
    assert_eq!(state.1.playback.song_id, Some(queued[0]));
    assert!(state.1.playback.is_playing);

    // A late report for the old song changes nothing; one for the current song advances once.
    listeners[0]
        .send(json!({"type": "song-ended", "songId": first}))
        .await;
    let (advances, now) = playback_state_counting(&mut listeners[0]).await;
    assert_eq!((advances, now.playback.song_id), (0, Some(queued[0])));
    listeners[1]
        .send(json!({"type": "song-ended", "songId": queued[0]}))
        .await;
    let (advances, now) = playback_state_counting(&mut listeners[1]).await;
    assert_eq!((advances, now.playback.song_id), (1, Some(queued[1])));
    let (advances, now) = playback_state_counting(&mut host).await;
    assert_eq!((advances, now.playback.song_id), (1, Some(queued[1])));
    server.stop().await;
}

/// Ask for the state; skip the broadcasts that arrive before the answer.
async fn playback_state_skipping(c: &mut common::Client) -> room_core::protocol::PlaybackEvent {
    playback_state_counting(c).await.1
}

/// Ask for the state; count the automatic advances (`ended`) broadcast before the answer.
async fn playback_state_counting(
    c: &mut common::Client,
) -> (usize, room_core::protocol::PlaybackEvent) {
    c.send(json!({"type": "get-playback-state"})).await;
    let mut advances = 0;
    loop {
        match next(c).await {
            ServerMessage::PlaybackStateUpdate(e) if e.reason == PlaybackReason::Requested => {
                return (advances, e);
            }
            ServerMessage::PlaybackStateUpdate(e) if e.reason == PlaybackReason::Ended => {
                advances += 1;
            }
            ServerMessage::SongRemoved { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}
