//! A server killed with SIGKILL mid-write loses nothing that was flushed, and the file is intact.
//!
//! The writer runs in a child process (this test binary, re-run on an ignored test) that stores
//! one room after another, reporting each flushed one on stdout; the parent kills it without
//! warning after some rooms, then reopens the file.

mod store_common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use store_common::{Driven, S, T0, count, load, raw, spawn_writer};

const DB_ENV: &str = "TANDEM_STORE_KILL_TEST_DB";
const KILL_AFTER: usize = 40;

fn nth_room(i: usize) -> Driven {
    let mut d = Driven::create(&format!("ROOM{i:04}"), T0);
    let host = d.join_host(T0, "host");
    let listener = d.join(T0 + S, "listener");
    d.add(T0 + 2 * S, host, 1, 200);
    let queued = d.add(T0 + 3 * S, listener, 2, 200);
    d.vote(T0 + 4 * S, host, queued, 1);
    d
}

/// The child: stores rooms until it is killed. Run only by the test below.
#[tokio::test]
#[ignore = "the child process of killed_writer_loses_nothing_flushed"]
async fn child_stores_rooms_until_killed() {
    // Not a test of its own: under `--include-ignored` without the parent, do nothing.
    let Some(path) = std::env::var_os(DB_ENV) else {
        return;
    };
    let store = spawn_writer(path.as_ref());
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        nth_room(i).submit_to(&store);
        // Keep the writer busy between flushes, so the kill lands mid-transaction sometimes.
        for j in 0..20 {
            nth_room(100_000 + i * 20 + j).submit_to(&store);
        }
        store.flush().await.expect("flush");
        writeln!(out, "flushed {i}").expect("stdout");
        out.flush().expect("stdout");
    }
}

#[test]
fn killed_writer_loses_nothing_flushed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "child_stores_rooms_until_killed",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DB_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let mut flushed = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("read child");
        if let Some(i) = line.strip_prefix("flushed ") {
            let i: usize = i.parse().expect("room index");
            flushed = Some(i);
            if i >= KILL_AFTER {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL the child");
    child.wait().expect("reap the child");
    let flushed = flushed.expect("the child flushed rooms before it was killed");
    assert!(flushed >= KILL_AFTER);

    // The process died with its connection open: the WAL was never checkpointed away.
    let wal = dir.path().join("rooms.sqlite3-wal");
    assert!(wal.exists(), "the kill left the write-ahead log behind");

    let conn = raw(&path);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
    assert_eq!(
        count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0,
        "no orphans"
    );
    drop(conn);

    let loaded = load(&path);
    for i in 0..=flushed {
        let want = nth_room(i).room.snapshot();
        let got = loaded.iter().find(|s| s.room.code == want.room.code);
        assert_eq!(got, Some(&want), "room {i} was flushed before the kill");
    }
}
