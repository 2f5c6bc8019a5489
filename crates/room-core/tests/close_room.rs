//! Only the host closes a room: everyone is told, everything stored about it is deleted, and the
//! driver is told to stop. (The original app did this whenever the host's socket dropped.)

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::{ClientMessage, ControlPolicy, Effect, ErrorCode, Recipient, ServerMessage};

#[test]
fn the_host_closes_the_room() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.add(T0, host, yt(1, 100));
    h.add(T0, l[0], yt(2, 100));
    let effects = h.send(T0 + S, host, ClientMessage::CloseRoom {});
    assert_eq!(
        effects,
        vec![
            Effect::Send(
                Recipient::All,
                ServerMessage::RoomClosed {
                    reason: "the host closed the room".into()
                }
            ),
            Effect::Store(StoreOp::RoomGone),
            Effect::Closed,
        ]
    );
    assert!(h.store.gone);
    for &m in &l {
        assert_eq!(kinds(&effects[..1]), vec!["room-closed"], "{m}");
        assert_eq!(delivered_to(&effects, m).len(), 1);
    }
}

#[test]
fn nobody_else_can_close_it_whatever_the_policy() {
    for policy in [
        ControlPolicy::HostOnly,
        ControlPolicy::HostAndDjs,
        ControlPolicy::Everyone,
    ] {
        let (mut h, host, l) = Harness::party(policy, 2);
        h.make_dj(T0, host, l[0]);
        for &m in &l {
            assert_eq!(
                h.reject(T0 + S, m, ClientMessage::CloseRoom {}),
                ErrorCode::Forbidden,
                "{policy:?}"
            );
        }
        assert!(!h.store.gone);
    }
}

#[test]
fn the_host_dropping_does_not_close_the_room() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    h.add(T0, host, yt(2, 100));
    let effects = h.disconnect(T0 + S, host);
    assert!(!effects.contains(&Effect::Closed));
    let effects = h.timeout(T0 + S + 60 * S);
    assert!(!effects.contains(&Effect::Closed));
    assert!(!stores(&effects).contains(&&StoreOp::RoomGone));
    assert!(!stores(&effects).contains(&&StoreOp::QueueCleared));
    assert_eq!(h.order().len(), 1);
    h.assert_store_matches();
}
