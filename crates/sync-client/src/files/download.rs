//! The download task of one file: fetches what is missing with `Range` requests, writes each
//! chunk at its offset in `<sha256>.part`, publishes every chunk to the readers, retries after a
//! drop from where it stopped, and checks the hash at the end.
//!
//! # Order of fetching
//! Sequential: from the first missing byte after the last segment, to the next byte already
//! held (or the end), then wrapping round to the first gap. A reader blocked on an offset the
//! current fetch will not reach within [`SWITCH_DISTANCE`] (a seek ahead, or back into a gap)
//! makes the task drop the current response and start a new ranged fetch from that offset: one
//! fetch at a time, restarted at the seek point. When that region is done, the fetch carries on
//! from its end and then fills the gaps it left, so every byte is fetched once.

use std::io::SeekFrom;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};
use tokio_rustls::rustls::ClientConfig;
use tokio_util::sync::CancellationToken;

use super::cache::{DownloadStatus, Shared};
use super::error::FileError;
use super::http::{self, FileServer};
use super::ranges::RangeSet;

/// A reader blocked this far or less ahead of the running fetch waits for it rather than
/// restarting it elsewhere.
pub const SWITCH_DISTANCE: u64 = 256 * 1024;
/// Failed tries in a row (no byte fetched in between) before the download gives up.
const MAX_FAILURES: u32 = 8;
/// No byte for this long on an open response: the link is dead, try again.
const STALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Rewrite the ranges file after this many new bytes.
const PERSIST_EVERY: u64 = 4 * 1024 * 1024;

/// What a download needs, moved into its task.
pub(crate) struct Job {
    pub shared: Arc<Shared>,
    pub cancel: CancellationToken,
    pub server: FileServer,
    pub tls: Option<Arc<ClientConfig>>,
    /// `/rooms/{code}/files/{sha256}`.
    pub path: String,
    pub token: String,
}

/// How one ranged fetch ended.
enum Segment {
    /// Reached the end asked for.
    Done { end: u64 },
    /// Dropped on purpose (a reader wants another offset) or cancelled, at `end`.
    Switched { end: u64 },
    /// The server said how large the file is without sending bytes (416); pick again.
    Resized,
}

/// Why a fetch failed.
enum Failure {
    /// Worth another try: a drop, a stall, a 5xx.
    Transient(FileError),
    /// Not: a refusal, a broken answer, the disk.
    Fatal(FileError),
}

/// Run the download of `job` once `lock` (the file's, process-wide) is free.
pub(crate) async fn run(job: Job, lock: Arc<tokio::sync::Mutex<()>>) {
    let _guard = tokio::select! {
        g = lock.lock_owned() => g,
        () = job.cancel.cancelled() => {
            job.shared.update(|st| st.status = DownloadStatus::Failed(FileError::Cancelled));
            return;
        }
    };
    let mut job = job;
    let result = job.download().await;
    if let Err(e) = result {
        if e != FileError::Cancelled {
            tracing::info!(sha256 = %&job.shared.sha256[..12], error = %e, "download failed");
        }
        job.shared
            .update(|st| st.status = DownloadStatus::Failed(e));
    }
}

impl Job {
    async fn download(&mut self) -> Result<(), FileError> {
        let shared = self.shared.clone();
        if tokio::fs::metadata(&shared.done_path)
            .await
            .is_ok_and(|m| m.is_file())
        {
            // Finished by an earlier download while this one waited for the lock.
            let len = tokio::fs::metadata(&shared.done_path)
                .await
                .map(|m| m.len())
                .ok();
            shared.update(|st| {
                if let Some(len) = len {
                    st.ranges.insert(0, len);
                }
                st.total = len;
                st.status = DownloadStatus::Complete;
            });
            return Ok(());
        }
        let (ranges, total) = load_partial(&shared).await;
        shared.update(|st| {
            st.ranges = ranges;
            st.total = total;
        });
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&shared.part_path)
            .await
            .map_err(|e| FileError::io(shared.part_path.display(), &e))?;

        let mut cursor = 0_u64;
        let mut failures = 0_u32;
        loop {
            if self.cancel.is_cancelled() {
                self.persist().await;
                return Err(FileError::Cancelled);
            }
            let Some((start, stop)) = self.next_segment(cursor) else {
                break;
            };
            let before = shared.lock().ranges.len();
            let result = self.fetch(&mut file, start, stop).await;
            let progressed = shared.lock().ranges.len() > before;
            if progressed {
                failures = 0;
            }
            match result {
                Ok(Segment::Done { end } | Segment::Switched { end }) => cursor = end,
                Ok(Segment::Resized) => {
                    if !progressed {
                        failures += 1;
                    }
                    if failures > MAX_FAILURES {
                        return Err(FileError::Protocol("the file's size keeps changing".into()));
                    }
                }
                Err(Failure::Fatal(e)) => {
                    self.persist().await;
                    return Err(e);
                }
                Err(Failure::Transient(e)) => {
                    self.persist().await;
                    failures += 1;
                    if failures > MAX_FAILURES {
                        return Err(e);
                    }
                    let wait = Duration::from_millis(250 << (failures - 1).min(4));
                    tracing::debug!(error = %e, ?wait, "file transfer interrupted; retrying");
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = self.cancel.cancelled() => {}
                    }
                }
            }
        }
        let io = |e: std::io::Error| FileError::io(shared.part_path.display(), &e);
        // A part left longer than the file (by an earlier, different download) is cut to size.
        let total = shared.lock().total;
        if let Some(total) = total {
            file.set_len(total).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        drop(file);
        self.verify().await
    }

    /// Where to fetch next, and where to stop (exclusive; `None` = the end). `None` when
    /// every byte is there.
    fn next_segment(&self, cursor: u64) -> Option<(u64, Option<u64>)> {
        let mut st = self.shared.lock();
        let wanted = st.wanted.take();
        let Some(total) = st.total else {
            // Size unknown: carry on after what is there from the start.
            let start = st.ranges.available_from(0).unwrap_or(0);
            return Some((start, st.ranges.next_start_after(start)));
        };
        if st.ranges.covers(total) {
            return None;
        }
        let start = wanted
            .filter(|&w| w < total && st.ranges.available_from(w).is_none())
            .or_else(|| st.ranges.first_missing_from(cursor.min(total), total))
            .or_else(|| st.ranges.first_missing_from(0, total))?;
        Some((start, st.ranges.next_start_after(start)))
    }

    /// Whether a reader's wanted offset is reason to drop the fetch now at `pos` (which would
    /// stop at `stop`).
    fn should_switch(&self, pos: u64, stop: Option<u64>) -> bool {
        let mut st = self.shared.lock();
        let Some(w) = st.wanted else { return false };
        if st.ranges.available_from(w).is_some() || st.total.is_some_and(|t| w >= t) {
            st.wanted = None;
            return false;
        }
        let soon = w >= pos && w < pos + SWITCH_DISTANCE && stop.is_none_or(|s| w < s);
        !soon
    }

    /// One request: bytes `start..stop` (or to the end), written as they arrive.
    async fn fetch(
        &mut self,
        file: &mut tokio::fs::File,
        start: u64,
        stop: Option<u64>,
    ) -> Result<Segment, Failure> {
        let shared = self.shared.clone();
        // Before writing anywhere new, the ranges file must exist and be true: after a crash
        // it then never claims a hole as data.
        self.persist().await;
        let res = self.request(start, stop).await?;
        let status = res.status();
        let (seg_start, total) = match status {
            StatusCode::OK => (0, content_length(&res)?),
            StatusCode::PARTIAL_CONTENT => {
                let (first, _last, total) = content_range(&res)?;
                if first != start {
                    return Err(Failure::Fatal(FileError::Protocol(format!(
                        "asked for bytes from {start}, got from {first}"
                    ))));
                }
                (first, total)
            }
            StatusCode::RANGE_NOT_SATISFIABLE => {
                let total = unsatisfied_size(&res)?;
                self.set_total(file, total).await?;
                return Ok(Segment::Resized);
            }
            s => {
                let e = http::refusal(res).await;
                return Err(if http::is_transient(s) {
                    Failure::Transient(e)
                } else {
                    Failure::Fatal(e)
                });
            }
        };
        self.set_total(file, total).await?;
        let stop = stop.map_or(total, |s| s.min(total));
        let io = |e: std::io::Error| Failure::Fatal(FileError::io(shared.part_path.display(), &e));
        file.seek(SeekFrom::Start(seg_start)).await.map_err(io)?;
        let mut pos = seg_start;
        let mut unsaved = 0_u64;
        let mut body = res.into_body();
        while pos < stop {
            let frame = tokio::select! {
                biased;
                () = self.cancel.cancelled() => return Ok(Segment::Switched { end: pos }),
                () = shared.wake.notified() => {
                    if self.should_switch(pos, Some(stop)) {
                        return Ok(Segment::Switched { end: pos });
                    }
                    continue;
                }
                frame = tokio::time::timeout(STALL_TIMEOUT, body.frame()) => frame,
            };
            let data = match frame {
                Err(_) => return Err(transient(&"no data for too long")),
                Ok(None) => return Err(transient(&"the transfer ended early")),
                Ok(Some(Err(e))) => return Err(transient(&e)),
                Ok(Some(Ok(frame))) => match frame.into_data() {
                    Ok(d) => d,
                    Err(_) => continue,
                },
            };
            // Never past what was asked for, even from a server that sends more.
            let take = usize::try_from((stop - pos).min(data.len() as u64)).unwrap_or(0);
            let data = &data[..take];
            file.write_all(data).await.map_err(io)?;
            // Flushed before it is announced: a reader must find the bytes in the file.
            file.flush().await.map_err(io)?;
            let n = data.len() as u64;
            shared.update(|st| st.ranges.insert(pos, pos + n));
            pos += n;
            unsaved += n;
            if unsaved >= PERSIST_EVERY {
                self.persist().await;
                unsaved = 0;
            }
        }
        Ok(Segment::Done { end: pos })
    }

    async fn request(&self, start: u64, stop: Option<u64>) -> Result<Response<Incoming>, Failure> {
        let mut req = Request::get(self.path.as_str())
            .body(Empty::<Bytes>::new())
            .map_err(|e| Failure::Fatal(FileError::Protocol(e.to_string())))?;
        let headers = req.headers_mut();
        headers.insert(
            header::AUTHORIZATION,
            http::bearer(&self.token).map_err(Failure::Fatal)?,
        );
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        );
        let range = match stop {
            Some(stop) => Some(format!("bytes={start}-{}", stop - 1)),
            None if start > 0 => Some(format!("bytes={start}-")),
            None => None,
        };
        if let Some(r) = range
            && let Ok(v) = HeaderValue::from_str(&r)
        {
            headers.insert(header::RANGE, v);
        }
        // The ETag is the hash: a server with another file under it gets the whole file.
        if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", self.shared.sha256)) {
            headers.insert(header::IF_RANGE, v);
        }
        http::send(&self.server, self.tls.as_ref(), req)
            .await
            .map_err(|e| match e {
                FileError::Tls(_) => Failure::Fatal(e),
                e => Failure::Transient(e),
            })
    }

    /// Learn the file's size; a different size than the part was for throws the part away.
    async fn set_total(&self, file: &mut tokio::fs::File, total: u64) -> Result<(), Failure> {
        let known = self.shared.lock().total;
        if known == Some(total) {
            return Ok(());
        }
        if known.is_some() {
            tracing::info!(
                sha256 = %&self.shared.sha256[..12],
                "the file's size changed; starting over"
            );
            file.set_len(0)
                .await
                .map_err(|e| Failure::Fatal(FileError::io(self.shared.part_path.display(), &e)))?;
            self.shared.update(|st| st.ranges = RangeSet::new());
        }
        self.shared.update(|st| {
            st.ranges.truncate(total);
            st.total = Some(total);
        });
        Ok(())
    }

    /// Rewrite the ranges file from what is known now (through a temporary file and a rename,
    /// so it is never half written).
    async fn persist(&self) {
        let (text, total) = {
            let st = self.shared.lock();
            (st.ranges.to_text(), st.total)
        };
        let text = match total {
            Some(t) => format!("total {t}\n{text}"),
            None => text,
        };
        let tmp = self.shared.ranges_path.with_extension("ranges.tmp");
        let written = async {
            tokio::fs::write(&tmp, text).await?;
            tokio::fs::rename(&tmp, &self.shared.ranges_path).await
        };
        if let Err(e) = written.await {
            tracing::warn!(error = %e, "cannot save download progress");
        }
    }

    /// Every byte is there: hash the part; keep it under its hash if it matches, else delete it.
    async fn verify(&self) -> Result<(), FileError> {
        let shared = self.shared.clone();
        shared.update(|st| st.status = DownloadStatus::Verifying);
        let part = shared.part_path.clone();
        let hashed = tokio::task::spawn_blocking(move || hash_file(&part))
            .await
            .map_err(|e| FileError::Io(e.to_string()))?
            .map_err(|e| FileError::io(shared.part_path.display(), &e))?;
        if hashed != shared.sha256 {
            let _ = tokio::fs::remove_file(&shared.part_path).await;
            let _ = tokio::fs::remove_file(&shared.ranges_path).await;
            shared.update(|st| st.ranges = RangeSet::new());
            return Err(FileError::HashMismatch {
                expected: shared.sha256.clone(),
                actual: hashed,
            });
        }
        tokio::fs::rename(&shared.part_path, &shared.done_path)
            .await
            .map_err(|e| FileError::io(shared.done_path.display(), &e))?;
        let _ = tokio::fs::remove_file(&shared.ranges_path).await;
        shared.update(|st| st.status = DownloadStatus::Complete);
        tracing::debug!(sha256 = %&shared.sha256[..12], "file downloaded and verified");
        Ok(())
    }
}

fn transient(e: &dyn std::fmt::Display) -> Failure {
    Failure::Transient(FileError::Unreachable(e.to_string()))
}

fn protocol(what: &str) -> Failure {
    Failure::Fatal(FileError::Protocol(what.to_owned()))
}

fn header_str(res: &Response<Incoming>, name: header::HeaderName) -> Option<&str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

fn content_length(res: &Response<Incoming>) -> Result<u64, Failure> {
    header_str(res, header::CONTENT_LENGTH)
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| protocol("a 200 answer without Content-Length"))
}

/// `Content-Range: bytes first-last/total`.
fn content_range(res: &Response<Incoming>) -> Result<(u64, u64, u64), Failure> {
    let bad = || protocol("a 206 answer without a usable Content-Range");
    let v = header_str(res, header::CONTENT_RANGE).ok_or_else(bad)?;
    let rest = v.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (span, total) = rest.split_once('/').ok_or_else(bad)?;
    let (first, last) = span.split_once('-').ok_or_else(bad)?;
    let parse = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
    let (first, last, total) = (parse(first)?, parse(last)?, parse(total)?);
    if first > last || last >= total {
        return Err(bad());
    }
    Ok((first, last, total))
}

/// `Content-Range: bytes */total` of a 416.
fn unsatisfied_size(res: &Response<Incoming>) -> Result<u64, Failure> {
    header_str(res, header::CONTENT_RANGE)
        .and_then(|v| v.trim().strip_prefix("bytes */"))
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| protocol("a 416 answer without the file's size"))
}

/// What a part left by an earlier download holds: its ranges file if there is one (never past
/// the part's length), else the part as a plain prefix.
async fn load_partial(shared: &Shared) -> (RangeSet, Option<u64>) {
    let Ok(meta) = tokio::fs::metadata(&shared.part_path).await else {
        let _ = tokio::fs::remove_file(&shared.ranges_path).await;
        return (RangeSet::new(), None);
    };
    let len = meta.len();
    match tokio::fs::read_to_string(&shared.ranges_path).await {
        Ok(text) => {
            let mut ranges = RangeSet::from_text(&text);
            ranges.truncate(len);
            let total = text
                .lines()
                .find_map(|l| l.strip_prefix("total "))
                .and_then(|t| t.trim().parse().ok());
            (ranges, total)
        }
        Err(_) => {
            let mut ranges = RangeSet::new();
            ranges.insert(0, len);
            (ranges, None)
        }
    }
}

/// SHA-256 (lowercase hex) of a file, read in chunks.
pub(crate) fn hash_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; 256 * 1024];
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
