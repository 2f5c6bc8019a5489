//! With a certificate and key, the server speaks `wss://` (rustls): a client trusting the
//! certificate runs a whole room over TLS, while a plain `ws://` client and a client that does not
//! trust the certificate are refused at the handshake. The certificate is made at test time.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use room_core::ServerMessage;
use room_server::{ServerConfig, TlsFiles};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use common::{TestServer, WAIT};

type Wss = WebSocketStream<TlsStream<TcpStream>>;

fn client_config(trusted: Option<&CertificateDer<'static>>) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    if let Some(cert) = trusted {
        roots.add(cert.clone()).unwrap();
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

async fn tls_connect(
    server: &TestServer,
    config: Arc<ClientConfig>,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(server.addr).await?;
    let name = ServerName::try_from("localhost").unwrap();
    TlsConnector::from(config).connect(name, tcp).await
}

async fn wss(server: &TestServer, config: Arc<ClientConfig>) -> Wss {
    let tls = tls_connect(server, config).await.unwrap();
    let url = format!("wss://localhost:{}/ws", server.addr.port());
    let (mut ws, _) = tokio_tungstenite::client_async(url, tls).await.unwrap();
    match recv(&mut ws).await {
        ServerMessage::Hello { protocol, .. } => assert_eq!(protocol, room_core::PROTOCOL_VERSION),
        other => panic!("expected hello, got {other:?}"),
    }
    ws
}

async fn send(ws: &mut Wss, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

async fn recv(ws: &mut Wss) -> ServerMessage {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("timed out")
            .expect("closed")
            .expect("socket error");
        if let Message::Text(t) = frame {
            let m: ServerMessage = serde_json::from_str(&t).unwrap();
            if !matches!(m, ServerMessage::Presence { .. }) {
                return m;
            }
        }
    }
}

#[tokio::test]
async fn wss_with_rustls() {
    let dir = tempfile::tempdir().unwrap();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let server = TestServer::start(ServerConfig {
        tls: Some(TlsFiles { cert, key }),
        ..ServerConfig::default()
    })
    .await;
    let trusting = client_config(Some(certified.cert.der()));

    // A room over TLS: create, join, play, pause, chat.
    let mut host = wss(&server, trusting.clone()).await;
    send(
        &mut host,
        json!({"type": "create-room", "name": "Secure", "displayName": "Host"}),
    )
    .await;
    let code = match recv(&mut host).await {
        ServerMessage::RoomCreated { code, .. } => code,
        other => panic!("expected room-created, got {other:?}"),
    };
    assert!(matches!(
        recv(&mut host).await,
        ServerMessage::RoomJoined(_)
    ));
    let mut guest = wss(&server, trusting.clone()).await;
    send(
        &mut guest,
        json!({"type": "join-room", "code": code, "displayName": "Guest"}),
    )
    .await;
    match recv(&mut guest).await {
        ServerMessage::RoomJoined(j) => assert_eq!(j.members.len(), 2),
        other => panic!("expected room-joined, got {other:?}"),
    }
    send(&mut host, json!({"type": "add-song", "song": {"kind": "link", "url": "https://youtu.be/dQw4w9WgXcQ", "durationUs": 200_000_000}})).await;
    for ws in [&mut host, &mut guest] {
        assert!(matches!(
            recv(ws).await,
            ServerMessage::PlaybackStateUpdate(_)
        ));
    }
    send(&mut guest, json!({"type": "chat", "text": "over TLS"})).await;
    for ws in [&mut host, &mut guest] {
        match recv(ws).await {
            ServerMessage::ChatMessage(c) => assert_eq!(c.text, "over TLS"),
            other => panic!("expected chat, got {other:?}"),
        }
    }
    send(&mut guest, json!({"type": "clock-ping", "clientSendUs": 9})).await;
    assert!(matches!(
        recv(&mut guest).await,
        ServerMessage::ClockPong {
            client_send_us: 9,
            ..
        }
    ));

    // A plain ws:// client on the TLS port gets no WebSocket.
    let plain = tokio::time::timeout(
        WAIT,
        tokio_tungstenite::connect_async(format!("ws://{}/ws", server.addr)),
    )
    .await
    .expect("the plain handshake hung");
    assert!(
        plain.is_err(),
        "a plain ws:// client was served on the TLS port"
    );

    // A client that does not trust the certificate refuses the server.
    let untrusting = tls_connect(&server, client_config(None)).await;
    assert!(untrusting.is_err(), "an untrusted certificate was accepted");

    // The TLS room is unaffected by those.
    send(&mut host, json!({"type": "pause-playback"})).await;
    for ws in [&mut host, &mut guest] {
        assert!(matches!(recv(ws).await, ServerMessage::PlaybackPaused(_)));
    }
    server.stop().await;
}
