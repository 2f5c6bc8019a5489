//! A download continues what an earlier one left instead of starting over: a part on disk from
//! before (a crash, an older version) is resumed with a `Range` request; a connection cut in the
//! middle is retried from where it stopped; a download whose handles were all dropped (the app
//! quit) is picked up by a new cache on the same directory. Each time, only the missing bytes
//! cross the link, and the result is verified.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
mod files_common;

use files_common::{SharedSong, Throttle, fraction, wait_progress};
use sync_client::{DownloadStatus, FileCache};

const SIZE: usize = 1024 * 1024;

fn assert_only(link: &Throttle, missing: usize, what: &str) {
    let passed = link.passed() as usize;
    // Headers of a few answers: at most a few KiB beyond the body bytes.
    assert!(
        passed >= missing && passed < missing + 16 * 1024,
        "{what}: {passed} bytes crossed the link for {missing} missing"
    );
}

#[tokio::test]
async fn resumes_a_part_left_on_disk() {
    let song = SharedSong::start(SIZE).await;
    let link = Throttle::start(song.server.addr, None).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let had = SIZE * 6 / 10;
    std::fs::write(
        cache_dir.path().join(format!("{}.part", song.sha256)),
        &song.bytes[..had],
    )
    .unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&link.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let path = file.wait().await.unwrap();
    assert!(std::fs::read(&path).unwrap() == song.bytes);
    assert_only(&link, SIZE - had, "a part on disk");
    assert_eq!(link.connections(), 1);
    song.server.stop().await;
}

#[tokio::test]
async fn continues_after_the_connection_drops() {
    let song = SharedSong::start(SIZE).await;
    let link = Throttle::start(song.server.addr, Some(1024 * 1024)).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&link.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    wait_progress(&file, "a third of the file", |p| fraction(p, SIZE) >= 0.33).await;
    link.cut();
    let cut_at = file.progress().downloaded;
    assert!(cut_at < SIZE as u64, "finished before the cut");
    let path = file.wait().await.unwrap();
    assert!(std::fs::read(&path).unwrap() == song.bytes);
    // The bytes before the cut were not fetched again (the proxy may have passed a few bytes
    // that never reached the cache when it cut).
    assert_only(&link, SIZE, "a cut connection");
    assert!(link.connections() >= 2, "no second request after the cut");
    song.server.stop().await;
}

#[tokio::test]
async fn resumes_after_a_restart() {
    let song = SharedSong::start(SIZE).await;
    let slow = Throttle::start(song.server.addr, Some(512 * 1024)).await;
    let cache_dir = tempfile::tempdir().unwrap();
    {
        let cache = FileCache::new(cache_dir.path()).unwrap();
        let file = cache
            .fetch(&slow.base_url(), song.code(), song.token(), &song.sha256)
            .unwrap();
        wait_progress(&file, "a quarter of the file", |p| {
            fraction(p, SIZE) >= 0.25
        })
        .await;
        // The app quits: every handle is dropped.
    }
    // Another cache on the same directory, as after a restart.
    let fast = Throttle::start(song.server.addr, None).await;
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&fast.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let path = file.wait().await.unwrap();
    assert_eq!(file.progress().status, DownloadStatus::Complete);
    assert!(std::fs::read(&path).unwrap() == song.bytes);
    let passed = fast.passed() as usize;
    assert!(
        passed < SIZE * 8 / 10,
        "after a restart {passed} bytes of {SIZE} were fetched again"
    );
    song.server.stop().await;
}

#[tokio::test]
async fn a_complete_part_is_only_checked() {
    // A part holding every byte (and some junk after them): the download was killed while
    // checking it. Nothing is fetched but the file's size; the part is cut to it and verified.
    let song = SharedSong::start(SIZE).await;
    let link = Throttle::start(song.server.addr, None).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let mut part = song.bytes.clone();
    part.extend_from_slice(&[0xAA; 1000]);
    std::fs::write(
        cache_dir.path().join(format!("{}.part", song.sha256)),
        &part,
    )
    .unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&link.base_url(), song.code(), song.token(), &song.sha256)
        .unwrap();
    let path = file.wait().await.unwrap();
    assert!(std::fs::read(&path).unwrap() == song.bytes);
    assert_only(&link, 0, "a complete part");
    song.server.stop().await;
}
