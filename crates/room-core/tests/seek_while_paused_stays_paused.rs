//! A seek moves the position and nothing else: a paused room stays paused (the original app
//! silently started playing), a playing room keeps playing.

mod common;

use common::*;
use room_core::{ClientMessage, ControlPolicy, ErrorCode};

#[test]
fn seek_while_paused_moves_the_position_and_stays_paused() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.add(T0, host, yt(1, 300));
    h.send(T0 + 30 * S, host, ClientMessage::PausePlayback {});

    let at = T0 + 40 * S;
    let effects = h.send(
        at,
        host,
        ClientMessage::SeekPlayback {
            position_us: 90 * S,
        },
    );
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-seeked");
    assert!(!ev.playback.is_playing);
    assert_eq!(ev.position_us, 90 * S);
    assert_eq!(ev.room_clock_us, at);
    assert_eq!(ev.by, Some(host));
    // Everyone hears about it.
    for &l in &listeners {
        assert_eq!(delivered_to(&effects, l).len(), 1);
    }

    let pb = h.room.playback();
    assert!(!pb.is_playing);
    assert_eq!(pb.position_us(at + 1_000 * S), 90 * S);
    // A paused song never ends by itself.
    assert_eq!(h.room.next_timeout(), None);
    assert!(h.timeout(at + 1_000 * S).is_empty());

    // Resuming plays on from the seeked position.
    let resume_at = T0 + 100 * S;
    let effects = h.send(resume_at, host, ClientMessage::ResumePlayback {});
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-resumed");
    assert_eq!(ev.position_us, 90 * S);
    assert_eq!(h.room.next_timeout(), Some(resume_at + (300 - 90) * S));
    h.assert_store_matches();
}

#[test]
fn seek_while_playing_keeps_playing() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 300));
    let at = T0 + 10 * S;
    let effects = h.send(
        at,
        host,
        ClientMessage::SeekPlayback {
            position_us: 200 * S,
        },
    );
    let (_, ev) = playback_event(&effects);
    assert!(ev.playback.is_playing);
    assert_eq!(ev.playback.started_at_us, at - 200 * S);
    assert_eq!(h.room.playback().position_us(at + 5 * S), 205 * S);
    assert_eq!(h.room.next_timeout(), Some(at + 100 * S));
}

#[test]
fn seek_out_of_range_is_refused_and_changes_nothing() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 300));
    h.send(T0 + 5 * S, host, ClientMessage::PausePlayback {});
    for position_us in [-1, 300 * S + 1, i64::MAX, i64::MIN] {
        assert_eq!(
            h.reject(
                T0 + 6 * S,
                host,
                ClientMessage::SeekPlayback { position_us }
            ),
            ErrorCode::InvalidField,
            "{position_us}"
        );
    }
    // The very end is a valid target.
    h.send(
        T0 + 7 * S,
        host,
        ClientMessage::SeekPlayback {
            position_us: 300 * S,
        },
    );
    assert!(!h.room.playback().is_playing);
}

#[test]
fn seek_with_nothing_current_is_refused() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    assert_eq!(
        h.reject(T0, host, ClientMessage::SeekPlayback { position_us: 0 }),
        ErrorCode::NothingPlaying
    );
}
