//! An expired access token is refreshed without the user: after a 401 (once, then the request
//! is retried), or before the request when it is about to expire; concurrent requests share one
//! refresh (Spotify rotates refresh tokens); a revoked refresh token disconnects cleanly.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use spotify::fake::FakeConfig;
use spotify::{PlayerConfig, SpotifyError, SpotifyStatus};

#[tokio::test]
async fn a_401_refreshes_once_and_retries() {
    let fake = fake(FakeConfig::new(clock())).await;
    let (spotify, store) = connected(&fake).await;
    let before = store.get().unwrap();
    fake.expire_access_tokens();
    assert_eq!(spotify.devices().await, Ok(Vec::new()));
    assert_eq!(fake.count("POST", "/api/token"), 2, "login + one refresh");
    let after = store.get().unwrap();
    assert_ne!(
        after.access_token, before.access_token,
        "the new token was not stored"
    );
    assert_ne!(
        after.refresh_token, before.refresh_token,
        "the rotated refresh token was not kept"
    );
    let statuses: Vec<u16> = fake
        .calls()
        .iter()
        .filter(|c| c.path == "/v1/me/player/devices")
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, vec![401, 200]);

    // Five requests at once on an expired token: one refresh between them.
    fake.expire_access_tokens();
    let api = spotify.api();
    let results = tokio::join!(
        api.devices(),
        api.me(),
        api.devices(),
        api.player_state(),
        api.me()
    );
    assert!(results.0.is_ok() && results.1.is_ok() && results.2.is_ok());
    assert!(results.3.is_ok() && results.4.is_ok());
    assert_eq!(
        fake.count("POST", "/api/token"),
        3,
        "concurrent 401s refreshed more than once"
    );
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_use() {
    let mut config = FakeConfig::new(clock());
    config.token_lifetime = Duration::from_secs(1);
    let fake = fake(config).await;
    let (spotify, _store) = connected(&fake).await;
    // Within the last quarter of its life: refreshed first, no 401 seen.
    sleep_ms(800).await;
    spotify.profile().await.unwrap();
    assert_eq!(fake.count("POST", "/api/token"), 2);
    assert!(
        fake.calls().iter().all(|c| c.status != 401),
        "{:?}",
        fake.calls()
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_disconnects_and_says_so() {
    let fake = fake(FakeConfig::new(clock())).await;
    let (spotify, store) = connected(&fake).await;
    let player = spotify.player(clock(), PlayerConfig::default());
    let mut changes = spotify.api().account_changes();
    fake.revoke_refresh_tokens();
    fake.expire_access_tokens();
    assert_eq!(spotify.devices().await, Err(SpotifyError::Unauthorized));
    assert!(!spotify.is_connected());
    assert!(store.get().is_none());
    assert!(spotify.api().was_revoked());
    assert!(changes.has_changed().unwrap());
    changes.borrow_and_update();
    eventually("the player's status", Duration::from_secs(2), || {
        player.status() == SpotifyStatus::SessionExpired
    })
    .await;
    // Reconnecting works again.
    spotify.login(fake.browser()).await.unwrap();
    assert!(spotify.is_connected());
    assert!(changes.has_changed().unwrap());
}
