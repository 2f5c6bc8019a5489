//! `wss://` to a server with a self-signed certificate: trusted when its certificate is given
//! as an extra CA, refused (and reported, and retried) without it.

mod common;

use common::{TestServer, wait_state};
use room_server::{ServerConfig, TlsFiles};
use sync_client::{ClientConfig, ConnectionStatus, Join, SyncClient, TlsOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_over_wss_with_extra_ca() {
    let dir = tempfile::tempdir().expect("temp dir");
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).expect("write cert");
    std::fs::write(&key, certified.signing_key.serialize_pem()).expect("write key");
    let server = TestServer::start(ServerConfig {
        tls: Some(TlsFiles {
            cert: cert.clone(),
            key,
        }),
        ..ServerConfig::default()
    });
    let url = format!("wss://localhost:{}/ws", server.addr.port());

    // Without the CA: the handshake fails, which is reported and retried.
    let untrusting = SyncClient::spawn(ClientConfig::new(url.clone(), Join::new("ABCDEF", "Wary")))
        .expect("spawn");
    let state = wait_state(&untrusting, "a refused handshake", |s| {
        matches!(s.status, ConnectionStatus::Reconnecting { .. })
    })
    .await;
    let error = state.last_error.expect("an error");
    assert_eq!(error.kind(), "unreachable");
    assert!(error.to_string().contains("certificate"), "{error}");
    untrusting.leave().await.expect("leave");

    // With it: connected. The room does not exist, which proves the server answered.
    let mut cfg = ClientConfig::new(url, Join::new("ABCDEF", "Trusting"));
    cfg.tls = TlsOptions {
        extra_ca_pem: Some(cert),
    };
    let trusting = SyncClient::spawn(cfg).expect("spawn");
    let end = tokio::time::timeout(common::WAIT, trusting.stopped())
        .await
        .expect("stops");
    assert_eq!(end.status, ConnectionStatus::Failed);
    assert_eq!(
        end.last_error.and_then(|e| e.server_code()),
        Some(room_core::ErrorCode::RoomNotFound)
    );
    assert!(end.server.is_some_and(|s| s.starts_with("tandem-server")));

    // A CA file that is not one is refused at spawn.
    let mut cfg = ClientConfig::new("wss://localhost:1/ws", Join::new("A", "B"));
    cfg.tls.extra_ca_pem = Some(dir.path().join("missing.pem"));
    assert_eq!(
        SyncClient::spawn(cfg).map(|_| ()).map_err(|e| e.kind()),
        Err("ca-certificate")
    );
    server.stop().await;
}
