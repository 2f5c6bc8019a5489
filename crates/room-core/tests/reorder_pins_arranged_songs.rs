//! A host or DJ dragging a song pins it and everything above its old and new place, in the order
//! arranged; votes keep sorting only the songs nobody arranged, so a drag is never undone.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::protocol::SongId;
use room_core::{ClientMessage, ControlPolicy, ErrorCode, Recipient, ServerMessage};

fn reorder(song_id: SongId, to_index: u32) -> ClientMessage {
    ClientMessage::ReorderQueue { song_id, to_index }
}

#[test]
fn a_drag_pins_the_arranged_prefix_and_votes_sort_the_rest() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 3);
    let dj = l[0];
    h.make_dj(T0, host, dj);
    h.add(T0, host, yt(1, 100));
    let ids: Vec<SongId> = (2..=6).map(|n| h.add(T0, host, yt(n, 100))).collect();
    let [b, c, d, e, f] = ids[..] else {
        unreachable!()
    };
    assert_eq!(h.order(), vec![b, c, d, e, f]);

    // The DJ moves d to the top.
    let effects = h.send(T0 + S, dj, reorder(d, 0));
    assert_eq!(
        sends(&effects),
        vec![(
            Recipient::All,
            &ServerMessage::QueueReordered {
                order: vec![d, b, c, e, f]
            }
        )]
    );
    // The pins of d, b, c were stored, with their ranks; e and f were not touched.
    let stored: Vec<(SongId, Option<u32>)> = stores(&effects)
        .into_iter()
        .map(|op| match op {
            StoreOp::Song(q) => (q.song.id, q.pin),
            other => panic!("unexpected store op {other:?}"),
        })
        .collect();
    assert_eq!(stored, vec![(d, Some(0)), (b, Some(1)), (c, Some(2))]);

    // Votes cannot lift f above the arranged songs, but they still order e and f.
    for &voter in &l {
        h.send(
            T0 + 2 * S,
            voter,
            ClientMessage::Vote {
                song_id: f,
                vote: 1,
            },
        );
    }
    h.send(
        T0 + 2 * S,
        l[1],
        ClientMessage::Vote {
            song_id: b,
            vote: -1,
        },
    );
    assert_eq!(h.order(), vec![d, b, c, f, e]);

    let (late, effects) = h.join(T0 + 3 * S, "late");
    let pinned: Vec<(SongId, bool)> = room_joined(&effects, late)
        .queue
        .iter()
        .map(|q| (q.song.id, q.pinned))
        .collect();
    assert_eq!(
        pinned,
        vec![(d, true), (b, true), (c, true), (f, false), (e, false)]
    );
    h.assert_store_matches();
}

#[test]
fn dragging_down_pins_down_to_the_new_place() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 100));
    let ids: Vec<SongId> = (2..=5).map(|n| h.add(T0, host, yt(n, 100))).collect();
    let [b, c, d, e] = ids[..] else {
        unreachable!()
    };
    h.send(T0 + S, host, reorder(b, 2));
    assert_eq!(h.order(), vec![c, d, b, e]);
    let pins: Vec<bool> = h
        .room
        .queue()
        .entries()
        .iter()
        .map(|q| q.pin.is_some())
        .collect();
    assert_eq!(pins, vec![true, true, true, false]);
    // Out-of-range targets mean "last".
    h.send(T0 + S, host, reorder(c, 1_000));
    assert_eq!(h.order(), vec![d, b, e, c]);
    h.assert_store_matches();
}

#[test]
fn arranged_songs_keep_their_order_as_the_queue_plays() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.add(T0, host, yt(1, 100));
    let ids: Vec<SongId> = (2..=4).map(|n| h.add(T0, host, yt(n, 100))).collect();
    let [b, c, d] = ids[..] else { unreachable!() };
    h.send(T0 + S, host, reorder(d, 0));
    assert_eq!(h.order(), vec![d, b, c]);
    h.timeout(T0 + 100 * S);
    assert_eq!(h.current_song(), Some(d));
    // A second drag after the first pinned song left the queue.
    h.send(T0 + 101 * S, host, reorder(c, 0));
    assert_eq!(h.order(), vec![c, b]);
    h.timeout(T0 + 200 * S);
    assert_eq!(h.current_song(), Some(c));
    assert_eq!(h.order(), vec![b]);
    h.assert_store_matches();
}

#[test]
fn listeners_cannot_reorder_and_unknown_songs_are_reported() {
    let (mut h, host, l) = Harness::party(ControlPolicy::Everyone, 1);
    let a = h.add(T0, host, yt(1, 100));
    let b = h.add(T0, l[0], yt(2, 100));
    h.add(T0, l[0], yt(3, 100));
    // Even their own song, even when everyone controls playback.
    assert_eq!(h.reject(T0, l[0], reorder(b, 1)), ErrorCode::Forbidden);
    assert_eq!(h.reject(T0, host, reorder(a, 0)), ErrorCode::SongNotFound);
    assert_eq!(h.reject(T0, host, reorder(99, 0)), ErrorCode::SongNotFound);
}
