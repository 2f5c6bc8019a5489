//! A join sends the full picture to the joiner only; everyone else learns of members joining,
//! dropping, coming back and leaving through `presence` deltas, batched so that a join storm costs
//! a handful of messages per member. (The original app rebroadcast the whole member list on every
//! join: quadratic traffic, 452k messages for 1,000 listeners.)

mod common;

use std::collections::BTreeSet;

use common::*;
use room_core::protocol::{MemberGone, MemberId, MemberView};
use room_core::room::{MEMBERS_IN_JOINED, PRESENCE_CHUNK};
use room_core::{ClientMessage, ControlPolicy, Effect, ErrorCode, JoinParams, Recipient, Role};

#[test]
fn a_join_storm_costs_one_room_joined_each_and_a_few_batches() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);

    const JOINS: usize = 1_000;
    let start = T0 + S;
    let mut ids: Vec<MemberId> = Vec::new();
    let mut batches: Vec<Presence> = Vec::new();
    let mut messages_to_host = 0;
    // A driver loop: run the room's timer whenever it is due, then handle the next join.
    let mut now = start;
    for i in 0..JOINS {
        now = start + i64::try_from(i).expect("small") * MS;
        while let Some(due) = h.room.next_timeout().filter(|&t| t <= now) {
            let effects = h.timeout(due);
            messages_to_host += delivered_to(&effects, host).len();
            batches.extend(presence(&effects));
        }
        let name = format!("m{i}");
        let (id, effects) = h.join(now, &name);
        // Only the joiner hears anything now, and it gets the whole room.
        assert_eq!(sends(&effects).len(), 1, "join {i}: {effects:?}");
        let joined = room_joined(&effects, id);
        // A bounded list (host first), and the true size.
        assert_eq!(joined.members.len(), (i + 2).min(MEMBERS_IN_JOINED));
        assert_eq!(joined.members[0].role, Role::Host);
        assert_eq!(joined.member_count as usize, i + 2);
        assert_eq!(joined.you.member_id, id);
        assert_eq!(joined.you.role, Role::Listener);
        assert_eq!(joined.you.resume_token, token(&name));
        assert!(delivered_to(&effects, host).is_empty());
        ids.push(id);
    }
    let effects = h.timeout(h.room.next_timeout().expect("last batch due"));
    messages_to_host += delivered_to(&effects, host).len();
    batches.extend(presence(&effects));

    // One second of joins: about ten batches, each a delta of the newcomers only.
    assert!(
        (10..=11).contains(&batches.len()),
        "{} batches",
        batches.len()
    );
    let chunks: usize = batches
        .iter()
        .map(|b| (b.joined.len() + b.updated.len() + b.left.len()).div_ceil(PRESENCE_CHUNK))
        .sum();
    assert_eq!(messages_to_host, chunks);
    let announced: Vec<MemberId> = batches
        .iter()
        .flat_map(|b| b.joined.iter().map(|m| m.id))
        .collect();
    assert_eq!(announced, ids, "each newcomer announced once, in order");
    for b in &batches {
        assert!(b.joined.len() <= 101);
        assert!(b.updated.is_empty() && b.left.is_empty());
        assert!(
            b.joined
                .iter()
                .all(|m| m.connected && m.role == Role::Listener)
        );
    }
    assert!(now < start + S);
    assert_eq!(h.room.member_count(), JOINS + 1);
    assert_eq!(h.room.connected_count(), JOINS + 1);
    let unique: BTreeSet<MemberId> = ids.iter().copied().collect();
    assert_eq!(unique.len(), JOINS);
    h.assert_store_matches();
}

#[test]
fn drops_returns_and_leaves_are_deltas_too() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostAndDjs, 3);

    let at = T0 + S;
    assert!(
        h.disconnect(at, l[0]).is_empty(),
        "batched, not sent at once"
    );
    // A second drop report for the same member is not news.
    assert!(h.disconnect(at + MS, l[0]).is_empty());
    assert_eq!(h.room.connected_count(), 3);
    assert_eq!(h.room.member_count(), 4);
    assert_eq!(
        h.presence_after(at),
        Presence {
            updated: vec![MemberView {
                id: l[0],
                name: "l1".into(),
                role: Role::Listener,
                connected: false,
            }],
            ..Presence::default()
        }
    );

    let at = T0 + 2 * S;
    let (_, effects) = h.resume(at, "l1");
    assert_eq!(sends(&effects).len(), 1);
    let effects = h.send(at, l[1], ClientMessage::LeaveRoom {});
    assert_eq!(
        effects,
        vec![
            Effect::Detach(l[1]),
            Effect::Store(room_core::persist::StoreOp::MemberGone(l[1])),
        ]
    );
    assert_eq!(
        h.presence_after(at),
        Presence {
            updated: vec![h.view_of(l[0], "l1", true)],
            left: vec![MemberGone {
                member_id: l[1],
                reason: "left".into()
            }],
            ..Presence::default()
        }
    );
    assert_eq!(h.room.member_count(), 3);
    // Nothing more is pending.
    assert_eq!(h.room.next_timeout(), None);
    h.assert_store_matches();
}

#[test]
fn a_member_who_came_and_went_within_a_batch_is_not_announced() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    let at = T0 + S;
    let (x, _) = h.join(at, "x");
    h.send(at + 10 * MS, x, ClientMessage::LeaveRoom {});
    let effects = h.timeout(at + BATCH);
    assert!(sends(&effects).is_empty(), "{effects:?}");
    assert_eq!(h.room.role_of(host), Some(Role::Host));
}

#[test]
fn a_change_of_role_reaches_everyone_in_the_batch() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let at = T0 + S;
    let effects = h.send(
        at,
        host,
        ClientMessage::SetRole {
            member_id: l[1],
            role: Role::Dj,
        },
    );
    assert!(sends(&effects).is_empty());
    let p = h.presence_after(at);
    assert_eq!(p.updated, vec![h.view_of(l[1], "l2", true)]);
    assert_eq!(p.updated[0].role, Role::Dj);
}

#[test]
fn the_first_member_of_a_room_hosts_and_the_next_listen() {
    let mut h = Harness::new(ControlPolicy::HostAndDjs);
    let (a, effects) = h.join(T0, "a");
    assert_eq!(room_joined(&effects, a).you.role, Role::Host);
    let (b, effects) = h.join(T0, "b");
    assert_eq!(room_joined(&effects, b).you.role, Role::Listener);
    let to: Vec<Recipient> = sends(&effects).into_iter().map(|(to, _)| to).collect();
    assert_eq!(to, vec![Recipient::Only(b)]);
}

#[test]
fn display_names_are_validated() {
    let mut h = Harness::new(ControlPolicy::HostAndDjs);
    for name in ["", "   ", &"n".repeat(41), "bell\u{7}"] {
        let err = h
            .try_join(
                T0,
                JoinParams {
                    display_name: name,
                    ..Default::default()
                },
                "t",
            )
            .expect_err(name);
        assert_eq!(err.code, ErrorCode::InvalidField, "{name:?}");
    }
    assert_eq!(h.room.member_count(), 0);
    let (id, effects) = h.join(T0, "  Ada  ");
    assert_eq!(
        room_joined(&effects, id).members[0].name,
        "Ada",
        "names are trimmed"
    );
}
