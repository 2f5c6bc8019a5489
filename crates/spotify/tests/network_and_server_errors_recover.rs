//! Network failures and Spotify's server errors recover without the user: a GET that gets no
//! answer is tried again at once; a command that fails is retried with backoff, aimed at where
//! the room is by then.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use listener::Player;
use spotify::fake::{FakeConfig, FakeDevice, FakeFailure, TRACK_LONG_MIX, spotify_song};
use spotify::{MemoryStore, PlayerConfig, Spotify, SpotifyStatus};

#[tokio::test]
async fn a_get_without_an_answer_is_tried_again() {
    let fake = fake(FakeConfig::new(clock())).await;
    let mut config = fake.config().unwrap();
    config.request_timeout = Duration::from_millis(300);
    let spotify = Spotify::new(config, Arc::new(MemoryStore::new())).unwrap();
    spotify.login(fake.browser()).await.unwrap();
    fake.fail_next(1, FakeFailure::Hang(Duration::from_secs(2)));
    assert_eq!(spotify.devices().await, Ok(Vec::new()));
    assert_eq!(
        fake.count("GET", "/v1/me/player/devices"),
        1,
        "only the retry is logged once served"
    );
}

#[tokio::test]
async fn a_failing_start_is_retried_until_it_plays() {
    let clock = clock();
    let fake = fake(
        FakeConfig::new(clock.clone()).latency(Duration::from_millis(20), Duration::from_millis(4)),
    )
    .await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let mut player = spotify.player(clock.clone(), PlayerConfig::default());
    player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX)));
    eventually("the device lookup", Duration::from_secs(2), || {
        fake.count("GET", "/v1/me/player/devices") == 1
    })
    .await;
    fake.fail_next(2, FakeFailure::Status(503));
    let t0 = clock.now_us();
    player.start_at(t0, 0);
    eventually("the error status", Duration::from_secs(2), || {
        matches!(player.status(), SpotifyStatus::Error(_))
    })
    .await;
    assert!(player.status().human_message().contains("keeps trying"));
    eventually("the device to play", Duration::from_secs(5), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    let statuses: Vec<u16> = fake
        .calls()
        .iter()
        .filter(|c| c.path == "/v1/me/player/play")
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, vec![503, 503, 204]);
    sleep_ms(300).await;
    let now = clock.now_us();
    let e = fake.device_position_at("pc", now).unwrap() - (now - t0);
    assert!(e.abs() < 50 * MS, "{} ms off after the retries", e / MS);
    eventually("the ready status", Duration::from_secs(1), || {
        player.status()
            == SpotifyStatus::Ready {
                device_name: Some("Desk PC".to_owned()),
            }
    })
    .await;
}
