//! A socket that never joined a room cannot control one: every room request gets `not-in-room`
//! and nothing reaches any room. The socket can still join afterwards.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ErrorCode;
use serde_json::json;
use support::{Fixture, S, Setup, expect_error, playback_state};

#[tokio::test]
async fn requests_before_joining_get_not_in_room() {
    // Under "everyone" any member could pause or seek; a stranger still may not.
    let mut f = Fixture::start(Setup {
        policy: "everyone",
        ..Setup::default()
    })
    .await;
    let (queued, current) = (f.songs[1], f.songs[0]);
    let mut stranger = common::Client::connect(&f.server).await;
    let requests = [
        json!({"type": "resume-playback"}),
        json!({"type": "pause-playback"}),
        json!({"type": "seek-playback", "positionUs": 5 * S}),
        json!({"type": "play-next"}),
        json!({"type": "play-now", "songId": queued}),
        json!({"type": "song-ended", "songId": current}),
        json!({"type": "get-playback-state"}),
        json!({"type": "add-song", "song": {"kind": "link", "url": "https://youtu.be/dQw4w9WgXcQ"}}),
        json!({"type": "remove-song", "songId": queued}),
        json!({"type": "clear-queue"}),
        json!({"type": "reorder-queue", "songId": queued, "toIndex": 0}),
        json!({"type": "vote", "songId": queued, "vote": 1}),
        json!({"type": "chat", "text": "hi"}),
        json!({"type": "set-role", "memberId": f.host_id, "role": "listener"}),
        json!({"type": "transfer-host", "memberId": f.host_id}),
        json!({"type": "set-policy", "policy": "host-only"}),
        json!({"type": "close-room"}),
        json!({"type": "leave-room"}),
    ];
    for msg in requests {
        let kind = msg["type"].as_str().unwrap().to_owned();
        stranger.send(msg).await;
        expect_error(&mut stranger, ErrorCode::NotInRoom, Some(&kind)).await;
    }

    // Nothing happened in the room, and nobody heard anything.
    let state = playback_state(&mut f.host).await;
    assert_eq!(state.playback, f.expected.playback);
    f.carries_on(&mut []).await;

    // The stranger can join now and sees the room as it was.
    let joined = stranger.join(&f.code, "Stranger").await;
    assert_eq!(joined.queue, f.expected.queue);
    assert_eq!(joined.playback, f.expected.playback);
    f.carries_on(&mut [&mut stranger]).await;
    f.restart_and_check().await;
}
