//! Rooms on disk: a SQLite file that lets rooms outlive a server restart.
//!
//! Why it looks like this:
//! - Rooms write only at discrete events (join, queue change, vote, play, pause, seek, next), as
//!   the [`StoreOp`]s `room-core` emits; never per tick, because the timeline is
//!   `startedAt`/`pausedAt` and a playing song's position needs no writes.
//! - One writer thread ([`StoreWriter`]) owns the only connection. Room tasks hand it ops through
//!   a [`StoreHandle`] that never blocks them; the thread applies everything queued in one
//!   transaction per drain, so a burst of 1,000 joins costs a few commits, not 1,000.
//! - WAL with `synchronous=NORMAL`: a crash of the process loses nothing committed, a power cut
//!   at most the last transactions, and neither corrupts the file.
//! - Loading is forgiving: a row that does not decode is skipped with a warning, so one bad row
//!   costs one song (or one room), never the whole server.
//!
//! # Layout
//! - `schema`: tables, PRAGMAs and the `user_version` migrations.
//! - `sqlite`: [`SqliteStore`]: open, [`SqliteStore::apply`] (ops into rows).
//! - `load`: [`SqliteStore::load_rooms`] (rows back into [`RoomSnapshot`]s, skipping bad rows).
//! - `writer`: [`StoreWriter`], [`StoreHandle`], [`StoreStats`].

mod load;
mod schema;
mod sqlite;
mod writer;

use std::path::PathBuf;

pub use room_core::persist::{RoomSnapshot, StoreOp};
pub use schema::SCHEMA_VERSION;
pub use sqlite::SqliteStore;
pub use writer::{StoreHandle, StoreStats, StoreWriter};

/// What can go wrong with the store. Messages never contain secrets or their digests.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the store's directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the store is from a newer Tandem (schema {found}; this build knows {supported})")]
    NewerSchema { found: i64, supported: i64 },
    #[error("cannot encode a song for the store: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("cannot start the store's writer thread: {0}")]
    Spawn(std::io::Error),
    #[error("the store's writer has stopped")]
    Closed,
}
