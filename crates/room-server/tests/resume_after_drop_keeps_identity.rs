//! A member whose socket drops and who comes back with its resume token is the same member: same
//! id, same role, listed once; the others see it go disconnected and come back connected, never
//! a second member. Resuming while the old socket is still open replaces that socket.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use common::{Client, TestServer, room_with_listeners};
use room_core::{Role, ServerMessage};
use serde_json::json;
use support::{chat, expect_chat, resume};

/// Wait for the presence batch about `id`; returns its view, and fails on a join or leave of it.
async fn presence_of(c: &mut Client, id: u64) -> room_core::protocol::MemberView {
    loop {
        if let ServerMessage::Presence {
            joined,
            updated,
            left,
            ..
        } = c.recv().await
        {
            assert!(joined.iter().all(|m| m.id != id), "{id} joined again");
            assert!(left.iter().all(|g| g.member_id != id), "{id} left");
            if let Some(m) = updated.into_iter().find(|m| m.id == id) {
                return m;
            }
        }
    }
}

#[tokio::test]
async fn resume_after_drop_keeps_identity() {
    let server = TestServer::in_memory().await;
    let (mut host, code, mut listeners) = room_with_listeners(&server, "host-and-djs", 1).await;
    let mut other = listeners.pop().unwrap();

    let mut dj = Client::connect(&server).await;
    let first = dj.join(&code, "Dee").await;
    let id = first.you.member_id;
    // Let the join's presence batch go out first, so the role change is a batch of its own.
    host.drain().await;
    host.send(json!({"type": "set-role", "memberId": id, "role": "dj"}))
        .await;
    let seen = loop {
        let m = presence_of(&mut host, id).await;
        if m.role == Role::Dj {
            break m;
        }
    };
    assert!(seen.connected);
    dj.drain().await;
    other.drain().await;

    // The socket drops without a goodbye.
    drop(dj);
    for c in [&mut host, &mut other] {
        let m = presence_of(c, id).await;
        assert_eq!((m.connected, m.role), (false, Role::Dj));
    }

    let mut back = Client::connect(&server).await;
    let again = resume(&mut back, &code, &first.you.resume_token).await;
    assert_eq!(again.you.member_id, id);
    assert_eq!(again.you.role, Role::Dj);
    assert_eq!(again.members.iter().filter(|m| m.id == id).count(), 1);
    assert_eq!(
        again.members.len(),
        first.members.len(),
        "a member was added or lost"
    );
    assert!(again.members.iter().find(|m| m.id == id).unwrap().connected);
    for c in [&mut host, &mut other] {
        let m = presence_of(c, id).await;
        assert_eq!(
            (m.connected, m.role, m.name.as_str()),
            (true, Role::Dj, "Dee")
        );
    }

    // It acts as the same member: a DJ may pause under host-and-djs... once something plays.
    chat(&mut back, "I'm back").await;
    for c in [&mut host, &mut other] {
        let chat = c
            .recv_until(|m| matches!(m, ServerMessage::ChatMessage(_)))
            .await;
        match chat {
            ServerMessage::ChatMessage(c) => {
                assert_eq!((c.member_id, c.text.as_str()), (id, "I'm back"))
            }
            _ => unreachable!(),
        }
    }
    let probe = support::probe(&server, &code, None).await;
    assert_eq!(probe.members.iter().filter(|m| m.name == "Dee").count(), 1);
    server.stop().await;
}

#[tokio::test]
async fn resume_while_the_old_socket_is_open_replaces_it() {
    let server = TestServer::in_memory().await;
    let (mut host, code, _) = room_with_listeners(&server, "host-only", 0).await;
    let mut old = Client::connect(&server).await;
    let first = old.join(&code, "Twice").await;
    let id = first.you.member_id;
    host.drain().await;

    let mut new = Client::connect(&server).await;
    let again = resume(&mut new, &code, &first.you.resume_token).await;
    assert_eq!(again.you.member_id, id);
    assert_eq!(again.members.iter().filter(|m| m.id == id).count(), 1);
    // The old socket is told it was replaced and closed.
    assert_eq!(old.expect_close().await, Some(4001));

    chat(&mut host, "one of you").await;
    expect_chat(&mut new, "one of you").await;
    let probe = support::probe(&server, &code, None).await;
    let me: Vec<_> = probe.members.iter().filter(|m| m.id == id).collect();
    assert_eq!(me.len(), 1);
    assert!(
        me[0].connected,
        "the old socket's close disconnected the new one"
    );
    server.stop().await;
}
