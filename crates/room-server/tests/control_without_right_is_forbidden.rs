//! Playback control from a member whose role the policy does not allow is refused with
//! `forbidden` (the server decides, not the app): a listener under host-only and under
//! host-and-djs, a DJ under host-only. Queue management and administration are refused to
//! listeners too. Nothing is applied or broadcast; the member can still vote and chat.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::protocol::SongId;
use room_core::{ErrorCode, Role, ServerMessage};
use serde_json::{Value, json};
use support::{Fixture, S, Setup, chat, expect_chat, expect_error, next, playback_state};

fn playback_controls(queued: SongId, current: SongId) -> Vec<(&'static str, Value)> {
    vec![
        ("resume-playback", json!({"type": "resume-playback"})),
        ("pause-playback", json!({"type": "pause-playback"})),
        (
            "seek-playback",
            json!({"type": "seek-playback", "positionUs": 10 * S}),
        ),
        ("play-next", json!({"type": "play-next"})),
        (
            "play-next",
            json!({"type": "play-next", "currentSongId": current}),
        ),
        ("play-now", json!({"type": "play-now", "songId": queued})),
    ]
}

fn admin_and_queue(queued: SongId, host: u64) -> Vec<(&'static str, Value)> {
    vec![
        (
            "remove-song",
            json!({"type": "remove-song", "songId": queued}),
        ),
        ("clear-queue", json!({"type": "clear-queue"})),
        (
            "reorder-queue",
            json!({"type": "reorder-queue", "songId": queued, "toIndex": 0}),
        ),
        (
            "set-policy",
            json!({"type": "set-policy", "policy": "everyone"}),
        ),
        (
            "set-role",
            json!({"type": "set-role", "memberId": host, "role": "listener"}),
        ),
        (
            "transfer-host",
            json!({"type": "transfer-host", "memberId": host}),
        ),
        ("close-room", json!({"type": "close-room"})),
    ]
}

/// Send each message from `offender`; each must be refused with `forbidden`.
async fn all_forbidden(offender: &mut common::Client, msgs: Vec<(&'static str, Value)>) {
    for (kind, msg) in msgs {
        offender.send(msg).await;
        expect_error(offender, ErrorCode::Forbidden, Some(kind)).await;
    }
}

/// The offender can still do what every member may: vote and chat.
async fn still_participates(f: &mut Fixture, offender: &mut common::Client) {
    offender
        .send(json!({"type": "vote", "songId": f.songs[1], "vote": -1}))
        .await;
    for c in [&mut *offender, &mut f.bystander, &mut f.host] {
        match next(c).await {
            ServerMessage::SongVoted { song_id, vote, .. } => {
                assert_eq!((song_id, vote), (f.songs[1], -1));
            }
            other => panic!("expected song-voted, got {other:?}"),
        }
    }
    chat(offender, "I only vote").await;
    expect_chat(&mut f.bystander, "I only vote").await;
    expect_chat(&mut f.host, "I only vote").await;
    f.refresh_expected().await;
}

async fn check_unchanged(f: &mut Fixture, offender: &mut common::Client) {
    let state = playback_state(offender).await;
    assert_eq!(
        state.playback, f.expected.playback,
        "a refused control moved the timeline"
    );
    let probe = support::probe(&f.server, &f.code, None).await;
    assert_eq!(
        probe.queue, f.expected.queue,
        "a refused request changed the queue"
    );
    assert_eq!(probe.room.policy, f.expected.room.policy);
    let host = probe.members.iter().find(|m| m.id == f.host_id).unwrap();
    assert_eq!(host.role, Role::Host);
}

#[tokio::test]
async fn listener_under_host_only() {
    let mut f = Fixture::start(Setup {
        policy: "host-only",
        ..Setup::default()
    })
    .await;
    let (mut offender, joined) = f.join("Listener").await;
    assert_eq!(joined.you.role, Role::Listener);
    all_forbidden(&mut offender, playback_controls(f.songs[1], f.songs[0])).await;
    all_forbidden(&mut offender, admin_and_queue(f.songs[1], f.host_id)).await;
    check_unchanged(&mut f, &mut offender).await;
    f.carries_on(&mut [&mut offender]).await;
    still_participates(&mut f, &mut offender).await;
    f.carries_on(&mut [&mut offender]).await;
    f.restart_and_check().await;
}

#[tokio::test]
async fn listener_under_host_and_djs() {
    let mut f = Fixture::start(Setup {
        policy: "host-and-djs",
        ..Setup::default()
    })
    .await;
    let (mut offender, joined) = f.join("Listener").await;
    assert_eq!(joined.you.role, Role::Listener);
    all_forbidden(&mut offender, playback_controls(f.songs[1], f.songs[0])).await;
    all_forbidden(&mut offender, admin_and_queue(f.songs[1], f.host_id)).await;
    check_unchanged(&mut f, &mut offender).await;
    f.carries_on(&mut [&mut offender]).await;
    still_participates(&mut f, &mut offender).await;
    f.carries_on(&mut [&mut offender]).await;
    f.restart_and_check().await;
}

#[tokio::test]
async fn dj_under_host_only() {
    let mut f = Fixture::start(Setup {
        policy: "host-only",
        ..Setup::default()
    })
    .await;
    let (mut dj, joined) = f.join("DJ").await;
    let me = joined.you.member_id;
    f.host
        .send(json!({"type": "set-role", "memberId": me, "role": "dj"}))
        .await;
    dj.recv_until(|m| match m {
        ServerMessage::Presence { updated, .. } => {
            updated.iter().any(|v| v.id == me && v.role == Role::Dj)
        }
        _ => false,
    })
    .await;
    f.host.drain().await;
    f.bystander.drain().await;
    f.refresh_expected().await;

    all_forbidden(&mut dj, playback_controls(f.songs[1], f.songs[0])).await;
    // Administration stays the host's.
    let admin: Vec<_> = admin_and_queue(f.songs[1], f.host_id)
        .into_iter()
        .filter(|(k, _)| {
            matches!(
                *k,
                "set-policy" | "set-role" | "transfer-host" | "close-room"
            )
        })
        .collect();
    all_forbidden(&mut dj, admin).await;
    check_unchanged(&mut f, &mut dj).await;
    f.carries_on(&mut [&mut dj]).await;
    still_participates(&mut f, &mut dj).await;
    f.carries_on(&mut [&mut dj]).await;
    f.restart_and_check().await;
}
