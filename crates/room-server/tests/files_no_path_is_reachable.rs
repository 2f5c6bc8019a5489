//! Nothing but a shared file's hash reaches a file: traversal (`..`, `%2F`, `%2e%2e`), absolute
//! paths, backslashes, NUL, non-ASCII look-alikes of hex digits and invalid UTF-8 are refused
//! (400, or 404 when the path does not even match the route), for GET and PUT alike; a file's
//! hash is of no use unless the server shares that file; and no answer ever shows a path or a
//! byte of a file outside the registry.
#![allow(clippy::unwrap_used)]
mod common;
mod files_support;

use files_support::{
    Resp, SharingRoom, add_local, content, file_path, raw, send_with_token, sha256_hex, write_file,
};
use room_server::ServerConfig;

fn pct(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn files_no_path_is_reachable() {
    let uploads = tempfile::tempdir().unwrap();
    let room = SharingRoom::start(
        20_000,
        ServerConfig {
            upload_dir: Some(uploads.path().to_owned()),
            ..ServerConfig::default()
        },
    )
    .await;
    let addr = room.server.addr;
    let token = room.token.clone();
    // A secret next to the shared file, and one in the parent of the upload directory.
    let secret = b"TOP SECRET: the host's tax return".to_vec();
    let secret_path = write_file(room.dir.path(), "secret.txt", &secret);
    let secret_abs = secret_path.canonicalize().unwrap();
    let secret_abs = secret_abs.to_str().unwrap();
    write_file(
        uploads.path().parent().unwrap(),
        "tandem-neighbour.txt",
        &secret,
    );
    let code = &room.code;
    let hex_tail = &room.sha256[6..];

    let attempts: Vec<String> = vec![
        format!("..%2F..%2Fsecret.txt"),
        format!("..%2fsecret.txt"),
        format!("%2E%2E%2F%2E%2E%2Fsecret.txt"),
        format!("..%5Csecret.txt"),
        pct(secret_abs),
        format!("%2F{}", pct(&secret_abs[1..])),
        format!("..%2F{hex_tail}"),
        format!("%2e%2e%2f{}", &room.sha256[9..]),
        format!("{}%00", &room.sha256[..63]),
        format!("{}%00.flac", room.sha256),
        format!("{}.flac", room.sha256),
        format!("{}%2F..", room.sha256),
        format!("{}{}", room.sha256, "a"),
        format!("%EF%BC%90{}", &room.sha256[1..]),
        format!("%C3%A9{}", &room.sha256[2..]),
        format!("%FF%FE{}", &room.sha256[2..]),
        format!("{}%20", &room.sha256[..63]),
        "~".to_owned(),
        "%7E".to_owned(),
        ".".to_owned(),
        "%2E".to_owned(),
    ];
    let raw_paths = [
        format!("/rooms/{code}/files/../../secret.txt"),
        format!("/rooms/{code}/files/../files/{}", room.sha256),
        format!("/rooms/{code}/files/{}/../../secret.txt", room.sha256),
        format!("/rooms/{code}/files//etc/passwd"),
        format!("/rooms/{code}/files/{secret_abs}"),
        format!("/rooms/{code}/files/C:\\Windows\\win.ini"),
        format!("/rooms/../rooms/{code}/files/{}", sha256_hex(&secret)),
        format!(
            "/rooms/{code}/files/{}?path=/etc/passwd",
            sha256_hex(&secret)
        ),
    ];
    let mut answers: Vec<(String, Resp)> = Vec::new();
    for method in ["GET", "HEAD", "PUT"] {
        for a in &attempts {
            let path = file_path(code, a);
            let r = send_with_token(addr, method, &path, Some(&token), &[], b"x").await;
            assert_eq!(r.status, 400, "{method} {path}: {}", r.everything());
            if method != "HEAD" {
                assert_eq!(r.code(), "invalid-field", "{method} {path}");
            }
            answers.push((format!("{method} {path}"), r));
        }
        for path in &raw_paths {
            let head = format!(
                "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Length: 1"
            );
            let r = raw(addr, &head, b"x").await;
            assert!(
                matches!(r.status, 400 | 403 | 404),
                "{method} {path}: {}",
                r.everything()
            );
            answers.push((format!("{method} {path}"), r));
        }
    }

    // Knowing the secret's hash is no use: not queued, 403; queued, the server still does not
    // hold it, 404.
    let secret_sha = sha256_hex(&secret);
    let secret_url = file_path(code, &secret_sha);
    let r = send_with_token(addr, "GET", &secret_url, Some(&token), &[], &[]).await;
    assert_eq!(r.status, 403);
    answers.push(("secret, not queued".into(), r));
    let mut host = room.host;
    add_local(&mut host, &secret_sha).await;
    let r = send_with_token(addr, "GET", &secret_url, Some(&token), &[], &[]).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "song-not-found");
    answers.push(("secret, queued".into(), r));

    // The shared file itself still works, by its hash.
    let r = send_with_token(
        addr,
        "GET",
        &file_path(code, &room.sha256),
        Some(&token),
        &[],
        &[],
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body == room.bytes);

    // Nothing came back that names a path or shows the secret.
    let dir = room.dir.path().to_str().unwrap().to_owned();
    let upload_dir = uploads.path().to_str().unwrap().to_owned();
    for (what, r) in &answers {
        let all = r.everything();
        for needle in [
            "TOP SECRET",
            "secret.txt",
            "My Song",
            &dir,
            &upload_dir,
            "/tmp",
        ] {
            assert!(!all.contains(needle), "{what} shows {needle:?}: {all}");
        }
    }
    // The refused uploads wrote nothing.
    assert_eq!(
        std::fs::read_dir(uploads.path())
            .map(|d| d.count())
            .unwrap_or(0),
        0
    );

    // An upload can only ever land as <upload_dir>/<sha256>.
    let bytes = content(1000, 3);
    let sha = sha256_hex(&bytes);
    let r = send_with_token(
        addr,
        "PUT",
        &file_path(code, &sha),
        Some(&token),
        &[],
        &bytes,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.everything());
    let names: Vec<String> = std::fs::read_dir(uploads.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [sha]);

    room.server.stop().await;
}
