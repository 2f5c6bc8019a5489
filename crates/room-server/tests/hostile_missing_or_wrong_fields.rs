//! Known types with missing, wrong-typed or out-of-range fields get `invalid-field` naming the
//! request type; none of them changes the room or reaches another member.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ErrorCode;
use serde_json::{Value, json};
use support::{Fixture, Setup, chat, expect_chat, expect_error, playback_state};

#[tokio::test]
async fn bad_fields_get_invalid_field_and_change_nothing() {
    // Everyone may control playback here, so a well-formed control message would be applied:
    // only the bad field stops it.
    let mut f = Fixture::start(Setup {
        policy: "everyone",
        ..Setup::default()
    })
    .await;
    let (mut offender, _) = f.join("Offender").await;
    let queued = f.songs[1];
    let long_chat = "a".repeat(1001);

    let cases: Vec<(&str, Value)> = vec![
        ("seek-playback", json!({"type": "seek-playback"})),
        (
            "seek-playback",
            json!({"type": "seek-playback", "position": 5}),
        ),
        (
            "seek-playback",
            json!({"type": "seek-playback", "positionUs": true}),
        ),
        (
            "vote",
            json!({"type": "vote", "songId": queued.to_string(), "vote": 1}),
        ),
        ("vote", json!({"type": "vote", "songId": queued})),
        (
            "vote",
            json!({"type": "vote", "songId": queued, "vote": 1000}),
        ),
        ("vote", json!({"type": "vote", "songId": -1, "vote": 1})),
        ("vote", json!({"type": "vote", "songId": queued, "vote": 5})),
        (
            "vote",
            json!({"type": "vote", "songId": queued, "vote": -2}),
        ),
        ("chat", json!({"type": "chat"})),
        ("chat", json!({"type": "chat", "text": 5})),
        ("chat", json!({"type": "chat", "text": "   "})),
        ("chat", json!({"type": "chat", "text": long_chat})),
        ("chat", json!({"type": "chat", "text": "bell\u{7}"})),
        ("add-song", json!({"type": "add-song"})),
        (
            "add-song",
            json!({"type": "add-song", "song": "https://youtu.be/dQw4w9WgXcQ"}),
        ),
        (
            "add-song",
            json!({"type": "add-song", "song": {"kind": "link"}}),
        ),
        (
            "add-song",
            json!({"type": "add-song", "song": {"kind": "torrent", "url": "x"}}),
        ),
        (
            "add-song",
            json!({"type": "add-song", "song": {"kind": "link", "url": "https://youtu.be/dQw4w9WgXcQ", "durationUs": -5}}),
        ),
        (
            "add-song",
            json!({"type": "add-song", "song": {"kind": "link", "url": "https://youtu.be/dQw4w9WgXcQ", "durationUs": 0}}),
        ),
        ("play-now", json!({"type": "play-now", "songId": null})),
        (
            "play-next",
            json!({"type": "play-next", "currentSongId": "first"}),
        ),
        ("song-ended", json!({"type": "song-ended"})),
        (
            "remove-song",
            json!({"type": "remove-song", "songId": [queued]}),
        ),
        (
            "reorder-queue",
            json!({"type": "reorder-queue", "songId": queued, "toIndex": -1}),
        ),
        (
            "set-role",
            json!({"type": "set-role", "memberId": 1, "role": "overlord"}),
        ),
        (
            "set-policy",
            json!({"type": "set-policy", "policy": "anarchy"}),
        ),
        ("transfer-host", json!({"type": "transfer-host"})),
        (
            "clock-ping",
            json!({"type": "clock-ping", "clientSendUs": "now"}),
        ),
        ("clock-ping", json!({"type": "clock-ping"})),
        ("hello", json!({"type": "hello"})),
    ];
    for (kind, msg) in &cases {
        offender.send(msg.clone()).await;
        let shown = msg.to_string();
        let shown: String = shown.chars().take(120).collect();
        let message = expect_error(&mut offender, ErrorCode::InvalidField, Some(kind)).await;
        assert!(!message.is_empty(), "{shown}: the error explains itself");
    }

    // A socket that never joined gets the same answers for create/join with bad fields, and
    // still creates nothing.
    let mut stranger = common::Client::connect(&f.server).await;
    for (kind, msg) in [
        (
            "join-room",
            json!({"type": "join-room", "code": 5, "displayName": "x"}),
        ),
        ("join-room", json!({"type": "join-room", "code": f.code})),
        (
            "join-room",
            json!({"type": "join-room", "code": f.code, "displayName": ""}),
        ),
        (
            "join-room",
            json!({"type": "join-room", "code": f.code, "displayName": "x".repeat(41)}),
        ),
        ("create-room", json!({"type": "create-room", "name": "x"})),
        (
            "create-room",
            json!({"type": "create-room", "name": "", "displayName": "x"}),
        ),
        (
            "create-room",
            json!({"type": "create-room", "name": "x", "displayName": "x", "policy": "all"}),
        ),
    ] {
        stranger.send(msg).await;
        expect_error(&mut stranger, ErrorCode::InvalidField, Some(kind)).await;
    }
    let health = support::http_get(f.server.addr, "/health").await.2;
    let health: Value = serde_json::from_str(&health).unwrap();
    assert_eq!(health["rooms"], 1, "a bad create-room made a room");

    // Nothing moved: still paused at the same place, same queue.
    let state = playback_state(&mut offender).await;
    assert_eq!(state.playback, f.expected.playback);
    assert_eq!(state.position_us, f.expected.position_us);

    chat(&mut offender, "ok, a real one").await;
    expect_chat(&mut f.bystander, "ok, a real one").await;
    expect_chat(&mut f.host, "ok, a real one").await;
    let joined = stranger.join(&f.code, "Stranger").await;
    assert_eq!(joined.queue, f.expected.queue);

    f.carries_on(&mut [&mut offender, &mut stranger]).await;
    f.restart_and_check().await;
}
