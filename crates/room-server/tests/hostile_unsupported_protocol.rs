//! A `hello` announcing a protocol this server does not speak gets `unsupported-protocol` and the
//! socket is closed with 4002 (the app tells its user to update); a joined member's identity
//! survives it. A malformed `hello` is an `invalid-field`, and the right version is accepted
//! silently.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::{ErrorCode, PROTOCOL_VERSION, ServerMessage};
use serde_json::json;
use support::{Fixture, Setup, chat, expect_error, expect_presence_connected, next, resume};

const UNSUPPORTED_PROTOCOL: u16 = 4002;

#[tokio::test]
async fn other_protocol_versions_are_refused() {
    let mut f = Fixture::start(Setup::default()).await;

    for v in [0, PROTOCOL_VERSION + 1, 999, u32::MAX] {
        let mut c = common::Client::connect(&f.server).await;
        c.send(json!({"type": "hello", "protocol": v, "client": "tandem/0.0.1"}))
            .await;
        let message = expect_error(&mut c, ErrorCode::UnsupportedProtocol, Some("hello")).await;
        assert!(message.contains(&PROTOCOL_VERSION.to_string()), "{message}");
        assert_eq!(c.expect_close().await, Some(UNSUPPORTED_PROTOCOL));
    }

    // Malformed hellos are bad fields; the right one gets no reply: the next answer is the pong.
    let mut stranger = common::Client::connect(&f.server).await;
    for v in [
        json!(-1),
        json!("1"),
        json!(1.5),
        json!(1u64 << 40),
        json!(null),
    ] {
        stranger.send(json!({"type": "hello", "protocol": v})).await;
        expect_error(&mut stranger, ErrorCode::InvalidField, Some("hello")).await;
    }
    stranger
        .send(json!({"type": "hello", "protocol": PROTOCOL_VERSION, "client": "tandem/1"}))
        .await;
    stranger
        .send(json!({"type": "clock-ping", "clientSendUs": 77}))
        .await;
    match next(&mut stranger).await {
        ServerMessage::ClockPong { client_send_us, .. } => assert_eq!(client_send_us, 77),
        other => panic!("expected clock-pong, got {other:?}"),
    }
    let joined = stranger.join(&f.code, "New app").await;
    assert_eq!(joined.queue, f.expected.queue);

    // A member whose app announces the wrong version is disconnected, not removed: after an
    // update it resumes as the same member.
    let (mut old_app, me) = f.join("Old app").await;
    old_app
        .send(json!({"type": "hello", "protocol": PROTOCOL_VERSION + 1}))
        .await;
    expect_error(&mut old_app, ErrorCode::UnsupportedProtocol, Some("hello")).await;
    assert_eq!(old_app.expect_close().await, Some(UNSUPPORTED_PROTOCOL));
    expect_presence_connected(&mut f.bystander, me.you.member_id, false).await;
    f.carries_on(&mut [&mut stranger]).await;

    let mut updated = common::Client::connect(&f.server).await;
    updated
        .send(json!({"type": "hello", "protocol": PROTOCOL_VERSION}))
        .await;
    let again = resume(&mut updated, &f.code, &me.you.resume_token).await;
    assert_eq!(again.you.member_id, me.you.member_id);
    chat(&mut updated, "updated").await;
    support::expect_chat(&mut f.host, "updated").await;
    support::expect_chat(&mut f.bystander, "updated").await;
    support::expect_chat(&mut stranger, "updated").await;
    f.carries_on(&mut [&mut stranger, &mut updated]).await;
    f.restart_and_check().await;
}
