//! A listener joining a paused room is told the paused position (the original design told it 0),
//! and stays at it however long the pause lasts; resume continues from it for everyone.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::time::Duration;

use common::{Client, TestServer};
use serde_json::json;
use support::{S, expect_playback, playing_from, start_first_song};

#[tokio::test]
async fn joiner_in_paused_room_gets_paused_position() {
    let server = TestServer::in_memory().await;
    let mut host = Client::connect(&server).await;
    let (code, _, _) = host.create_room("Paused", "host-only").await;
    let started = start_first_song(&mut host, "dQw4w9WgXcQ", Some(200 * S)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    host.send(json!({"type": "pause-playback"})).await;
    let (kind, paused) = expect_playback(&mut host).await;
    assert_eq!(kind, "playback-paused");
    let at = paused.position_us;
    // Played for at least the time we waited before pausing: not 0.
    assert!(at >= 300_000, "paused at {at} µs");
    assert!(at < 200 * S);

    let mut joiners = Vec::new();
    for i in 0..2 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut c = Client::connect(&server).await;
        let joined = c.join(&code, &format!("Joiner {i}")).await;
        assert!(
            !joined.playback.is_playing,
            "joiner {i} was told the room plays"
        );
        assert_eq!(joined.position_us, at, "joiner {i} got another position");
        assert_eq!(joined.playback, paused.playback);
        assert_eq!(joined.song.as_ref().map(|s| s.id), started.playback.song_id);
        joiners.push(c);
    }

    host.send(json!({"type": "resume-playback"})).await;
    let (kind, resumed) = expect_playback(&mut host).await;
    assert_eq!(kind, "playback-resumed");
    assert_eq!(playing_from(&resumed), at);
    for c in &mut joiners {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(kind, "playback-resumed");
        assert_eq!(e, resumed);
    }
    server.stop().await;
}
