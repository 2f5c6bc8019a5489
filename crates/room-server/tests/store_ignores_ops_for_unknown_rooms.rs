//! Ops for a room that is not stored (a late op after `close-room`, a driver bug), and votes
//! for a song that is not queued, are ignored one by one: they neither fail the transaction
//! nor take the batch's other ops down with them.

mod store_common;

use room_core::Role;
use room_core::persist::{MemberRecord, PlaybackRecord, StoreOp};
use room_server::store::SqliteStore;
use store_common::{T0, count, load, party, raw};

#[test]
fn ops_for_a_missing_room_are_skipped_and_the_rest_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let mut store = SqliteStore::open(&path).expect("open");
    let mut a = party("PARTYA");
    let ghost = "GHOST1".to_owned();
    let ghost_ops = [
        StoreOp::Member(MemberRecord {
            id: 1,
            name: "nobody".into(),
            role: Role::Host,
            resume_digest: "digest".into(),
        }),
        StoreOp::Song(a.room.snapshot().queue[0].clone()),
        StoreOp::Vote {
            song: 1,
            member: 1,
            vote: 1,
        },
        StoreOp::Playback(PlaybackRecord {
            current: None,
            started_at_us: T0,
            paused_at_us: None,
            is_playing: false,
            last_updated_us: T0,
        }),
        StoreOp::MemberGone(1),
        StoreOp::SongGone(1),
        StoreOp::QueueCleared,
        StoreOp::RoomGone,
    ];
    // The ghost's ops interleaved with room A's, in one batch.
    let mut batch: Vec<(String, StoreOp)> = Vec::new();
    let mut ghosts = ghost_ops.iter().cycle();
    for op in a.pending.drain(..).flatten() {
        batch.push(("PARTYA".into(), op));
        batch.push((ghost.clone(), ghosts.next().expect("cycle").clone()));
    }
    // And a vote for a song room A does not have.
    batch.push((
        "PARTYA".into(),
        StoreOp::Vote {
            song: 999,
            member: 1,
            vote: 1,
        },
    ));
    store.apply(&batch).expect("the batch commits");
    drop(store);

    assert_eq!(load(&path), vec![a.room.snapshot()]);
    let conn = raw(&path);
    for table in ["members", "queue", "votes", "playback"] {
        let n = count(
            &conn,
            &format!("SELECT count(*) FROM {table} WHERE room_code = 'GHOST1'"),
        );
        assert_eq!(n, 0, "{table}");
    }
}
