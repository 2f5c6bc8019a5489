//! A listener starts reading a shared song before its download ends: through a throttled link,
//! the reader gets the first bytes while most of the file is still to come; a seek far ahead is
//! served by a ranged fetch from there instead of waiting for the sequential download; the end
//! of the file comes only once it is complete and verified; a stalled link makes a read fail
//! with a clear timeout instead of hanging.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
mod files_common;

use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use files_common::{SharedSong, Throttle, is_downloading, wait_progress};
use sync_client::{DownloadStatus, FileCache};

const SIZE: usize = 2 * 1024 * 1024;
/// About four seconds for the whole file.
const RATE: u64 = 512 * 1024;

#[tokio::test]
async fn file_cache_streams_before_complete() {
    let song = SharedSong::start(SIZE).await;
    let link = Throttle::start(song.server.addr, Some(RATE)).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&link.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();

    // The first bytes, long before the end.
    let mut reader = file.reader();
    let probe = file.clone();
    let (reader, head, then) = tokio::task::spawn_blocking(move || {
        let mut head = vec![0_u8; 64 * 1024];
        reader.read_exact(&mut head).unwrap();
        (reader, head, probe.progress())
    })
    .await
    .unwrap();
    assert!(head == song.bytes[..64 * 1024], "the first bytes differ");
    assert!(is_downloading(&then), "{then:?}");
    assert_eq!(then.total, Some(SIZE as u64));
    assert!(
        then.downloaded < SIZE as u64 / 2,
        "the reader waited for most of the file: {then:?}"
    );

    // A seek near the end is fetched from there, not after everything before it.
    let target = SIZE - 100 * 1024;
    let probe = file.clone();
    let (mut reader, tail, then, took) = tokio::task::spawn_blocking(move || {
        let mut reader = reader;
        let started = Instant::now();
        reader.seek(SeekFrom::Start(target as u64)).unwrap();
        let mut tail = vec![0_u8; 16 * 1024];
        reader.read_exact(&mut tail).unwrap();
        (reader, tail, probe.progress(), started.elapsed())
    })
    .await
    .unwrap();
    assert!(
        tail == song.bytes[target..target + 16 * 1024],
        "the bytes after the seek differ"
    );
    assert!(
        then.downloaded < target as u64,
        "the bytes after the seek came from the sequential download: {then:?} after {took:?}"
    );
    assert!(link.connections() >= 2, "no ranged fetch for the seek");

    // Reading on to the end: the end comes once the file is complete and verified, and every
    // byte read is the file's.
    let probe = file.clone();
    let (all, at_end) = tokio::task::spawn_blocking(move || {
        reader.seek(SeekFrom::Start(0)).unwrap();
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        (all, probe.progress())
    })
    .await
    .unwrap();
    assert_eq!(all.len(), SIZE);
    assert!(all == song.bytes, "the streamed file differs");
    assert_eq!(at_end.status, DownloadStatus::Complete);
    assert_eq!(at_end.downloaded, SIZE as u64);

    let path = file.wait().await.unwrap();
    assert_eq!(
        path,
        cache_dir.path().canonicalize().unwrap().join(&song.sha256)
    );
    assert!(std::fs::read(&path).unwrap() == song.bytes);
    assert_eq!(cache.cached(&song.sha256), Some(path));
    let names: Vec<_> = std::fs::read_dir(cache_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        std::slice::from_ref(&song.sha256),
        "parts left behind"
    );
    // Fetching it again is instant and complete.
    let again = cache
        .fetch(&link.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    assert_eq!(again.progress().status, DownloadStatus::Complete);
    song.server.stop().await;
}

#[tokio::test]
async fn a_stalled_download_times_out_clearly() {
    let song = SharedSong::start(256 * 1024).await;
    let link = Throttle::start(song.server.addr, None).await;
    link.pause(true);
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&link.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let mut reader = file.reader_with_timeout(Duration::from_millis(300));
    let (err, took) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut buf = [0_u8; 1024];
        (reader.read(&mut buf).unwrap_err(), started.elapsed())
    })
    .await
    .unwrap();
    assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
    assert!(err.to_string().contains("stalled"), "{err}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(5),
        "{took:?}"
    );

    // Once the link moves again, the same download finishes.
    link.pause(false);
    wait_progress(&file, "the download to finish", |p| {
        p.status == DownloadStatus::Complete
    })
    .await;
    assert!(std::fs::read(file.wait().await.unwrap()).unwrap() == song.bytes);
    song.server.stop().await;
}
