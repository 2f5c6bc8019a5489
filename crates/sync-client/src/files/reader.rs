//! [`StreamingReader`]: blocking `Read + Seek` over a file that may still be downloading, so a
//! decoder can start before the download ends.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::cache::{DownloadStatus, KeepAlive, Shared, State};

/// Reads a [`CachedFile`](crate::CachedFile) as far as it is downloaded; a read of bytes not
/// there yet asks the download for them (a seek far ahead starts a fetch from there) and waits
/// for them, at most the reader's timeout, then fails with [`io::ErrorKind::TimedOut`].
///
/// End of file (`Ok(0)`) comes only once the whole file is downloaded **and its hash checked**;
/// when the check fails, reads fail ([`io::ErrorKind::InvalidData`]) instead. Bytes read before
/// that are the server's, not yet verified: a player that must not play unverified bytes
/// waits for [`CachedFile::wait`](crate::CachedFile::wait) first.
///
/// Blocking: use it on a decoder's own thread, never on an async runtime's.
pub struct StreamingReader {
    shared: Arc<Shared>,
    /// Keeps the download going while the reader lives.
    _keep: Arc<KeepAlive>,
    timeout: Duration,
    pos: u64,
    file: Option<File>,
    /// Where `file`'s own cursor is, to skip needless seeks.
    file_pos: Option<u64>,
}

impl std::fmt::Debug for StreamingReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingReader")
            .field("sha256", &self.shared.sha256)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

/// What a read at the reader's position can do now.
enum Ready {
    /// Bytes `[pos, end)` are on disk.
    Bytes { end: u64, complete: bool },
    /// End of a verified file.
    Eof,
}

impl StreamingReader {
    pub(crate) fn new(shared: Arc<Shared>, keep: Arc<KeepAlive>, timeout: Duration) -> Self {
        Self {
            shared,
            _keep: keep,
            timeout,
            pos: 0,
            file: None,
            file_pos: None,
        }
    }

    /// The file's size, once the server told it.
    pub fn byte_len(&self) -> Option<u64> {
        self.shared.lock().total
    }

    /// The position the next read starts at.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Block until `ready` says something about the state, asking the download for the
    /// reader's position meanwhile.
    fn wait<T>(&self, what: &str, mut ready: impl FnMut(&State) -> Option<T>) -> io::Result<T> {
        let deadline = Instant::now() + self.timeout;
        let mut st = self.shared.lock();
        loop {
            if let DownloadStatus::Failed(e) = &st.status {
                let kind = match e {
                    super::FileError::HashMismatch { .. } => io::ErrorKind::InvalidData,
                    _ => io::ErrorKind::Other,
                };
                return Err(io::Error::new(kind, e.clone()));
            }
            if let Some(r) = ready(&st) {
                return Ok(r);
            }
            let missing = st.total.is_none_or(|t| self.pos < t);
            if missing && st.wanted != Some(self.pos) {
                st.wanted = Some(self.pos);
                self.shared.wake.notify_one();
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "waited {:?} for {what} of file {} (at byte {}, {} of {} bytes downloaded): \
                         the download is too slow or stalled",
                        self.timeout,
                        &self.shared.sha256[..12],
                        self.pos,
                        st.ranges.len(),
                        st.total.map_or_else(|| "?".to_owned(), |t| t.to_string()),
                    ),
                ));
            }
            st = self
                .shared
                .changed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn open(&mut self, complete: bool) -> io::Result<&mut File> {
        if self.file.is_none() {
            let (first, second) = if complete {
                (&self.shared.done_path, &self.shared.part_path)
            } else {
                (&self.shared.part_path, &self.shared.done_path)
            };
            // The part may have just become the complete file.
            let f = match File::open(first) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => File::open(second)?,
                Err(e) => return Err(e),
            };
            self.file = Some(f);
            self.file_pos = Some(0);
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("no file"))
    }
}

impl Read for StreamingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let pos = self.pos;
        let ready = self.wait("bytes", |st| {
            if let Some(end) = st.ranges.available_from(pos) {
                return Some(Ready::Bytes {
                    end,
                    complete: st.status == DownloadStatus::Complete,
                });
            }
            // Past the end: only a verified file ends.
            (st.total.is_some_and(|t| pos >= t) && st.status == DownloadStatus::Complete)
                .then_some(Ready::Eof)
        })?;
        let (end, complete) = match ready {
            Ready::Eof => return Ok(0),
            Ready::Bytes { end, complete } => (end, complete),
        };
        let want = usize::try_from(end - pos)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let file_pos = self.file_pos;
        let file = self.open(complete)?;
        if file_pos != Some(pos) {
            file.seek(SeekFrom::Start(pos))?;
        }
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            self.file_pos = None;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the cached part changed under the reader",
            ));
        }
        self.pos += n as u64;
        self.file_pos = Some(self.pos);
        Ok(n)
    }
}

impl Seek for StreamingReader {
    /// Moves the position only: the bytes there are asked for by the next read. `End` waits
    /// (with the timeout) for the server to tell the size.
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => {
                let total = self.wait("the file's size", |st| st.total)?;
                total.checked_add_signed(d)
            }
        };
        let target = target.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )
        })?;
        self.pos = target;
        Ok(target)
    }
}
