//! Pause freezes the position; resume continues from it by moving `startedAt` forward by the
//! pause's length, so the song's end moves by the same amount.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::{ClientMessage, ControlPolicy, ErrorCode};

#[test]
fn pause_then_resume_continues_where_it_stopped() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::HostAndDjs, 3);
    let song = h.add(T0, host, yt(1, 180));
    assert_eq!(h.room.next_timeout(), Some(T0 + 180 * S));

    let paused_at = T0 + 10 * S;
    let effects = h.send(paused_at, host, ClientMessage::PausePlayback {});
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-paused");
    assert_eq!(ev.position_us, 10 * S);
    assert_eq!(ev.room_clock_us, paused_at);
    assert_eq!(ev.playback.paused_at_us, Some(paused_at));
    assert_eq!(ev.playback.song_id, Some(song));
    assert!(!ev.playback.is_playing);
    assert_eq!(ev.by, Some(host));
    for &l in &listeners {
        assert_eq!(delivered_to(&effects, l).len(), 1, "listener {l}");
    }
    assert_eq!(h.room.next_timeout(), None);

    let resumed_at = T0 + 70 * S;
    let effects = h.send(resumed_at, host, ClientMessage::ResumePlayback {});
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-resumed");
    assert_eq!(ev.position_us, 10 * S);
    assert_eq!(ev.room_clock_us, resumed_at);
    assert!(ev.playback.is_playing);
    assert_eq!(ev.playback.paused_at_us, None);
    // startedAt moved forward by the pause's length (60 s).
    assert_eq!(ev.playback.started_at_us, T0 + 60 * S);
    assert_eq!(h.room.next_timeout(), Some(T0 + 60 * S + 180 * S));

    let (late, effects) = h.join(resumed_at + 5 * S, "late");
    assert_eq!(room_joined(&effects, late).position_us, 15 * S);
    h.assert_store_matches();
}

#[test]
fn each_pause_and_resume_writes_the_timeline_once_and_nothing_else() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 180));
    for (at, msg) in [
        (T0 + S, ClientMessage::PausePlayback {}),
        (T0 + 2 * S, ClientMessage::ResumePlayback {}),
    ] {
        let effects = h.send(at, host, msg);
        let ops = stores(&effects);
        assert_eq!(ops.len(), 1);
        assert!(matches!(ops[0], StoreOp::Playback(p) if p.last_updated_us == at));
    }
}

#[test]
fn repeated_pauses_keep_adding_up() {
    let (mut h, host, _) = Harness::party(ControlPolicy::Everyone, 0);
    h.add(T0, host, yt(1, 600));
    // Play 10 s, pause 20 s, play 5 s, pause 100 s, play on.
    h.send(T0 + 10 * S, host, ClientMessage::PausePlayback {});
    h.send(T0 + 30 * S, host, ClientMessage::ResumePlayback {});
    h.send(T0 + 35 * S, host, ClientMessage::PausePlayback {});
    h.send(T0 + 135 * S, host, ClientMessage::ResumePlayback {});
    let pb = h.room.playback();
    assert_eq!(pb.position_us(T0 + 135 * S), 15 * S);
    assert_eq!(pb.position_us(T0 + 145 * S), 25 * S);
    assert_eq!(h.room.next_timeout(), Some(T0 + 120 * S + 600 * S));
}

#[test]
fn redundant_pause_and_resume_are_refused_without_side_effects() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    assert_eq!(
        h.reject(T0, host, ClientMessage::PausePlayback {}),
        ErrorCode::NothingPlaying
    );
    assert_eq!(
        h.reject(T0, host, ClientMessage::ResumePlayback {}),
        ErrorCode::NothingPlaying
    );
    h.add(T0, host, yt(1, 180));
    assert_eq!(
        h.reject(T0 + S, host, ClientMessage::ResumePlayback {}),
        ErrorCode::AlreadyPlaying
    );
    h.send(T0 + 2 * S, host, ClientMessage::PausePlayback {});
    assert_eq!(
        h.reject(T0 + 3 * S, host, ClientMessage::PausePlayback {}),
        ErrorCode::AlreadyPaused
    );
    assert_eq!(h.room.playback().position_us(T0 + 50 * S), 2 * S);
}

#[test]
fn pausing_after_the_end_pins_the_position_at_the_end() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 60));
    // The pause arrives after the end but before the driver ran `on_timeout`.
    let effects = h.send(T0 + 61 * S, host, ClientMessage::PausePlayback {});
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.position_us, 60 * S);
    // Resuming ends the song at once.
    h.send(T0 + 70 * S, host, ClientMessage::ResumePlayback {});
    assert_eq!(h.room.next_timeout(), Some(T0 + 70 * S));
}
