//! A burst of joins becomes a few transactions, not one commit per join.

mod store_common;

use room_core::persist::StoreOp;
use store_common::{Driven, T0, load, spawn_writer};

const JOINS: usize = 1_000;

#[tokio::test]
async fn a_thousand_joins_take_a_few_transactions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let store = spawn_writer(&path);

    let mut room = Driven::create("CROWD1", T0);
    room.submit_to(&store);
    store.flush().await.expect("flush the room");
    let before = store.stats();

    for i in 0..JOINS {
        room.join(T0, &format!("listener {i}"));
    }
    let submits = room.pending.len();
    assert_eq!(submits, JOINS, "one submit per join, as a room task does");
    let member_ops = room
        .pending
        .iter()
        .flatten()
        .filter(|op| matches!(op, StoreOp::Member(_)))
        .count();
    assert_eq!(member_ops, JOINS);
    room.submit_to(&store);
    store.flush().await.expect("flush the joins");
    let after = store.stats();
    store.close().await;

    let ops = after.submitted_ops - before.submitted_ops;
    let transactions = after.transactions - before.transactions;
    assert_eq!(after.applied_ops, after.submitted_ops, "{after:?}");
    assert_eq!(after.failed_ops, 0, "{after:?}");
    assert!(
        transactions * 10 <= JOINS as u64,
        "{JOINS} joins ({ops} ops) took {transactions} transactions"
    );

    let loaded = load(&path);
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].members.len(), JOINS);
    assert_eq!(loaded[0], room.room.snapshot());
}
