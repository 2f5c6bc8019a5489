//! The server decides who may do what (the original app trusted the browser): every request is
//! checked against the sender's role and the room's control policy, and a refused request changes
//! nothing, is broadcast to no one and stores nothing — the sender only gets an error.

mod common;

use common::*;
use room_core::protocol::MemberId;
use room_core::{ClientMessage, ControlPolicy, ErrorCode, Role};

const POLICIES: [ControlPolicy; 3] = [
    ControlPolicy::HostOnly,
    ControlPolicy::HostAndDjs,
    ControlPolicy::Everyone,
];
const ROLES: [Role; 3] = [Role::Host, Role::Dj, Role::Listener];

/// A room with a host, a DJ, a listener and another listener who added two queued songs; a song
/// added by the host is playing (paused if `paused`).
struct Setup {
    h: Harness,
    by_role: [MemberId; 3],
    other: MemberId,
    current: u64,
    queued: [u64; 2],
}

fn setup(policy: ControlPolicy, paused: bool) -> Setup {
    let (mut h, host, ids) = Harness::party(policy, 3);
    let (dj, listener, other) = (ids[0], ids[1], ids[2]);
    h.make_dj(T0, host, dj);
    let current = h.add(T0, host, yt(1, 300));
    let b = h.add(T0, other, yt(2, 300));
    let c = h.add(T0, other, yt(3, 300));
    if paused {
        h.send(T0 + 5 * S, host, ClientMessage::PausePlayback {});
    }
    Setup {
        h,
        by_role: [host, dj, listener],
        other,
        current,
        queued: [b, c],
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Group {
    Control,
    ManageQueue,
    Administer,
    Participate,
}

/// Who may, written out rather than derived from the code under test.
fn may(policy: ControlPolicy, role: Role, group: Group) -> bool {
    use ControlPolicy::*;
    use Role::*;
    match group {
        Group::Participate => true,
        Group::Administer => role == Host,
        Group::ManageQueue => matches!(role, Host | Dj),
        Group::Control => matches!(
            (policy, role),
            (_, Host) | (HostAndDjs, Dj) | (Everyone, Dj) | (Everyone, Listener)
        ),
    }
}

/// Every request a joined member can make, with its group and whether it needs a paused room.
fn requests(s: &Setup, policy: ControlPolicy) -> Vec<(Group, bool, ClientMessage)> {
    let [b, c] = s.queued;
    let other_policy = if policy == ControlPolicy::HostOnly {
        ControlPolicy::Everyone
    } else {
        ControlPolicy::HostOnly
    };
    vec![
        (Group::Control, false, ClientMessage::PausePlayback {}),
        (Group::Control, true, ClientMessage::ResumePlayback {}),
        (
            Group::Control,
            false,
            ClientMessage::SeekPlayback {
                position_us: 42 * S,
            },
        ),
        (
            Group::Control,
            true,
            ClientMessage::SeekPlayback {
                position_us: 42 * S,
            },
        ),
        (
            Group::Control,
            false,
            ClientMessage::PlayNext {
                current_song_id: Some(s.current),
            },
        ),
        (
            Group::Control,
            false,
            ClientMessage::PlayNext {
                current_song_id: None,
            },
        ),
        (Group::Control, false, ClientMessage::PlayNow { song_id: c }),
        (
            Group::ManageQueue,
            false,
            ClientMessage::RemoveSong { song_id: b },
        ),
        (Group::ManageQueue, false, ClientMessage::ClearQueue {}),
        (
            Group::ManageQueue,
            false,
            ClientMessage::ReorderQueue {
                song_id: c,
                to_index: 0,
            },
        ),
        (
            Group::Administer,
            false,
            ClientMessage::SetRole {
                member_id: s.other,
                role: Role::Dj,
            },
        ),
        (
            Group::Administer,
            false,
            ClientMessage::TransferHost { member_id: s.other },
        ),
        (
            Group::Administer,
            false,
            ClientMessage::SetPolicy {
                policy: other_policy,
            },
        ),
        (Group::Administer, false, ClientMessage::CloseRoom {}),
        (
            Group::Participate,
            false,
            ClientMessage::Vote {
                song_id: b,
                vote: 1,
            },
        ),
        (
            Group::Participate,
            false,
            ClientMessage::Chat { text: "hi".into() },
        ),
        (
            Group::Participate,
            false,
            ClientMessage::AddSong { song: yt(9, 100) },
        ),
        (
            Group::Participate,
            false,
            ClientMessage::GetPlaybackState {},
        ),
    ]
}

#[test]
fn every_request_for_every_role_under_every_policy() {
    let mut checked = 0;
    for policy in POLICIES {
        // Setups are deterministic, so ids from one are valid in the next.
        let template = requests(&setup(policy, false), policy);
        for (r, role) in ROLES.into_iter().enumerate() {
            for (i, &(group, paused, _)) in template.iter().enumerate() {
                let mut s = setup(policy, paused);
                let (_, _, msg) = requests(&s, policy).swap_remove(i);
                let from = s.by_role[r];
                assert_eq!(s.h.room.role_of(from), Some(role));
                let what = format!("{} by {role:?} under {policy:?}", msg.kind());
                let writes = s.h.store.writes;
                if may(policy, role, group) {
                    let effects =
                        s.h.try_send(T0 + 10 * S, from, msg)
                            .unwrap_or_else(|e| panic!("{what} refused: {e}"));
                    // Told at once, or (roles) stored now and announced in the presence batch.
                    assert!(
                        !sends(&effects).is_empty() || !stores(&effects).is_empty(),
                        "{what}: no effect"
                    );
                } else {
                    let code = s.h.reject(T0 + 10 * S, from, msg);
                    assert_eq!(code, ErrorCode::Forbidden, "{what}");
                    assert_eq!(s.h.store.writes, writes, "{what}: stored something");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * 3 * 18);
}

#[test]
fn a_listener_cannot_pause_unless_the_policy_says_everyone() {
    for (policy, allowed) in [
        (ControlPolicy::HostOnly, false),
        (ControlPolicy::HostAndDjs, false),
        (ControlPolicy::Everyone, true),
    ] {
        let mut s = setup(policy, false);
        let listener = s.by_role[2];
        let out =
            s.h.try_send(T0 + 10 * S, listener, ClientMessage::PausePlayback {});
        assert_eq!(out.is_ok(), allowed, "{policy:?}");
        assert_eq!(playing(&s), !allowed, "{policy:?}");
    }
}

fn playing(s: &Setup) -> bool {
    s.h.room.playback().is_playing
}

#[test]
fn a_policy_change_takes_effect_at_once() {
    let mut s = setup(ControlPolicy::HostOnly, false);
    let [host, dj, _] = s.by_role;
    assert_eq!(
        s.h.reject(T0 + S, dj, ClientMessage::PausePlayback {}),
        ErrorCode::Forbidden
    );
    let effects = s.h.send(
        T0 + 2 * S,
        host,
        ClientMessage::SetPolicy {
            policy: ControlPolicy::HostAndDjs,
        },
    );
    assert_eq!(kinds(&effects), vec!["policy-changed"]);
    s.h.send(T0 + 3 * S, dj, ClientMessage::PausePlayback {});
    assert!(!playing(&s));
    s.h.assert_store_matches();
}

#[test]
fn someone_who_never_joined_can_do_nothing() {
    let mut s = setup(ControlPolicy::Everyone, false);
    let stranger: MemberId = 4_242;
    for (_, _, msg) in requests(&s, ControlPolicy::Everyone) {
        let what = msg.kind();
        assert_eq!(
            s.h.reject(T0 + S, stranger, msg),
            ErrorCode::NotInRoom,
            "{what}"
        );
    }
    for msg in [
        ClientMessage::SongEnded { song_id: s.current },
        ClientMessage::LeaveRoom {},
    ] {
        assert_eq!(s.h.reject(T0 + S, stranger, msg), ErrorCode::NotInRoom);
    }
}

#[test]
fn a_member_who_left_can_do_nothing_more() {
    let mut s = setup(ControlPolicy::Everyone, false);
    let listener = s.by_role[2];
    s.h.send(T0 + S, listener, ClientMessage::LeaveRoom {});
    assert_eq!(
        s.h.reject(T0 + 2 * S, listener, ClientMessage::PausePlayback {}),
        ErrorCode::NotInRoom
    );
}

#[test]
fn session_messages_are_refused_inside_a_room() {
    let mut s = setup(ControlPolicy::Everyone, false);
    let host = s.by_role[0];
    for msg in [
        ClientMessage::JoinRoom {
            code: CODE.into(),
            display_name: "again".into(),
            password: None,
            resume_token: None,
            host_secret: None,
        },
        ClientMessage::CreateRoom {
            name: "another".into(),
            display_name: "me".into(),
            policy: ControlPolicy::Everyone,
            password: None,
        },
    ] {
        assert_eq!(s.h.reject(T0, host, msg), ErrorCode::AlreadyInRoom);
    }
}
