//! Bytes that do not hash to the name they were fetched by are never kept as the file: a file
//! that changed on the host after it was shared fails the download with `hash-mismatch`, deletes
//! the part, and makes a reader fail instead of ending cleanly; a corrupt part left on disk is
//! caught the same way, and the next fetch downloads the file afresh.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
mod files_common;

use std::io::{ErrorKind, Read};

use files_common::SharedSong;
use sync_client::{DownloadStatus, FileCache, FileError};

const SIZE: usize = 300_000;

fn names(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

#[tokio::test]
async fn a_file_that_changed_on_the_host_is_rejected() {
    let song = SharedSong::start(SIZE).await;
    // The host's file changes after it was shared (same size, other bytes).
    let mut changed = song.bytes.clone();
    changed[SIZE / 2] ^= 0xff;
    std::fs::write(&song.path, &changed).unwrap();

    let cache_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&song.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let mut reader = file.reader();
    let read = tokio::task::spawn_blocking(move || {
        let mut all = Vec::new();
        reader.read_to_end(&mut all).map(|_| all)
    });
    let err = file.wait().await.unwrap_err();
    match &err {
        FileError::HashMismatch { expected, actual } => {
            assert_eq!(expected, &song.sha256);
            assert_ne!(actual, &song.sha256);
        }
        other => panic!("expected hash-mismatch, got {other:?}"),
    }
    assert_eq!(err.kind(), "hash-mismatch");
    let err = read.await.unwrap().expect_err("the reader ended cleanly");
    assert_eq!(err.kind(), ErrorKind::InvalidData, "{err}");
    assert!(matches!(file.progress().status, DownloadStatus::Failed(_)));
    assert_eq!(file.path(), None);
    assert_eq!(cache.cached(&song.sha256), None);
    assert!(
        names(cache_dir.path()).is_empty(),
        "{:?}",
        names(cache_dir.path())
    );
    song.server.stop().await;
}

#[tokio::test]
async fn a_corrupt_part_is_caught_and_fetched_afresh() {
    let song = SharedSong::start(SIZE).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let part = cache_dir.path().join(format!("{}.part", song.sha256));
    let mut bad = song.bytes[..SIZE / 2].to_vec();
    bad[100] ^= 1;
    std::fs::write(&part, &bad).unwrap();

    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&song.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let err = file.wait().await.unwrap_err();
    assert_eq!(err.kind(), "hash-mismatch", "{err}");
    assert!(!part.exists(), "the corrupt part was kept");
    assert_eq!(cache.cached(&song.sha256), None);

    let file = cache
        .fetch(&song.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let path = file.wait().await.unwrap();
    assert!(std::fs::read(path).unwrap() == song.bytes);
    song.server.stop().await;
}
