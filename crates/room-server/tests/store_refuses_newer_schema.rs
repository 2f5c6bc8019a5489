//! The schema is versioned: a new file is migrated to the current version, and a file written by
//! a newer build is refused rather than misread (or "migrated" down).

mod store_common;

use room_server::store::{SCHEMA_VERSION, SqliteStore, StoreError};
use store_common::raw;

#[test]
fn new_files_get_the_current_version_and_newer_ones_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    drop(SqliteStore::open(&path).expect("create"));
    let conn = raw(&path);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, SCHEMA_VERSION);
    assert!(version >= 1);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");

    // Reopening an up-to-date file changes nothing.
    drop(SqliteStore::open(&path).expect("reopen"));

    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("pretend a newer build wrote it");
    drop(conn);
    match SqliteStore::open(&path) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("a newer schema was accepted: {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    std::fs::write(&path, b"this is not a SQLite file, it is a shopping list").expect("write");
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::Sqlite(_))
    ));
}
