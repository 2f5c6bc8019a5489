//! A listener who joins a paused room is told the paused position, not 0 (a defect of the
//! original app), and that the room is paused.

mod common;

use common::*;
use room_core::{ClientMessage, ControlPolicy};

#[test]
fn joiner_gets_the_position_at_which_the_room_paused() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let song = h.add(T0, host, yt(1, 300));
    h.send(T0 + 30 * S, host, ClientMessage::PausePlayback {});

    // Long after the pause: the position must not have moved.
    let now = T0 + 500 * S;
    let (late, effects) = h.join(now, "late");
    let joined = room_joined(&effects, late);
    assert_eq!(joined.song.as_ref().map(|s| s.id), Some(song));
    assert!(!joined.playback.is_playing);
    assert_eq!(joined.playback.paused_at_us, Some(T0 + 30 * S));
    assert_eq!(joined.position_us, 30 * S);
    assert_eq!(joined.room_clock_us, now);
    // The timeline itself says the same: pausedAt - startedAt.
    let pb = &joined.playback;
    assert_eq!(
        pb.paused_at_us.expect("paused") - pb.started_at_us,
        joined.position_us
    );
}

#[test]
fn joiner_after_a_seek_while_paused_gets_the_seeked_position() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 300));
    h.send(T0 + 30 * S, host, ClientMessage::PausePlayback {});
    h.send(
        T0 + 40 * S,
        host,
        ClientMessage::SeekPlayback {
            position_us: 123 * S,
        },
    );
    let (late, effects) = h.join(T0 + 900 * S, "late");
    let joined = room_joined(&effects, late);
    assert!(!joined.playback.is_playing);
    assert_eq!(joined.position_us, 123 * S);
}

#[test]
fn joiner_after_pause_then_resume_is_in_step_with_the_others() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 300));
    h.send(T0 + 30 * S, host, ClientMessage::PausePlayback {});
    h.send(T0 + 90 * S, host, ClientMessage::ResumePlayback {});
    let (late, effects) = h.join(T0 + 95 * S, "late");
    let joined = room_joined(&effects, late);
    assert!(joined.playback.is_playing);
    assert_eq!(joined.position_us, 35 * S);
}
