//! With the real follower (`DriftConfig::spotify()`), the device follows the room: start at the
//! room's position, pause (where the room paused), seek while paused (no request: the resume
//! carries it), resume, seek while playing, next song, no song.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use spotify::fake::{
    FakeConfig, FakeDevice, FakeSpotify, FollowLoop, TRACK_LONG_MIX, TRACK_UNDER_PRESSURE,
    spotify_song,
};
use spotify::{PlayerConfig, SpotifyPlayer};
use sync_client::LocalClock;
use sync_core::DriftConfig;

fn off_by(fake: &FakeSpotify, room: &FollowLoop<SpotifyPlayer>, clock: &dyn LocalClock) -> i64 {
    let now = clock.now_us();
    let room_pos = room.with_room(|r| r.position_at(now));
    fake.device_position_at("pc", now).unwrap() - room_pos
}

#[tokio::test]
async fn the_device_follows_play_pause_seek_and_song_changes() {
    let clock = clock();
    let fake = fake(
        FakeConfig::new(clock.clone())
            .latency(Duration::from_millis(30), Duration::from_millis(6))
            .device_lag(
                Duration::from_millis(60),
                Duration::from_millis(30),
                Duration::from_millis(5),
            ),
    )
    .await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, _store) = connected(&fake).await;
    let player = spotify.player(clock.clone(), PlayerConfig::default());
    let room = FollowLoop::spawn(player, clock.clone(), DriftConfig::spotify());

    // Play: a late joiner, the room is at 20 s.
    room.with_room(|r| r.play_song(spotify_song(1, TRACK_LONG_MIX), clock.now_us(), 20 * S));
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc")
            .is_some_and(|d| d.playing && d.track.as_deref() == Some(TRACK_LONG_MIX))
    })
    .await;
    sleep_ms(1_200).await;
    let e = off_by(&fake, &room, &*clock);
    assert!(e.abs() < 80 * MS, "playing: {} ms off", e / MS);

    // Pause: the device holds where the room paused.
    room.with_room(|r| r.pause(clock.now_us()));
    eventually("the device to pause", Duration::from_secs(2), || {
        fake.device("pc").is_some_and(|d| !d.playing)
    })
    .await;
    let e = off_by(&fake, &room, &*clock);
    assert!(e.abs() < 80 * MS, "paused: {} ms off", e / MS);

    // Seek while paused: nothing sent.
    let seeks = fake.count("PUT", "/v1/me/player/seek");
    let plays = fake.count("PUT", "/v1/me/player/play");
    room.with_room(|r| r.seek(clock.now_us(), 60 * S));
    sleep_ms(300).await;
    assert_eq!(fake.count("PUT", "/v1/me/player/seek"), seeks);
    assert_eq!(fake.count("PUT", "/v1/me/player/play"), plays);

    // Resume: one play, at 60 s.
    room.with_room(|r| r.resume(clock.now_us()));
    eventually("the device to resume", Duration::from_secs(2), || {
        fake.device("pc")
            .is_some_and(|d| d.playing && d.position_us >= 60 * S)
    })
    .await;
    sleep_ms(300).await;
    assert_eq!(fake.count("PUT", "/v1/me/player/play"), plays + 1);
    let e = off_by(&fake, &room, &*clock);
    assert!(e.abs() < 80 * MS, "resumed: {} ms off", e / MS);

    // Seek while playing: one seek.
    sleep_ms(1_000).await;
    let seeks = fake.count("PUT", "/v1/me/player/seek");
    room.with_room(|r| r.seek(clock.now_us(), 120 * S));
    eventually("the device to seek", Duration::from_secs(2), || {
        fake.device("pc").is_some_and(|d| d.position_us >= 120 * S)
    })
    .await;
    sleep_ms(400).await;
    let e = off_by(&fake, &room, &*clock);
    assert!(e.abs() < 80 * MS, "after seek: {} ms off", e / MS);
    assert!(fake.count("PUT", "/v1/me/player/seek") <= seeks + 2);

    // Next song.
    room.with_room(|r| r.play_song(spotify_song(2, TRACK_UNDER_PRESSURE), clock.now_us(), 0));
    eventually("the next song", Duration::from_secs(2), || {
        fake.device("pc")
            .is_some_and(|d| d.playing && d.track.as_deref() == Some(TRACK_UNDER_PRESSURE))
    })
    .await;
    sleep_ms(1_200).await;
    let e = off_by(&fake, &room, &*clock);
    assert!(e.abs() < 80 * MS, "next song: {} ms off", e / MS);

    // No song: the device goes quiet.
    room.with_room(|r| r.clear());
    eventually("the device to stop", Duration::from_secs(2), || {
        fake.device("pc").is_some_and(|d| !d.playing)
    })
    .await;
    assert!(room.counts().ticks > 100);
    let errors = room.with_player(|p| p.stats().errors);
    assert_eq!(errors, 0);
}
