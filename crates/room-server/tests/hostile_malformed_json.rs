//! Frames that are not JSON, or JSON without a string `type`, get an `error` each; the socket
//! stays usable, the room carries on, and the stored room is intact after a restart.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ErrorCode;
use room_core::ServerMessage;
use support::{Fixture, Setup, chat, next};

#[tokio::test]
async fn malformed_frames_get_an_error_and_change_nothing() {
    let mut f = Fixture::start(Setup::default()).await;
    let (mut offender, _) = f.join("Offender").await;
    // And a socket that never joined: the same decoding guards it.
    let mut stranger = common::Client::connect(&f.server).await;

    let deep = format!(
        "{{\"pad\":{}{},\"type\":\"chat\",\"text\":\"deep\"}}",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let not_json = [
        "{not json",
        "",
        "   ",
        "{\"type\":\"chat\",\"text\":\"hi\"",
        "{\"type\": \"pause-playback\",}",
        "nul",
        "\u{0}",
        "{\"type\":\"chat\",\"text\":\"\\ud800\"}x",
    ];
    let no_type = [
        "[1,2]",
        "42",
        "null",
        "\"pause-playback\"",
        "{}",
        "{\"type\":7}",
        "{\"type\":null}",
        "{\"type\":[\"pause-playback\"]}",
        "{\"kind\":\"pause-playback\"}",
    ];
    for c in [&mut offender, &mut stranger] {
        for (texts, code) in [
            (&not_json[..], ErrorCode::MalformedJson),
            (&no_type[..], ErrorCode::MissingType),
        ] {
            for text in texts {
                c.send_raw(text).await;
                let shown: String = text.chars().take(60).collect();
                match next(c).await {
                    ServerMessage::Error {
                        code: got,
                        request_type,
                        ..
                    } => {
                        assert_eq!((got, request_type), (code, None), "for {shown:?}");
                    }
                    other => panic!("for {shown:?} expected an error, got {other:?}"),
                }
            }
        }
    }

    // Nesting far past the parser's recursion limit is refused (the type is known, so as a bad
    // field of it), never parsed recursively into a stack overflow.
    for c in [&mut offender, &mut stranger] {
        c.send_raw(&deep).await;
        match next(c).await {
            ServerMessage::Error {
                code, request_type, ..
            } => assert!(
                code == ErrorCode::MalformedJson
                    || (code == ErrorCode::InvalidField && request_type.as_deref() == Some("chat")),
                "deep nesting answered with {code:?} {request_type:?}"
            ),
            other => panic!("deep nesting: expected an error, got {other:?}"),
        }
    }

    // Both sockets still work: the member chats, the stranger can still join.
    chat(&mut offender, "sorry about that").await;
    support::expect_chat(&mut f.bystander, "sorry about that").await;
    support::expect_chat(&mut f.host, "sorry about that").await;
    let joined = stranger.join(&f.code, "Stranger").await;
    assert_eq!(joined.queue, f.expected.queue);

    f.carries_on(&mut [&mut offender, &mut stranger]).await;
    f.restart_and_check().await;
}
