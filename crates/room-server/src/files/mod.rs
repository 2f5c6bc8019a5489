//! Sharing local files with a room: the host's server serves a song file to that room's members
//! by content hash, over plain HTTP with `Range` requests, authorised by the member's resume
//! token. No path on the host's disk is ever sent or reachable: a request names a SHA-256 (64 hex
//! digits, checked before anything else) and the server looks it up in its [`FileRegistry`].
//!
//! # Routes
//! - `GET /rooms/{code}/files/{sha256}` (and `HEAD`) with `Authorization: Bearer <resumeToken>`:
//!   the file, `200` whole or `206` for one `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`),
//!   `416` with `Content-Range: bytes */size` when unsatisfiable; several ranges get the whole
//!   file with `200`. Headers: `Accept-Ranges: bytes`, `ETag: "<sha256>"`, `Content-Length`;
//!   `If-Range` with another validator gets the whole file. The body is streamed from disk.
//! - `PUT /rooms/{code}/files/{sha256}` with the same header and the file as the body: a member
//!   uploads a file for the room (when the server has an upload directory). The bytes are hashed
//!   while they are written to a temporary file, which becomes `<upload_dir>/<sha256>` only if
//!   the hash matches. `201` stored, `200` already held (the body is not read), `400` hash
//!   mismatch, `413` larger than the limit, `403` uploads are off.
//!
//! # Who may fetch what
//! A member of room R may fetch a file only while it is R's current song or queued in R (the
//! room task answers [`RoomCommand::Authorize`](crate::room_task::RoomCommand::Authorize)); any
//! member of R may upload. Answers, checked in this order:
//!
//! | status | code | when |
//! |---|---|---|
//! | 400 | `invalid-field` | the hash is not 64 hex digits (so `..%2F`, absolute paths, …) |
//! | 401 | `not-in-room` | no `Authorization: Bearer` token, or a malformed one |
//! | 404 | `room-not-found` | no room has that code |
//! | 403 | `not-in-room` | the token is not a current member's of that room |
//! | 403 | `forbidden` | (GET) the file is not the room's current song nor queued |
//! | 404 | `song-not-found` | (GET) this server does not hold that file (yet) |
//! | 403 | `forbidden` | (PUT) this server does not accept uploads |
//!
//! Error bodies are JSON `{"code": "...", "message": "..."}` with room-core's error codes.
//! Tokens are never logged.
//!
//! # Layout
//! - [`registry`]: [`FileRegistry`], the hash → file map the embedding app shares into.
//! - [`range`]: parsing `Range` into what to send.
//! - [`http`]: the handlers.
//! - [`upload`]: streaming an upload to disk while hashing it.

pub mod http;
pub mod range;
pub mod registry;
pub mod upload;

pub use registry::{FileRegistry, SharedFile, parse_sha256};

/// Why a file could not be shared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilesError {
    /// The file cannot be opened or read, or is not a regular file.
    #[error("cannot share the file: {0}")]
    Io(String),
}
