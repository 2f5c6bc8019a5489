//! Files come over `https://` from a server with a TLS certificate (the same port as `wss://`):
//! with the server's certificate trusted as an extra CA the request goes through (and is
//! answered: here, a refusal for a room that does not exist); without it, the download fails at
//! once (no retries: a certificate does not become trusted by retrying), naming the certificate.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
mod files_common;

use common::TestServer;
use files_common::{content, sha256_hex};
use room_server::{ServerConfig, TlsFiles};
use sync_client::{FileCache, FileError, TlsOptions, upload};

#[tokio::test]
async fn file_cache_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let server = TestServer::start(ServerConfig {
        tls: Some(TlsFiles {
            cert: cert.clone(),
            key,
        }),
        ..ServerConfig::default()
    });
    let base = format!("https://localhost:{}", server.addr.port());
    let sha = sha256_hex(&content(10, 1));
    let trust = TlsOptions {
        extra_ca_pem: Some(cert),
    };

    // Trusted: the server answers (the room does not exist).
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(cache_dir.path())
        .unwrap()
        .with_tls(trust.clone());
    let file = cache.fetch(&base, "NOROOM", &"a".repeat(32), &sha).unwrap();
    match file.wait().await.unwrap_err() {
        FileError::Refused { status, code, .. } => {
            assert_eq!((status, code.as_str()), (404, "room-not-found"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let local = dir.path().join("song.flac");
    std::fs::write(&local, content(1000, 2)).unwrap();
    match upload(&base, "NOROOM", &"a".repeat(32), &local, &trust)
        .await
        .unwrap_err()
    {
        FileError::Refused { status, code, .. } => {
            assert_eq!((status, code.as_str()), (403, "forbidden"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    // Not trusted: a TLS error, and why.
    let other_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(other_dir.path()).unwrap();
    let file = cache.fetch(&base, "NOROOM", &"a".repeat(32), &sha).unwrap();
    let err = tokio::time::timeout(common::WAIT, file.wait())
        .await
        .expect("gave up in time")
        .unwrap_err();
    assert_eq!(err.kind(), "tls", "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
    server.stop().await;
}
