//! A listener that stops reading its socket is dropped once its outbound queue is full, instead
//! of holding the room back: everyone else receives every broadcast, in order, while the room
//! keeps going; the drop is counted in `/metrics` and the slow socket, once it reads again, finds
//! a close (1013) after what it was sent.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use common::{Client, TestServer};
use futures_util::StreamExt;
use room_core::ServerMessage;
use room_server::{Limits, ServerConfig};
use serde_json::json;
use support::{Presences, metric, next};
use tokio::net::TcpSocket;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;

const QUEUE: usize = 16;
/// Chats in flight at once from the host (well under the queue, so readers never fall behind).
const ROUND: usize = 4;
/// Upper bound on rounds: enough to fill any loopback socket buffers many times over.
const MAX_ROUNDS: usize = 20_000;

/// A client whose socket has a tiny receive buffer, so little piles up in the kernel.
async fn tiny_buffer_client(server: &TestServer) -> Client {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(server.url(), MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    let mut c = Client { ws };
    assert!(matches!(c.recv().await, ServerMessage::Hello { .. }));
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_listener_dropped_without_slowing_room() {
    let server = TestServer::start(ServerConfig {
        limits: Limits {
            outbound_queue: QUEUE,
            rate_per_sec: 1e9,
            rate_burst: 1e9,
            flood_close_after: u32::MAX,
            ..Limits::default()
        },
        ..ServerConfig::default()
    })
    .await;
    let mut host = Client::connect(&server).await;
    let (code, _, _) = host.create_room("Busy", "host-only").await;
    let mut fast = Client::connect(&server).await;
    fast.join(&code, "Fast").await;
    let mut slow = tiny_buffer_client(&server).await;
    let slow_id = slow.join(&code, "Slow").await.you.member_id;
    for c in [&mut host, &mut fast] {
        c.drain().await;
    }
    assert_eq!(
        metric(server.addr, "tandem_slow_listeners_dropped_total").await,
        0.0
    );

    // The fast listener reads everything, checking order, until the final message.
    let reader = tokio::spawn(async move {
        let mut expected = 0usize;
        loop {
            match next(&mut fast).await {
                ServerMessage::ChatMessage(c) if c.text == "done" => return (fast, expected),
                ServerMessage::ChatMessage(c) => {
                    let n: usize = c.text.split(' ').next().unwrap().parse().unwrap();
                    assert_eq!(
                        n, expected,
                        "the fast listener missed or reordered a message"
                    );
                    expected += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    });

    // The host broadcasts big chats, a few at a time, until the room reports the slow member
    // gone; every one of them comes back to the host too.
    let pad = "x".repeat(900);
    let mut presence = Presences::default();
    let mut sent = 0usize;
    for _ in 0..MAX_ROUNDS {
        for _ in 0..ROUND {
            host.send(json!({"type": "chat", "text": format!("{sent} {pad}")}))
                .await;
            sent += 1;
        }
        let mut back = 0;
        while back < ROUND {
            match host.recv().await {
                ServerMessage::ChatMessage(_) => back += 1,
                m @ ServerMessage::Presence { .. } => presence.apply(&m),
                other => panic!("unexpected {other:?}"),
            }
        }
        if metric(server.addr, "tandem_slow_listeners_dropped_total").await >= 1.0 {
            break;
        }
    }
    assert_eq!(
        metric(server.addr, "tandem_slow_listeners_dropped_total").await,
        1.0,
        "the slow listener was never dropped after {sent} broadcasts"
    );
    // The room tells the others the slow member is disconnected, and keeps going.
    presence
        .until(&mut host, |p| p.connected(slow_id) == Some(false))
        .await;
    support::chat(&mut host, "done").await;
    let (mut fast, received) = reader.await.unwrap();
    assert_eq!(
        received, sent,
        "the fast listener did not get every broadcast"
    );
    assert_eq!(
        metric(server.addr, "tandem_slow_listeners_dropped_total").await,
        1.0
    );
    support::chat(&mut host, "still fast").await;
    support::expect_chat(&mut fast, "still fast").await;

    // The slow socket finally reads: a prefix of the chats, in order, then the close.
    let mut got = 0usize;
    let close = loop {
        let frame = tokio::time::timeout(common::WAIT, slow.ws.next())
            .await
            .expect("the slow socket was neither fed nor closed");
        match frame {
            Some(Ok(Message::Text(t))) => {
                if let ServerMessage::ChatMessage(c) = serde_json::from_str(&t).unwrap() {
                    assert!(
                        !matches!(c.text.as_str(), "done" | "still fast"),
                        "the dropped listener still receives broadcasts"
                    );
                    let n: usize = c.text.split(' ').next().unwrap().parse().unwrap();
                    assert_eq!(n, got);
                    got += 1;
                }
            }
            Some(Ok(Message::Close(f))) => break f.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("slow socket error: {e}"),
            None => break None,
        }
    };
    eprintln!("slow listener: {got} of {sent} broadcasts before it was dropped");
    assert!(
        got < sent,
        "the slow listener got everything ({got}), so it was not dropped"
    );
    assert_eq!(close, Some(1013));
    server.stop().await;
}
