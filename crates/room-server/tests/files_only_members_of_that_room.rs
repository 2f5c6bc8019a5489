//! Only members of the room whose queue holds a file may fetch it: no token 401, a malformed
//! one 401, another room's member or a member who left 403, a file the room is not playing 403
//! even when the server holds it, and an unknown room 404. Queue it and the same member may.
#![allow(clippy::unwrap_used)]
mod common;
mod files_support;

use common::Client;
use files_support::{SharingRoom, add_local, content, file_path, get, write_file};
use room_core::ServerMessage;
use room_server::ServerConfig;
use serde_json::json;

#[tokio::test]
async fn files_only_members_of_that_room() {
    let room = SharingRoom::start(50_000, ServerConfig::default()).await;
    let addr = room.server.addr;
    let url = room.url();
    let (mut guest, guest_token) = room.member("Guest").await;
    assert_eq!(get(addr, &url, Some(&guest_token), &[]).await.status, 200);

    // No token, or not a bearer token.
    let r = get(addr, &url, None, &[]).await;
    assert_eq!(r.status, 401, "{}", r.everything());
    assert_eq!(r.code(), "not-in-room");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    for auth in [
        "Basic Z3Vlc3Q6cHc=".to_owned(),
        "Bearer".to_owned(),
        format!("Bearer {guest_token} extra"),
        format!("Bearer {}", "a".repeat(300)),
        guest_token.clone(),
    ] {
        let r = get(addr, &url, None, &[("Authorization", &auth)]).await;
        assert_eq!(r.status, 401, "{auth}");
    }
    // A token nobody has.
    let r = get(addr, &url, Some(&"0".repeat(32)), &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.code(), "not-in-room");

    // A member of another room, even one that plays the same file, gets nothing through this
    // room; through its own room it may.
    let mut other_host = Client::connect(&room.server).await;
    let (other_code, _, other_joined) = other_host.create_room("Other", "host-only").await;
    let other_token = other_joined.you.resume_token;
    let r = get(addr, &url, Some(&other_token), &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.code(), "not-in-room");
    let other_url = file_path(&other_code, &room.sha256);
    let r = get(addr, &other_url, Some(&other_token), &[]).await;
    assert_eq!(r.status, 403, "not in the other room's queue yet");
    assert_eq!(r.code(), "forbidden");
    add_local(&mut other_host, &room.sha256).await;
    assert_eq!(
        get(addr, &other_url, Some(&other_token), &[]).await.status,
        200
    );
    // This room's guest is not a member of the other room.
    assert_eq!(
        get(addr, &other_url, Some(&guest_token), &[]).await.status,
        403
    );

    // A room code nobody has.
    let r = get(
        addr,
        &file_path("ZZZZZZ", &room.sha256),
        Some(&guest_token),
        &[],
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "room-not-found");

    // A file the server holds that this room is not playing: 403; once queued, 200.
    let second = content(10_000, 9);
    let second_path = write_file(room.dir.path(), "Other Song.flac", &second);
    let second_sha = room.files.share(&second_path).unwrap().sha256;
    let second_url = file_path(&room.code, &second_sha);
    let r = get(addr, &second_url, Some(&guest_token), &[]).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.code(), "forbidden");
    let mut host = room.host;
    add_local(&mut host, &second_sha).await;
    let r = get(addr, &second_url, Some(&guest_token), &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body == second);

    // Queued but held by nobody: 404.
    let missing = "ab".repeat(32);
    add_local(&mut host, &missing).await;
    let r = get(
        addr,
        &file_path(&room.code, &missing),
        Some(&guest_token),
        &[],
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "song-not-found");

    // A member who left: the token is stale.
    guest.send(json!({"type": "leave-room"})).await;
    guest
        .send(json!({"type": "clock-ping", "clientSendUs": 1}))
        .await;
    guest
        .recv_until(|m| matches!(m, ServerMessage::ClockPong { .. }))
        .await;
    let mut stale = 0;
    for _ in 0..100 {
        stale = get(addr, &url, Some(&guest_token), &[]).await.status;
        if stale == 403 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(stale, 403, "a member who left can still fetch");
    // The host still can.
    assert_eq!(get(addr, &url, Some(&room.token), &[]).await.status, 200);

    room.server.stop().await;
}
