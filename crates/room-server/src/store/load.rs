//! Reading rooms back: rows into [`RoomSnapshot`]s, skipping rows that do not decode.

use std::collections::BTreeMap;

use room_core::persist::{MemberRecord, PlaybackRecord, QueueRecord, RoomRecord, RoomSnapshot};
use room_core::protocol::{MemberId, SongId, SongView};
use room_core::queue::{Queue, QueueEntry};
use room_core::{ControlPolicy, Role};
use rusqlite::{Connection, Row, Transaction};

use super::StoreError;

// Reads. Column 0 is always the room code (see `each_row`).
const SELECT_ROOMS: &str = "SELECT code, name, policy, password_digest, host_secret_digest, \
     next_member_id, next_song_id, created_at_us FROM rooms ORDER BY code";
const SELECT_MEMBERS: &str =
    "SELECT room_code, id, name, role, resume_digest FROM members ORDER BY room_code, id";
const SELECT_QUEUE: &str = "SELECT room_code, song_id, seq, pin, song_json FROM queue";
const SELECT_VOTES: &str = "SELECT room_code, song_id, member_id, vote FROM votes";
const SELECT_PLAYBACK: &str = "SELECT room_code, current_song_json, started_at_us, \
     paused_at_us, is_playing, last_updated_us FROM playback";

/// See [`super::SqliteStore::load_rooms`].
///
/// # Errors
/// [`StoreError::Sqlite`] when the database cannot be read at all.
pub(super) fn load_rooms(conn: &Connection) -> Result<Vec<RoomSnapshot>, StoreError> {
    // One read transaction, so the tables agree with each other.
    let tx = conn.unchecked_transaction()?;
    let mut rooms = BTreeMap::new();
    each_row(&tx, "rooms", SELECT_ROOMS, |row| {
        let room = decode_room(row)?;
        rooms.insert(room.code.clone(), Partial::new(room));
        Ok(())
    })?;
    each_row(&tx, "members", SELECT_MEMBERS, |row| {
        if let Some(p) = rooms.get_mut(&row.get::<_, String>(0)?) {
            p.members.push(decode_member(row)?);
        }
        Ok(())
    })?;
    each_row(&tx, "queue", SELECT_QUEUE, |row| {
        if let Some(p) = rooms.get_mut(&row.get::<_, String>(0)?) {
            let entry = decode_song(row)?;
            p.queue.insert(entry.song.id, entry);
        }
        Ok(())
    })?;
    each_row(&tx, "votes", SELECT_VOTES, |row| {
        if let Some(p) = rooms.get_mut(&row.get::<_, String>(0)?) {
            let (song, member, vote) = decode_vote(row)?;
            // A vote whose song row was skipped goes with it.
            if let Some(entry) = p.queue.get_mut(&song) {
                entry.votes.insert(member, vote);
            }
        }
        Ok(())
    })?;
    each_row(&tx, "playback", SELECT_PLAYBACK, |row| {
        if let Some(p) = rooms.get_mut(&row.get::<_, String>(0)?) {
            p.playback = Some(decode_playback(row)?);
        }
        Ok(())
    })?;
    Ok(rooms.into_values().map(Partial::finish).collect())
}

/// Why a stored row could not be read back. Carries no column values (they may be digests).
#[derive(Debug, thiserror::Error)]
enum RowError {
    #[error("{0}")]
    Column(#[from] rusqlite::Error),
    #[error("bad song JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Value(&'static str),
}

/// Run `sql` and hand each row to `each`; a row it cannot decode is skipped with a warning.
///
/// # Errors
/// [`StoreError::Sqlite`] when the query itself fails (not for a row that does not decode).
fn each_row(
    tx: &Transaction<'_>,
    table: &'static str,
    sql: &str,
    mut each: impl FnMut(&Row<'_>) -> Result<(), RowError>,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let Err(error) = each(row) {
            let room = row.get::<_, String>(0).unwrap_or_default();
            tracing::warn!(table, %room, %error, "skipping a stored row that does not decode");
        }
    }
    Ok(())
}

fn decode_room(row: &Row<'_>) -> Result<RoomRecord, RowError> {
    let policy: String = row.get(2)?;
    Ok(RoomRecord {
        code: row.get(0)?,
        name: row.get(1)?,
        policy: ControlPolicy::parse(&policy).ok_or(RowError::Value("unknown policy"))?,
        password_digest: row.get(3)?,
        host_secret_digest: row.get(4)?,
        next_member_id: row.get(5)?,
        next_song_id: row.get(6)?,
        created_at_us: row.get(7)?,
    })
}

fn decode_member(row: &Row<'_>) -> Result<MemberRecord, RowError> {
    let role: String = row.get(3)?;
    Ok(MemberRecord {
        id: row.get(1)?,
        name: row.get(2)?,
        role: Role::parse(&role).ok_or(RowError::Value("unknown role"))?,
        resume_digest: row.get(4)?,
    })
}

fn decode_song(row: &Row<'_>) -> Result<QueueEntry, RowError> {
    let song: SongView = serde_json::from_str(&row.get::<_, String>(4)?)?;
    if song.id != row.get::<_, SongId>(1)? {
        return Err(RowError::Value("song_json belongs to another song_id"));
    }
    Ok(QueueEntry {
        song,
        seq: row.get(2)?,
        votes: BTreeMap::new(),
        pin: row.get(3)?,
    })
}

fn decode_vote(row: &Row<'_>) -> Result<(SongId, MemberId, i8), RowError> {
    let vote = match row.get::<_, i64>(3)? {
        -1 => -1,
        1 => 1,
        _ => return Err(RowError::Value("vote outside -1, 1")),
    };
    Ok((row.get(1)?, row.get(2)?, vote))
}

fn decode_playback(row: &Row<'_>) -> Result<PlaybackRecord, RowError> {
    let current = match row.get::<_, Option<String>>(1)? {
        Some(json) => Some(serde_json::from_str(&json)?),
        None => None,
    };
    Ok(PlaybackRecord {
        current,
        started_at_us: row.get(2)?,
        paused_at_us: row.get(3)?,
        is_playing: row.get(4)?,
        last_updated_us: row.get(5)?,
    })
}

/// A room being assembled from its rows.
struct Partial {
    room: RoomRecord,
    members: Vec<MemberRecord>,
    queue: BTreeMap<SongId, QueueEntry>,
    playback: Option<PlaybackRecord>,
}

impl Partial {
    fn new(room: RoomRecord) -> Self {
        Self {
            room,
            members: Vec::new(),
            queue: BTreeMap::new(),
            playback: None,
        }
    }

    /// The snapshot, queue in play order. Why room-core's `Queue` sorts it: the order rule
    /// (pins, score, time added) lives in one place, and a loaded snapshot then equals
    /// `Room::snapshot()` field for field.
    fn finish(self) -> RoomSnapshot {
        let queue = Queue::from_entries(self.queue.into_values().collect());
        let playback = self.playback.unwrap_or_else(|| {
            tracing::warn!(room = %self.room.code, "no readable playback row; the room loads idle");
            PlaybackRecord {
                current: None,
                started_at_us: self.room.created_at_us,
                paused_at_us: None,
                is_playing: false,
                last_updated_us: self.room.created_at_us,
            }
        });
        RoomSnapshot {
            members: self.members,
            queue: queue
                .entries()
                .iter()
                .map(|e| QueueRecord {
                    song: e.song.clone(),
                    seq: e.seq,
                    pin: e.pin,
                })
                .collect(),
            votes: queue
                .entries()
                .iter()
                .flat_map(|e| e.votes.iter().map(|(&m, &v)| (e.song.id, m, v)))
                .collect(),
            playback,
            room: self.room,
        }
    }
}
