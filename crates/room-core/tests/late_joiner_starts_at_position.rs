//! A listener who joins while a song plays is told where the song is *now*, stamped with the room
//! clock, so it can start in step instead of at 0.

mod common;

use common::*;
use room_core::protocol::SongInput;
use room_core::{ClientMessage, ControlPolicy};

#[test]
fn joiner_while_playing_gets_now_minus_started_at() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let started = T0 + S;
    let song = h.add(started, host, yt(1, 240));

    let now = started + 42 * S + 250 * MS;
    let (late, effects) = h.join(now, "late");
    let joined = room_joined(&effects, late);

    assert_eq!(joined.song.as_ref().map(|s| s.id), Some(song));
    assert_eq!(joined.playback.song_id, Some(song));
    assert!(joined.playback.is_playing);
    assert_eq!(joined.playback.started_at_us, started);
    assert_eq!(joined.playback.paused_at_us, None);
    assert_eq!(joined.room_clock_us, now);
    assert_eq!(joined.position_us, now - started);
    assert_eq!(joined.position_us, 42 * S + 250 * MS);
}

#[test]
fn joiner_after_a_seek_gets_the_seeked_timeline() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostOnly, 0);
    h.add(T0, host, yt(1, 300));
    h.send(
        T0 + 50 * S,
        host,
        ClientMessage::SeekPlayback {
            position_us: 100 * S,
        },
    );

    let now = T0 + 60 * S;
    let (late, effects) = h.join(now, "late");
    let joined = room_joined(&effects, late);
    assert_eq!(joined.position_us, 110 * S);
    assert_eq!(joined.playback.started_at_us, T0 + 50 * S - 100 * S);
    assert_eq!(joined.room_clock_us, now);
}

#[test]
fn joiner_after_the_server_advanced_gets_the_new_song_position() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 100));
    let second = h.add(T0 + S, host, yt(2, 100));
    let end = h.room.next_timeout().expect("song end scheduled");
    assert_eq!(end, T0 + 100 * S);
    h.timeout(end);

    let (late, effects) = h.join(end + 7 * S, "late");
    let joined = room_joined(&effects, late);
    assert_eq!(joined.song.as_ref().map(|s| s.id), Some(second));
    assert_eq!(joined.position_us, 7 * S);
    assert!(joined.queue.is_empty());
}

#[test]
fn joiner_in_an_idle_room_gets_nothing_playing() {
    let (mut h, _, _) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let now = T0 + 3_600 * S;
    let (late, effects) = h.join(now, "late");
    let joined = room_joined(&effects, late);
    assert_eq!(joined.song, None);
    assert_eq!(joined.playback.song_id, None);
    assert!(!joined.playback.is_playing);
    assert_eq!(joined.position_us, 0);
    assert_eq!(joined.room_clock_us, now);
}

#[test]
fn position_is_clamped_to_the_song_length_past_its_end() {
    // The driver may not have run `on_timeout` yet when someone joins just after the end.
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, local(1, 90 * S));
    let (late, effects) = h.join(T0 + 90 * S + 300 * MS, "late");
    assert_eq!(room_joined(&effects, late).position_us, 90 * S);
}

#[test]
fn unknown_length_song_position_keeps_growing() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    let song: SongInput = yt_unknown(1);
    h.add(T0, host, song);
    let (late, effects) = h.join(T0 + 2 * 3_600 * S, "late");
    assert_eq!(room_joined(&effects, late).position_us, 2 * 3_600 * S);
}
