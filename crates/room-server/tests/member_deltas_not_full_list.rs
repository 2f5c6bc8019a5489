//! Presence travels as deltas: a join tells the others about the newcomer alone (never the whole
//! member list), a drop and a leave likewise; only the newcomer gets the full list.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use common::{Client, TestServer, room_with_listeners};
use room_core::ServerMessage;
use room_core::protocol::MemberView;
use serde_json::json;
use support::{chat, expect_chat, next};

const LISTENERS: usize = 6;

/// The next non-chat message must be one presence batch; returns (joined, updated, left ids).
async fn one_presence(c: &mut Client) -> (Vec<MemberView>, Vec<MemberView>, Vec<u64>) {
    match c.recv().await {
        ServerMessage::Presence {
            joined,
            updated,
            left,
            ..
        } => (
            joined,
            updated,
            left.into_iter().map(|g| g.member_id).collect(),
        ),
        other => panic!("expected a presence delta, got {other:?}"),
    }
}

#[tokio::test]
async fn member_deltas_not_full_list() {
    let server = TestServer::in_memory().await;
    let (mut host, code, mut listeners) =
        room_with_listeners(&server, "host-only", LISTENERS).await;

    let mut newcomer = Client::connect(&server).await;
    let joined = newcomer.join(&code, "Newcomer").await;
    let id = joined.you.member_id;
    // The newcomer alone gets everyone.
    assert_eq!(joined.members.len(), LISTENERS + 2);

    // Everyone else gets exactly the newcomer, once.
    for c in std::iter::once(&mut host).chain(listeners.iter_mut()) {
        let (j, u, l) = one_presence(c).await;
        assert_eq!(
            j.len(),
            1,
            "a join sent {} members to an existing member",
            j.len()
        );
        assert_eq!(j[0].id, id);
        assert_eq!(j[0].name, "Newcomer");
        assert!(j[0].connected);
        assert!(
            u.is_empty() && l.is_empty(),
            "unrelated changes: {u:?} {l:?}"
        );
    }
    newcomer.drain().await;

    // Nothing else was sent about it: the next message everyone gets is the host's chat.
    chat(&mut host, "welcome").await;
    for c in listeners.iter_mut().chain(std::iter::once(&mut newcomer)) {
        expect_chat(c, "welcome").await;
    }

    // A drop is one `updated` delta, a leave one `left` delta.
    drop(listeners.pop().unwrap());
    let dropped = LISTENERS as u64 + 1; // host is 1, listeners 2..=LISTENERS+1
    for c in [&mut host, &mut newcomer] {
        let (j, u, l) = one_presence(c).await;
        assert!(j.is_empty() && l.is_empty());
        assert_eq!(u.len(), 1);
        assert_eq!((u[0].id, u[0].connected), (dropped, false));
    }
    newcomer.send(json!({"type": "leave-room"})).await;
    for c in std::iter::once(&mut host).chain(listeners.iter_mut()) {
        // The listeners also still have the drop's delta waiting.
        let (j, u, l) = loop {
            let delta = one_presence(c).await;
            if !delta.2.is_empty() || !delta.0.is_empty() {
                break delta;
            }
        };
        assert!(j.is_empty() && u.is_empty());
        assert_eq!(l, [id]);
    }
    chat(&mut host, "bye").await;
    for c in &mut listeners {
        expect_chat(c, "bye").await;
    }
    // The newcomer left: it is not told about the room any more.
    newcomer
        .send(json!({"type": "clock-ping", "clientSendUs": 1}))
        .await;
    assert!(matches!(
        next(&mut newcomer).await,
        ServerMessage::ClockPong { .. }
    ));
    server.stop().await;
}
