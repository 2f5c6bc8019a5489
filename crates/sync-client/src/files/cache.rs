//! [`FileCache`]: a directory of songs by hash, and [`CachedFile`]: one of them, complete or
//! still downloading.
//!
//! On disk, in the cache directory:
//! - `<sha256>`: a complete file whose hash was checked.
//! - `<sha256>.part`: the bytes fetched so far, each at its own offset (a seek ahead leaves a
//!   hole until the gap is fetched).
//! - `<sha256>.part.ranges`: which byte ranges of the part are really there (`start-end` lines
//!   and `total N`), rewritten before each fetched segment and every few MiB, so it never
//!   claims more than was written; a part without it is taken as a plain prefix.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio_rustls::rustls::ClientConfig;
use tokio_util::sync::CancellationToken;

use super::download::{self, Job};
use super::error::FileError;
use super::http::{FileServer, file_path};
use super::ranges::RangeSet;
use super::reader::StreamingReader;
use crate::config::TlsOptions;
use crate::tls;

/// How long a [`StreamingReader`] waits for bytes that are not there yet, by default.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(20);

/// Where a download stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadStatus {
    /// Fetching bytes (or waiting to retry after a drop).
    Downloading,
    /// Every byte is there; checking the hash.
    Verifying,
    /// The file is complete and its hash matches its name.
    Complete,
    /// Stopped for good; the reason.
    Failed(FileError),
}

/// A download's progress, for a progress bar and for deciding when to start playing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Bytes on disk (not necessarily one prefix: a seek ahead fetches its region first).
    pub downloaded: u64,
    /// The file's size, once the server told it.
    pub total: Option<u64>,
    pub status: DownloadStatus,
}

/// What the downloader and the readers of one file share.
pub(crate) struct Shared {
    pub sha256: String,
    pub part_path: PathBuf,
    pub ranges_path: PathBuf,
    pub done_path: PathBuf,
    state: Mutex<State>,
    /// Readers wait on it for bytes; notified on every change.
    pub changed: Condvar,
    /// The downloader waits on it for a reader's [`State::wanted`].
    pub wake: Notify,
    progress: watch::Sender<Progress>,
}

pub(crate) struct State {
    pub ranges: RangeSet,
    pub total: Option<u64>,
    pub status: DownloadStatus,
    /// An offset a reader is blocked on; the downloader fetches from there first if its
    /// sequential fetch will not reach it soon.
    pub wanted: Option<u64>,
}

impl State {
    fn progress(&self) -> Progress {
        Progress {
            downloaded: self.ranges.len(),
            total: self.total,
            status: self.status.clone(),
        }
    }
}

impl Shared {
    fn new(dir: &Path, sha256: &str, status: DownloadStatus, total: Option<u64>) -> Self {
        let mut ranges = RangeSet::new();
        if let Some(t) = total {
            ranges.insert(0, t);
        }
        let state = State {
            ranges,
            total,
            status,
            wanted: None,
        };
        let (progress, _) = watch::channel(state.progress());
        Self {
            sha256: sha256.to_owned(),
            part_path: dir.join(format!("{sha256}.part")),
            ranges_path: dir.join(format!("{sha256}.part.ranges")),
            done_path: dir.join(sha256),
            state: Mutex::new(state),
            changed: Condvar::new(),
            wake: Notify::new(),
            progress,
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; it is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Change the state and tell readers and watchers.
    pub fn update<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut st = self.lock();
        let r = f(&mut st);
        let progress = st.progress();
        drop(st);
        self.changed.notify_all();
        self.progress.send_replace(progress);
        r
    }
}

/// Cancels the download when the last [`CachedFile`] and [`StreamingReader`] of it are gone.
pub(crate) struct KeepAlive(CancellationToken);

impl Drop for KeepAlive {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// One song file by hash: complete, or downloading in the background. Clones share the
/// download; when every clone and every reader is dropped, the download stops (what it got is
/// kept and resumed by the next [`FileCache::fetch`]).
#[derive(Clone)]
pub struct CachedFile {
    shared: Arc<Shared>,
    keep: Arc<KeepAlive>,
}

impl std::fmt::Debug for CachedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedFile")
            .field("sha256", &self.shared.sha256)
            .field("progress", &self.progress())
            .finish()
    }
}

impl CachedFile {
    pub fn sha256(&self) -> &str {
        &self.shared.sha256
    }

    /// Where the download stands now.
    pub fn progress(&self) -> Progress {
        self.shared.lock().progress()
    }

    /// Every change of [`progress`](Self::progress), to `changed().await` or `wait_for` on.
    pub fn watch(&self) -> watch::Receiver<Progress> {
        self.shared.progress.subscribe()
    }

    /// The complete, verified file, once it is.
    pub fn path(&self) -> Option<PathBuf> {
        (self.shared.lock().status == DownloadStatus::Complete)
            .then(|| self.shared.done_path.clone())
    }

    /// Wait until the file is complete and verified; returns its path.
    ///
    /// # Errors
    /// The download's failure ([`FileError::HashMismatch`], [`FileError::Refused`], ...).
    pub async fn wait(&self) -> Result<PathBuf, FileError> {
        let mut rx = self.watch();
        let done = rx
            .wait_for(|p| {
                matches!(
                    p.status,
                    DownloadStatus::Complete | DownloadStatus::Failed(_)
                )
            })
            .await
            .map_err(|_| FileError::Cancelled)?
            .clone();
        match done.status {
            DownloadStatus::Failed(e) => Err(e),
            _ => Ok(self.shared.done_path.clone()),
        }
    }

    /// A blocking reader over the file as far as it is downloaded, which waits (at most
    /// [`DEFAULT_READ_TIMEOUT`] per read) for bytes still to come. For a decoder thread: never
    /// call its methods on an async runtime's thread.
    pub fn reader(&self) -> StreamingReader {
        self.reader_with_timeout(DEFAULT_READ_TIMEOUT)
    }

    /// [`reader`](Self::reader) waiting at most `timeout` for missing bytes.
    pub fn reader_with_timeout(&self, timeout: Duration) -> StreamingReader {
        StreamingReader::new(self.shared.clone(), self.keep.clone(), timeout)
    }
}

/// A directory of song files by content hash, filled from room servers.
///
/// Use one `FileCache` per directory in a process (downloads of the same file are shared and
/// serialised through it); two processes must not share a directory.
pub struct FileCache {
    dir: PathBuf,
    tls: TlsOptions,
    tls_config: Mutex<Option<Arc<ClientConfig>>>,
    /// Downloads in flight, so a second fetch of the same file shares the first.
    live: Mutex<HashMap<String, LiveDownload>>,
}

/// A download in flight, not kept alive by the cache itself.
type LiveDownload = (Weak<Shared>, Weak<KeepAlive>);

impl std::fmt::Debug for FileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileCache")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl FileCache {
    /// A cache in `dir` (created if missing), trusting the system's certificates for `https`.
    ///
    /// # Errors
    /// [`FileError::Io`] when the directory cannot be created.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, FileError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| FileError::io(dir.display(), &e))?;
        let dir = dir
            .canonicalize()
            .map_err(|e| FileError::io(dir.display(), &e))?;
        Ok(Self {
            dir,
            tls: TlsOptions::default(),
            tls_config: Mutex::new(None),
            live: Mutex::new(HashMap::new()),
        })
    }

    /// Trust one more CA for `https` (a LAN server with its own certificate).
    #[must_use]
    pub fn with_tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self.tls_config = Mutex::new(None);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The complete, verified file for `sha256`, if the cache has it.
    pub fn cached(&self, sha256: &str) -> Option<PathBuf> {
        let sha256 = parse_sha256(sha256).ok()?;
        let path = self.dir.join(sha256);
        path.is_file().then_some(path)
    }

    /// The file `sha256` of room `code` on the server at `base_url` (`http(s)://host:port`, or
    /// the room's `ws(s)://` address), as the member whose resume token is `token`.
    ///
    /// Returns at once: complete if the cache has it, else downloading in the background on
    /// the current tokio runtime, resuming any part left by an earlier fetch. A fetch of a file
    /// already downloading shares that download.
    ///
    /// # Errors
    /// [`FileError::InvalidHash`], [`FileError::InvalidUrl`], [`FileError::Tls`]; and
    /// [`FileError::Io`] when called outside a tokio runtime. Network failures and refusals
    /// arrive later, in [`CachedFile::progress`] and [`CachedFile::wait`].
    pub fn fetch(
        &self,
        base_url: &str,
        code: &str,
        token: &str,
        sha256: &str,
    ) -> Result<CachedFile, FileError> {
        let sha256 = parse_sha256(sha256)?;
        let server = FileServer::parse(base_url)?;
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|_, (s, k)| s.strong_count() > 0 && k.strong_count() > 0);
        if let Some((s, k)) = live.get(&sha256)
            && let (Some(shared), Some(keep)) = (s.upgrade(), k.upgrade())
            && !matches!(shared.lock().status, DownloadStatus::Failed(_))
        {
            return Ok(CachedFile { shared, keep });
        }
        let done = self.dir.join(&sha256);
        if let Ok(meta) = std::fs::metadata(&done)
            && meta.is_file()
        {
            let shared = Arc::new(Shared::new(
                &self.dir,
                &sha256,
                DownloadStatus::Complete,
                Some(meta.len()),
            ));
            let keep = Arc::new(KeepAlive(CancellationToken::new()));
            return Ok(CachedFile { shared, keep });
        }
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| FileError::Io(format!("fetch needs a tokio runtime: {e}")))?;
        let tls = if server.secure {
            Some(self.tls_config()?)
        } else {
            None
        };
        let shared = Arc::new(Shared::new(
            &self.dir,
            &sha256,
            DownloadStatus::Downloading,
            None,
        ));
        let cancel = CancellationToken::new();
        let keep = Arc::new(KeepAlive(cancel.clone()));
        let job = Job {
            shared: shared.clone(),
            cancel,
            server,
            tls,
            path: file_path(code, &sha256),
            token: token.to_owned(),
        };
        let lock = file_lock(&shared.done_path);
        runtime.spawn(download::run(job, lock));
        live.insert(sha256, (Arc::downgrade(&shared), Arc::downgrade(&keep)));
        Ok(CachedFile { shared, keep })
    }

    fn tls_config(&self) -> Result<Arc<ClientConfig>, FileError> {
        let mut slot = self.tls_config.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let config = tls::client_config(&self.tls).map_err(|e| FileError::Tls(e.to_string()))?;
        *slot = Some(config.clone());
        Ok(config)
    }
}

/// The lowercase hash if `s` is 64 hex digits.
pub(crate) fn parse_sha256(s: &str) -> Result<String, FileError> {
    let t = s.trim();
    if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(t.to_ascii_lowercase())
    } else {
        Err(FileError::InvalidHash(s.chars().take(80).collect()))
    }
}

/// One lock per file on disk for the whole process: a download holds it for its life, so a
/// new download of the same file (after every handle of the old one was dropped, or from
/// another `FileCache` on the same directory) waits until the old one has stopped writing.
fn file_lock(path: &Path) -> Arc<tokio::sync::Mutex<()>> {
    type Locks = std::sync::Mutex<HashMap<PathBuf, Weak<tokio::sync::Mutex<()>>>>;
    static LOCKS: OnceLock<Locks> = OnceLock::new();
    let mut locks = LOCKS
        .get_or_init(Locks::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    locks.retain(|_, l| l.strong_count() > 0);
    if let Some(l) = locks.get(path).and_then(Weak::upgrade) {
        return l;
    }
    let l = Arc::new(tokio::sync::Mutex::new(()));
    locks.insert(path.to_owned(), Arc::downgrade(&l));
    l
}
