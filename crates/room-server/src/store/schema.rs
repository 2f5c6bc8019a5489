//! Tables, connection settings and migrations.
//!
//! The schema version lives in SQLite's `user_version`; each entry of [`MIGRATIONS`] moves the
//! file one version up inside its own transaction, so a crash mid-migration leaves the old version.

use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// `MIGRATIONS[n]` turns a version-`n` file into version `n + 1`.
///
/// Why the foreign keys: deleting a room cascades to everything about it, and deleting a queue row
/// cascades to its votes. Votes do not reference members, on purpose: a member who leaves keeps
/// the votes it cast, as the room does in memory.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [r"
CREATE TABLE rooms (
    code               TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    policy             TEXT    NOT NULL,
    password_digest    TEXT,
    host_secret_digest TEXT    NOT NULL,
    next_member_id     INTEGER NOT NULL,
    next_song_id       INTEGER NOT NULL,
    created_at_us      INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
    room_code     TEXT    NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    resume_digest TEXT    NOT NULL,
    PRIMARY KEY (room_code, id)
) STRICT;

-- song_json: the SongView as serde JSON, so new song fields need no migration.
CREATE TABLE queue (
    room_code TEXT    NOT NULL REFERENCES rooms(code) ON DELETE CASCADE,
    song_id   INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    pin       INTEGER,
    song_json TEXT    NOT NULL,
    PRIMARY KEY (room_code, song_id)
) STRICT;

CREATE TABLE votes (
    room_code TEXT    NOT NULL,
    song_id   INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    vote      INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    PRIMARY KEY (room_code, song_id, member_id),
    FOREIGN KEY (room_code, song_id) REFERENCES queue(room_code, song_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE playback (
    room_code         TEXT    NOT NULL PRIMARY KEY REFERENCES rooms(code) ON DELETE CASCADE,
    current_song_json TEXT,
    started_at_us     INTEGER NOT NULL,
    paused_at_us      INTEGER,
    is_playing        INTEGER NOT NULL,
    last_updated_us   INTEGER NOT NULL
) STRICT;
"];

/// Per-connection settings.
///
/// - `journal_mode=WAL`: readers never block the writer, and a commit is one append.
/// - `synchronous=NORMAL`: no fsync per commit. In WAL mode a process crash loses nothing
///   committed and a power cut loses at most the last transactions; neither corrupts the file.
///   Room state is cheap to lose by a second and costly to fsync 1,000 times a second.
/// - `foreign_keys=ON`: SQLite's default is off, and the cascades above depend on it.
/// - `busy_timeout`: wait for a lock instead of failing at once (e.g. an operator's `sqlite3`
///   shell reading the file).
///
/// # Errors
/// [`StoreError::Sqlite`] when a PRAGMA fails (e.g. the file is not a database).
pub(crate) fn configure(conn: &Connection) -> Result<(), StoreError> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "the store's file system refused WAL; writes will be slower");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

/// Bring the file up to [`SCHEMA_VERSION`].
///
/// # Errors
/// [`StoreError::NewerSchema`] for a file from a newer build (refused rather than misread),
/// [`StoreError::Sqlite`] when a migration fails (the file keeps its old version).
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for version in found.max(0)..SCHEMA_VERSION {
        let Some(sql) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            break;
        };
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        tracing::info!(version = version + 1, "store schema migrated");
    }
    Ok(())
}
