//! A room with a password refuses joins without it or with a wrong one (`wrong-password`),
//! without telling the room; the right password then works on the same socket. The creator
//! joins its own password-protected room.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ServerMessage;
use room_core::{ErrorCode, Role};
use serde_json::json;
use support::{Fixture, Setup, expect_error};

const PASSWORD: &str = "Hunter2 and friends";

#[tokio::test]
async fn wrong_passwords_are_refused() {
    let mut f = Fixture::start(Setup {
        password: Some(PASSWORD),
        ..Setup::default()
    })
    .await;
    assert!(f.expected.room.has_password);
    let mut stranger = common::Client::connect(&f.server).await;
    let upper = PASSWORD.to_uppercase();
    let longer = format!("{PASSWORD} ");
    let huge = "p".repeat(20_000);
    let wrong: Vec<Option<&str>> = vec![
        None,
        Some(""),
        Some("hunter2"),
        Some(&upper),
        Some(&PASSWORD[..PASSWORD.len() - 1]),
        Some(&longer),
        Some(&huge),
    ];
    for password in wrong {
        stranger
            .send(json!({"type": "join-room", "code": f.code, "displayName": "Crasher", "password": password}))
            .await;
        expect_error(&mut stranger, ErrorCode::WrongPassword, Some("join-room")).await;
    }
    f.carries_on(&mut []).await;
    stranger
        .send(json!({"type": "join-room", "code": f.code, "displayName": "Guest", "password": PASSWORD}))
        .await;
    let joined = stranger.expect_joined().await;
    assert_eq!(joined.you.role, Role::Listener);
    assert_eq!(joined.queue, f.expected.queue);
    f.carries_on(&mut [&mut stranger]).await;
    f.restart_and_check().await;
}

#[tokio::test]
async fn the_creator_joins_its_own_password_room() {
    let server = common::TestServer::in_memory().await;
    let mut host = common::Client::connect(&server).await;
    host.send(json!({"type": "create-room", "name": "Locked", "displayName": "Host", "password": PASSWORD}))
        .await;
    let code = match host.recv().await {
        ServerMessage::RoomCreated { code, .. } => code,
        other => panic!("expected room-created, got {other:?}"),
    };
    match host.recv().await {
        ServerMessage::RoomJoined(j) => {
            assert_eq!(j.you.role, Role::Host);
            assert!(j.room.has_password);
            assert_eq!(j.room.code, code);
        }
        other => panic!("the creator of a password room must join it as host, got {other:?}"),
    }
    server.stop().await;
}
