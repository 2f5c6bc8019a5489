//! A song of known length ends on the server's own timer: `next_timeout` is its end, and the next
//! song starts exactly where the last one ended (gapless), even when the timer fires a little
//! late. With nothing queued the room stops.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::protocol::PlaybackReason;
use room_core::{ClientMessage, ControlPolicy, Recipient, RoomConfig, ServerMessage};

#[test]
fn next_song_starts_at_the_previous_end() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let a = h.add(T0, host, yt(1, 180));
    let b = h.add(T0 + S, host, local(2, 200 * S + 500 * MS));
    let c = h.add(T0 + 2 * S, listeners[0], yt(3, 30));
    let end_a = T0 + 180 * S;
    assert_eq!(h.room.next_timeout(), Some(end_a));

    // Too early: nothing happens.
    assert!(h.timeout(end_a - 1).is_empty());
    assert_eq!(h.current_song(), Some(a));

    // The driver's timer fires 3 ms late.
    let fired = end_a + 3 * MS;
    let effects = h.timeout(fired);
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-state-update");
    assert_eq!(ev.reason, PlaybackReason::Ended);
    assert_eq!(ev.by, None);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert_eq!(
        ev.playback.started_at_us, end_a,
        "gapless: starts at the end"
    );
    assert_eq!(ev.position_us, 3 * MS);
    assert_eq!(ev.room_clock_us, fired);
    // b left the queue, and everyone was told with the new order.
    assert!(stores(&effects).contains(&&StoreOp::SongGone(b)));
    assert!(sends(&effects).contains(&(
        Recipient::All,
        &ServerMessage::SongRemoved {
            song_id: b,
            order: vec![c],
        }
    )));

    let end_b = end_a + 200 * S + 500 * MS;
    assert_eq!(h.room.next_timeout(), Some(end_b));
    let effects = h.timeout(end_b);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(c));
    assert_eq!(ev.playback.started_at_us, end_b);
    assert_eq!(ev.position_us, 0);

    // The queue is empty now: the room stops at c's end.
    let end_c = end_b + 30 * S;
    assert_eq!(h.room.next_timeout(), Some(end_c));
    let effects = h.timeout(end_c + MS);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Stopped);
    assert_eq!(ev.song, None);
    assert!(!ev.playback.is_playing);
    assert_eq!(ev.position_us, 0);
    assert_eq!(h.current_song(), None);
    assert_eq!(h.room.next_timeout(), None);
    assert!(h.timeout(end_c + 3_600 * S).is_empty());
    h.assert_store_matches();
}

#[test]
fn a_long_outage_starts_the_next_song_now_not_in_the_past() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 60));
    h.add(T0, host, yt(2, 60));
    let tolerance = RoomConfig::default().end_report_tolerance_us;
    let now = T0 + 60 * S + tolerance + S;
    let effects = h.timeout(now);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.started_at_us, now);
    assert_eq!(ev.position_us, 0);
}

#[test]
fn a_pause_moves_the_end() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    h.send(T0 + 40 * S, host, ClientMessage::PausePlayback {});
    assert_eq!(h.room.next_timeout(), None);
    assert!(h.timeout(T0 + 100 * S).is_empty());
    h.send(T0 + 70 * S, host, ClientMessage::ResumePlayback {});
    assert_eq!(h.room.next_timeout(), Some(T0 + 130 * S));
    assert!(h.timeout(T0 + 129 * S).is_empty());
    let effects = h.timeout(T0 + 130 * S);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert_eq!(ev.playback.started_at_us, T0 + 130 * S);
}

#[test]
fn unknown_length_songs_never_time_out() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    let a = h.add(T0, host, yt_unknown(1));
    h.add(T0, host, yt(2, 100));
    assert_eq!(h.room.next_timeout(), None);
    assert!(h.timeout(T0 + 24 * 3_600 * S).is_empty());
    assert_eq!(h.current_song(), Some(a));
}
