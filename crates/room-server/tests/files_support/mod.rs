//! Helpers for the file-sharing tests, on top of `common`: a raw HTTP/1.1 client over TCP (so a
//! test can send any path, byte for byte, and any header), test files, and a room whose host
//! shares one of them.
//!
//! A test file using it declares `mod common; mod files_support;`.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use room_core::ServerMessage;
use room_server::ServerConfig;
use room_server::files::FileRegistry;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{Client, TestServer, WAIT};

/// An HTTP response, read to the end of the connection.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    /// Names in lower case, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `code` of a JSON error body.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap().to_owned()
    }

    /// Everything that came back, as text (for "never shows X" checks).
    pub fn everything(&self) -> String {
        let mut s = format!("{}\n", self.status);
        for (n, v) in &self.headers {
            s.push_str(&format!("{n}: {v}\n"));
        }
        s.push_str(&String::from_utf8_lossy(&self.body));
        s
    }
}

/// Send `head` (request line and headers, without the final blank line) and `body` as they are,
/// then read the whole response (the request says `Connection: close`).
pub async fn raw(addr: SocketAddr, head: &str, body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut req = head.as_bytes().to_vec();
    req.extend_from_slice(b"\r\n\r\n");
    req.extend_from_slice(body);
    s.write_all(&req).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(WAIT, s.read_to_end(&mut raw))
        .await
        .expect("HTTP response timed out")
        .unwrap();
    parse(&raw, head.starts_with("HEAD "))
}

/// Parse a whole HTTP/1.1 response.
pub fn parse(raw: &[u8], head_only: bool) -> Resp {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("headers are UTF-8");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("HTTP status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if head_only {
        assert!(rest.is_empty(), "a HEAD answer with a body");
        Vec::new()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = std::str::from_utf8(&body[..line_end]).unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        let data = &body[line_end + 2..];
        out.extend_from_slice(&data[..size]);
        body = &data[size + 2..];
    }
}

/// A request with `Connection: close` and the given headers.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close");
    for (n, v) in headers {
        head.push_str(&format!("\r\n{n}: {v}"));
    }
    if !body.is_empty() || method == "PUT" {
        head.push_str(&format!("\r\nContent-Length: {}", body.len()));
    }
    raw(addr, &head, body).await
}

/// `GET path` with the member's token (if any) and more headers.
pub async fn get(addr: SocketAddr, path: &str, token: Option<&str>, more: &[(&str, &str)]) -> Resp {
    send_with_token(addr, "GET", path, token, more, &[]).await
}

pub async fn send_with_token(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    more: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers: Vec<(&str, &str)> = more.to_vec();
    if let Some(a) = &auth {
        headers.push(("Authorization", a));
    }
    request(addr, method, path, &headers, body).await
}

pub fn file_path(code: &str, sha256: &str) -> String {
    format!("/rooms/{code}/files/{sha256}")
}

/// `n` bytes that differ for each `seed` (and are not all alike, so an off-by-one shows).
pub fn content(n: usize, seed: u8) -> Vec<u8> {
    let mut x = u32::from(seed).wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Write `bytes` to `dir/name`; returns the path.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Add the local file `sha256` to `c`'s room and wait until the room has it (current or queued).
pub async fn add_local(c: &mut Client, sha256: &str) {
    c.send(json!({"type": "add-song", "song": {"kind": "local", "sha256": sha256, "codec": "flac", "title": "Shared song", "durationUs": 180_000_000}}))
        .await;
    c.recv_until(|m| match m {
        ServerMessage::SongAdded { .. } | ServerMessage::PlaybackStateUpdate(_) => true,
        ServerMessage::Error { code, message, .. } => {
            panic!("add-song refused: {code:?} {message}")
        }
        _ => false,
    })
    .await;
}

/// A server whose host app shares one file, and a room playing it.
pub struct SharingRoom {
    pub dir: tempfile::TempDir,
    pub files: Arc<FileRegistry>,
    pub server: TestServer,
    pub host: Client,
    pub code: String,
    /// The host's resume token.
    pub token: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// Where the shared file is on the "host's disk".
    pub path: PathBuf,
}

impl SharingRoom {
    /// Shares a file of `size` bytes and starts it in a fresh room; `config` gets the registry.
    pub async fn start(size: usize, config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let files = Arc::new(FileRegistry::new());
        let bytes = content(size, 7);
        let path = write_file(dir.path(), "My Song.flac", &bytes);
        let shared = files.share(&path).unwrap();
        let sha256 = sha256_hex(&bytes);
        assert_eq!(shared.sha256, sha256);
        assert_eq!(shared.size, size as u64);
        let server = TestServer::start(ServerConfig {
            files: files.clone(),
            ..config
        })
        .await;
        let mut host = Client::connect(&server).await;
        let (code, _, joined) = host.create_room("Sharing", "host-only").await;
        add_local(&mut host, &sha256).await;
        Self {
            dir,
            files,
            server,
            host,
            code,
            token: joined.you.resume_token,
            bytes,
            sha256,
            path,
        }
    }

    pub fn url(&self) -> String {
        file_path(&self.code, &self.sha256)
    }

    /// A new member of this room; returns it and its resume token.
    pub async fn member(&self, name: &str) -> (Client, String) {
        let mut c = Client::connect(&self.server).await;
        let joined = c.join(&self.code, name).await;
        (c, joined.you.resume_token)
    }
}
