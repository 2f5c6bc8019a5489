//! `play-next` with `currentSongId` skips only if that song is still current, so two people
//! pressing "next" at once skip one song, not two.

mod common;

use common::*;
use room_core::protocol::PlaybackReason;
use room_core::{ClientMessage, ControlPolicy, ErrorCode};

#[test]
fn two_presses_for_the_same_song_skip_once() {
    let (mut h, host, members) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let dj = members[0];
    h.make_dj(T0, host, dj);
    let a = h.add(T0, host, yt(1, 180));
    let b = h.add(T0, host, yt(2, 180));
    let c = h.add(T0, host, yt(3, 180));

    let at = T0 + 20 * S;
    let effects = h.send(
        at,
        host,
        ClientMessage::PlayNext {
            current_song_id: Some(a),
        },
    );
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-state-update");
    assert_eq!(ev.reason, PlaybackReason::Next);
    assert_eq!(ev.by, Some(host));
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert_eq!(ev.playback.started_at_us, at);

    let before = fingerprint(&h.room);
    let effects = h.send(
        at + 5 * MS,
        dj,
        ClientMessage::PlayNext {
            current_song_id: Some(a),
        },
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(fingerprint(&h.room), before);
    assert_eq!(h.current_song(), Some(b));
    assert_eq!(h.order(), vec![c]);
}

#[test]
fn a_press_naming_a_song_that_never_played_is_ignored() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    let a = h.add(T0, host, yt(1, 180));
    let b = h.add(T0, host, yt(2, 180));
    // b is queued, not current.
    let effects = h.send(
        T0 + S,
        host,
        ClientMessage::PlayNext {
            current_song_id: Some(b),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(h.current_song(), Some(a));
}

#[test]
fn a_press_without_a_song_id_always_skips() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 180));
    let b = h.add(T0, host, yt(2, 180));
    let c = h.add(T0, host, yt(3, 180));
    h.send(
        T0 + S,
        host,
        ClientMessage::PlayNext {
            current_song_id: None,
        },
    );
    assert_eq!(h.current_song(), Some(b));
    h.send(
        T0 + S,
        host,
        ClientMessage::PlayNext {
            current_song_id: None,
        },
    );
    assert_eq!(h.current_song(), Some(c));
    assert!(h.order().is_empty());
}

#[test]
fn next_on_the_last_song_stops_and_next_in_an_idle_room_is_refused() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    assert_eq!(
        h.reject(
            T0,
            host,
            ClientMessage::PlayNext {
                current_song_id: None
            }
        ),
        ErrorCode::QueueEmpty
    );
    let a = h.add(T0, host, yt(1, 180));
    let effects = h.send(
        T0 + S,
        host,
        ClientMessage::PlayNext {
            current_song_id: Some(a),
        },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Stopped);
    assert_eq!(ev.by, Some(host));
    assert_eq!(h.current_song(), None);
    // A late second press for the song that just stopped is spent, not an error.
    let effects = h.send(
        T0 + S,
        host,
        ClientMessage::PlayNext {
            current_song_id: Some(a),
        },
    );
    assert!(effects.is_empty());
}

#[test]
fn next_while_paused_plays_the_next_song() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    let a = h.add(T0, host, yt(1, 180));
    let b = h.add(T0, host, yt(2, 180));
    h.send(T0 + 5 * S, host, ClientMessage::PausePlayback {});
    let at = T0 + 50 * S;
    let effects = h.send(
        at,
        host,
        ClientMessage::PlayNext {
            current_song_id: Some(a),
        },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert!(ev.playback.is_playing);
    assert_eq!(ev.playback.started_at_us, at);
    assert_eq!(h.room.next_timeout(), Some(at + 180 * S));
}
