//! The host's disconnect does not end the room (the original design deleted the room and its
//! queue): within the reconnect grace the host stays host and comes back with its resume token;
//! after the grace a DJ takes over, and the returning host claims the role back with its secret.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use common::{Client, TestServer};
use room_core::protocol::MemberView;
use room_core::{ErrorCode, Role, RoomConfig, ServerMessage};
use room_server::ServerConfig;
use serde_json::json;
use support::{Presences, S, expect_error, expect_playback, next, resume, start_first_song};

/// Wait for the presence batch that mentions `id` (updated or left).
async fn presence_of(c: &mut Client, id: u64) -> Result<MemberView, String> {
    loop {
        if let ServerMessage::Presence { updated, left, .. } = c.recv().await {
            if let Some(g) = left.into_iter().find(|g| g.member_id == id) {
                return Err(g.reason);
            }
            if let Some(m) = updated.into_iter().find(|m| m.id == id) {
                return Ok(m);
            }
        }
    }
}

struct Room {
    server: TestServer,
    code: String,
    secret: String,
    host: Client,
    host_token: String,
    host_id: u64,
    dj: Client,
    dj_id: u64,
    listener: Client,
    queued: u64,
}

async fn room(grace_us: i64) -> Room {
    let server = TestServer::start(ServerConfig {
        room: RoomConfig {
            reconnect_grace_us: grace_us,
            ..RoomConfig::default()
        },
        ..ServerConfig::default()
    })
    .await;
    let mut host = Client::connect(&server).await;
    let (code, secret, joined) = host.create_room("Grace", "host-and-djs").await;
    start_first_song(&mut host, "dQw4w9WgXcQ", Some(200 * S)).await;
    host.add_youtube("9bZkp7q19f0", 180 * S).await;
    let queued = match next(&mut host).await {
        ServerMessage::SongAdded { entry, .. } => entry.song.id,
        other => panic!("expected song-added, got {other:?}"),
    };
    let mut dj = Client::connect(&server).await;
    let dj_id = dj.join(&code, "DJ").await.you.member_id;
    // Let the join's presence batch go out first, so the role change is a batch of its own.
    dj.drain().await;
    host.send(json!({"type": "set-role", "memberId": dj_id, "role": "dj"}))
        .await;
    let mut listener = Client::connect(&server).await;
    listener.join(&code, "Listener").await;
    loop {
        if presence_of(&mut dj, dj_id).await.unwrap().role == Role::Dj {
            break;
        }
    }
    for c in [&mut host, &mut dj, &mut listener] {
        c.drain().await;
    }
    Room {
        server,
        code,
        secret,
        host,
        host_token: joined.you.resume_token,
        host_id: joined.you.member_id,
        dj,
        dj_id,
        listener,
        queued,
    }
}

#[tokio::test]
async fn host_reconnects_within_grace_and_is_still_host() {
    let Room {
        server,
        code,
        host,
        host_token,
        host_id,
        mut dj,
        dj_id,
        mut listener,
        queued,
        ..
    } = room(60 * S).await;

    drop(host);
    for c in [&mut dj, &mut listener] {
        let m = presence_of(c, host_id)
            .await
            .expect("the host left the room");
        assert_eq!(
            (m.connected, m.role),
            (false, Role::Host),
            "the host lost its role"
        );
    }

    // The room carries on without its host: the DJ controls, the listener still may not.
    dj.send(json!({"type": "pause-playback"})).await;
    for c in [&mut dj, &mut listener] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!((kind, e.by), ("playback-paused", Some(dj_id)));
    }
    listener.send(json!({"type": "resume-playback"})).await;
    expect_error(&mut listener, ErrorCode::Forbidden, Some("resume-playback")).await;

    let mut back = Client::connect(&server).await;
    let joined = resume(&mut back, &code, &host_token).await;
    assert_eq!(
        (joined.you.member_id, joined.you.role),
        (host_id, Role::Host)
    );
    assert_eq!(
        joined.queue.iter().map(|e| e.song.id).collect::<Vec<_>>(),
        [queued]
    );
    assert!(!joined.playback.is_playing);
    assert_eq!(
        joined
            .members
            .iter()
            .filter(|m| m.role == Role::Host)
            .count(),
        1
    );
    for c in [&mut dj, &mut listener] {
        let m = presence_of(c, host_id).await.unwrap();
        assert_eq!((m.connected, m.role), (true, Role::Host));
    }
    back.send(json!({"type": "resume-playback"})).await;
    for c in [&mut back, &mut dj, &mut listener] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!((kind, e.by), ("playback-resumed", Some(host_id)));
    }
    server.stop().await;
}

#[tokio::test]
async fn after_the_grace_a_dj_hosts_and_the_host_can_claim_it_back() {
    let Room {
        server,
        code,
        secret,
        host,
        host_token,
        host_id,
        mut dj,
        dj_id,
        mut listener,
        queued,
    } = room(300_000).await;

    drop(host);
    // Disconnected first, then gone when the grace runs out; the DJ is appointed host.
    let mut seen = Presences::default();
    seen.until(&mut listener, |p| p.connected(host_id) == Some(false))
        .await;
    assert_eq!(seen.role(host_id), Some(Role::Host));
    seen.until(&mut listener, |p| p.left.contains_key(&host_id))
        .await;
    assert_eq!(seen.left[&host_id], "timed-out");
    seen.until(&mut listener, |p| p.role(dj_id) == Some(Role::Host))
        .await;
    dj.drain().await;

    // The queue and the room survived the host.
    let probe = support::probe(&server, &code, None).await;
    assert_eq!(
        probe.queue.iter().map(|e| e.song.id).collect::<Vec<_>>(),
        [queued]
    );
    assert!(probe.playback.is_playing);
    let hosts: Vec<_> = probe
        .members
        .iter()
        .filter(|m| m.role == Role::Host)
        .collect();
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0].id, dj_id);

    // The old token is spent; the host secret brings the role back.
    let mut back = Client::connect(&server).await;
    back.send(
        json!({"type": "join-room", "code": code, "displayName": "x", "resumeToken": host_token}),
    )
    .await;
    expect_error(&mut back, ErrorCode::InvalidResumeToken, Some("join-room")).await;
    back.send(json!({"type": "join-room", "code": code, "displayName": "Host again", "hostSecret": secret}))
        .await;
    let joined = back.expect_joined().await;
    assert_eq!(joined.you.role, Role::Host);
    // The stand-in steps back to DJ.
    seen.until(&mut listener, |p| p.role(dj_id) == Some(Role::Dj))
        .await;
    assert_eq!(seen.role(joined.you.member_id), Some(Role::Host));
    back.send(json!({"type": "pause-playback"})).await;
    let (kind, _) = expect_playback(&mut listener).await;
    assert_eq!(kind, "playback-paused");
    server.stop().await;
}
