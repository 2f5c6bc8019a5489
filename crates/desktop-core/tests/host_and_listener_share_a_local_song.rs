//! One app hosts (its embedded server), another joins by the address and code it shows. The
//! host adds a local file: both follow the same song; pause, seek and votes reach both.

mod common;

use common::{TestApp, fixture, long_song};
use desktop_core::view::{Control, HostRequest, JoinRequest, PlayerKind, SessionStatus};
use room_core::{ControlPolicy, Role};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_and_listener_share_a_local_song() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = TestApp::new("Ada").await;
    host.app
        .host_room(HostRequest {
            name: "Friday listening".into(),
            policy: ControlPolicy::HostAndDjs,
            password: None,
        })
        .await
        .expect("host");
    let room = host.wait_room("the hosted room", |r| r.hosting).await;
    assert_eq!(room.me.role, Role::Host);
    let share = room.share.clone().expect("share panel");
    assert!(share.link.starts_with("tandem://join/"), "{}", share.link);
    assert!(share.qr_svg.starts_with("<?xml") || share.qr_svg.contains("<svg"));

    let guest = TestApp::new("Ben").await;
    guest
        .app
        .join_room(JoinRequest {
            address: share.addresses[0].clone(),
            code: room.code.to_lowercase(),
            password: None,
        })
        .await
        .expect("join");
    let seen = guest
        .wait_room("in the room", |r| r.members.len() == 2)
        .await;
    assert_eq!(seen.code, room.code);
    assert!(!seen.hosting);
    assert!(
        !seen.can_control,
        "a listener may not control under host-and-djs"
    );
    assert!(seen.control_reason.is_some());
    host.wait_room("sees Ben", |r| r.members.iter().any(|m| m.name == "Ben"))
        .await;

    host.app
        .add_files(vec![long_song(dir.path()), fixture("random.mp3")])
        .await
        .expect("add");
    let playing = guest
        .wait_room("the song playing", |r| {
            r.now_playing.as_ref().is_some_and(|n| n.is_playing)
        })
        .await;
    let song = playing.now_playing.expect("now playing").song;
    assert_eq!(song.added_by_name, "Ada");
    assert!(
        host.events().iter().any(
            |e| matches!(e, desktop_core::view::UiEvent::Notice(n) if n.code == "file-refused")
        ),
        "a random file was not refused"
    );
    let tick = guest
        .wait_tick("following the local song", |t| {
            t.song_id == Some(song.id)
                && t.player.kind == PlayerKind::Local
                && t.position_us > 100_000
        })
        .await;
    assert!(tick.is_playing);
    // Both hear it: no note saying the file cannot play or is still being fetched.
    let heard =
        |t: &desktop_core::view::TickView| t.player.note.is_none() && t.position_us > 1_500_000;
    guest.wait_tick("the guest hearing the file", heard).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    eprintln!("host tick: {:?}", host.last_tick());
    host.wait_tick("the host hearing the file", heard).await;
    let host_tick = host
        .wait_tick("host ticking", |t| t.song_id == Some(song.id))
        .await;
    assert_eq!(host_tick.player.kind, PlayerKind::Local);

    // A listener's pause is refused; the host's reaches both.
    guest.app.control(Control::Pause).await.expect("sent");
    host.app.control(Control::Pause).await.expect("pause");
    guest
        .wait_room("paused", |r| {
            r.now_playing.as_ref().is_some_and(|n| !n.is_playing)
        })
        .await;
    host.app
        .control(Control::Seek {
            position_us: 20_000_000,
        })
        .await
        .expect("seek");
    let at = guest
        .wait_tick("at the seek target", |t| {
            !t.is_playing && (t.position_us - 20_000_000).abs() < 1_000
        })
        .await;
    assert_eq!(at.song_id, Some(song.id));

    // Votes: the guest adds a link and votes; the host sees the score.
    guest
        .app
        .add_link("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
        .await
        .expect("link");
    let queued = host
        .wait_room("the link queued", |r| !r.queue.is_empty())
        .await;
    let id = queued.queue[0].entry.song.id;
    guest.app.vote(id, 1).await.expect("vote");
    host.wait_room("the vote counted", |r| {
        r.queue.first().is_some_and(|q| q.entry.score == 1)
    })
    .await;
    guest
        .wait_room("my vote shown", |r| {
            r.queue.first().is_some_and(|q| q.my_vote == 1)
        })
        .await;

    guest.app.leave_room().await;
    assert_eq!(guest.last_status(), Some(SessionStatus::Idle));
    host.wait_room("Ben gone or disconnected", |r| {
        r.members.iter().all(|m| m.name != "Ben" || !m.connected)
    })
    .await;
    host.app.shutdown().await;
}
