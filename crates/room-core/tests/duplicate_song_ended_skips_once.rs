//! `song-ended` names the song that ended, so many listeners reporting one end skip exactly one
//! song; stale, foreign and early reports change nothing. For a song of unknown length (which only
//! players can end) a report counts only from someone allowed to skip.

mod common;

use common::*;
use room_core::protocol::PlaybackReason;
use room_core::{ClientMessage, ControlPolicy};

#[test]
fn many_reports_of_one_end_skip_one_song() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::Everyone, 5);
    let a = h.add(T0, host, yt_unknown(1));
    let b = h.add(T0, host, yt_unknown(2));
    let c = h.add(T0, host, yt_unknown(3));
    assert_eq!(h.current_song(), Some(a));
    assert_eq!(h.order(), vec![b, c]);

    let end = T0 + 200 * S;
    let first = h.send(end, listeners[0], ClientMessage::SongEnded { song_id: a });
    let (k, ev) = playback_event(&first);
    assert_eq!(k, "playback-state-update");
    assert_eq!(ev.reason, PlaybackReason::Ended);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert_eq!(ev.position_us, 0);
    assert_eq!(ev.playback.started_at_us, end);

    // The same end, reported by everyone else a moment later.
    for (i, &l) in listeners.iter().enumerate().skip(1) {
        let at = end + i64::try_from(i).expect("small") * 30 * MS;
        let effects = h.send(at, l, ClientMessage::SongEnded { song_id: a });
        assert!(effects.is_empty(), "listener {l}: {effects:?}");
    }
    let effects = h.send(end + S, host, ClientMessage::SongEnded { song_id: a });
    assert!(effects.is_empty());

    assert_eq!(h.current_song(), Some(b));
    assert_eq!(h.order(), vec![c]);
    h.assert_store_matches();
}

#[test]
fn reports_for_queued_or_unknown_songs_do_nothing() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::Everyone, 1);
    let a = h.add(T0, host, yt_unknown(1));
    let b = h.add(T0, host, yt_unknown(2));
    for song_id in [b, 999, 0] {
        let effects = h.send(T0 + S, listeners[0], ClientMessage::SongEnded { song_id });
        assert!(effects.is_empty(), "{song_id}");
    }
    assert_eq!(h.current_song(), Some(a));
    assert_eq!(h.order(), vec![b]);
}

#[test]
fn early_reports_for_a_known_length_song_are_ignored() {
    let config = room_core::RoomConfig::default();
    let tolerance = config.end_report_tolerance_us;
    let (mut h, host, listeners) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let a = h.add(T0, host, yt(1, 180));
    let b = h.add(T0, host, yt(2, 180));

    // A stale or skewed player claims the end a minute early.
    let effects = h.send(
        T0 + 120 * S,
        listeners[0],
        ClientMessage::SongEnded { song_id: a },
    );
    assert!(effects.is_empty());
    // Just outside the tolerance: still too early.
    let effects = h.send(
        T0 + 180 * S - tolerance - 1,
        listeners[0],
        ClientMessage::SongEnded { song_id: a },
    );
    assert!(effects.is_empty());
    assert_eq!(h.current_song(), Some(a));

    // Within the tolerance it counts (the real file may be a little shorter than its metadata).
    let at = T0 + 178 * S;
    let effects = h.send(at, listeners[1], ClientMessage::SongEnded { song_id: a });
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert_eq!(ev.playback.started_at_us, at);

    // The server's own end-of-song timer now belongs to the new song: no second skip.
    assert_eq!(h.room.next_timeout(), Some(at + 180 * S));
    assert!(h.timeout(T0 + 180 * S).is_empty());
    assert_eq!(h.current_song(), Some(b));
}

#[test]
fn a_report_while_paused_does_not_skip() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::Everyone, 1);
    let a = h.add(T0, host, yt_unknown(1));
    h.add(T0, host, yt_unknown(2));
    h.send(T0 + 10 * S, host, ClientMessage::PausePlayback {});
    let effects = h.send(
        T0 + 11 * S,
        listeners[0],
        ClientMessage::SongEnded { song_id: a },
    );
    assert!(effects.is_empty());
    assert_eq!(h.current_song(), Some(a));
}

#[test]
fn the_last_song_ending_stops_once() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::Everyone, 3);
    let a = h.add(T0, host, yt_unknown(1));
    let effects = h.send(
        T0 + 60 * S,
        listeners[0],
        ClientMessage::SongEnded { song_id: a },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Stopped);
    assert_eq!(ev.song, None);
    for &l in &listeners[1..] {
        assert!(
            h.send(T0 + 61 * S, l, ClientMessage::SongEnded { song_id: a })
                .is_empty()
        );
    }
    assert_eq!(h.current_song(), None);
}

#[test]
fn without_a_known_length_only_those_who_may_skip_end_the_song() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let dj = l[1];
    h.make_dj(T0, host, dj);
    let a = h.add(T0, host, yt_unknown(1));
    let b = h.add(T0, host, yt_unknown(2));
    let c = h.add(T0, host, yt_unknown(3));
    // A listener cannot skip for everyone by claiming the end.
    let effects = h.send(T0 + 10 * S, l[0], ClientMessage::SongEnded { song_id: a });
    assert!(effects.is_empty());
    assert_eq!(h.current_song(), Some(a));
    // A DJ's player can.
    let effects = h.send(T0 + 200 * S, dj, ClientMessage::SongEnded { song_id: a });
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    // Under host-only, only the host's.
    h.send(
        T0 + 201 * S,
        host,
        ClientMessage::SetPolicy {
            policy: ControlPolicy::HostOnly,
        },
    );
    assert!(
        h.send(T0 + 300 * S, dj, ClientMessage::SongEnded { song_id: b })
            .is_empty()
    );
    h.send(T0 + 300 * S, host, ClientMessage::SongEnded { song_id: b });
    assert_eq!(h.current_song(), Some(c));
}

#[test]
fn with_a_known_length_any_listener_may_report_the_end() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostOnly, 1);
    h.add(T0, host, yt(1, 180));
    let b = h.add(T0, host, yt(2, 180));
    let effects = h.send(T0 + 179 * S, l[0], ClientMessage::SongEnded { song_id: 1 });
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
}
