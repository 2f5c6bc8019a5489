//! The listener pauses or changes the song in the Spotify app itself: the progress readings show
//! it, the follower's (rate-limited) correction brings the room's song back with a play.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use spotify::PlayerConfig;
use spotify::fake::{FakeConfig, FakeDevice, FollowLoop, TRACK_LONG_MIX, spotify_song};
use sync_core::DriftConfig;

#[tokio::test]
async fn a_device_paused_outside_tandem_is_brought_back() {
    let clock = clock();
    let fake = fake(
        FakeConfig::new(clock.clone()).latency(Duration::from_millis(20), Duration::from_millis(4)),
    )
    .await;
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
    sleep_ms(3_200).await;
    let plays = fake.count("PUT", "/v1/me/player/play");
    fake.pause_device_outside("pc");
    eventually("the device to play again", Duration::from_secs(6), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    assert_eq!(fake.count("PUT", "/v1/me/player/play"), plays + 1);
    sleep_ms(600).await;
    let now = clock.now_us();
    let e = fake.device_position_at("pc", now).unwrap() - room.with_room(|r| r.position_at(now));
    assert!(e.abs() < 100 * MS, "{} ms off after rejoining", e / MS);
}

#[tokio::test]
async fn a_202_accepted_command_counts_as_taken() {
    let clock = clock();
    let fake = fake(FakeConfig::new(clock.clone())).await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    fake.accept_next_with_202(1);
    let room = FollowLoop::spawn(
        spotify.player(clock.clone(), PlayerConfig::default()),
        clock.clone(),
        DriftConfig::spotify(),
    );
    room.with_room(|r| r.play_song(spotify_song(1, TRACK_LONG_MIX), clock.now_us(), 0));
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc")
            .is_some_and(|d| d.playing && d.position_us > 0)
    })
    .await;
    let statuses: Vec<u16> = fake
        .calls()
        .iter()
        .filter(|c| c.path == "/v1/me/player/play")
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, vec![202], "a 202 was not taken as done");
    let stats = room.with_player(|p| p.stats());
    assert_eq!(stats.errors, 0, "{stats:?}");
}
