//! The queue plays in order of score (upvotes minus downvotes), ties broken by time added; every
//! change tells everyone the whole new order, and the top of that order is what plays next.

mod common;

use common::*;
use room_core::protocol::{MemberId, SongId};
use room_core::{ClientMessage, ControlPolicy, Recipient, ServerMessage};

fn vote(h: &mut Harness, now: i64, from: MemberId, song_id: SongId, vote: i8) -> Vec<SongId> {
    let effects = h.send(now, from, ClientMessage::Vote { song_id, vote });
    let s = sends(&effects);
    assert_eq!(s.len(), 1);
    match s[0] {
        (Recipient::All, ServerMessage::SongVoted { order, .. }) => order.clone(),
        other => panic!("expected song-voted to all, got {other:?}"),
    }
}

#[test]
fn votes_order_the_queue_and_time_added_breaks_ties() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 4);
    h.add(T0, host, yt(1, 200));
    let b = h.add(T0 + S, l[0], yt(2, 200));
    let c = h.add(T0 + 2 * S, l[1], yt(3, 200));
    let d = h.add(T0 + 3 * S, l[2], yt(4, 200));
    let e = h.add(T0 + 4 * S, l[3], yt(5, 200));
    // No votes: time added.
    assert_eq!(h.order(), vec![b, c, d, e]);

    let t = T0 + 10 * S;
    assert_eq!(vote(&mut h, t, l[0], d, 1), vec![d, b, c, e]);
    assert_eq!(vote(&mut h, t, l[1], e, 1), vec![d, e, b, c]);
    assert_eq!(vote(&mut h, t, l[2], e, 1), vec![e, d, b, c]);
    assert_eq!(vote(&mut h, t, l[3], b, -1), vec![e, d, c, b]);
    // c catches up with d at 1: c was added first, so it goes first.
    assert_eq!(vote(&mut h, t, l[3], c, 1), vec![e, c, d, b]);
    assert_eq!(h.order(), vec![e, c, d, b]);

    // A late joiner sees the same order with the scores.
    let (late, effects) = h.join(t + S, "late");
    let joined = room_joined(&effects, late);
    let seen: Vec<(SongId, i32, u32, u32)> = joined
        .queue
        .iter()
        .map(|q| (q.song.id, q.score, q.upvotes, q.downvotes))
        .collect();
    assert_eq!(
        seen,
        vec![(e, 2, 2, 0), (c, 1, 1, 0), (d, 1, 1, 0), (b, -1, 0, 1)]
    );
    h.assert_store_matches();
}

#[test]
fn the_top_of_the_voted_order_plays_next() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    let c = h.add(T0, host, yt(3, 100));
    vote(&mut h, T0 + S, l[0], c, 1);
    vote(&mut h, T0 + S, l[1], b, -1);
    h.timeout(T0 + 100 * S);
    assert_eq!(h.current_song(), Some(c));
    assert_eq!(h.order(), vec![b]);
}

#[test]
fn a_new_song_goes_after_equal_scores_and_before_lower_ones() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    let c = h.add(T0, host, yt(3, 100));
    vote(&mut h, T0 + S, l[0], c, -1);
    let effects = h.send(
        T0 + 2 * S,
        l[0],
        ClientMessage::AddSong { song: yt(4, 100) },
    );
    let (entry, order) = match sends(&effects)[..] {
        [(Recipient::All, ServerMessage::SongAdded { entry, order })] => (entry, order),
        _ => panic!("expected one song-added to all: {effects:?}"),
    };
    let d = entry.song.id;
    assert_eq!(entry.score, 0);
    assert!(!entry.pinned);
    assert_eq!(order, &vec![b, d, c]);
    assert_eq!(h.order(), vec![b, d, c]);
}

#[test]
fn the_same_link_twice_is_two_songs() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    let b2 = h.add(T0, host, yt(2, 100));
    assert_ne!(b, b2);
    assert_eq!(h.order(), vec![b, b2]);
}
