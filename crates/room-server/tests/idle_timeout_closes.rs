//! A socket that sends nothing, not even a pong to the server's pings, is closed with 4000 after
//! the idle timeout; a client that answers pings stays connected however quiet it is.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::time::Duration;

use common::{Client, TestServer, WAIT};
use futures_util::StreamExt;
use room_core::ServerMessage;
use room_server::{Limits, ServerConfig};
use serde_json::json;
use support::{metric, next};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const IDLE: Duration = Duration::from_millis(1000);

/// What a WebSocket client that never writes sees: the frames' opcodes, and the close code.
async fn mute_client(server: &TestServer) -> (Vec<u8>, Option<u16>) {
    let mut stream = BufReader::new(TcpStream::connect(server.addr).await.unwrap());
    let req = format!(
        "GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        server.addr
    );
    stream.get_mut().write_all(req.as_bytes()).await.unwrap();
    let mut status = String::new();
    stream.read_line(&mut status).await.unwrap();
    assert!(status.starts_with("HTTP/1.1 101"), "{status}");
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
    }
    // Read frames (the server's are unmasked) and never answer any of them.
    let mut opcodes = Vec::new();
    let read = async {
        loop {
            let mut head = [0u8; 2];
            if stream.read_exact(&mut head).await.is_err() {
                return None;
            }
            let opcode = head[0] & 0x0f;
            assert_eq!(head[1] & 0x80, 0, "server frames are not masked");
            let len = match head[1] & 0x7f {
                126 => u64::from(stream.read_u16().await.unwrap()),
                127 => stream.read_u64().await.unwrap(),
                n => u64::from(n),
            };
            let mut payload = vec![0u8; usize::try_from(len).unwrap()];
            stream.read_exact(&mut payload).await.unwrap();
            opcodes.push(opcode);
            if opcode == 0x8 {
                return (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
            }
        }
    };
    let code = tokio::time::timeout(WAIT, read)
        .await
        .expect("the idle socket was never closed");
    (opcodes, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_timeout_closes() {
    let server = TestServer::start(ServerConfig {
        limits: Limits {
            idle_timeout: IDLE,
            ping_interval: Duration::from_millis(100),
            ..Limits::default()
        },
        ..ServerConfig::default()
    })
    .await;

    // A member that keeps reading (so its library answers pings) but never sends anything.
    let mut quiet = Client::connect(&server).await;
    let (code, _, _) = quiet.create_room("Quiet", "host-only").await;
    let (stop, stopped) = oneshot::channel::<()>();
    let keeper = tokio::spawn(async move {
        tokio::pin!(stopped);
        loop {
            tokio::select! {
                _ = &mut stopped => return quiet,
                frame = quiet.ws.next() => match frame {
                    Some(Ok(_)) => {}
                    other => panic!("the quiet member's socket ended: {other:?}"),
                },
            }
        }
    });

    let (opcodes, close) = mute_client(&server).await;
    assert_eq!(opcodes.first(), Some(&0x1), "the hello comes first");
    assert!(
        opcodes.contains(&0x9),
        "the server never pinged: {opcodes:?}"
    );
    assert_eq!(close, Some(4000), "frames: {opcodes:?}");
    assert_eq!(metric(server.addr, "tandem_idle_closed_total").await, 1.0);

    // Another idle period for the quiet member, who only ever answered pings: still connected.
    tokio::time::sleep(IDLE * 2).await;
    stop.send(()).unwrap();
    let mut quiet = keeper.await.unwrap();
    quiet
        .send(json!({"type": "clock-ping", "clientSendUs": 5}))
        .await;
    assert!(matches!(
        next(&mut quiet).await,
        ServerMessage::ClockPong {
            client_send_us: 5,
            ..
        }
    ));
    let joined = support::probe(&server, &code, None).await;
    assert_eq!(joined.members.iter().filter(|m| m.connected).count(), 2);
    assert_eq!(metric(server.addr, "tandem_idle_closed_total").await, 1.0);
    server.stop().await;
}
