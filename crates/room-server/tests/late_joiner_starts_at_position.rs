//! A listener who joins mid-song is told the exact position, on the room clock.
#![allow(clippy::unwrap_used)]
mod common;

use common::{Client, TestServer};
use room_core::ServerMessage;

#[tokio::test]
async fn late_joiner_gets_the_running_position() {
    let server = TestServer::in_memory().await;
    let mut host = Client::connect(&server).await;
    let (code, _, _) = host.create_room("Party", "host-only").await;
    host.add_youtube("dQw4w9WgXcQ", 200_000_000).await;
    let started = match host.recv().await {
        ServerMessage::PlaybackStateUpdate(e) => e,
        other => panic!("expected playback-state-update, got {other:?}"),
    };
    assert!(started.playback.is_playing);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let mut late = Client::connect(&server).await;
    let joined = late.join(&code, "Late").await;
    assert!(joined.playback.is_playing);
    assert_eq!(joined.song.as_ref().map(|s| s.id), started.playback.song_id);
    // The position is exactly the timeline at the stamp, and at least the time we waited.
    assert_eq!(
        joined.position_us,
        joined.room_clock_us - joined.playback.started_at_us
    );
    assert!(
        joined.position_us >= 300_000,
        "position {}",
        joined.position_us
    );
    assert!(
        joined.position_us < 5_000_000,
        "position {}",
        joined.position_us
    );
    server.stop().await;
}
