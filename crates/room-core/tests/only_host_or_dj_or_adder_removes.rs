//! A queued song may be removed by the member who added it, by a DJ or by the host — nobody
//! else; clearing the whole queue is for the host and DJs.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::{ClientMessage, ControlPolicy, ErrorCode, Recipient, ServerMessage};

#[test]
fn who_may_remove_a_song() {
    let (mut h, host, l) = Harness::party(ControlPolicy::Everyone, 3);
    let (adder, stranger, dj) = (l[0], l[1], l[2]);
    h.make_dj(T0, host, dj);
    h.add(T0, host, yt(1, 100));
    let x = h.add(T0, adder, yt(2, 100));
    let y = h.add(T0, adder, yt(3, 100));
    let z = h.add(T0, adder, yt(4, 100));
    let w = h.add(T0, stranger, yt(5, 100));

    let rm = |song_id| ClientMessage::RemoveSong { song_id };
    assert_eq!(h.reject(T0 + S, stranger, rm(x)), ErrorCode::Forbidden);

    let effects = h.send(T0 + S, adder, rm(x));
    assert_eq!(stores(&effects), vec![&StoreOp::SongGone(x)]);
    assert_eq!(
        sends(&effects),
        vec![(
            Recipient::All,
            &ServerMessage::SongRemoved {
                song_id: x,
                order: vec![y, z, w],
            }
        )]
    );
    h.send(T0 + 2 * S, dj, rm(y));
    h.send(T0 + 3 * S, host, rm(z));
    assert_eq!(h.order(), vec![w]);
    // Removing twice: the song is gone.
    assert_eq!(h.reject(T0 + 4 * S, host, rm(x)), ErrorCode::SongNotFound);
    h.assert_store_matches();
}

#[test]
fn removing_a_song_drops_its_votes() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    let b = h.add(T0, l[0], yt(2, 100));
    h.send(
        T0,
        host,
        ClientMessage::Vote {
            song_id: b,
            vote: 1,
        },
    );
    h.send(T0 + S, l[0], ClientMessage::RemoveSong { song_id: b });
    assert!(h.room.snapshot().votes.is_empty());
    assert!(h.room.queue().votes_of(host).is_empty());
    h.assert_store_matches();
}

#[test]
fn a_listener_cannot_remove_what_is_not_queued() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let a = h.add(T0, l[0], yt(1, 100));
    // Their own song, but it is playing, not queued: removing it is not a way to skip.
    let code = h.reject(T0 + S, l[0], ClientMessage::RemoveSong { song_id: a });
    assert!(
        matches!(code, ErrorCode::Forbidden | ErrorCode::SongNotFound),
        "{code:?}"
    );
    assert_eq!(
        h.reject(T0 + S, host, ClientMessage::RemoveSong { song_id: a }),
        ErrorCode::SongNotFound
    );
    assert_eq!(h.current_song(), Some(a));
}

#[test]
fn only_host_and_djs_clear_the_queue() {
    let (mut h, host, l) = Harness::party(ControlPolicy::Everyone, 2);
    let dj = l[1];
    h.make_dj(T0, host, dj);
    let a = h.add(T0, host, yt(1, 100));
    let b = h.add(T0, l[0], yt(2, 100));
    h.add(T0, l[0], yt(3, 100));
    h.send(
        T0,
        host,
        ClientMessage::Vote {
            song_id: b,
            vote: 1,
        },
    );
    assert_eq!(
        h.reject(T0 + S, l[0], ClientMessage::ClearQueue {}),
        ErrorCode::Forbidden
    );
    let effects = h.send(T0 + S, dj, ClientMessage::ClearQueue {});
    assert_eq!(stores(&effects), vec![&StoreOp::QueueCleared]);
    assert_eq!(kinds(&effects), vec!["queue-cleared"]);
    assert!(h.order().is_empty());
    // The current song keeps playing.
    assert_eq!(h.current_song(), Some(a));
    assert!(h.room.playback().is_playing);
    h.assert_store_matches();
}
