//! An op SQLite cannot store fails its drain's transaction; the writer then retries room by
//! room, so only that room's ops are lost, it says so in its counters, and it keeps running.

mod store_common;

use room_core::Role;
use room_core::persist::{MemberRecord, StoreOp};
use store_common::{load, party, playing, spawn_writer};

#[tokio::test]
async fn a_bad_op_costs_its_room_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let store = spawn_writer(&path);
    let mut a = party("PARTYA");
    let mut b = party("PARTYB");
    let b_ops: u64 = b.pending.iter().map(|ops| ops.len() as u64).sum();

    a.submit_to(&store);
    b.submit_to(&store);
    // Member ids are stored as SQLite integers (i64): this one does not fit.
    store.submit(
        "PARTYB",
        vec![StoreOp::Member(MemberRecord {
            id: u64::MAX,
            name: "overflow".into(),
            role: Role::Listener,
            resume_digest: "digest".into(),
        })],
    );
    store.flush().await.expect("flush");
    let stats = store.stats();
    assert_eq!(stats.failed_ops, b_ops + 1, "{stats:?}");
    assert_eq!(stats.applied_ops + stats.failed_ops, stats.submitted_ops);
    assert_eq!(
        load(&path),
        vec![a.room.snapshot()],
        "A is stored whole, B not at all"
    );

    // The writer is still there for the next ops.
    let mut c = playing("PLAYSC");
    c.submit_to(&store);
    store.close().await;
    assert_eq!(load(&path), vec![a.room.snapshot(), c.room.snapshot()]);
}
