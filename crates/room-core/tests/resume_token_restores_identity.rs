//! A member whose connection dropped comes back with its resume token as the same member: same
//! id, same role, same votes, not a second copy. An unknown token is refused; once the reconnect
//! grace has run out the identity is gone.

mod common;

use common::*;
use room_core::protocol::{MemberGone, MemberView};
use room_core::{ClientMessage, ControlPolicy, Effect, ErrorCode, JoinParams, Role, RoomConfig};

const GRACE: i64 = 60 * S;

#[test]
fn a_dropped_dj_comes_back_as_itself() {
    assert_eq!(RoomConfig::default().reconnect_grace_us, GRACE);
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let dj = l[0];
    h.make_dj(T0, host, dj);
    h.presence_after(T0);
    h.add(T0, host, yt(1, 300));

    let dropped = T0 + 10 * S;
    h.disconnect(dropped, dj);
    h.presence_after(dropped);
    assert_eq!(h.room.next_timeout(), Some(dropped + GRACE));
    // Still a DJ while away.
    assert_eq!(h.room.role_of(dj), Some(Role::Dj));

    let back = T0 + 25 * S;
    let t = token("l1");
    let (id, effects) = h
        .try_join(
            back,
            JoinParams {
                display_name: "someone else",
                resume_token: Some(&t),
                ..JoinParams::default()
            },
            "a-fresh-token-that-must-not-be-used",
        )
        .expect("resume");
    assert_eq!(id, dj);
    let joined = room_joined(&effects, dj);
    assert_eq!(joined.you.member_id, dj);
    assert_eq!(joined.you.role, Role::Dj);
    assert_eq!(joined.you.resume_token, t);
    assert_eq!(joined.position_us, 25 * S);
    assert_eq!(joined.room_clock_us, back);
    let me: Vec<&MemberView> = joined.members.iter().filter(|m| m.id == dj).collect();
    assert_eq!(me.len(), 1);
    assert_eq!(me[0].name, "l1", "a resume keeps the name");
    assert!(me[0].connected);

    // Only the member itself hears at once; the others learn it is back in the next presence
    // batch, as an update — nobody is told about a new member.
    assert_eq!(sends(&effects).len(), 1);
    assert_eq!(
        h.presence_after(back),
        Presence {
            updated: vec![MemberView {
                id: dj,
                name: "l1".into(),
                role: Role::Dj,
                connected: true,
            }],
            ..Presence::default()
        }
    );
    assert_eq!(h.room.member_count(), 3);
    assert_eq!(h.room.connected_count(), 3);
    // No grace is pending any more; the song's end is the only timer.
    assert_eq!(h.room.next_timeout(), Some(T0 + 300 * S));
    assert!(h.timeout(dropped + GRACE).is_empty());
    assert_eq!(h.room.role_of(dj), Some(Role::Dj));
    h.assert_store_matches();
}

#[test]
fn resuming_twice_or_while_still_connected_does_not_duplicate() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    for at in [T0 + S, T0 + 2 * S] {
        let (id, _) = h.resume(at, "l1");
        assert_eq!(id, l[0]);
        assert_eq!(h.room.member_count(), 2);
        assert_eq!(h.room.connected_count(), 2);
    }
}

#[test]
fn an_unknown_token_is_refused_and_changes_nothing() {
    let (mut h, _, _) = Harness::party(ControlPolicy::HostAndDjs, 1);
    let before = fingerprint(&h.room);
    for t in ["", "nope", "resume-token-of-l2", "RESUME-TOKEN-OF-L1"] {
        let err = h
            .try_join(
                T0 + S,
                JoinParams {
                    display_name: "x",
                    resume_token: Some(t),
                    ..JoinParams::default()
                },
                "fresh",
            )
            .expect_err(t);
        assert_eq!(err.code, ErrorCode::InvalidResumeToken, "{t:?}");
    }
    assert_eq!(fingerprint(&h.room), before);
}

#[test]
fn the_identity_lasts_exactly_the_grace() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let dropped = T0 + 5 * S;
    h.disconnect(dropped, l[0]);
    h.disconnect(dropped + S, l[1]);

    // l1 makes it back just in time.
    h.timeout(dropped + GRACE - 1);
    assert_eq!(h.room.role_of(l[0]), Some(Role::Listener));
    assert_eq!(h.resume(dropped + GRACE - 1, "l1").0, l[0]);
    h.presence_after(dropped + GRACE - 1);

    // l2 does not.
    assert_eq!(h.room.next_timeout(), Some(dropped + S + GRACE));
    let effects = h.timeout(dropped + S + GRACE);
    assert_eq!(
        effects,
        vec![
            Effect::Detach(l[1]),
            Effect::Store(room_core::persist::StoreOp::MemberGone(l[1])),
        ]
    );
    assert_eq!(
        h.presence_after(dropped + S + GRACE).left,
        vec![MemberGone {
            member_id: l[1],
            reason: "timed-out".into(),
        }]
    );
    assert_eq!(h.room.member_count(), 2);
    assert_eq!(
        h.try_resume(dropped + S + GRACE, "l2")
            .map(|(id, _)| id)
            .expect_err("expired")
            .code,
        ErrorCode::InvalidResumeToken
    );
    assert_eq!(h.room.next_timeout(), None);
    h.assert_store_matches();
}

#[test]
fn a_member_who_left_on_purpose_cannot_resume() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.send(T0 + S, l[0], ClientMessage::LeaveRoom {});
    assert_eq!(
        h.try_resume(T0 + 2 * S, "l1").map(|(id, _)| id),
        Err(room_core::RoomError::new(
            ErrorCode::InvalidResumeToken,
            "that resume token is unknown or expired; join again without it"
        ))
    );
}
