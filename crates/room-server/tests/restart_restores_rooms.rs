//! Rooms outlive their server: after a graceful stop, an aborted server task, or a SIGKILLed
//! `tandem-server` process, a new server on the same store file gives back each room's queue,
//! votes, members (resumable, same roles) and timeline: a paused song at the same position, a
//! playing one further along by the time that passed.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Client, TestServer};
use room_core::protocol::{RoomJoined, SongId};
use room_core::{Role, ServerMessage};
use room_server::store::SqliteStore;
use serde_json::json;
use support::{
    S, connect_url, expect_playback, next, playing_from, probe_url, resume, start_first_song,
    timeline,
};

/// What the first server left behind, and how to find it again.
struct Scene {
    paused_code: String,
    host_token: String,
    host_id: u64,
    /// (resume token, member id, votes) of the two voters.
    voters: Vec<(String, u64, BTreeMap<SongId, i8>)>,
    paused: RoomJoined,
    playing_code: String,
    playing: RoomJoined,
    clients: Vec<Client>,
}

async fn song_added(c: &mut Client) -> SongId {
    match next(c).await {
        ServerMessage::SongAdded { entry, .. } => entry.song.id,
        other => panic!("expected song-added, got {other:?}"),
    }
}

async fn build(url: &str) -> Scene {
    // A paused room with a voted queue.
    let mut host = connect_url(url).await;
    let (paused_code, _, joined) = host.create_room("Paused room", "host-and-djs").await;
    start_first_song(&mut host, "dQw4w9WgXcQ", Some(200 * S)).await;
    let mut queued = Vec::new();
    for (video, d) in [
        ("9bZkp7q19f0", 180),
        ("kJQP7kiw5Fk", 240),
        ("JGwWNGJdvx8", 210),
    ] {
        host.add_youtube(video, d * S).await;
        queued.push(song_added(&mut host).await);
    }
    let (b, c, d) = (queued[0], queued[1], queued[2]);
    let mut voters = Vec::new();
    let mut voter_clients = Vec::new();
    for (name, votes) in [("Ann", vec![(c, 1)]), ("Bob", vec![(c, 1), (d, -1)])] {
        let mut v = connect_url(url).await;
        v.send(json!({"type": "join-room", "code": paused_code, "displayName": name}))
            .await;
        let me = v.expect_joined().await.you;
        for (song, vote) in &votes {
            v.send(json!({"type": "vote", "songId": song, "vote": vote}))
                .await;
            v.recv_until(|m| matches!(m, ServerMessage::SongVoted { member_id, .. } if *member_id == me.member_id))
                .await;
        }
        voters.push((me.resume_token, me.member_id, votes.into_iter().collect()));
        voter_clients.push(v);
    }
    host.send(json!({"type": "pause-playback"})).await;
    host.recv_until(|m| matches!(m, ServerMessage::PlaybackPaused(_)))
        .await;
    host.send(json!({"type": "seek-playback", "positionUs": 42 * S}))
        .await;
    host.recv_until(|m| matches!(m, ServerMessage::PlaybackSeeked(_)))
        .await;
    let paused = probe_url(url, &paused_code, None).await;
    let order: Vec<_> = paused.queue.iter().map(|e| e.song.id).collect();
    assert_eq!(order, [c, b, d], "votes order the queue");
    assert_eq!(paused.position_us, 42 * S);

    // A playing room.
    let mut host2 = connect_url(url).await;
    let (playing_code, _, _) = host2.create_room("Playing room", "host-only").await;
    start_first_song(&mut host2, "OPf0YbXqDm0", Some(300 * S)).await;
    host2.add_youtube("fJ9rUzIMcZQ", 100 * S).await;
    song_added(&mut host2).await;
    let playing = probe_url(url, &playing_code, None).await;
    assert!(playing.playback.is_playing);

    let mut clients = vec![host, host2];
    clients.extend(voter_clients);
    Scene {
        paused_code,
        host_token: joined.you.resume_token,
        host_id: joined.you.member_id,
        voters,
        paused,
        playing_code,
        playing,
        clients,
    }
}

/// The new server gives everything back.
async fn check(server: &TestServer, scene: &Scene) {
    let url = server.url();
    let got = probe_url(&url, &scene.paused_code, None).await;
    assert_eq!(got.queue, scene.paused.queue, "queue and vote counts");
    assert_eq!(timeline(&got.playback), timeline(&scene.paused.playback));
    assert!(!got.playback.is_playing);
    assert_eq!(got.position_us, 42 * S);
    assert_eq!(got.song, scene.paused.song);
    assert_eq!(got.room, scene.paused.room);
    for m in scene
        .paused
        .members
        .iter()
        .filter(|m| m.id != scene.paused.you.member_id)
    {
        let after = got.members.iter().find(|g| g.id == m.id).unwrap();
        assert_eq!((&after.name, after.role), (&m.name, m.role));
        assert!(
            !after.connected,
            "nobody is connected right after a restart"
        );
    }

    // Voters come back as themselves, with their own votes.
    for (token, id, votes) in &scene.voters {
        let mut v = Client::connect(server).await;
        let back = resume(&mut v, &scene.paused_code, token).await;
        assert_eq!(back.you.member_id, *id);
        assert_eq!(back.you.role, Role::Listener);
        let mine: BTreeMap<SongId, i8> = back
            .your_votes
            .iter()
            .map(|v| (v.song_id, v.vote))
            .collect();
        assert_eq!(&mine, votes);
    }
    // The host too, and the paused song resumes from where it was paused.
    let mut host = Client::connect(server).await;
    let back = resume(&mut host, &scene.paused_code, &scene.host_token).await;
    assert_eq!(
        (back.you.member_id, back.you.role),
        (scene.host_id, Role::Host)
    );
    host.send(json!({"type": "resume-playback"})).await;
    let (kind, e) = expect_playback(&mut host).await;
    assert_eq!(kind, "playback-resumed");
    assert_eq!(playing_from(&e), 42 * S);

    // The playing room went on playing through the restart.
    let got = probe_url(&url, &scene.playing_code, None).await;
    assert!(got.playback.is_playing);
    assert_eq!(timeline(&got.playback), timeline(&scene.playing.playback));
    assert_eq!(got.song, scene.playing.song);
    assert_eq!(got.queue, scene.playing.queue);
    assert!(
        got.position_us > scene.playing.position_us,
        "the playing song stood still: {} then {}",
        scene.playing.position_us,
        got.position_us
    );
    assert_eq!(
        got.position_us,
        got.room_clock_us - got.playback.started_at_us
    );
}

/// Wait until the store file holds the whole scene (the writer commits in the background).
async fn wait_stored(path: &Path, scene: &Scene) {
    for _ in 0..500 {
        let rooms = SqliteStore::open(path).unwrap().load_rooms().unwrap();
        let find = |code: &str| rooms.iter().find(|r| r.room.code == code);
        if let (Some(p), Some(q)) = (find(&scene.paused_code), find(&scene.playing_code))
            && p.playback.paused_at_us == scene.paused.playback.paused_at_us
            && p.playback.started_at_us == scene.paused.playback.started_at_us
            && p.votes.len() == 3
            && p.queue.len() == 3
            && p.members.len() == 3
            && q.queue.len() == 1
            && q.members.len() == 1
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the store never held the whole scene");
}

#[tokio::test]
async fn restart_after_graceful_stop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rooms.sqlite3");
    let server = TestServer::with_store(path.clone()).await;
    let scene = build(&server.url()).await;
    server.stop().await;

    let server = TestServer::with_store(path).await;
    check(&server, &scene).await;
    server.stop().await;
}

#[tokio::test]
async fn restart_after_the_server_task_is_aborted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rooms.sqlite3");
    let server = TestServer::with_store(path.clone()).await;
    let mut scene = build(&server.url()).await;
    wait_stored(&path, &scene).await;
    scene.clients.clear();
    server.kill().await;

    let server = TestServer::with_store(path).await;
    check(&server, &scene).await;
    server.stop().await;
}

#[tokio::test]
async fn restart_after_the_process_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rooms.sqlite3");
    // A free port for the child (it binds loopback only, as by default).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem-server"))
        .args(["--port", &port.to_string(), "--store"])
        .arg(&path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let mut up = false;
    for _ in 0..500 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            up = true;
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "tandem-server exited at start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(up, "tandem-server never listened on {addr}");
    let (status, _, body) = support::http_get(addr, "/health").await;
    assert_eq!(status, 200, "{body}");

    let mut scene = build(&format!("ws://{addr}/ws")).await;
    wait_stored(&path, &scene).await;
    scene.clients.clear();
    child.kill().unwrap();
    child.wait().unwrap();

    let server = TestServer::with_store(path).await;
    check(&server, &scene).await;
    server.stop().await;
}
