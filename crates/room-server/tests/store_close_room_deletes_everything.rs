//! `close-room` deletes the room's rows in every table (the cascades work), leaves other rooms
//! alone, and late ops of the closed room in the same batch do not bring it back.

mod store_common;

use room_core::ClientMessage;
use room_core::persist::StoreOp;
use room_server::store::SqliteStore;
use store_common::{Driven, S, T0, count, load, party, playing, raw};

fn ops(d: &mut Driven) -> Vec<(String, StoreOp)> {
    let code = d.room.code().to_owned();
    d.pending
        .drain(..)
        .flatten()
        .map(|op| (code.clone(), op))
        .collect()
}

#[test]
fn close_room_deletes_everything_about_it_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let mut store = SqliteStore::open(&path).expect("open");
    let mut a = party("PARTYA");
    let mut b = playing("PLAYSB");
    store.apply(&ops(&mut a)).expect("store A");
    store.apply(&ops(&mut b)).expect("store B");
    let conn = raw(&path);
    let rows_of_a = |table: &str| {
        count(
            &conn,
            &format!("SELECT count(*) FROM {table} WHERE room_code = 'PARTYA'"),
        )
    };
    for table in ["members", "queue", "votes", "playback"] {
        assert!(rows_of_a(table) > 0, "room A has {table} rows to delete");
    }

    let host = 1;
    a.send(T0 + 50 * S, host, ClientMessage::CloseRoom {});
    let mut close = ops(&mut a);
    assert_eq!(
        close.iter().map(|(_, op)| op).collect::<Vec<_>>(),
        vec![&StoreOp::RoomGone]
    );
    // What a room task racing the close might still submit.
    let song = a.room.snapshot().queue[0].clone();
    close.push(("PARTYA".into(), StoreOp::Song(song.clone())));
    close.push((
        "PARTYA".into(),
        StoreOp::Vote {
            song: song.song.id,
            member: host,
            vote: 1,
        },
    ));
    store.apply(&close).expect("close A");
    drop(store);

    for table in ["members", "queue", "votes", "playback"] {
        assert_eq!(rows_of_a(table), 0, "{table} rows of the closed room");
    }
    assert_eq!(count(&conn, "SELECT count(*) FROM rooms"), 1);
    assert_eq!(load(&path), vec![b.room.snapshot()]);
}
