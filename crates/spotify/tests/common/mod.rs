//! Shared by the tests: the fake on loopback, a connected account, bounded waits.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use spotify::fake::{FakeConfig, FakeSpotify};
use spotify::{MemoryStore, Spotify};
use sync_client::{LocalClock, MonotonicClock};

pub const S: i64 = 1_000_000;
pub const MS: i64 = 1_000;

pub fn clock() -> Arc<dyn LocalClock> {
    Arc::new(MonotonicClock::new())
}

pub async fn fake(config: FakeConfig) -> FakeSpotify {
    FakeSpotify::start(config).await.unwrap()
}

/// A `Spotify` pointed at `fake`, not connected.
pub fn spotify(fake: &FakeSpotify) -> (Spotify, MemoryStore) {
    let store = MemoryStore::new();
    let spotify = Spotify::new(fake.config().unwrap(), Arc::new(store.clone())).unwrap();
    (spotify, store)
}

/// A `Spotify` pointed at `fake`, connected through the real PKCE login.
pub async fn connected(fake: &FakeSpotify) -> (Spotify, MemoryStore) {
    let (spotify, store) = spotify(fake);
    spotify.login(fake.browser()).await.unwrap();
    (spotify, store)
}

/// Waits until `f` holds, checking every 10 ms; fails with `what` after `within`.
pub async fn eventually(what: &str, within: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < within,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub async fn sleep_ms(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}
