//! A 429's Retry-After is honoured: nothing is sent to the API before it has passed (requests
//! fail at once with the time left), the player says it is rate limited, then plays without the
//! user doing anything.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use listener::Player;
use spotify::fake::{FakeConfig, FakeDevice, TRACK_LONG_MIX, spotify_song};
use spotify::{PlayerConfig, SpotifyError, SpotifyStatus};

#[tokio::test]
async fn requests_wait_out_retry_after_without_touching_the_network() {
    let fake = fake(FakeConfig::new(clock())).await;
    let (spotify, _store) = connected(&fake).await;
    fake.throttle_next(1, 1);
    let sent = fake.api_calls();
    let first = spotify.devices().await;
    assert_eq!(
        first,
        Err(SpotifyError::RateLimited {
            retry_after: Duration::from_secs(1)
        })
    );
    assert_eq!(fake.api_calls(), sent + 1);
    // Within the window: refused locally, with what is left.
    for _ in 0..5 {
        match spotify.devices().await {
            Err(SpotifyError::RateLimited { retry_after }) => {
                assert!(retry_after <= Duration::from_secs(1) && !retry_after.is_zero());
            }
            other => panic!("expected a local refusal, got {other:?}"),
        }
    }
    assert_eq!(
        fake.api_calls(),
        sent + 1,
        "requests reached the API inside Retry-After"
    );
    assert!(spotify.api().rate_limited_for().is_some());
    sleep_ms(1_050).await;
    assert_eq!(spotify.devices().await, Ok(Vec::new()));
}

#[tokio::test]
async fn a_rate_limited_start_is_retried_after_retry_after() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let mut player = spotify.player(clock.clone(), PlayerConfig::default());
    assert!(player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX))));
    // Let the worker look up the account and the device first.
    eventually("the device lookup", Duration::from_secs(2), || {
        fake.count("GET", "/v1/me/player/devices") == 1
    })
    .await;
    fake.throttle_next(1, 1);
    let t0 = clock.now_us();
    player.start_at(t0, 5 * S);
    eventually("the rate-limited status", Duration::from_secs(2), || {
        matches!(player.status(), SpotifyStatus::RateLimited { .. })
    })
    .await;
    assert!(player.status().human_message().contains("slow down"));
    eventually("the device to play", Duration::from_secs(4), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    let plays: Vec<_> = fake
        .calls()
        .into_iter()
        .filter(|c| c.path == "/v1/me/player/play")
        .collect();
    assert_eq!(plays.len(), 2, "{plays:?}");
    assert_eq!(plays[0].status, 429);
    assert!(
        plays[1].at_us - plays[0].at_us >= 990 * MS,
        "retried {} ms after the 429",
        (plays[1].at_us - plays[0].at_us) / MS
    );
    // No API request at all inside the window.
    let inside = fake
        .calls()
        .iter()
        .filter(|c| {
            c.path.starts_with("/v1/")
                && c.at_us > plays[0].at_us
                && c.at_us < plays[0].at_us + 990 * MS
        })
        .count();
    assert_eq!(inside, 0);
    // It started where the room is now, not where it was when the 429 came.
    sleep_ms(300).await;
    let now = clock.now_us();
    let error = fake.device_position_at("pc", now).unwrap() - (5 * S + now - t0);
    assert!(error.abs() < 60 * MS, "{error} us off");
    assert_eq!(
        player.status(),
        SpotifyStatus::Ready {
            device_name: Some("Desk PC".to_owned())
        }
    );
}
