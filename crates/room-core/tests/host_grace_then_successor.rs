//! The host's drop does not end the room (the original app deleted it): the host keeps its role
//! for the reconnect grace; after that a connected DJ — else the longest-present connected member —
//! becomes host. A host who leaves on purpose is succeeded at once.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::protocol::{MemberGone, MemberView};
use room_core::{ClientMessage, ControlPolicy, Effect, ErrorCode, Role};

const GRACE: i64 = 60 * S;

#[test]
fn the_host_stays_host_during_the_grace_and_a_dj_takes_over_after() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostOnly, 3);
    // l[2] joined last but is the DJ: a DJ wins over older listeners.
    let dj = l[2];
    h.make_dj(T0, host, dj);
    h.presence_after(T0);
    let song = h.add(T0, host, yt(1, 600));
    h.add(T0, host, yt(2, 600));

    let dropped = T0 + 10 * S;
    assert!(h.disconnect(dropped, host).is_empty());
    assert_eq!(h.room.role_of(host), Some(Role::Host));
    let p = h.presence_after(dropped);
    assert_eq!(p.updated, vec![h.view_of(host, "host", false)]);
    assert_eq!(p.updated[0].role, Role::Host);
    assert_eq!(h.room.next_timeout(), Some(dropped + GRACE));

    // Nothing changes during the grace: the room, its queue and its song carry on.
    assert!(h.timeout(dropped + GRACE - 1).is_empty());
    assert_eq!(h.room.role_of(host), Some(Role::Host));
    assert_eq!(h.room.role_of(dj), Some(Role::Dj));
    assert_eq!(h.current_song(), Some(song));
    assert_eq!(h.order().len(), 1);
    // And nobody else gained the host's powers.
    assert_eq!(
        h.reject(dropped + S, dj, ClientMessage::PausePlayback {}),
        ErrorCode::Forbidden
    );

    let effects = h.timeout(dropped + GRACE);
    assert_eq!(h.room.role_of(host), None);
    assert_eq!(h.room.role_of(dj), Some(Role::Host));
    assert!(effects.contains(&Effect::Detach(host)));
    assert!(
        stores(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::Member(m) if m.id == dj && m.role == Role::Host))
    );
    assert_eq!(
        h.presence_after(dropped + GRACE),
        Presence {
            updated: vec![MemberView {
                id: dj,
                name: "l3".into(),
                role: Role::Host,
                connected: true,
            }],
            left: vec![MemberGone {
                member_id: host,
                reason: "timed-out".into(),
            }],
            ..Presence::default()
        }
    );
    // The room goes on: the new host controls it.
    assert_eq!(h.current_song(), Some(song));
    h.send(dropped + GRACE + S, dj, ClientMessage::PausePlayback {});
    h.assert_store_matches();
}

#[test]
fn without_a_connected_dj_the_oldest_connected_member_takes_over() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 3);
    let dj = l[0];
    h.make_dj(T0, host, dj);
    // The DJ is away too, and the oldest listener as well.
    h.disconnect(T0 + S, dj);
    h.disconnect(T0 + S, l[1]);
    h.disconnect(T0 + 2 * S, host);
    // l[1] comes back and drops again: within its grace, but not connected, when the host's
    // (and the DJ's) grace runs out.
    h.resume(T0 + 3 * S, "l2");
    h.disconnect(T0 + 4 * S, l[1]);
    h.timeout(T0 + 2 * S + GRACE);
    assert_eq!(h.room.role_of(host), None);
    assert_eq!(h.room.role_of(dj), None);
    // l[2] is the only one connected.
    assert_eq!(h.room.role_of(l[1]), Some(Role::Listener));
    assert_eq!(h.room.role_of(l[2]), Some(Role::Host));
}

#[test]
fn the_oldest_connected_member_wins_among_listeners() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 3);
    h.disconnect(T0 + S, host);
    h.timeout(T0 + S + GRACE);
    assert_eq!(h.room.role_of(l[0]), Some(Role::Host));
    assert_eq!(h.room.role_of(l[1]), Some(Role::Listener));
    assert_eq!(h.room.role_of(l[2]), Some(Role::Listener));
}

#[test]
fn a_host_back_within_the_grace_is_still_host() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.make_dj(T0, host, l[0]);
    h.disconnect(T0 + S, host);
    let (id, effects) = h.resume(T0 + S + GRACE - 1, "host");
    assert_eq!(id, host);
    assert_eq!(room_joined(&effects, host).you.role, Role::Host);
    let p = h.presence_after(T0 + S + GRACE - 1);
    assert!(p.left.is_empty());
    assert!(p.updated.contains(&h.view_of(host, "host", true)));
    assert!(h.timeout(T0 + S + GRACE).is_empty());
    assert_eq!(h.room.role_of(host), Some(Role::Host));
    assert_eq!(h.room.role_of(l[0]), Some(Role::Dj));
}

#[test]
fn a_host_who_leaves_on_purpose_is_succeeded_at_once() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.make_dj(T0, host, l[1]);
    h.send(T0 + S, host, ClientMessage::LeaveRoom {});
    assert_eq!(h.room.role_of(l[1]), Some(Role::Host));
    let p = h.presence_after(T0 + S);
    assert_eq!(p.updated, vec![h.view_of(l[1], "l2", true)]);
    assert_eq!(
        p.left,
        vec![MemberGone {
            member_id: host,
            reason: "left".into()
        }]
    );
    assert_eq!(h.room.role_of(l[0]), Some(Role::Listener));
    h.assert_store_matches();
}

#[test]
fn a_new_joiner_does_not_take_the_role_of_a_host_in_grace() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    h.disconnect(T0 + S, host);
    let (id, effects) = h.join(T0 + 2 * S, "newcomer");
    assert_eq!(room_joined(&effects, id).you.role, Role::Listener);
    assert_eq!(h.room.role_of(host), Some(Role::Host));
}

#[test]
fn when_nobody_was_there_to_succeed_the_first_one_back_hosts() {
    // Everyone dropped (a network outage); the host's grace ran out first while nobody was
    // connected, so no successor could be chosen. The first member to come back must become host
    // rather than leave the room without one (or give it to a stranger joining later).
    let (mut h, host, l) = Harness::party(ControlPolicy::HostOnly, 2);
    h.make_dj(T0, host, l[1]);
    h.disconnect(T0 + S, host);
    h.disconnect(T0 + 2 * S, l[0]);
    h.disconnect(T0 + 2 * S, l[1]);
    h.timeout(T0 + S + GRACE);
    assert_eq!(h.room.role_of(host), None);

    let back = T0 + S + GRACE + S;
    let (id, effects) = h.resume(back, "l1");
    assert_eq!(id, l[0]);
    assert_eq!(room_joined(&effects, id).you.role, Role::Host);
    assert_eq!(h.room.role_of(l[0]), Some(Role::Host));
    // The role is stored, and the others learn of it.
    assert!(
        stores(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::Member(m) if m.id == id && m.role == Role::Host))
    );
    assert_eq!(
        h.presence_after(back).updated,
        vec![h.view_of(id, "l1", true)]
    );
    let (stranger, effects) = h.join(T0 + S + GRACE + 2 * S, "stranger");
    assert_eq!(room_joined(&effects, stranger).you.role, Role::Listener);
    // Exactly one host.
    let hosts = [host, l[0], l[1], stranger]
        .iter()
        .filter(|&&m| h.room.role_of(m) == Some(Role::Host))
        .count();
    assert_eq!(hosts, 1);
    h.assert_store_matches();
}
