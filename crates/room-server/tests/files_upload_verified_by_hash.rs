//! A member uploads a file for its room: stored under its hash only when the bytes match it
//! (201, then fetchable by the room's members; 200 when already held), refused with 400 and not
//! stored when they do not, 413 past the size limit (declared or streamed), 403 when the server
//! takes no uploads, and only from members.
#![allow(clippy::unwrap_used)]
mod common;
mod files_support;

use std::path::Path;

use common::{Client, TestServer};
use files_support::{add_local, content, file_path, get, parse, raw, send_with_token, sha256_hex};
use room_server::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MAX: u64 = 256 * 1024;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[tokio::test]
async fn files_upload_verified_by_hash() {
    let uploads = tempfile::tempdir().unwrap();
    let server = TestServer::start(ServerConfig {
        upload_dir: Some(uploads.path().join("files")),
        max_upload_bytes: MAX,
        ..ServerConfig::default()
    })
    .await;
    let addr = server.addr;
    let mut host = Client::connect(&server).await;
    let (code, _, host_joined) = host.create_room("Uploads", "everyone").await;
    let mut guest = Client::connect(&server).await;
    let guest_token = guest.join(&code, "Guest").await.you.resume_token;
    let dir = uploads.path().join("files");

    // A good upload by a guest: stored under its hash, then the room plays it and the host
    // fetches it.
    let bytes = content(200_000, 1);
    let sha = sha256_hex(&bytes);
    let url = file_path(&code, &sha);
    let r = send_with_token(addr, "PUT", &url, Some(&guest_token), &[], &bytes).await;
    assert_eq!(r.status, 201, "{}", r.everything());
    assert_eq!(r.json()["sha256"], sha);
    assert_eq!(r.json()["size"], 200_000);
    assert_eq!(names(&dir), std::slice::from_ref(&sha));
    assert!(std::fs::read(dir.join(&sha)).unwrap() == bytes);
    add_local(&mut guest, &sha).await;
    let r = get(addr, &url, Some(&host_joined.you.resume_token), &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body == bytes);
    // Again: already held, nothing read.
    let r = send_with_token(addr, "PUT", &url, Some(&guest_token), &[], &bytes).await;
    assert_eq!(r.status, 200, "{}", r.everything());

    // Bytes that do not hash to the name: refused, nothing kept.
    let other = content(100_000, 2);
    let claimed = sha256_hex(&content(100_000, 3));
    let r = send_with_token(
        addr,
        "PUT",
        &file_path(&code, &claimed),
        Some(&guest_token),
        &[],
        &other,
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.everything());
    assert_eq!(r.code(), "invalid-field");
    assert_eq!(names(&dir), std::slice::from_ref(&sha));

    // Too large, declared: refused before a byte of the body is sent.
    let big_sha = "cd".repeat(32);
    let head = format!(
        "PUT {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {guest_token}\r\nContent-Length: {}\r\nExpect: 100-continue",
        file_path(&code, &big_sha),
        MAX + 1
    );
    let r = raw(addr, &head, &[]).await;
    assert_eq!(r.status, 413, "{}", r.everything());
    // Too large, streamed (chunked, no length): cut off at the limit, nothing kept.
    let r = put_chunked(addr, &code, &big_sha, &guest_token, MAX as usize + 1).await;
    assert_eq!(r.status, 413, "{}", r.everything());
    assert_eq!(names(&dir), std::slice::from_ref(&sha));
    // Exactly the limit is fine, chunked too.
    let at_limit = content(MAX as usize, 4);
    let at_limit_sha = sha256_hex(&at_limit);
    let r = put_chunked_bytes(addr, &code, &at_limit_sha, &guest_token, &at_limit).await;
    assert_eq!(r.status, 201, "{}", r.everything());

    // Only members upload.
    let r = send_with_token(addr, "PUT", &file_path(&code, &claimed), None, &[], &other).await;
    assert_eq!(r.status, 401);
    let r = send_with_token(
        addr,
        "PUT",
        &file_path(&code, &claimed),
        Some(&"f".repeat(32)),
        &[],
        &other,
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.code(), "not-in-room");
    let mut left = names(&dir);
    left.retain(|n| n.starts_with('.'));
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
    server.stop().await;
}

#[tokio::test]
async fn uploads_off_are_refused() {
    let server = TestServer::in_memory().await;
    let mut host = Client::connect(&server).await;
    let (code, _, joined) = host.create_room("No uploads", "everyone").await;
    let bytes = content(1000, 5);
    let r = send_with_token(
        server.addr,
        "PUT",
        &file_path(&code, &sha256_hex(&bytes)),
        Some(&joined.you.resume_token),
        &[],
        &bytes,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.everything());
    assert_eq!(r.code(), "forbidden");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("does not accept uploads")
    );
    server.stop().await;
}

async fn put_chunked(
    addr: std::net::SocketAddr,
    code: &str,
    sha: &str,
    token: &str,
    len: usize,
) -> files_support::Resp {
    put_chunked_bytes(addr, code, sha, token, &content(len, 6)).await
}

/// PUT with `Transfer-Encoding: chunked` (so no declared length), 16 KiB chunks, the whole
/// request written before the answer is read.
async fn put_chunked_bytes(
    addr: std::net::SocketAddr,
    code: &str,
    sha: &str,
    token: &str,
    bytes: &[u8],
) -> files_support::Resp {
    let mut req = format!(
        "PUT {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n\r\n",
        file_path(code, sha)
    )
    .into_bytes();
    for chunk in bytes.chunks(16 * 1024) {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer (and close) before it has read everything: keep reading whatever
    // happens to the writes.
    let (mut rd, mut wr) = s.split();
    let write = async {
        let _ = wr.write_all(&req).await;
    };
    let mut out = Vec::new();
    let read = async {
        let _ = rd.read_to_end(&mut out).await;
    };
    tokio::time::timeout(common::WAIT, async { tokio::join!(write, read) })
        .await
        .expect("upload timed out");
    parse(&out, false)
}
