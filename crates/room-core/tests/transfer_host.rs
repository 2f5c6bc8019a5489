//! The host may hand its role to another member (becoming a DJ) and set others' roles, but not
//! make a second host or change its own role.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::protocol::MemberView;
use room_core::{ClientMessage, ControlPolicy, ErrorCode, Role};

fn view(id: u64, name: &str, role: Role) -> MemberView {
    MemberView {
        id,
        name: name.into(),
        role,
        connected: true,
    }
}

#[test]
fn the_host_hands_over_and_becomes_a_dj() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    h.add(T0, host, yt(1, 300));
    let effects = h.send(
        T0 + S,
        host,
        ClientMessage::TransferHost { member_id: l[1] },
    );
    assert!(
        sends(&effects).is_empty(),
        "announced in the presence batch"
    );
    assert_eq!(
        h.presence_after(T0 + S).updated,
        vec![view(host, "host", Role::Dj), view(l[1], "l2", Role::Host)]
    );
    let stored: Vec<(u64, Role)> = stores(&effects)
        .into_iter()
        .map(|op| match op {
            StoreOp::Member(m) => (m.id, m.role),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(stored, vec![(l[1], Role::Host), (host, Role::Dj)]);

    // The old host lost its powers but keeps a DJ's.
    assert_eq!(
        h.reject(
            T0 + 2 * S,
            host,
            ClientMessage::SetPolicy {
                policy: ControlPolicy::Everyone
            }
        ),
        ErrorCode::Forbidden
    );
    h.send(T0 + 3 * S, host, ClientMessage::PausePlayback {});
    // The new host has them.
    h.send(
        T0 + 4 * S,
        l[1],
        ClientMessage::SetRole {
            member_id: host,
            role: Role::Listener,
        },
    );
    assert_eq!(
        h.reject(T0 + 5 * S, host, ClientMessage::ResumePlayback {}),
        ErrorCode::Forbidden
    );
    h.assert_store_matches();
}

#[test]
fn transfer_to_oneself_changes_nothing_and_to_a_stranger_is_refused() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let before = fingerprint(&h.room);
    let effects = h.send(T0, host, ClientMessage::TransferHost { member_id: host });
    assert!(effects.is_empty());
    assert_eq!(fingerprint(&h.room), before);
    assert_eq!(
        h.reject(T0, host, ClientMessage::TransferHost { member_id: 77 }),
        ErrorCode::MemberNotFound
    );
}

#[test]
fn set_role_cannot_make_a_host_or_touch_the_host() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let set = |member_id, role| ClientMessage::SetRole { member_id, role };
    assert_eq!(
        h.reject(T0, host, set(l[0], Role::Host)),
        ErrorCode::InvalidField
    );
    assert_eq!(
        h.reject(T0, host, set(host, Role::Dj)),
        ErrorCode::InvalidField
    );
    assert_eq!(
        h.reject(T0, host, set(99, Role::Dj)),
        ErrorCode::MemberNotFound
    );
    let effects = h.send(T0 + S, host, set(l[0], Role::Dj));
    assert!(
        matches!(&stores(&effects)[..], [StoreOp::Member(m)] if m.id == l[0] && m.role == Role::Dj),
        "{effects:?}"
    );
    assert_eq!(
        h.presence_after(T0 + S).updated,
        vec![view(l[0], "l1", Role::Dj)]
    );
    // Setting the role it already has is not news.
    assert!(h.send(T0 + 2 * S, host, set(l[0], Role::Dj)).is_empty());
    assert_eq!(h.room.next_timeout(), None);
    h.send(T0 + 3 * S, host, set(l[0], Role::Listener));
    assert_eq!(h.room.role_of(l[0]), Some(Role::Listener));
    h.assert_store_matches();
}
