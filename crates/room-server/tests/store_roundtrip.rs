//! Rooms written through the writer thread load back, after a reopen, exactly as
//! `Room::snapshot` had them, and a restored room's timeline continues where it was.

mod store_common;

use room_core::persist::StoreOp;
use room_core::{ClientMessage, Room, RoomConfig};
use store_common::{S, T0, count, load, party, playing, raw, spawn_writer};

#[tokio::test]
async fn stored_rooms_load_back_as_their_snapshots() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Parent directories that do not exist yet are created.
    let path = dir.path().join("data/tandem/rooms.sqlite3");
    let store = spawn_writer(&path);

    let mut a = party("PARTYA");
    let mut b = playing("PLAYSB");
    // Interleaved, as two room tasks would submit.
    let mut b_ops = std::mem::take(&mut b.pending).into_iter();
    for ops in std::mem::take(&mut a.pending) {
        store.submit(a.room.code(), ops);
        if let Some(ops) = b_ops.next() {
            store.submit(b.room.code(), ops);
        }
    }
    for ops in b_ops {
        store.submit(b.room.code(), ops);
    }
    store.flush().await.expect("flush");
    let stats = store.stats();
    store.close().await;

    assert!(stats.submitted_ops > 0);
    assert_eq!(stats.applied_ops, stats.submitted_ops, "{stats:?}");
    assert_eq!(stats.failed_ops, 0, "{stats:?}");
    assert_eq!(stats.pending_ops(), 0, "{stats:?}");

    let want_a = a.room.snapshot();
    // The scenario really covers what it claims: pins, votes (one by a member who left),
    // a removed song, a local file, a paused current song.
    assert!(want_a.queue.iter().any(|q| q.pin.is_some()));
    assert!(
        want_a.queue.iter().any(|q| q.song.url.is_none()),
        "a local file is queued"
    );
    assert!(want_a.votes.len() >= 4, "{:?}", want_a.votes);
    assert!(
        want_a
            .votes
            .iter()
            .any(|&(_, m, _)| !want_a.members.iter().any(|r| r.id == m)),
        "a vote of a member who left is kept"
    );
    assert!(want_a.playback.paused_at_us.is_some());
    assert!(want_a.room.password_digest.is_some());

    let loaded = load(&path);
    assert_eq!(loaded.len(), 2, "both rooms load");
    assert_eq!(loaded[0], want_a, "room A loads as its snapshot");
    assert_eq!(loaded[1], b.room.snapshot(), "room B loads as its snapshot");

    // Nothing lingers that the snapshot does not show: the removed song took its votes along.
    let conn = raw(&path);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM votes WHERE room_code = 'PARTYA'"
        ),
        want_a.votes.len() as i64
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM queue WHERE room_code = 'PARTYA'"
        ),
        want_a.queue.len() as i64
    );
}

#[tokio::test]
async fn a_restored_room_continues_its_timeline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let store = spawn_writer(&path);
    let mut a = party("PARTYA");
    let mut b = playing("PLAYSB");
    a.submit_to(&store);
    b.submit_to(&store);
    store.close().await;

    let mut loaded = load(&path).into_iter();
    let later = T0 + 3600 * S;
    let mut a2 = Room::restore(loaded.next().expect("room A"), later, RoomConfig::default());
    let b2 = Room::restore(
        loaded.next().expect("room B"),
        T0 + 100 * S,
        RoomConfig::default(),
    );

    // Positions are compared with the original room, which never went through the store.
    let (a1, b1) = (a.room.playback(), b.room.playback());

    // B was playing since about T0 + 10 s: at T0 + 100 s it is where the original is, and its
    // song ends when it would have.
    let pos = b2.playback().position_us(T0 + 100 * S);
    assert!((80 * S..=90 * S).contains(&pos), "B is {pos} µs in");
    assert_eq!(pos, b1.position_us(T0 + 100 * S));
    assert_eq!(b2.playback().ends_at_us(), b1.ends_at_us());
    assert!(b2.playback().ends_at_us().is_some());

    // A was paused about 52 s in (seek to 42 s at +30 s, pause at +40 s): an hour later it is
    // still there, and resuming continues from there in the restored room as in the original.
    let paused = a2.playback().position_us(later);
    assert!(paused >= 50 * S, "A is paused {paused} µs in");
    assert_eq!(paused, a1.position_us(T0 + 41 * S));
    let host = 1;
    let resume = || ClientMessage::ResumePlayback {};
    a2.handle(later, host, resume()).expect("resume restored");
    a.room
        .handle(later, host, resume())
        .expect("resume original");
    for t in [later, later + 7 * S, later + 60 * S] {
        assert_eq!(
            a2.playback().position_us(t),
            a.room.playback().position_us(t)
        );
    }
    assert!(
        a2.playback().position_us(later + 60 * S) > paused,
        "it plays on"
    );
    assert_eq!(a2.playback().ends_at_us(), a.room.playback().ends_at_us());
    assert_eq!(a2.queue().order(), a.room.queue().order());

    // New ids continue after the stored ones instead of reusing them.
    let fresh = a2
        .join(
            later,
            room_core::JoinParams {
                display_name: "newcomer",
                password: Some("hunter2"),
                ..Default::default()
            },
            "newcomer-token",
        )
        .expect("join restored")
        .1;
    let new_member = fresh.iter().find_map(|e| match e {
        room_core::Effect::Store(StoreOp::Member(m)) => Some(m.id),
        _ => None,
    });
    assert_eq!(new_member, Some(5), "members 1-4 existed before");
}
