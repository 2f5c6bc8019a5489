//! Songs shared as local files: fetched from the room's server by content hash, cached on disk
//! by hash, playable before the download ends; and uploaded to a room on another machine.
//!
//! ```no_run
//! # async fn demo(token: &str, sha256: &str) -> Result<(), sync_client::FileError> {
//! use std::io::Read;
//! use sync_client::{FileCache, http_base_url};
//!
//! let cache = FileCache::new("/tmp/tandem-cache")?;
//! let base = http_base_url("ws://192.168.1.20:7878/ws")?;
//! let file = cache.fetch(&base, "K7QM2D", token, sha256)?;
//! let mut reader = file.reader(); // hand it to the decoder's thread
//! std::thread::spawn(move || {
//!     let mut head = [0_u8; 4096];
//!     let _ = reader.read(&mut head); // returns as soon as these bytes are here
//! });
//! let path = file.wait().await?; // complete and verified
//! # let _ = path; Ok(()) }
//! ```
//!
//! # Layout
//! ```text
//! files/
//!   mod.rs        this overview
//!   cache.rs      FileCache (fetch, cached), CachedFile (progress, wait, reader), the shared state
//!   download.rs   the download task: ranged fetches, resume, seek-ahead priority, the hash check
//!   reader.rs     StreamingReader: blocking Read + Seek that waits for bytes still to come
//!   ranges.rs     which byte ranges of a part are on disk
//!   http.rs       one hyper HTTP/1.1 request per connection, over TCP or rustls
//!   upload.rs     upload: PUT a local file to a room
//!   error.rs      FileError (with a stable kind)
//! ```
//!
//! The server side is `room_server::files`: `GET`/`PUT /rooms/{code}/files/{sha256}` with
//! `Authorization: Bearer <resumeToken>`.

mod cache;
mod download;
mod error;
mod http;
mod ranges;
mod reader;
mod upload;

pub use cache::{CachedFile, DEFAULT_READ_TIMEOUT, DownloadStatus, FileCache, Progress};
pub use download::SWITCH_DISTANCE;
pub use error::FileError;
pub use reader::StreamingReader;
pub use upload::upload;

/// The HTTP address of a room server's files from its room address: `ws://host:port/ws` →
/// `http://host:port`, `wss://…` → `https://…` (an `http(s)://` address is kept, without its
/// path).
///
/// # Errors
/// [`FileError::InvalidUrl`] for another scheme or no host.
pub fn http_base_url(url: &str) -> Result<String, FileError> {
    http::FileServer::parse(url).map(|s| s.base_url())
}
