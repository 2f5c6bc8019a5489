//! The room's creator holds a host secret: joining with it makes the joiner host again, whoever
//! stood in meanwhile becomes a DJ. A wrong secret is refused outright.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::protocol::MemberView;
use room_core::{ControlPolicy, Effect, ErrorCode, JoinParams, Role};

const GRACE: i64 = 60 * S;

fn hosts(h: &Harness, ids: &[u64]) -> Vec<u64> {
    ids.iter()
        .copied()
        .filter(|&m| h.room.role_of(m) == Some(Role::Host))
        .collect()
}

#[test]
fn the_creator_takes_the_role_back_from_the_stand_in() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostOnly, 2);
    h.disconnect(T0 + S, host);
    h.timeout(T0 + S + GRACE);
    assert_eq!(h.room.role_of(l[0]), Some(Role::Host));

    // The creator's app restarted and lost its resume token, but kept the host secret.
    let (back, effects) = h.join_host(T0 + 2 * GRACE, "host");
    assert_ne!(back, host, "a fresh join is a new member");
    assert_eq!(room_joined(&effects, back).you.role, Role::Host);
    assert_eq!(h.room.role_of(l[0]), Some(Role::Dj));
    assert_eq!(hosts(&h, &[host, back, l[0], l[1]]), vec![back]);
    // The stand-in's demotion is stored and announced with the newcomer, who shows as host.
    assert!(
        stores(&effects)
            .iter()
            .any(|op| matches!(op, StoreOp::Member(m) if m.id == l[0] && m.role == Role::Dj))
    );
    assert_eq!(
        sends(&effects).len(),
        1,
        "only room-joined goes out at once"
    );
    let p = h.presence_after(T0 + 2 * GRACE);
    assert_eq!(
        p.updated,
        vec![MemberView {
            id: l[0],
            name: "l1".into(),
            role: Role::Dj,
            connected: true,
        }]
    );
    assert_eq!(p.joined, vec![h.view_of(back, "host", true)]);
    assert_eq!(p.joined[0].role, Role::Host);
    h.assert_store_matches();
}

#[test]
fn the_creator_on_a_second_device_during_the_grace() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostOnly, 1);
    h.disconnect(T0 + S, host);
    let (back, _) = h.join_host(T0 + 2 * S, "host-phone");
    assert_eq!(hosts(&h, &[host, back, l[0]]), vec![back]);
    assert_eq!(h.room.role_of(host), Some(Role::Dj));
    // The old identity's grace runs out: it was no longer host, so nothing is handed on.
    h.presence_after(T0 + 2 * S);
    let effects = h.timeout(T0 + S + GRACE);
    assert_eq!(
        effects,
        vec![
            Effect::Detach(host),
            Effect::Store(StoreOp::MemberGone(host))
        ]
    );
    assert_eq!(hosts(&h, &[host, back, l[0]]), vec![back]);
}

#[test]
fn a_wrong_host_secret_is_refused() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostOnly, 1);
    let before = fingerprint(&h.room);
    for secret in ["", "guess", "THE-HOST-SECRET", "the-host-secret "] {
        let err = h
            .try_join(
                T0 + S,
                JoinParams {
                    display_name: "mallory",
                    host_secret: Some(secret),
                    ..JoinParams::default()
                },
                "t",
            )
            .expect_err(secret);
        assert_eq!(err.code, ErrorCode::WrongHostSecret, "{secret:?}");
    }
    assert_eq!(fingerprint(&h.room), before);
    assert_eq!(h.room.role_of(host), Some(Role::Host));
}
