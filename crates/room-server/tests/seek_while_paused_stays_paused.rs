//! Over the wire: a seek while paused moves the paused position and stays paused (the original
//! design silently switched to playing); time passing does not move it; a newcomer is told the
//! sought position; resume starts from it. A seek while playing keeps playing.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::time::Duration;

use common::{Client, TestServer, room_with_listeners};
use serde_json::json;
use support::{S, expect_playback, playback_state, playing_from, start_first_song};

#[tokio::test]
async fn seek_while_paused_stays_paused() {
    let server = TestServer::in_memory().await;
    let (mut host, code, mut listeners) = room_with_listeners(&server, "host-and-djs", 1).await;
    let mut listener = listeners.pop().unwrap();
    let started = start_first_song(&mut host, "dQw4w9WgXcQ", Some(200 * S)).await;
    let song = started.playback.song_id;
    expect_playback(&mut listener).await;

    host.send(json!({"type": "pause-playback"})).await;
    for c in [&mut host, &mut listener] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(kind, "playback-paused");
        assert!(!e.playback.is_playing);
    }

    host.send(json!({"type": "seek-playback", "positionUs": 42 * S}))
        .await;
    for c in [&mut host, &mut listener] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(kind, "playback-seeked");
        assert!(
            !e.playback.is_playing,
            "a seek while paused started playback"
        );
        assert!(e.playback.paused_at_us.is_some());
        assert_eq!(e.position_us, 42 * S);
        assert_eq!(
            e.playback.paused_at_us.unwrap() - e.playback.started_at_us,
            42 * S,
            "the timeline says something else than the position"
        );
        assert_eq!(e.playback.song_id, song);
    }

    // Time passes; a paused position does not.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let state = playback_state(&mut listener).await;
    assert!(!state.playback.is_playing);
    assert_eq!(state.position_us, 42 * S);

    let mut late = Client::connect(&server).await;
    let joined = late.join(&code, "Late").await;
    assert!(!joined.playback.is_playing);
    assert_eq!(joined.position_us, 42 * S);
    assert_eq!(joined.song.as_ref().map(|s| s.id), song);

    // A second seek while paused: still paused, at the new place.
    host.send(json!({"type": "seek-playback", "positionUs": 10 * S}))
        .await;
    for c in [&mut host, &mut listener, &mut late] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(
            (kind, e.playback.is_playing, e.position_us),
            ("playback-seeked", false, 10 * S)
        );
    }

    // Resume starts from the sought position.
    host.send(json!({"type": "resume-playback"})).await;
    for c in [&mut host, &mut listener, &mut late] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(kind, "playback-resumed");
        assert_eq!(playing_from(&e), 10 * S);
    }

    // And a seek while playing keeps playing.
    host.send(json!({"type": "seek-playback", "positionUs": 100 * S}))
        .await;
    for c in [&mut host, &mut listener, &mut late] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(kind, "playback-seeked");
        assert!(e.playback.is_playing, "a seek while playing paused");
        assert_eq!(playing_from(&e), 100 * S);
    }
    server.stop().await;
}
