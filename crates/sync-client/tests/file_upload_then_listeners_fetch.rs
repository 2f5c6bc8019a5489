//! A member adds a song from its own disk to a room on another machine: `upload` sends it to the
//! room's server (which checks its hash), the member queues it by hash, and a listener running
//! the sync client fetches the same bytes with its resume token. A server without uploads
//! refuses with `forbidden`, a stranger's token with `not-in-room`, a file over the limit 413.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
mod files_common;

use common::{Host, TestServer, wait_state};
use files_common::{Member, add_local, content, sha256_hex};
use room_server::ServerConfig;
use sync_client::{
    ClientConfig, ConnectionStatus, FileCache, FileError, Join, SyncClient, TlsOptions, upload,
};

#[tokio::test]
async fn file_upload_then_listeners_fetch() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(ServerConfig {
        upload_dir: Some(server_dir.path().join("files")),
        ..ServerConfig::default()
    });
    let mut host = Host::create(&server, "everyone", None).await;
    let uploader = Member::join(&server, &host.code, "Uploader").await;
    let listener = SyncClient::spawn(ClientConfig::new(
        server.url(),
        Join::new(&host.code, "Listener"),
    ))
    .unwrap();
    wait_state(&listener, "the listener in the room", |s| {
        s.status == ConnectionStatus::InRoom
    })
    .await;
    let listener_token = listener
        .resume_token()
        .expect("a joined client has a token");
    assert!(!format!("{listener:?}").contains(&listener_token));

    let local = tempfile::tempdir().unwrap();
    let bytes = content(400_000, 21);
    let path = local.path().join("my song.flac");
    std::fs::write(&path, &bytes).unwrap();
    let sha = upload(
        &server.url(),
        &host.code,
        &uploader.token,
        &path,
        &TlsOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(sha, sha256_hex(&bytes));
    // Again: the server has it already.
    let again = upload(
        &server.url(),
        &host.code,
        &uploader.token,
        &path,
        &TlsOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(again, sha);

    // Queued (by anyone in the room), then fetched by another member.
    add_local(&mut host, &sha).await;
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = FileCache::new(cache_dir.path()).unwrap();
    let file = cache
        .fetch(&server.url(), &host.code, &listener_token, &sha)
        .unwrap();
    let got = file.wait().await.unwrap();
    assert!(std::fs::read(got).unwrap() == bytes);

    // A stranger's token.
    let err = upload(
        &server.url(),
        &host.code,
        &"0".repeat(32),
        &path,
        &TlsOptions::default(),
    )
    .await
    .unwrap_err();
    match err {
        FileError::Refused { status, code, .. } => {
            assert_eq!((status, code.as_str()), (403, "not-in-room"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn a_server_without_uploads_refuses() {
    let server = TestServer::start(ServerConfig::default());
    let host = Host::create(&server, "everyone", None).await;
    let member = Member::join(&server, &host.code, "Uploader").await;
    let local = tempfile::tempdir().unwrap();
    let path = local.path().join("song.flac");
    std::fs::write(&path, content(1000, 1)).unwrap();
    let err = upload(
        &server.url(),
        &host.code,
        &member.token,
        &path,
        &TlsOptions::default(),
    )
    .await
    .unwrap_err();
    match err {
        FileError::Refused {
            status,
            code,
            message,
        } => {
            assert_eq!((status, code.as_str()), (403, "forbidden"));
            assert!(message.contains("does not accept uploads"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(ServerConfig {
        upload_dir: Some(server_dir.path().to_owned()),
        max_upload_bytes: 100_000,
        ..ServerConfig::default()
    });
    let host = Host::create(&server, "everyone", None).await;
    let member = Member::join(&server, &host.code, "Uploader").await;
    let local = tempfile::tempdir().unwrap();
    let path = local.path().join("long song.flac");
    std::fs::write(&path, content(100_001, 2)).unwrap();
    let err = upload(
        &server.url(),
        &host.code,
        &member.token,
        &path,
        &TlsOptions::default(),
    )
    .await
    .unwrap_err();
    match err {
        FileError::Refused { status, code, .. } => {
            assert_eq!((status, code.as_str()), (413, "invalid-field"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(std::fs::read_dir(server_dir.path()).unwrap().count(), 0);
    server.stop().await;
}
