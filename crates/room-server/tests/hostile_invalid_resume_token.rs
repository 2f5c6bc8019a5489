//! Resume tokens that are unknown, from another room, of a member who left, or of one whose
//! reconnect grace ran out get `invalid-resume-token`; no identity is taken over or created, and
//! the socket can then join as a new member.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::{ErrorCode, RoomConfig, ServerMessage};
use serde_json::json;
use support::{Fixture, Setup, expect_error};

#[tokio::test]
async fn stale_and_unknown_tokens_are_refused() {
    let mut f = Fixture::start(Setup {
        room: RoomConfig {
            reconnect_grace_us: 300_000,
            ..RoomConfig::default()
        },
        ..Setup::default()
    })
    .await;

    // A member who left on purpose.
    let (mut leaver, left) = f.join("Leaver").await;
    leaver.send(json!({"type": "leave-room"})).await;
    f.bystander
        .recv_until(|m| match m {
            ServerMessage::Presence { left: gone, .. } => {
                gone.iter().any(|g| g.member_id == left.you.member_id)
            }
            _ => false,
        })
        .await;
    drop(leaver);

    // A member whose connection dropped and whose grace ran out.
    let (dropper, dropped) = f.join("Dropper").await;
    drop(dropper);
    f.bystander
        .recv_until(|m| match m {
            ServerMessage::Presence { left: gone, .. } => gone
                .iter()
                .any(|g| g.member_id == dropped.you.member_id && g.reason == "timed-out"),
            _ => false,
        })
        .await;

    // A member of another room.
    let mut elsewhere = common::Client::connect(&f.server).await;
    let (_, _, other_room) = elsewhere.create_room("Elsewhere", "host-only").await;

    let bogus = [
        "bogus".to_owned(),
        String::new(),
        "0".repeat(32),
        "x".repeat(20_000),
        f.host_secret.clone(),
        other_room.you.resume_token.clone(),
        left.you.resume_token.clone(),
        dropped.you.resume_token.clone(),
    ];
    let mut stranger = common::Client::connect(&f.server).await;
    for token in &bogus {
        stranger
            .send(json!({"type": "join-room", "code": f.code, "displayName": "Impostor", "resumeToken": token}))
            .await;
        expect_error(
            &mut stranger,
            ErrorCode::InvalidResumeToken,
            Some("join-room"),
        )
        .await;
    }
    f.host.drain().await;
    f.bystander.drain().await;
    f.carries_on(&mut []).await;

    // Without a token the socket joins as someone new.
    let joined = stranger.join(&f.code, "Newcomer").await;
    let known = [
        f.host_id,
        f.bystander_id,
        left.you.member_id,
        dropped.you.member_id,
    ];
    assert!(!known.contains(&joined.you.member_id));
    assert_eq!(joined.queue, f.expected.queue);
    for gone in [left.you.member_id, dropped.you.member_id] {
        assert!(
            joined.members.iter().all(|m| m.id != gone),
            "member {gone} is back"
        );
    }
    f.carries_on(&mut [&mut stranger]).await;
    f.restart_and_check().await;
}
