//! Dropping the last handle without `close` or `flush` (a room task that panicked, a shutdown
//! path that forgot) still stores everything that was submitted.

mod store_common;

use std::time::{Duration, Instant};

use store_common::{load, party, spawn_writer};

#[test]
fn dropping_every_handle_drains_the_queue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let store = spawn_writer(&path);
    let clone = store.clone();
    let mut a = party("PARTYA");
    let mut b = party("PARTYB");
    a.submit_to(&store);
    b.submit_to(&clone);
    drop(store);
    drop(clone);

    // No handle is left to wait on: poll the file like a restarted server would.
    let want = vec![a.room.snapshot(), b.room.snapshot()];
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let loaded = load(&path);
        if loaded == want {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "queued ops never reached the file: {} of 2 rooms",
            loaded.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
