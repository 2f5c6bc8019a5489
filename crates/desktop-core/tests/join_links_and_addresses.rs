//! Join links (deep links and http links), codes and typed addresses: what works, and a clear
//! error for what does not.

use desktop_core::links::{address_to_url, join_link, normalize_code, parse_link};

#[test]
fn deep_link_round_trips() {
    let link = join_link("192.168.1.20:7878", "K7QM2D");
    assert_eq!(link, "tandem://join/K7QM2D?server=192.168.1.20:7878");
    let target = parse_link(&link).expect("parse");
    assert_eq!(target.url, "ws://192.168.1.20:7878/ws");
    assert_eq!(target.code, "K7QM2D");
}

#[test]
fn deep_link_with_tls_and_ipv6() {
    let t = parse_link("tandem://join/k7qm-2d?server=[fd00::5]:7878&tls=1").expect("parse");
    assert_eq!(t.url, "wss://[fd00::5]:7878/ws");
    assert_eq!(t.code, "K7QM2D");
}

#[test]
fn http_link_joins_the_same_room() {
    let t = parse_link("http://192.168.1.20:7878/join/K7QM2D").expect("parse");
    assert_eq!(t.url, "ws://192.168.1.20:7878/ws");
    let t = parse_link("https://rooms.example.org/join/K7QM2D").expect("parse");
    assert_eq!(t.url, "wss://rooms.example.org:443/ws");
}

#[test]
fn bad_links_say_what_is_wrong() {
    for bad in [
        "",
        "tandem://join/K7QM2D",
        "tandem://party/K7QM2D?server=h:1",
        "tandem://join/!!?server=h:1",
        "http://h:1/room/K7QM2D",
        "ftp://h/join/K7QM2D",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ] {
        let e = parse_link(bad).expect_err(bad);
        assert_eq!(e.kind(), "invalid-input", "{bad}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn codes_are_tidied_and_checked() {
    assert_eq!(normalize_code(" k7qm-2d ").expect("code"), "K7QM2D");
    for bad in ["", "abc", "K7QM2D!", "0123456789ABC", "ü123"] {
        assert!(normalize_code(bad).is_err(), "{bad}");
    }
}

#[test]
fn typed_addresses() {
    assert_eq!(
        address_to_url("192.168.1.20:7878").expect("a"),
        "ws://192.168.1.20:7878/ws"
    );
    assert_eq!(
        address_to_url("192.168.1.20").expect("a"),
        "ws://192.168.1.20:7878/ws"
    );
    assert_eq!(
        address_to_url("party.local").expect("a"),
        "ws://party.local:7878/ws"
    );
    assert_eq!(
        address_to_url("[::1]:9000").expect("a"),
        "ws://[::1]:9000/ws"
    );
    assert_eq!(
        address_to_url("wss://rooms.example.org").expect("a"),
        "wss://rooms.example.org/ws"
    );
    assert_eq!(address_to_url("ws://h:1/ws").expect("a"), "ws://h:1/ws");
    for bad in ["", "   ", "http://h:1", "h:99999", "a b:1"] {
        assert!(address_to_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_youtube_fallback_only_ever_searches_youtube() {
    use desktop_core::app::youtube_search_url;
    let url = youtube_search_url("Midnight City M83").expect("url");
    assert_eq!(url.host_str(), Some("www.youtube.com"));
    assert_eq!(url.path(), "/results");
    assert_eq!(url.query(), Some("search_query=Midnight+City+M83"));
    // Whatever the page sends stays a query on YouTube.
    let tricky = youtube_search_url("x&list=1#https://evil.example/").expect("url");
    assert_eq!(tricky.host_str(), Some("www.youtube.com"));
    assert!(tricky.fragment().is_none());
    for bad in ["", "   ", "a\nb"] {
        assert!(youtube_search_url(bad).is_err(), "{bad:?}");
    }
    assert!(youtube_search_url(&"x".repeat(201)).is_err());
}
