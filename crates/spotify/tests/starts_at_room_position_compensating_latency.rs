//! A start lands on the room's timeline: `position_ms` is aimed at when the command reaches the
//! device (half the measured round trip ahead), and the device's start lag, learned from the
//! first progress reading, is compensated from the next start on. The naive way (position at
//! request time) is measurably late by the one-way latency.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use listener::Player;
use spotify::fake::{FakeConfig, FakeDevice, FakeSpotify, TRACK_LONG_MIX, spotify_song};
use spotify::{PlayerConfig, SpotifyPlayer};
use sync_client::LocalClock;

/// Device position minus the room's (which plays `from_us` from `t0`), now.
fn error_now(fake: &FakeSpotify, clock: &Arc<dyn LocalClock>, t0: i64, from_us: i64) -> i64 {
    let now = clock.now_us();
    fake.device_position_at("pc", now).unwrap() - (from_us + now - t0)
}

async fn started(
    config: FakeConfig,
    player_config: PlayerConfig,
) -> (
    FakeSpotify,
    SpotifyPlayer,
    Arc<dyn LocalClock>,
    spotify::Spotify,
) {
    let clock = config.clock.clone();
    let fake = fake(config).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let mut player = spotify.player(clock.clone(), player_config);
    assert!(player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX))));
    // The account and device lookups give the first round-trip measurements.
    eventually("the device lookup", Duration::from_secs(2), || {
        fake.count("GET", "/v1/me/player/devices") == 1
    })
    .await;
    sleep_ms(100).await;
    (fake, player, clock, spotify)
}

#[tokio::test]
async fn the_start_is_aimed_ahead_by_the_measured_latency() {
    let latency =
        FakeConfig::new(clock()).latency(Duration::from_millis(80), Duration::from_millis(10));
    let no_settle = PlayerConfig {
        settle_threshold: None,
        ..PlayerConfig::default()
    };
    let (fake, mut player, clock, _s) = started(latency.clone(), no_settle).await;
    let t0 = clock.now_us();
    player.start_at(t0, 30 * S);
    eventually("the device to play", Duration::from_secs(2), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    sleep_ms(200).await;
    let compensated = error_now(&fake, &clock, t0, 30 * S);

    let naive_config = FakeConfig::new(clock.clone())
        .latency(Duration::from_millis(80), Duration::from_millis(10));
    let (naive_fake, mut naive, _, _s2) = started(naive_config, PlayerConfig::naive()).await;
    let t1 = clock.now_us();
    naive.start_at(t1, 30 * S);
    eventually("the naive device to play", Duration::from_secs(2), || {
        naive_fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    sleep_ms(200).await;
    let late = error_now(&naive_fake, &clock, t1, 30 * S);
    assert!(
        compensated.abs() < 20 * MS,
        "compensated start {} ms off (naive: {} ms)",
        compensated / MS,
        late / MS
    );
    assert!(late < -25 * MS, "naive start only {} ms late", late / MS);
}

#[tokio::test]
async fn the_device_start_lag_is_learned_and_settled() {
    let config = FakeConfig::new(clock())
        .latency(Duration::from_millis(40), Duration::from_millis(6))
        .device_lag(
            Duration::from_millis(180),
            Duration::from_millis(40),
            Duration::from_millis(10),
        );
    let (fake, mut player, clock, _s) = started(config, PlayerConfig::default()).await;
    // First start: the lag is not known yet, so it lands late, and one settling seek fixes it.
    let t0 = clock.now_us();
    player.start_at(t0, 10 * S);
    eventually("the settling seek", Duration::from_secs(3), || {
        player.stats().settle_seeks == 1
    })
    .await;
    sleep_ms(600).await;
    let settled = error_now(&fake, &clock, t0, 10 * S);
    assert!(
        settled.abs() < 50 * MS,
        "after settling: {} ms off",
        settled / MS
    );
    let (_, lag) = player.learned_latency();
    assert!(lag > Duration::from_millis(100), "learned lag {lag:?}");

    // The room pauses and resumes: the next start is right at once, no settling needed.
    let now = clock.now_us();
    player.pause(now);
    let paused_at = 10 * S + now - t0;
    eventually("the device to pause", Duration::from_secs(2), || {
        fake.device("pc").is_some_and(|d| !d.playing)
    })
    .await;
    sleep_ms(200).await;
    let t1 = clock.now_us();
    player.start_at(t1, paused_at);
    eventually("the device to play", Duration::from_secs(2), || {
        fake.device("pc")
            .is_some_and(|d| d.playing && d.position_us > paused_at)
    })
    .await;
    // Past the device's start lag (it holds the aimed position until then).
    sleep_ms(350).await;
    let second = error_now(&fake, &clock, t1, paused_at);
    assert!(
        second.abs() < 50 * MS,
        "second start {} ms off",
        second / MS
    );
    sleep_ms(1_000).await;
    assert_eq!(
        player.stats().settle_seeks,
        1,
        "the second start needed settling"
    );
    assert!(player.stats().polls >= 1);
}
