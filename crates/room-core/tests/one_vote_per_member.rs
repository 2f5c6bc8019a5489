//! Each member holds at most one vote per song: voting again replaces it, 0 withdraws it.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::protocol::SongId;
use room_core::{ClientMessage, ControlPolicy, ErrorCode, ServerMessage};

/// (score, upvotes, downvotes) announced by the vote.
fn tally(effects: &[room_core::Effect]) -> (i32, u32, u32) {
    match sends(effects)[..] {
        [
            (
                _,
                ServerMessage::SongVoted {
                    score,
                    upvotes,
                    downvotes,
                    ..
                },
            ),
        ] => (*score, *upvotes, *downvotes),
        _ => panic!("expected one song-voted: {effects:?}"),
    }
}

#[test]
fn voting_again_replaces_and_zero_withdraws() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.add(T0, host, yt(1, 100));
    let b: SongId = h.add(T0, host, yt(2, 100));
    let v = |song_id, vote| ClientMessage::Vote { song_id, vote };

    assert_eq!(tally(&h.send(T0 + S, l[0], v(b, 1))), (1, 1, 0));
    // The same upvote again does not count twice.
    assert_eq!(tally(&h.send(T0 + 2 * S, l[0], v(b, 1))), (1, 1, 0));
    assert_eq!(tally(&h.send(T0 + 3 * S, l[1], v(b, 1))), (2, 2, 0));
    // Changing one's mind replaces the vote.
    assert_eq!(tally(&h.send(T0 + 4 * S, l[0], v(b, -1))), (0, 1, 1));
    // Withdrawing removes it.
    assert_eq!(tally(&h.send(T0 + 5 * S, l[0], v(b, 0))), (1, 1, 0));
    assert_eq!(tally(&h.send(T0 + 6 * S, l[0], v(b, 0))), (1, 1, 0));
    assert_eq!(h.room.queue().get(b).map(|e| e.votes.len()), Some(1));
    h.assert_store_matches();
}

#[test]
fn each_vote_is_stored_as_the_member_s_current_vote() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    let effects = h.send(
        T0 + S,
        l[0],
        ClientMessage::Vote {
            song_id: b,
            vote: -1,
        },
    );
    assert_eq!(
        stores(&effects),
        vec![&StoreOp::Vote {
            song: b,
            member: l[0],
            vote: -1
        }]
    );
}

#[test]
fn bad_votes_are_refused() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let a = h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    for vote in [2, -2, i8::MAX, i8::MIN] {
        assert_eq!(
            h.reject(T0 + S, l[0], ClientMessage::Vote { song_id: b, vote }),
            ErrorCode::InvalidField,
            "{vote}"
        );
    }
    // The current song is no longer in the queue; unknown ids neither.
    for song_id in [a, 777] {
        assert_eq!(
            h.reject(T0 + S, l[0], ClientMessage::Vote { song_id, vote: 1 }),
            ErrorCode::SongNotFound
        );
    }
}

#[test]
fn a_returning_member_sees_its_own_votes() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, host, yt(2, 100));
    let c = h.add(T0, host, yt(3, 100));
    h.send(
        T0 + S,
        l[0],
        ClientMessage::Vote {
            song_id: b,
            vote: -1,
        },
    );
    h.send(
        T0 + S,
        l[0],
        ClientMessage::Vote {
            song_id: c,
            vote: 1,
        },
    );
    h.send(
        T0 + S,
        host,
        ClientMessage::Vote {
            song_id: b,
            vote: 1,
        },
    );
    h.disconnect(T0 + 2 * S, l[0]);
    let (id, effects) = h.resume(T0 + 3 * S, "l1");
    assert_eq!(id, l[0]);
    let joined = room_joined(&effects, id);
    assert_eq!(
        joined
            .your_votes
            .iter()
            .map(|v| (v.song_id, v.vote))
            .collect::<Vec<_>>(),
        vec![(b, -1), (c, 1)]
    );
}
