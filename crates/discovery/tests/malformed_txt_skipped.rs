//! Services of our type whose TXT record is malformed, hostile or of another protocol version
//! are skipped; a valid room next to them is listed; a room whose record turns bad leaves.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{FOUND_WITHIN, PROTOCOL, isolated, wait_for};
use discovery::{Browser, Daemon, SERVICE_TYPE};
use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};

type Txt = Vec<(&'static str, String)>;

fn valid(code: &str, name: &str) -> Txt {
    vec![
        ("code", code.into()),
        ("name", name.into()),
        ("host", "Mallory".into()),
        ("pw", "0".into()),
        ("members", "2".into()),
        ("v", PROTOCOL.to_string()),
        ("path", "/ws".into()),
    ]
}

fn with(mut txt: Txt, key: &'static str, value: impl Into<String>) -> Txt {
    txt.retain(|(k, _)| *k != key);
    txt.push((key, value.into()));
    txt
}

fn without(mut txt: Txt, key: &str) -> Txt {
    txt.retain(|(k, _)| *k != key);
    txt
}

/// Registers a raw service, bypassing every check of the crate.
fn register(mdns: &ServiceDaemon, instance: &str, port: u16, txt: &Txt) -> String {
    let info = ServiceInfo::new(
        SERVICE_TYPE,
        instance,
        &format!("raw-{port}.local."),
        (),
        port,
        &txt[..],
    )
    .expect("service info")
    .enable_addr_auto();
    let fullname = info.get_fullname().to_owned();
    mdns.register(info).expect("register");
    fullname
}

/// Waits until a plain mdns-sd browser on another daemon has resolved all of `fullnames`, so
/// the test knows every record has reached the network before it looks at the list.
fn witness_all(witness: &ServiceDaemon, fullnames: &HashSet<String>) {
    let events = witness.browse(SERVICE_TYPE).expect("browse");
    let mut seen = HashSet::new();
    let deadline = Instant::now() + FOUND_WITHIN;
    while !fullnames.iter().all(|f| seen.contains(f)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(ServiceEvent::ServiceResolved(s)) => {
                seen.insert(s.fullname.clone());
            }
            Ok(_) => {}
            Err(e) => panic!("the witness saw only {seen:?} of {fullnames:?}: {e}"),
        }
    }
}

#[test]
fn malformed_and_foreign_records_are_skipped() {
    let Some((config, _)) = isolated("malformed_and_foreign_records_are_skipped", 15391) else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let witness = Daemon::with_config(config).expect("daemon");
    let newer = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");
    // An app of the next protocol version, on the same network.
    let newer_browser = Browser::start(&newer, PROTOCOL + 1).expect("browser");

    let bad: Vec<(&str, Txt)> = vec![
        (
            "other version",
            with(valid("VERS01", "Future"), "v", (PROTOCOL + 1).to_string()),
        ),
        ("no version", without(valid("VERS02", "Ancient"), "v")),
        ("short code", valid("AB1", "Short code")),
        ("code with dash", valid("AB-CD1", "Dashed code")),
        ("long code", valid("ABCDEFGHIJKLM", "Long code")),
        ("bell in name", valid("CTRL01", "Ring\u{7}ring")),
        (
            "newline in host",
            with(valid("CTRL02", "Lines"), "host", "Eve\nAdmin"),
        ),
        ("bidi override", valid("BIDI01", "evil\u{202E}3pm.exe")),
        ("name too long", valid("LONG01", &"x".repeat(61))),
        ("blank name", valid("BLNK01", "  ")),
        (
            "no members",
            without(valid("MEMB01", "No members"), "members"),
        ),
        (
            "negative members",
            with(valid("MEMB02", "Negative"), "members", "-3"),
        ),
        (
            "huge members",
            with(valid("MEMB03", "Huge"), "members", "4294967296"),
        ),
        ("pw yes", with(valid("PASS01", "Password?"), "pw", "yes")),
        ("no code", without(valid("NONE01", "No code"), "code")),
        (
            "odd path",
            with(valid("PATH01", "Path"), "path", "http://evil/"),
        ),
    ];
    let mut fullnames = HashSet::new();
    for (i, (instance, txt)) in bad.iter().enumerate() {
        let port = 8000 + u16::try_from(i).expect("few cases");
        fullnames.insert(register(host.mdns(), instance, port, txt));
    }
    fullnames.insert(register(
        host.mdns(),
        "Valid",
        8100,
        &valid("GOOD01", "Valid room"),
    ));

    witness_all(witness.mdns(), &fullnames);
    let rooms = wait_for(&browser, FOUND_WITHIN, "the valid room", |r| !r.is_empty());
    // The bad ones were resolved by the witness too; give the browser the same chance.
    std::thread::sleep(Duration::from_millis(500));
    let rooms_later = browser.rooms();
    assert_eq!(rooms_later, rooms);
    assert_eq!(rooms.len(), 1, "only the valid room: {rooms:#?}");
    assert_eq!(rooms[0].code, "GOOD01");
    assert_eq!(rooms[0].url, "ws://127.0.0.1:8100/ws");

    // The records did reach the browsers: the newer app lists exactly the room of its version.
    let newer_rooms = wait_for(&newer_browser, FOUND_WITHIN, "the newer room", |r| {
        !r.is_empty()
    });
    let codes: Vec<_> = newer_rooms.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["VERS01"]);
}

#[test]
fn a_room_whose_record_turns_bad_leaves_the_list() {
    let Some((config, _)) = isolated("a_room_whose_record_turns_bad_leaves_the_list", 15392) else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    register(host.mdns(), "Turncoat", 8200, &valid("TURN01", "Turncoat"));
    wait_for(&browser, FOUND_WITHIN, "the room", |r| r.len() == 1);

    // Same instance, now claiming another protocol version.
    let mut info = ServiceInfo::new(
        SERVICE_TYPE,
        "Turncoat",
        "raw-8200.local.",
        (),
        8200,
        &with(valid("TURN01", "Turncoat"), "v", "99")[..],
    )
    .expect("service info")
    .enable_addr_auto();
    info.set_requires_probe(false);
    host.mdns().register(info).expect("re-register");
    wait_for(&browser, FOUND_WITHIN, "an empty list", <[_]>::is_empty);
}
