//! A message whose `type` the server does not know gets `unknown-type` (never echoing a huge type
//! back), from a member or a socket that never joined; nothing else happens.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::{ErrorCode, ServerMessage};
use serde_json::json;
use support::{Fixture, Setup, chat, expect_chat, next};

#[tokio::test]
async fn unknown_types_get_an_error_and_change_nothing() {
    let mut f = Fixture::start(Setup::default()).await;
    let (mut offender, _) = f.join("Offender").await;
    let mut stranger = common::Client::connect(&f.server).await;

    let huge = "x".repeat(30_000);
    let types = [
        "launch-missiles",
        "",
        "PAUSE-PLAYBACK",
        "pause_playback",
        "pausePlayback",
        " pause-playback",
        // Server-to-client types are not requests.
        "room-joined",
        "playback-paused",
        "error",
        "__proto__",
        huge.as_str(),
    ];
    for c in [&mut offender, &mut stranger] {
        for ty in types {
            c.send(json!({"type": ty, "positionUs": 0, "code": "x"}))
                .await;
            match next(c).await {
                ServerMessage::Error {
                    code,
                    message,
                    request_type,
                } => {
                    let shown: String = ty.chars().take(40).collect();
                    assert_eq!(code, ErrorCode::UnknownType, "for {shown:?}: {message}");
                    assert_eq!(request_type, None, "for {shown:?}");
                    assert!(message.len() < 200, "the error echoes the type in full");
                }
                other => panic!("expected unknown-type, got {other:?}"),
            }
        }
    }

    chat(&mut offender, "still allowed to talk").await;
    expect_chat(&mut f.bystander, "still allowed to talk").await;
    expect_chat(&mut f.host, "still allowed to talk").await;
    let joined = stranger.join(&f.code, "Stranger").await;
    assert_eq!(joined.queue, f.expected.queue);
    assert_eq!(joined.playback, f.expected.playback);

    f.carries_on(&mut [&mut offender, &mut stranger]).await;
    f.restart_and_check().await;
}
