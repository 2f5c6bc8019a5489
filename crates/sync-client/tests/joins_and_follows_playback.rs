//! A client joins a room and follows it: the member list, the queue, and a target that pauses,
//! resumes and seeks with the room, each matching the server's timeline. Its own commands reach
//! the room.

mod common;

use common::{Host, MS, S, TestServer, wait_state};
use room_core::ServerMessage;
use room_core::protocol::SongInput;
use room_server::ServerConfig;
use serde_json::json;
use sync_client::{ClientConfig, ConnectionStatus, Join, SyncClient, Target};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joins_and_follows_playback() {
    let server = TestServer::start(ServerConfig::default());
    let mut host = Host::create(&server, "everyone", None).await;
    let started = host.add_youtube("dQw4w9WgXcQ", 300 * S).await;

    let mut join = Join::new(host.code.clone(), "Kitchen");
    join.wait_for_me = false;
    let client = SyncClient::spawn(ClientConfig::new(server.url(), join)).expect("spawn");
    let state = wait_state(&client, "in the room and synced", |s| {
        s.status == ConnectionStatus::InRoom && s.clock.synced
    })
    .await;

    // The room as joined: two members, the song current, me a listener.
    let room = state.room.as_ref().expect("room");
    assert_eq!(room.code, host.code);
    let me = state.me.expect("me");
    assert_eq!(room.members.len(), 2, "{:?}", room.members);
    assert_eq!(room.members[&me.member_id].name, "Kitchen");
    assert_eq!(state.song_id(), started.song_id);
    let playback = state.playback().expect("a timeline");
    assert_eq!(Some(playback.song_id), started.song_id);
    assert_eq!(playback.started_at_us, started.started_at_us);
    assert_eq!(playback.effective_at_us, started.effective_at_us);
    let reading = host.room_now().await;
    let target = client
        .target_at(client.now_us())
        .expect("a target while playing");
    assert_eq!(Some(target.song_id), started.song_id);
    let Target::Playing { position_us } = target.target else {
        panic!("expected playing, got {target:?}");
    };
    let expected = reading.room_us - started.started_at_us;
    assert!(
        (position_us - expected).abs() < 50 * MS,
        "position {position_us} vs room {expected}"
    );

    // Pause: the target holds at the server's paused position.
    host.send(json!({"type": "pause-playback"})).await;
    let paused = host.next_playback().await;
    let state = wait_state(&client, "paused", |s| {
        s.room.as_ref().is_some_and(|r| !r.playback.is_playing)
    })
    .await;
    let paused_at = paused.paused_at_us.expect("paused at");
    let held = paused_at - paused.started_at_us;
    // Once the pause is in force (at once, or at its scheduled instant).
    tokio::time::sleep(std::time::Duration::from_millis(
        ((paused.effective_at_us - reading.room_us).max(0) / MS) as u64 + 20,
    ))
    .await;
    assert_eq!(
        client.target_at(client.now_us()).map(|t| t.target),
        Some(Target::Paused { position_us: held })
    );
    assert_eq!(
        state.last_playback.as_ref().map(|p| p.is_playing),
        Some(false)
    );

    // Seek while paused stays paused, at the new position.
    host.send(json!({"type": "seek-playback", "positionUs": 90 * S}))
        .await;
    host.next_playback().await;
    // Well after the seek is in force, wherever it was scheduled.
    let later = client.now_us() + 10 * S;
    wait_state(&client, "seeked", |s| {
        s.target_at(later).is_some_and(|t| {
            t.target
                == Target::Paused {
                    position_us: 90 * S,
                }
        })
    })
    .await;

    // The client's own resume (the policy lets everyone control) reaches the room.
    client.resume().expect("resume");
    let resumed = host.next_playback().await;
    assert!(resumed.is_playing);
    wait_state(&client, "playing again", |s| {
        s.room.as_ref().is_some_and(|r| r.playback.is_playing)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let reading = host.room_now().await;
    let local = client.now_us();
    let Some(Target::Playing { position_us }) = client.target_at(local).map(|t| t.target) else {
        panic!("expected playing");
    };
    let expected = reading.room_us - resumed.started_at_us;
    assert!(
        (position_us - expected).abs() < 50 * MS,
        "after resume: position {position_us} vs room {expected}"
    );

    // Queue and chat from the client show up for the host and in the client's own state.
    client
        .add_song(SongInput::Link {
            url: "https://youtu.be/9bZkp7q19f0".into(),
            title: Some("Next one".into()),
            artist: None,
            album: None,
            duration_us: Some(200 * S),
        })
        .expect("add");
    client.chat("hello room").expect("chat");
    host.recv_until(|m| matches!(m, ServerMessage::ChatMessage(c) if c.text == "hello room"))
        .await;
    let state = wait_state(&client, "queue and chat", |s| {
        s.room
            .as_ref()
            .is_some_and(|r| r.queue.len() == 1 && r.chat.iter().any(|c| c.text == "hello room"))
    })
    .await;
    let queued = state.room.as_ref().expect("room").queue[0].song.id;
    client.vote(queued, 1).expect("vote");
    wait_state(&client, "my vote", |s| {
        s.room
            .as_ref()
            .is_some_and(|r| r.your_votes.get(&queued) == Some(&1) && r.queue[0].score == 1)
    })
    .await;

    // Leaving: the host sees the member go.
    client.leave().await.expect("leave");
    assert_eq!(client.state().status, ConnectionStatus::Closed);
    host.recv_until(|m| match m {
        ServerMessage::Presence { left, .. } => left.iter().any(|g| g.member_id == me.member_id),
        _ => false,
    })
    .await;
    server.stop().await;
}
