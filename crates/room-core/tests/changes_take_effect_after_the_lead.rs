//! Start, pause, resume and a seek while playing are scheduled a lead time ahead of "now" — long
//! enough for the slowest connected member to hear of it — so every listener acts at the same
//! room instant. The lead comes from the round trips members report, within fixed bounds; a
//! gapless advance needs none.

mod common;

use common::*;
use room_core::{ClientMessage, ControlPolicy, RoomConfig};

/// A party whose listeners reported round trips of 100 ms and 20 ms: lead 1.5 x 100 + 40 = 190 ms.
fn party_with_rtts() -> (Harness, u64, Vec<u64>) {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.room.observe_rtt(l[0], 100 * MS);
    h.room.observe_rtt(l[1], 20 * MS);
    (h, host, l)
}

const LEAD: i64 = 190 * MS;

#[test]
fn the_lead_follows_the_slowest_connected_member_within_bounds() {
    let config = RoomConfig::default();
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    // Nobody reported a round trip: nothing to schedule against.
    assert_eq!(h.room.lead_us(), 0);
    h.room.observe_rtt(l[1], 20 * MS);
    assert_eq!(h.room.lead_us(), 70 * MS);
    h.room.observe_rtt(l[0], 100 * MS);
    assert_eq!(h.room.lead_us(), LEAD);
    // A dropped member no longer holds everyone back.
    h.disconnect(T0, l[0]);
    assert_eq!(h.room.lead_us(), 70 * MS);
    h.resume(T0 + S, "l1");
    assert_eq!(h.room.lead_us(), LEAD);
    // Bounds.
    h.room.observe_rtt(host, 60 * S);
    assert_eq!(h.room.lead_us(), config.max_lead_us);
    h.room.observe_rtt(host, -5 * S);
    h.room.observe_rtt(l[0], MS);
    h.room.observe_rtt(l[1], 0);
    assert_eq!(h.room.lead_us(), config.min_lead_us);
    // Unknown members are ignored.
    h.room.observe_rtt(999, 5 * S);
    assert_eq!(h.room.lead_us(), config.min_lead_us);
}

#[test]
fn a_new_song_starts_a_lead_after_it_is_announced() {
    let (mut h, host, _) = party_with_rtts();
    let effects = h.send(T0, host, ClientMessage::AddSong { song: yt(1, 200) });
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.started_at_us, T0 + LEAD);
    assert_eq!(ev.playback.effective_at_us, T0 + LEAD);
    assert!(ev.playback.is_playing);
    assert_eq!(ev.position_us, 0);
    assert_eq!(ev.room_clock_us, T0);
    assert_eq!(h.room.next_timeout(), Some(T0 + LEAD + 200 * S));
}

#[test]
fn pause_resume_and_seek_are_scheduled_together() {
    let (mut h, host, _) = party_with_rtts();
    h.add(T0, host, yt(1, 200));
    let started = T0 + LEAD;

    // Pause sent at +10 s: the room stops at +10 s + lead, at the position it has then.
    let sent = started + 10 * S;
    let effects = h.send(sent, host, ClientMessage::PausePlayback {});
    let (k, ev) = playback_event(&effects);
    assert_eq!(k, "playback-paused");
    assert_eq!(ev.playback.paused_at_us, Some(sent + LEAD));
    assert_eq!(ev.playback.effective_at_us, sent + LEAD);
    // `positionUs` is the position at `roomClockUs`: still playing until the pause's instant.
    assert_eq!(ev.position_us, 10 * S);
    // A newcomer during the lead is told where the room is now and when it will stop.
    let (late, effects) = h.join(sent + LEAD / 2, "late");
    let joined = room_joined(&effects, late);
    assert_eq!(joined.position_us, 10 * S + LEAD / 2);
    assert_eq!(joined.playback.paused_at_us, Some(sent + LEAD));
    h.presence_after(sent + LEAD / 2);
    let paused_pos = 10 * S + LEAD;

    // Resume sent at +60 s: it plays on from the paused position a lead later.
    let sent = started + 60 * S;
    let effects = h.send(sent, host, ClientMessage::ResumePlayback {});
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.effective_at_us, sent + LEAD);
    assert_eq!(ev.playback.started_at_us, sent + LEAD - paused_pos);
    assert_eq!(h.room.playback().position_us(sent + LEAD), paused_pos);
    assert_eq!(
        h.room.next_timeout(),
        Some(sent + LEAD - paused_pos + 200 * S)
    );

    // A seek while playing jumps at its instant.
    let sent = started + 90 * S;
    let effects = h.send(
        sent,
        host,
        ClientMessage::SeekPlayback {
            position_us: 30 * S,
        },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.effective_at_us, sent + LEAD);
    assert_eq!(ev.playback.started_at_us, sent + LEAD - 30 * S);
    assert!(ev.playback.is_playing);
}

#[test]
fn a_seek_while_paused_moves_at_once() {
    let (mut h, host, _) = party_with_rtts();
    h.add(T0, host, yt(1, 200));
    h.send(T0 + 10 * S, host, ClientMessage::PausePlayback {});
    let sent = T0 + 20 * S;
    let effects = h.send(
        sent,
        host,
        ClientMessage::SeekPlayback {
            position_us: 50 * S,
        },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.effective_at_us, sent);
    assert_eq!(ev.playback.paused_at_us, Some(sent));
    assert_eq!(ev.position_us, 50 * S);
    assert!(!ev.playback.is_playing);
}

#[test]
fn next_is_scheduled_but_the_gapless_advance_is_not() {
    let (mut h, host, _) = party_with_rtts();
    let a = h.add(T0, host, yt(1, 100));
    h.add(T0, host, yt(2, 100));
    h.add(T0, host, yt(3, 100));
    let end = T0 + LEAD + 100 * S;
    let effects = h.timeout(end);
    let (_, ev) = playback_event(&effects);
    assert_eq!(
        ev.playback.started_at_us, end,
        "no lead: players preloaded it"
    );

    let sent = end + 5 * S;
    let effects = h.send(
        sent,
        host,
        ClientMessage::PlayNext {
            current_song_id: None,
        },
    );
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.playback.started_at_us, sent + LEAD);
    assert_ne!(ev.song.as_ref().map(|s| s.id), Some(a));
}
