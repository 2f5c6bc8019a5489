//! Which files this server can serve: content hash → where the bytes are. The paths never leave
//! this module's owner: they are not serialised, not sent, not logged, and `Debug` shows only how
//! many files there are.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use sha2::{Digest, Sha256};

use super::FilesError;

/// A file the server holds, as [`FileRegistry::share`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFile {
    /// Lowercase hex: what goes in `add-song {kind: "local", sha256}`.
    pub sha256: String,
    pub size: u64,
}

/// Where a file's bytes are. Private to the server: a path never goes over the wire.
#[derive(Clone)]
pub(crate) struct Entry {
    pub path: PathBuf,
    pub size: u64,
}

/// Files by content hash (lowercase hex SHA-256), shared by the embedding app
/// ([`share`](Self::share)) or uploaded by members (`PUT /rooms/{code}/files/{sha256}`).
///
/// Thread-safe; the server holds it behind an `Arc` (see
/// [`ServerConfig::files`](crate::ServerConfig::files)), so the embedding app keeps a clone and
/// shares files while the server runs. Registering a file does not make it reachable by itself:
/// a member may fetch it only while it is the current song or queued in that member's room.
#[derive(Default)]
pub struct FileRegistry {
    files: RwLock<HashMap<String, Entry>>,
}

impl std::fmt::Debug for FileRegistry {
    // Paths stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileRegistry")
            .field("files", &self.len())
            .finish()
    }
}

impl FileRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock leaves a plain map behind; it is still consistent.
        self.files.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Entry>> {
        self.files.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Hash the file at `path` (streaming, never all in memory) and serve it under its hash.
    /// Blocking: from async code, call it inside `tokio::task::spawn_blocking`.
    ///
    /// The file is read from `path` on each request: if it changes size afterwards, requests
    /// for it fail until it is shared again (a listener also checks the hash of what it got).
    ///
    /// # Errors
    /// [`FilesError::Io`] when the file cannot be opened or read, or is not a regular file.
    pub fn share(&self, path: impl AsRef<Path>) -> Result<SharedFile, FilesError> {
        let path = path.as_ref();
        let io = |e: io::Error| FilesError::Io(format!("{}: {e}", path.display()));
        let path = path.canonicalize().map_err(io)?;
        let file = File::open(&path).map_err(io)?;
        if !file.metadata().map_err(io)?.is_file() {
            return Err(io(io::Error::other("not a regular file")));
        }
        let (sha256, size) = hash_reader(file).map_err(io)?;
        self.insert(&sha256, path, size);
        Ok(SharedFile { sha256, size })
    }

    /// Stop serving `sha256`. Returns whether it was shared.
    pub fn unshare(&self, sha256: &str) -> bool {
        self.write().remove(&sha256.to_ascii_lowercase()).is_some()
    }

    /// Whether `sha256` (lowercase hex) is served.
    pub fn contains(&self, sha256: &str) -> bool {
        self.read().contains_key(sha256)
    }

    /// How many files are served.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn insert(&self, sha256: &str, path: PathBuf, size: u64) {
        self.write().insert(sha256.to_owned(), Entry { path, size });
    }

    pub(crate) fn get(&self, sha256: &str) -> Option<Entry> {
        self.read().get(sha256).cloned()
    }
}

/// SHA-256 (lowercase hex) and length of everything `r` yields.
pub(crate) fn hash_reader(mut r: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; 64 * 1024];
    let mut size = 0_u64;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// The lowercase form of `s` if it is a SHA-256 in hex (64 hex digits), else `None`. Checked
/// before a hash is used for anything, so it can never be a path.
pub fn parse_sha256(s: &str) -> Option<String> {
    (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn share_hashes_and_registers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("song.flac");
        std::fs::write(&path, b"abc").unwrap();
        let reg = FileRegistry::new();
        let shared = reg.share(&path).unwrap();
        assert_eq!(
            shared.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(shared.size, 3);
        assert!(reg.contains(&shared.sha256));
        assert!(!format!("{reg:?}").contains("song.flac"));
        assert!(reg.unshare(&shared.sha256.to_ascii_uppercase()));
        assert!(reg.is_empty());
    }

    #[test]
    fn a_directory_is_not_shared() {
        let dir = tempfile::tempdir().unwrap();
        assert!(FileRegistry::new().share(dir.path()).is_err());
    }

    #[test]
    fn only_64_hex_digits_are_hashes() {
        let ok = "AB".repeat(32);
        assert_eq!(parse_sha256(&ok), Some("ab".repeat(32)));
        for bad in [
            "",
            "ab",
            &"a".repeat(63),
            &"a".repeat(65),
            &format!("../{}", "a".repeat(61)),
            &format!("{}é", "a".repeat(62)),
            &"g".repeat(64),
        ] {
            assert_eq!(parse_sha256(bad), None, "{bad}");
        }
    }
}
