//! In a big room `room-joined` lists only the first members; `get-members` pages through the
//! rest, to the asker only, each member exactly once, in bounded pages.

mod common;

use std::collections::BTreeSet;

use common::*;
use room_core::protocol::MemberId;
use room_core::room::{MEMBERS_IN_JOINED, MEMBERS_PAGE_MAX};
use room_core::{ClientMessage, ControlPolicy, Recipient, ServerMessage};

#[test]
fn get_members_pages_through_everyone_once() {
    let (mut h, host, listeners) = Harness::party(ControlPolicy::HostAndDjs, 450);
    let everyone: BTreeSet<MemberId> = listeners.iter().copied().chain([host]).collect();
    let asker = listeners[7];

    let (late, effects) = h.join(T0 + 2 * S, "late");
    let joined = room_joined(&effects, late);
    assert_eq!(joined.members.len(), MEMBERS_IN_JOINED);
    assert_eq!(joined.member_count as usize, everyone.len() + 1);

    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let effects = h.send(
            T0 + 3 * S,
            asker,
            ClientMessage::GetMembers {
                after_id: after,
                limit: None,
            },
        );
        let sent = sends(&effects);
        assert_eq!(sent.len(), 1, "one answer per request");
        let (to, msg) = sent[0];
        assert_eq!(to, Recipient::Only(asker), "only the asker is answered");
        let ServerMessage::MembersPage {
            members,
            next_after_id,
            member_count,
        } = msg
        else {
            panic!("expected members-page, got {msg:?}");
        };
        assert!(members.len() <= MEMBERS_PAGE_MAX);
        assert_eq!(*member_count as usize, everyone.len() + 1);
        seen.extend(members.iter().map(|m| m.id));
        pages += 1;
        match next_after_id {
            Some(next) => {
                assert_eq!(Some(*next), members.last().map(|m| m.id));
                after = Some(*next);
            }
            None => break,
        }
    }
    assert_eq!(pages, (everyone.len() + 1).div_ceil(MEMBERS_PAGE_MAX));
    let unique: BTreeSet<MemberId> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "nobody listed twice");
    let mut want = everyone.clone();
    want.insert(late);
    assert_eq!(unique, want, "everyone listed");

    // A small limit is honoured; zero is treated as one; the end has no next page.
    let effects = h.send(
        T0 + 4 * S,
        asker,
        ClientMessage::GetMembers {
            after_id: None,
            limit: Some(0),
        },
    );
    match sends(&effects)[0].1 {
        ServerMessage::MembersPage {
            members,
            next_after_id,
            ..
        } => {
            assert_eq!(members.len(), 1);
            assert_eq!(*next_after_id, Some(members[0].id));
        }
        other => panic!("expected members-page, got {other:?}"),
    }
    let effects = h.send(
        T0 + 4 * S,
        asker,
        ClientMessage::GetMembers {
            after_id: Some(u64::MAX),
            limit: Some(10),
        },
    );
    match sends(&effects)[0].1 {
        ServerMessage::MembersPage {
            members,
            next_after_id,
            ..
        } => assert!(members.is_empty() && next_after_id.is_none()),
        other => panic!("expected members-page, got {other:?}"),
    }
}
