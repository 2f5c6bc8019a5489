//! Members may ask the room to wait for their player before a new song starts. The song is then
//! loaded and held at 0 until every such member reports `player-ready` for it, one of them leaves
//! or stops asking, or the wait (a few seconds) runs out; then it starts for everyone at once.
//! Nobody asking means no waiting.

mod common;

use common::*;
use room_core::protocol::PlaybackReason;
use room_core::{ClientMessage, ControlPolicy, RoomConfig};

const WAIT: i64 = 3 * S;

fn ready(song_id: u64) -> ClientMessage {
    ClientMessage::PlayerReady { song_id }
}

/// Two of three listeners ask to be waited for; the host adds a song at T0.
fn waiting_party() -> (Harness, u64, Vec<u64>, u64) {
    assert_eq!(RoomConfig::default().ready_timeout_us, WAIT);
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 3);
    for &m in &l[..2] {
        let effects = h.send(T0, m, ClientMessage::SetWaitForMe { wait: true });
        assert!(effects.is_empty());
    }
    let effects = h.send(T0, host, ClientMessage::AddSong { song: yt(1, 200) });
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Started);
    assert!(ev.playback.waiting);
    assert!(!ev.playback.is_playing);
    assert_eq!(ev.position_us, 0);
    let song = ev.song.as_ref().expect("loaded").id;
    assert_eq!(h.room.next_timeout(), Some(T0 + WAIT));
    (h, host, l, song)
}

#[test]
fn the_song_starts_when_the_last_waited_for_player_is_ready() {
    let (mut h, _, l, song) = waiting_party();
    assert!(h.send(T0 + 300 * MS, l[0], ready(song)).is_empty());
    // A report for another song, or from someone nobody waits for, changes nothing.
    assert!(h.send(T0 + 400 * MS, l[1], ready(song + 1)).is_empty());
    assert!(h.room.playback().waiting);
    let at = T0 + 800 * MS;
    let effects = h.send(at, l[1], ready(song));
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Ready);
    assert_eq!(ev.by, None);
    assert!(ev.playback.is_playing);
    assert!(!ev.playback.waiting);
    assert_eq!(ev.playback.started_at_us, at);
    assert_eq!(h.room.next_timeout(), Some(at + 200 * S));
    // Late reports are harmless.
    assert!(h.send(at + S, l[0], ready(song)).is_empty());
    h.assert_store_matches();
}

#[test]
fn the_wait_is_bounded() {
    let (mut h, _, l, song) = waiting_party();
    h.send(T0 + 100 * MS, l[0], ready(song));
    // l[1]'s player never reports.
    assert!(h.timeout(T0 + WAIT - 1).is_empty());
    let effects = h.timeout(T0 + WAIT);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Ready);
    assert_eq!(ev.playback.started_at_us, T0 + WAIT);
}

#[test]
fn a_waited_for_member_who_drops_or_opts_out_is_not_waited_for() {
    let (mut h, _, l, song) = waiting_party();
    h.send(T0 + 100 * MS, l[0], ready(song));
    let effects = h.disconnect(T0 + 200 * MS, l[1]);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Ready);
    assert_eq!(ev.playback.started_at_us, T0 + 200 * MS);

    let (mut h, _, l, song) = waiting_party();
    h.send(T0 + 100 * MS, l[1], ready(song));
    let effects = h.send(
        T0 + 300 * MS,
        l[0],
        ClientMessage::SetWaitForMe { wait: false },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.started_at_us, T0 + 300 * MS);
}

#[test]
fn a_pause_during_the_wait_keeps_the_song_paused() {
    let (mut h, host, l, song) = waiting_party();
    let effects = h.send(T0 + 500 * MS, host, ClientMessage::PausePlayback {});
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-paused");
    assert!(!ev.playback.waiting);
    assert!(!ev.playback.is_playing);
    // Neither the players nor the deadline start it now.
    assert!(h.send(T0 + S, l[0], ready(song)).is_empty());
    assert!(h.send(T0 + S, l[1], ready(song)).is_empty());
    assert_eq!(h.room.next_timeout(), None);
    assert!(h.timeout(T0 + WAIT).is_empty());
    assert!(!h.room.playback().is_playing);
    // The host's resume does.
    let effects = h.send(T0 + 10 * S, host, ClientMessage::ResumePlayback {});
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.started_at_us, T0 + 10 * S);
}

#[test]
fn the_host_may_start_without_waiting() {
    let (mut h, host, l, song) = waiting_party();
    let effects = h.send(T0 + S, host, ClientMessage::ResumePlayback {});
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-resumed");
    assert!(!ev.playback.waiting);
    assert_eq!(ev.playback.started_at_us, T0 + S);
    assert_eq!(h.room.next_timeout(), Some(T0 + S + 200 * S));
    assert!(h.send(T0 + 2 * S, l[0], ready(song)).is_empty());
}

#[test]
fn a_song_end_report_during_the_wait_does_not_skip() {
    let (mut h, host, _, song) = waiting_party();
    h.add(T0, host, yt(2, 100));
    assert!(
        h.send(T0 + S, host, ClientMessage::SongEnded { song_id: song })
            .is_empty()
    );
    assert_eq!(h.current_song(), Some(song));
}

#[test]
fn next_waits_again_but_the_gapless_advance_does_not() {
    let (mut h, host, l, song) = waiting_party();
    h.add(T0, host, yt(2, 100));
    h.add(T0, host, yt(3, 100));
    h.send(T0 + 100 * MS, l[0], ready(song));
    h.send(T0 + 100 * MS, l[1], ready(song));
    assert!(h.room.playback().is_playing);

    let effects = h.send(
        T0 + 10 * S,
        host,
        ClientMessage::PlayNext {
            current_song_id: Some(song),
        },
    );
    let (_, ev) = playback_event(&effects);
    assert!(ev.playback.waiting);
    let second = ev.song.as_ref().expect("next").id;
    h.send(T0 + 10 * S, l[0], ready(second));
    h.send(T0 + 10 * S, l[1], ready(second));
    assert!(h.room.playback().is_playing);

    let end = T0 + 110 * S;
    let effects = h.timeout(end);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Ended);
    assert!(!ev.playback.waiting);
    assert!(ev.playback.is_playing);
    assert_eq!(ev.playback.started_at_us, end);
}

#[test]
fn nobody_asking_means_no_wait() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 3);
    let effects = h.send(T0, host, ClientMessage::AddSong { song: yt(1, 200) });
    let (_, ev) = playback_event(&effects);
    assert!(!ev.playback.waiting);
    assert!(ev.playback.is_playing);
    assert_eq!(ev.playback.started_at_us, T0);
}
