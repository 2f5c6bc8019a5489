//! [`SqliteStore`]: the one connection, and ops into rows.

use std::path::{Path, PathBuf};

use room_core::persist::{RoomSnapshot, StoreOp};
use rusqlite::{Connection, Transaction, params};

use super::{StoreError, load, schema};

// Writes. Every write is an upsert (`ON CONFLICT DO UPDATE`), never `INSERT OR REPLACE`:
// REPLACE deletes the old row first, and the cascades would take a room's members and queue, or
// a song's votes, with it.
const UPSERT_ROOM: &str = "INSERT INTO rooms (code, name, policy, password_digest, \
     host_secret_digest, next_member_id, next_song_id, created_at_us) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO UPDATE SET \
     name = excluded.name, policy = excluded.policy, password_digest = excluded.password_digest, \
     host_secret_digest = excluded.host_secret_digest, next_member_id = excluded.next_member_id, \
     next_song_id = excluded.next_song_id, created_at_us = excluded.created_at_us";
const UPSERT_MEMBER: &str = "INSERT INTO members (room_code, id, name, role, resume_digest) \
     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (room_code, id) DO UPDATE SET \
     name = excluded.name, role = excluded.role, resume_digest = excluded.resume_digest";
const UPSERT_SONG: &str = "INSERT INTO queue (room_code, song_id, seq, pin, song_json) \
     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (room_code, song_id) DO UPDATE SET \
     seq = excluded.seq, pin = excluded.pin, song_json = excluded.song_json";
// A vote for a song that is not queued is dropped here rather than failing the foreign key (and
// with it the whole batch).
const UPSERT_VOTE: &str = "INSERT INTO votes (room_code, song_id, member_id, vote) \
     SELECT ?1, ?2, ?3, ?4 WHERE EXISTS \
     (SELECT 1 FROM queue WHERE room_code = ?1 AND song_id = ?2) \
     ON CONFLICT (room_code, song_id, member_id) DO UPDATE SET vote = excluded.vote";
const UPSERT_PLAYBACK: &str = "INSERT INTO playback (room_code, current_song_json, \
     started_at_us, paused_at_us, is_playing, last_updated_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
     ON CONFLICT (room_code) DO UPDATE SET current_song_json = excluded.current_song_json, \
     started_at_us = excluded.started_at_us, paused_at_us = excluded.paused_at_us, \
     is_playing = excluded.is_playing, last_updated_us = excluded.last_updated_us";

/// The room database: one SQLite connection, used from one thread at a time.
///
/// Usually owned by a [`super::StoreWriter`]; used directly to load rooms at startup and in tests.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Open (or create) the database at `path`, creating its parent directories, and migrate it.
    ///
    /// # Errors
    /// [`StoreError::CreateDir`] when a parent directory cannot be created,
    /// [`StoreError::NewerSchema`] for a file from a newer build, [`StoreError::Sqlite`] when the
    /// file cannot be opened as a database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        let mut conn = Connection::open(path)?;
        schema::configure(&conn)?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every stored room, ordered by code, each in the form [`room_core::Room::snapshot`] gives
    /// (members by id, queue in play order), ready for [`room_core::Room::restore`].
    ///
    /// A row that does not decode is skipped with a warning: a bad room row skips its room, a bad
    /// member, song or vote row only itself, a bad playback row leaves its room idle.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the database cannot be read at all.
    pub fn load_rooms(&self) -> Result<Vec<RoomSnapshot>, StoreError> {
        load::load_rooms(&self.conn)
    }

    /// Apply `batch`, in order, in one transaction: all of it is stored or none of it.
    ///
    /// Each entry is (room code, op). An op for a room that is not stored is ignored (a room is
    /// created only by [`StoreOp::Room`]), so a late op for a closed room cannot fail the batch.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when a write fails (the transaction is rolled back),
    /// [`StoreError::Encode`] when a song cannot be encoded.
    pub fn apply(&mut self, batch: &[(String, StoreOp)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for (code, op) in batch {
            apply_op(&tx, code, op)?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn apply_op(tx: &Transaction<'_>, code: &str, op: &StoreOp) -> Result<(), StoreError> {
    let creates = matches!(op, StoreOp::Room(_) | StoreOp::RoomGone);
    if !creates && !room_exists(tx, code)? {
        tracing::debug!(room = %code, "store op for a room that is not stored; ignored");
        return Ok(());
    }
    match op {
        StoreOp::Room(r) if r.code != code => {
            tracing::warn!(room = %code, record = %r.code, "record of another room; ignored");
        }
        StoreOp::Room(r) => {
            tx.prepare_cached(UPSERT_ROOM)?.execute(params![
                code,
                r.name,
                r.policy.as_str(),
                r.password_digest,
                r.host_secret_digest,
                r.next_member_id,
                r.next_song_id,
                r.created_at_us
            ])?;
        }
        StoreOp::Member(m) => {
            tx.prepare_cached(UPSERT_MEMBER)?.execute(params![
                code,
                m.id,
                m.name,
                m.role.as_str(),
                m.resume_digest
            ])?;
        }
        // Their votes stay: the room keeps them in memory too.
        StoreOp::MemberGone(id) => {
            tx.prepare_cached("DELETE FROM members WHERE room_code = ?1 AND id = ?2")?
                .execute(params![code, id])?;
        }
        StoreOp::Song(q) => {
            let json = serde_json::to_string(&q.song)?;
            tx.prepare_cached(UPSERT_SONG)?
                .execute(params![code, q.song.id, q.seq, q.pin, json])?;
        }
        // Votes go with their queue rows (ON DELETE CASCADE).
        StoreOp::SongGone(id) => {
            tx.prepare_cached("DELETE FROM queue WHERE room_code = ?1 AND song_id = ?2")?
                .execute(params![code, id])?;
        }
        StoreOp::QueueCleared => {
            tx.prepare_cached("DELETE FROM queue WHERE room_code = ?1")?
                .execute([code])?;
        }
        StoreOp::Vote { song, member, vote } => match vote {
            0 => {
                tx.prepare_cached(
                    "DELETE FROM votes WHERE room_code = ?1 AND song_id = ?2 AND member_id = ?3",
                )?
                .execute(params![code, song, member])?;
            }
            -1 | 1 => {
                tx.prepare_cached(UPSERT_VOTE)?
                    .execute(params![code, song, member, vote])?;
            }
            _ => tracing::warn!(room = %code, vote, "vote outside -1..=1; ignored"),
        },
        StoreOp::Playback(p) => {
            let json = p.current.as_ref().map(serde_json::to_string).transpose()?;
            tx.prepare_cached(UPSERT_PLAYBACK)?.execute(params![
                code,
                json,
                p.started_at_us,
                p.paused_at_us,
                p.is_playing,
                p.last_updated_us
            ])?;
        }
        StoreOp::RoomGone => {
            tx.prepare_cached("DELETE FROM rooms WHERE code = ?1")?
                .execute([code])?;
        }
    }
    Ok(())
}

fn room_exists(tx: &Transaction<'_>, code: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM rooms WHERE code = ?1")?
        .exists([code])?)
}
