//! A device that drifts or stalls is brought back with seeks, and never a storm: the follower
//! (DriftConfig::spotify) seeks only beyond 500 ms, and the adapter drops corrective seeks while
//! a command is in flight or within 3 s of the last one, whoever asks.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use listener::Player;
use spotify::fake::{
    FakeConfig, FakeDevice, FakeSpotify, FollowLoop, TRACK_LONG_MIX, spotify_song,
};
use spotify::{PlayerConfig, SpotifyPlayer};
use sync_client::LocalClock;
use sync_core::DriftConfig;

fn off_by(fake: &FakeSpotify, room: &FollowLoop<SpotifyPlayer>, clock: &dyn LocalClock) -> i64 {
    let now = clock.now_us();
    let room_pos = room.with_room(|r| r.position_at(now));
    fake.device_position_at("pc", now).unwrap() - room_pos
}

fn fake_config(clock: std::sync::Arc<dyn LocalClock>) -> FakeConfig {
    FakeConfig::new(clock)
        .latency(Duration::from_millis(30), Duration::from_millis(6))
        .device_lag(
            Duration::from_millis(50),
            Duration::from_millis(30),
            Duration::from_millis(5),
        )
        .progress_noise(Duration::from_millis(10))
}

#[tokio::test]
async fn a_stalled_device_is_brought_back_with_one_seek() {
    let clock = clock();
    let fake = fake(fake_config(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let room = FollowLoop::spawn(
        spotify.player(clock.clone(), PlayerConfig::default()),
        clock.clone(),
        DriftConfig::spotify(),
    );
    room.with_room(|r| r.play_song(spotify_song(1, TRACK_LONG_MIX), clock.now_us(), 0));
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    // Past the start's own settling and the adapter's 3 s gap.
    sleep_ms(3_500).await;
    let seeks = fake.count("PUT", "/v1/me/player/seek");
    fake.stall_device("pc", Duration::from_millis(1_200));
    sleep_ms(1_300).await;
    let e = off_by(&fake, &room, &*clock);
    assert!(e < -1_000 * MS, "the stall did not show: {} ms", e / MS);
    eventually("the correction", Duration::from_secs(6), || {
        off_by(&fake, &room, &*clock).abs() < 150 * MS
    })
    .await;
    sleep_ms(3_000).await;
    let e = off_by(&fake, &room, &*clock);
    assert!(e.abs() < 150 * MS, "{} ms off after the correction", e / MS);
    let corrective = fake.count("PUT", "/v1/me/player/seek") - seeks;
    assert!(
        (1..=2).contains(&corrective),
        "{corrective} seeks for one stall"
    );
}

#[tokio::test]
async fn a_drifting_device_is_corrected_a_few_times_not_constantly() {
    let clock = clock();
    let fake = fake(fake_config(clock.clone())).await;
    // 10 % fast: 100 ms more every second, so the 500 ms threshold is crossed every ~5 s.
    fake.add_device(FakeDevice::new("pc", "Desk PC").drifting(100_000.0));
    let (spotify, _store) = connected(&fake).await;
    let room = FollowLoop::spawn(
        spotify.player(clock.clone(), PlayerConfig::default()),
        clock.clone(),
        DriftConfig::spotify(),
    );
    room.with_room(|r| r.play_song(spotify_song(1, TRACK_LONG_MIX), clock.now_us(), 0));
    let mut worst = 0i64;
    for _ in 0..60 {
        sleep_ms(250).await;
        if fake.device("pc").is_some_and(|d| d.playing) {
            worst = worst.max(off_by(&fake, &room, &*clock).abs());
        }
    }
    let seeks = fake.count("PUT", "/v1/me/player/seek");
    let plays = fake.count("PUT", "/v1/me/player/play");
    // 15 s: at most ~3 corrections by the follower's 8 s cooldown, plus one settling seek.
    assert!((1..=4).contains(&seeks), "{seeks} seeks in 15 s");
    assert_eq!(plays, 1);
    assert!(worst < 1_600 * MS, "worst error {} ms", worst / MS);
}

#[tokio::test]
async fn the_adapter_drops_a_flood_of_corrective_seeks() {
    let clock = clock();
    let fake = fake(fake_config(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC").drifting(50_000.0));
    let (spotify, _store) = connected(&fake).await;
    let no_settle = PlayerConfig {
        settle_threshold: None,
        ..PlayerConfig::default()
    };
    let mut player = spotify.player(clock.clone(), no_settle);
    player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX)));
    let t0 = clock.now_us();
    player.start_at(t0, 0);
    // A misbehaving caller asks for a corrective seek on every 20 ms tick for 5 s.
    for _ in 0..250 {
        sleep_ms(20).await;
        let now = clock.now_us();
        player.seek(now, now - t0);
    }
    let seeks = fake.count("PUT", "/v1/me/player/seek");
    assert!(seeks <= 2, "{seeks} seeks reached Spotify");
    assert!(
        player.stats().seeks_suppressed > 200,
        "{:?}",
        player.stats()
    );
    // A real room seek (a move of the timeline, not a correction) is never dropped.
    let now = clock.now_us();
    player.seek(now, 200 * S);
    eventually("the room's seek", Duration::from_secs(2), || {
        fake.device("pc").is_some_and(|d| d.position_us >= 200 * S)
    })
    .await;
}

#[tokio::test]
async fn a_correction_held_back_right_after_a_start_is_made_once_allowed() {
    let clock = clock();
    let fake = fake(fake_config(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let room = FollowLoop::spawn(
        spotify.player(clock.clone(), PlayerConfig::default()),
        clock.clone(),
        DriftConfig::spotify(),
    );
    room.with_room(|r| r.play_song(spotify_song(1, TRACK_LONG_MIX), clock.now_us(), 0));
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    // Stalls after the first reading but within the adapter's 3 s gap after the start: the
    // follower's jump is held back (and the follower then waits out its 8 s cooldown), but the
    // correction is not lost.
    sleep_ms(1_000).await;
    fake.stall_device("pc", Duration::from_millis(1_000));
    let mut stats = room.with_player(|p| p.stats());
    for _ in 0..600 {
        if stats.deferred_corrections == 1 {
            break;
        }
        sleep_ms(10).await;
        stats = room.with_player(|p| p.stats());
    }
    assert_eq!(stats.deferred_corrections, 1, "{stats:?}");
    sleep_ms(700).await;
    let e = off_by(&fake, &room, &*clock);
    assert!(
        e.abs() < 150 * MS,
        "{} ms off after the deferred correction",
        e / MS
    );
    assert!(stats.seeks_suppressed >= 1, "{stats:?}");
    assert!(stats.seeks <= 3, "{stats:?}");
}
