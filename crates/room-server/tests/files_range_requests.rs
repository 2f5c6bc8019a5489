//! A member fetches the room's shared file by hash: the whole of it (200), one range of it
//! (206: closed, open-ended and suffix ranges), `HEAD` for its size, 416 for a range past its
//! end, and the whole file for several ranges or a stale `If-Range`. The bytes are the file's.
#![allow(clippy::unwrap_used)]
mod common;
mod files_support;

use files_support::{SharingRoom, get, send_with_token};
use room_server::ServerConfig;

const SIZE: usize = 300_000;

#[tokio::test]
async fn files_range_requests() {
    let room = SharingRoom::start(SIZE, ServerConfig::default()).await;
    let (_guest, token) = room.member("Guest").await;
    let addr = room.server.addr;
    let url = room.url();
    let etag = format!("\"{}\"", room.sha256);
    let size = SIZE.to_string();

    // The whole file.
    let r = get(addr, &url, Some(&token), &[]).await;
    assert_eq!(r.status, 200, "{}", r.everything());
    assert_eq!(r.header("content-length"), Some(size.as_str()));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert_eq!(r.header("content-range"), None);
    assert!(r.body == room.bytes, "the whole file differs");
    // The host (a member too) fetches it alike.
    let r = get(addr, &url, Some(&room.token), &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body == room.bytes);

    // One range each way.
    let cases: [(&str, usize, usize); 5] = [
        ("bytes=0-0", 0, 0),
        ("bytes=1000-1999", 1000, 1999),
        ("bytes=250000-", 250_000, SIZE - 1),
        ("bytes=-4096", SIZE - 4096, SIZE - 1),
        ("bytes=299000-999999", 299_000, SIZE - 1),
    ];
    for (range, first, last) in cases {
        let r = get(addr, &url, Some(&token), &[("Range", range)]).await;
        assert_eq!(r.status, 206, "{range}: {}", r.everything());
        let want = format!("bytes {first}-{last}/{SIZE}");
        assert_eq!(r.header("content-range"), Some(want.as_str()), "{range}");
        let len = (last - first + 1).to_string();
        assert_eq!(r.header("content-length"), Some(len.as_str()), "{range}");
        assert_eq!(r.header("etag"), Some(etag.as_str()));
        assert!(r.body == room.bytes[first..=last], "{range}: wrong bytes");
    }

    // Past the end: 416 and the size.
    for range in [format!("bytes={SIZE}-"), "bytes=-0".to_owned()] {
        let r = get(addr, &url, Some(&token), &[("Range", &range)]).await;
        assert_eq!(r.status, 416, "{range}");
        let want = format!("bytes */{SIZE}");
        assert_eq!(r.header("content-range"), Some(want.as_str()));
        assert_eq!(r.code(), "invalid-field");
    }

    // Several ranges, another unit, a stale If-Range: the whole file.
    for headers in [
        vec![("Range", "bytes=0-9,20-29")],
        vec![("Range", "items=0-9")],
        vec![("Range", "bytes=0-9"), ("If-Range", "\"something-else\"")],
    ] {
        let r = get(addr, &url, Some(&token), &headers).await;
        assert_eq!(r.status, 200, "{headers:?}");
        assert!(r.body == room.bytes, "{headers:?}");
    }
    // A matching If-Range keeps the range.
    let r = get(
        addr,
        &url,
        Some(&token),
        &[("Range", "bytes=10-19"), ("If-Range", &etag)],
    )
    .await;
    assert_eq!(r.status, 206);
    assert!(r.body == room.bytes[10..20]);

    // HEAD: the size and headers, no body (the helper checks there is none).
    let r = send_with_token(addr, "HEAD", &url, Some(&token), &[], &[]).await;
    assert_eq!(r.status, 200, "{}", r.everything());
    assert_eq!(r.header("content-length"), Some(size.as_str()));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let r = send_with_token(
        addr,
        "HEAD",
        &url,
        Some(&token),
        &[("Range", "bytes=-10")],
        &[],
    )
    .await;
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-length"), Some("10"));
    let want = format!("bytes {}-{}/{SIZE}", SIZE - 10, SIZE - 1);
    assert_eq!(r.header("content-range"), Some(want.as_str()));

    room.server.stop().await;
}

#[tokio::test]
async fn an_empty_file_is_served_too() {
    let room = SharingRoom::start(0, ServerConfig::default()).await;
    let url = room.url();
    let r = get(room.server.addr, &url, Some(&room.token), &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("0"));
    assert!(r.body.is_empty());
    let r = get(
        room.server.addr,
        &url,
        Some(&room.token),
        &[("Range", "bytes=0-")],
    )
    .await;
    assert_eq!(r.status, 416);
    assert_eq!(r.header("content-range"), Some("bytes */0"));
    room.server.stop().await;
}
