//! A listener who cannot hear a Spotify song is told why and what to do: not connected, not
//! Premium (known from the profile, and from 403 PREMIUM_REQUIRED), no device (404
//! NO_ACTIVE_DEVICE), the chosen device gone. The room is never held up (load says ready).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use listener::Player;
use spotify::fake::{FakeConfig, FakeDevice, TRACK_LONG_MIX, spotify_song};
use spotify::{DeviceChoice, PlayerConfig, SpotifyError, SpotifyStatus};

fn quick() -> PlayerConfig {
    PlayerConfig {
        no_device_retry: Duration::from_millis(300),
        ..PlayerConfig::default()
    }
}

#[tokio::test]
async fn not_connected_is_silent_with_a_reason_and_sends_nothing() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    let (spotify, _store) = spotify(&fake);
    let mut player = spotify.player(clock.clone(), quick());
    assert!(
        player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX))),
        "held the room"
    );
    player.start_at(clock.now_us(), 0);
    sleep_ms(200).await;
    assert_eq!(player.status(), SpotifyStatus::NotConnected);
    assert!(player.status().is_silent());
    assert!(
        player
            .status()
            .human_message()
            .contains("Connect your Spotify account")
    );
    assert_eq!(fake.api_calls(), 0);
    // Connecting while the song plays starts it without anything else happening.
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    spotify.login(fake.browser()).await.unwrap();
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
}

#[tokio::test]
async fn no_device_is_explained_and_recovers_when_one_appears() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    let (spotify, _store) = connected(&fake).await;
    // The API's own answer with devices but none active.
    fake.add_device(FakeDevice::new("phone", "Phone").kind("Smartphone"));
    assert_eq!(
        spotify.api().play_track(None, TRACK_LONG_MIX, 0).await,
        Err(SpotifyError::NoActiveDevice)
    );
    fake.remove_device("phone");

    let mut player = spotify.player(clock.clone(), quick());
    assert!(player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX))));
    player.start_at(clock.now_us(), 0);
    eventually("the no-device status", Duration::from_secs(2), || {
        player.status() == SpotifyStatus::NoDevice { chosen: None }
    })
    .await;
    assert!(
        player
            .status()
            .human_message()
            .contains("Open the Spotify app")
    );
    let notices = player.take_notices();
    assert!(
        notices
            .iter()
            .any(|n| n.status == SpotifyStatus::NoDevice { chosen: None }),
        "{notices:?}"
    );
    // The user opens Spotify: it plays there, without anyone pressing anything.
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    eventually("the ready status", Duration::from_secs(1), || {
        player.status()
            == SpotifyStatus::Ready {
                device_name: Some("Desk PC".to_owned()),
            }
    })
    .await;
    // Retries were paced, not a loop.
    assert!(fake.count("GET", "/v1/me/player/devices") < 15);
}

#[tokio::test]
async fn a_chosen_device_that_is_gone_is_named() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    let (spotify, _store) = connected(&fake).await;
    spotify.choose_device(DeviceChoice::Id {
        id: "kitchen-id".to_owned(),
        name: "Kitchen".to_owned(),
    });
    let mut player = spotify.player(clock.clone(), quick());
    player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX)));
    player.start_at(clock.now_us(), 0);
    let expected = SpotifyStatus::NoDevice {
        chosen: Some("Kitchen".to_owned()),
    };
    eventually("the missing-device status", Duration::from_secs(2), || {
        player.status() == expected
    })
    .await;
    assert!(player.status().human_message().contains("\"Kitchen\""));
    assert_eq!(
        spotify
            .api()
            .play_track(Some("kitchen-id"), TRACK_LONG_MIX, 0)
            .await,
        Err(SpotifyError::DeviceNotFound)
    );
}

#[tokio::test]
async fn a_free_account_is_told_premium_is_needed_without_trying_to_play() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    fake.set_product("free");
    let (spotify, _store) = connected(&fake).await;
    // The API's answer to a free account.
    assert_eq!(
        spotify
            .api()
            .play_track(Some("pc"), TRACK_LONG_MIX, 0)
            .await,
        Err(SpotifyError::PremiumRequired)
    );
    let before = fake.count("PUT", "/v1/me/player/play");
    let mut player = spotify.player(clock.clone(), quick());
    assert!(player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX))));
    let t0 = clock.now_us();
    player.start_at(t0, 0);
    eventually("the premium status", Duration::from_secs(2), || {
        player.status() == SpotifyStatus::PremiumRequired
    })
    .await;
    assert!(player.status().human_message().contains("Premium"));
    sleep_ms(500).await;
    assert_eq!(
        fake.count("PUT", "/v1/me/player/play"),
        before,
        "tried to play anyway"
    );
    // The follower sees the model (the room's timeline): no error, so nothing to correct.
    let now = clock.now_us();
    let rendered = player.rendered_position(now).unwrap();
    assert!(
        (rendered - (now - t0)).abs() <= MS,
        "{rendered} vs {}",
        now - t0
    );
}

#[tokio::test]
async fn premium_required_from_a_player_command_is_explained_too() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let mut player = spotify.player(clock.clone(), quick());
    player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX)));
    eventually("the account check", Duration::from_secs(2), || {
        fake.count("GET", "/v1/me") >= 2
    })
    .await;
    // The account lapses to free after the profile was read: the 403 says it.
    fake.set_product("free");
    player.start_at(clock.now_us(), 0);
    eventually("the premium status", Duration::from_secs(2), || {
        player.status() == SpotifyStatus::PremiumRequired
    })
    .await;
    sleep_ms(300).await;
    assert_eq!(fake.count("PUT", "/v1/me/player/play"), 1, "retried a 403");
}
