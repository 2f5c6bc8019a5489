//! Claiming the host role with a wrong host secret gets `wrong-host-secret` and joins nobody; the
//! host stays the only host, and the socket can join as a listener.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::{ErrorCode, Role};
use serde_json::json;
use support::{Fixture, Setup, expect_error, expect_playback};

#[tokio::test]
async fn wrong_host_secrets_are_refused() {
    let mut f = Fixture::start(Setup::default()).await;
    let mut elsewhere = common::Client::connect(&f.server).await;
    elsewhere
        .send(json!({"type": "create-room", "name": "Elsewhere", "displayName": "Other host"}))
        .await;
    let other_secret = match elsewhere.recv().await {
        room_core::ServerMessage::RoomCreated { host_secret, .. } => host_secret,
        other => panic!("expected room-created, got {other:?}"),
    };
    assert_ne!(other_secret, f.host_secret);

    let mut claimant = common::Client::connect(&f.server).await;
    let wrong = [
        "nope".to_owned(),
        String::new(),
        f.host_secret.to_uppercase(),
        f.host_secret[..f.host_secret.len() - 1].to_owned(),
        other_secret,
        "f".repeat(20_000),
    ];
    for secret in &wrong {
        claimant
            .send(json!({"type": "join-room", "code": f.code, "displayName": "Usurper", "hostSecret": secret}))
            .await;
        expect_error(&mut claimant, ErrorCode::WrongHostSecret, Some("join-room")).await;
    }

    // Still one host, the real one, and it still controls playback.
    let probe = support::probe(&f.server, &f.code, None).await;
    let hosts: Vec<_> = probe
        .members
        .iter()
        .filter(|m| m.role == Role::Host)
        .collect();
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0].id, f.host_id);
    f.carries_on(&mut []).await;

    let joined = claimant.join(&f.code, "Listener").await;
    assert_eq!(joined.you.role, Role::Listener);
    claimant.send(json!({"type": "resume-playback"})).await;
    expect_error(&mut claimant, ErrorCode::Forbidden, Some("resume-playback")).await;
    f.host
        .send(json!({"type": "seek-playback", "positionUs": 7_000_000}))
        .await;
    for c in [&mut f.host, &mut f.bystander, &mut claimant] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!((kind, e.position_us), ("playback-seeked", 7_000_000));
    }
    f.refresh_expected().await;
    f.carries_on(&mut [&mut claimant]).await;
    f.restart_and_check().await;
}
