//! A restarted server rebuilds each room from what the room asked it to store: the queue with its
//! votes and pins, the timeline (which keeps running on the room clock), the members — who come
//! back disconnected, with a fresh grace, and resume by token.

mod common;

use common::*;
use room_core::protocol::{MemberGone, PlaybackReason, SongId, VoteView};
use room_core::{ClientMessage, ControlPolicy, Effect, Role, Room, RoomConfig};

const GRACE: i64 = 60 * S;

struct Before {
    h: Harness,
    host: u64,
    dj: u64,
    listener: u64,
    songs: [SongId; 5],
}

/// Song a (180 s) playing since T0; b, c, d, e queued; c voted up, b dragged to the top (so b and
/// c are pinned), e voted up among the unpinned.
fn before_the_crash() -> Before {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let (dj, listener) = (l[0], l[1]);
    h.make_dj(T0, host, dj);
    let a = h.add(T0, host, yt(1, 180));
    let b = h.add(T0 + S, dj, yt(2, 100));
    let c = h.add(T0 + 2 * S, listener, local(3, 90 * S));
    let d = h.add(T0 + 3 * S, listener, yt_unknown(4));
    let e = h.add(T0 + 4 * S, host, yt(5, 100));
    let vote = |song_id, vote| ClientMessage::Vote { song_id, vote };
    h.send(T0 + 5 * S, dj, vote(c, 1));
    h.send(T0 + 5 * S, listener, vote(c, 1));
    assert_eq!(h.order(), vec![c, b, d, e]);
    h.send(
        T0 + 6 * S,
        host,
        ClientMessage::ReorderQueue {
            song_id: b,
            to_index: 0,
        },
    );
    h.send(T0 + 7 * S, host, vote(e, 1));
    h.send(T0 + 7 * S, listener, vote(d, -1));
    assert_eq!(h.order(), vec![b, c, e, d]);
    h.assert_store_matches();
    Before {
        h,
        host,
        dj,
        listener,
        songs: [a, b, c, d, e],
    }
}

fn restart(before: Harness, now: i64) -> Harness {
    let snapshot = before.store.snapshot();
    let room = Room::restore(snapshot.clone(), now, RoomConfig::default());
    let h = Harness::restored(room, before.store);
    // Restoring loses nothing that was stored.
    assert_eq!(normalise(h.room.snapshot()), snapshot);
    h
}

#[test]
fn queue_votes_timeline_and_members_survive_a_restart() {
    let Before {
        h,
        host,
        dj,
        listener,
        songs: [a, b, c, d, e],
    } = before_the_crash();
    let scores_before: Vec<(SongId, i32, bool)> = h
        .room
        .queue()
        .views()
        .iter()
        .map(|q| (q.song.id, q.score, q.pinned))
        .collect();

    // Down from T0 + 50 s to T0 + 80 s.
    let up = T0 + 80 * S;
    let mut h = restart(h, up);

    // The timeline kept running on the room clock.
    assert_eq!(h.current_song(), Some(a));
    assert!(h.room.playback().is_playing);
    assert_eq!(h.room.playback().started_at_us, T0);
    assert_eq!(h.room.playback().position_us(up), 80 * S);
    // The queue, its votes and its pins.
    assert_eq!(h.order(), vec![b, c, e, d]);
    let scores_after: Vec<(SongId, i32, bool)> = h
        .room
        .queue()
        .views()
        .iter()
        .map(|q| (q.song.id, q.score, q.pinned))
        .collect();
    assert_eq!(scores_after, scores_before);
    // Members: all there, all disconnected, roles kept.
    assert_eq!(h.room.member_count(), 3);
    assert_eq!(h.room.connected_count(), 0);
    assert_eq!(h.room.role_of(host), Some(Role::Host));
    assert_eq!(h.room.role_of(dj), Some(Role::Dj));
    assert_eq!(h.room.role_of(listener), Some(Role::Listener));
    // Their grace starts at the restart; the song ends later.
    assert_eq!(h.room.next_timeout(), Some(up + GRACE));

    // They resume by token.
    let (id, effects) = h.resume(up + 5 * S, "host");
    assert_eq!(id, host);
    let joined = room_joined(&effects, host);
    assert_eq!(joined.you.role, Role::Host);
    assert_eq!(joined.position_us, 85 * S);
    assert_eq!(
        joined.your_votes,
        vec![VoteView {
            song_id: e,
            vote: 1
        }]
    );
    let (id, effects) = h.resume(up + 6 * S, "l1");
    assert_eq!(id, dj);
    assert_eq!(room_joined(&effects, dj).you.role, Role::Dj);
    assert_eq!(
        room_joined(&effects, dj).your_votes,
        vec![VoteView {
            song_id: c,
            vote: 1
        }],
        "votes are still attributed"
    );

    h.presence_after(up + 6 * S);

    // The listener never comes back and is dropped after its grace.
    let effects = h.timeout(up + GRACE);
    assert!(effects.contains(&Effect::Detach(listener)));
    assert_eq!(h.room.role_of(listener), None);
    assert_eq!(
        h.presence_after(up + GRACE).left,
        vec![MemberGone {
            member_id: listener,
            reason: "timed-out".into()
        }]
    );

    // The song ends on time and the arranged order plays on, gaplessly.
    assert_eq!(h.room.next_timeout(), Some(T0 + 180 * S));
    let effects = h.timeout(T0 + 180 * S);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    assert_eq!(ev.playback.started_at_us, T0 + 180 * S);

    // Ids are not reused.
    let f = h.add(T0 + 181 * S, host, yt(6, 100));
    assert!(f > e, "{f} reuses an id");
    let (newcomer, _) = h.join(T0 + 182 * S, "newcomer");
    assert!(newcomer > listener, "{newcomer} reuses a member id");
    h.assert_store_matches();
}

#[test]
fn a_paused_room_is_still_paused_at_the_same_place() {
    let Before { mut h, host, .. } = before_the_crash();
    h.send(T0 + 30 * S, host, ClientMessage::PausePlayback {});
    let up = T0 + 3_600 * S;
    let mut h = restart(h, up);
    assert!(!h.room.playback().is_playing);
    assert_eq!(h.room.playback().position_us(up), 30 * S);
    assert_eq!(h.room.next_timeout(), Some(up + GRACE));
    let (id, effects) = h.resume(up + S, "l2");
    assert_eq!(room_joined(&effects, id).position_us, 30 * S);
}

#[test]
fn a_song_that_ended_during_the_outage_gives_way_at_once() {
    let Before {
        h,
        songs: [_, b, ..],
        ..
    } = before_the_crash();
    let up = T0 + 500 * S;
    let mut h = restart(h, up);
    let due = h.room.next_timeout().expect("the song's end is due");
    assert!(due <= up, "{due} > {up}");
    let effects = h.timeout(up);
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Ended);
    assert_eq!(ev.song.as_ref().map(|s| s.id), Some(b));
    // Not back-dated to the old end: everyone starts b from its beginning.
    assert_eq!(ev.playback.started_at_us, up);
    assert_eq!(ev.position_us, 0);
}

#[test]
fn a_host_who_does_not_come_back_is_succeeded() {
    let Before {
        h,
        host,
        dj,
        listener,
        ..
    } = before_the_crash();
    let up = T0 + 60 * S;
    let mut h = restart(h, up);
    h.resume(up + S, "l2");
    h.resume(up + 2 * S, "l1");
    h.timeout(up + GRACE);
    assert_eq!(h.room.role_of(host), None);
    assert_eq!(h.room.role_of(dj), Some(Role::Host));
    assert_eq!(h.room.role_of(listener), Some(Role::Listener));
}

#[test]
fn the_host_secret_still_works_after_a_restart() {
    let Before { h, host, dj, .. } = before_the_crash();
    let up = T0 + 60 * S;
    let mut h = restart(h, up);
    h.resume(up + S, "l1");
    let (id, effects) = h.join_host(up + 2 * S, "host-again");
    assert_ne!(id, host);
    assert_eq!(room_joined(&effects, id).you.role, Role::Host);
    assert_eq!(h.room.role_of(host), Some(Role::Dj));
    assert_eq!(h.room.role_of(dj), Some(Role::Dj));
}
