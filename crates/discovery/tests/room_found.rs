//! A room announced by one daemon is found, with every field right, by a browser on another
//! daemon in the same process.

mod common;

use std::time::Duration;

use common::{FOUND_WITHIN, PROTOCOL, announcement, isolated, wait_for};
use discovery::{Announcer, Browser, Daemon, DiscoveredRoom, RoomAnnouncement};

#[test]
fn a_room_announced_by_one_daemon_is_found_by_another() {
    let Some((config, _)) = isolated("a_room_announced_by_one_daemon_is_found_by_another", 15361)
    else {
        return;
    };
    let host = Daemon::with_config(config).expect("host daemon");
    let guest = Daemon::with_config(config).expect("guest daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");
    assert!(browser.rooms().is_empty());

    let room = Announcer::start(
        &host,
        RoomAnnouncement {
            room_name: "Friday jazz".into(),
            host_name: "Ada Lovelace".into(),
            code: "K7QM2D".into(),
            port: 7878,
            has_password: true,
            members: 3,
            protocol: PROTOCOL,
        },
    )
    .expect("announce");
    assert_eq!(room.fullname(), "Friday jazz (K7QM2D)._tandem._tcp.local.");

    let rooms = wait_for(&browser, FOUND_WITHIN, "the room", |r| !r.is_empty());
    assert_eq!(
        rooms,
        vec![DiscoveredRoom {
            name: "Friday jazz".into(),
            host_name: "Ada Lovelace".into(),
            code: "K7QM2D".into(),
            url: format!("ws://127.0.0.1:{}/ws", 7878),
            has_password: true,
            members: 3,
        }]
    );

    // What the UI receives.
    let json = serde_json::to_value(&rooms[0]).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "name": "Friday jazz",
            "hostName": "Ada Lovelace",
            "code": "K7QM2D",
            "url": "ws://127.0.0.1:7878/ws",
            "hasPassword": true,
            "members": 3,
        })
    );

    // The watch channel carries the same list.
    let rx = browser.subscribe();
    assert_eq!(*rx.borrow(), rooms);
}

#[test]
fn a_late_browser_finds_rooms_already_announced_sorted_by_name() {
    let Some((config, _)) = isolated(
        "a_late_browser_finds_rooms_already_announced_sorted_by_name",
        15362,
    ) else {
        return;
    };
    let host_a = Daemon::with_config(config).expect("daemon");
    let host_b = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");

    let _zebra =
        Announcer::start(&host_a, announcement("Zebra lounge", "ZZZZ99", 9001)).expect("announce");
    let _attic = Announcer::start(&host_b, announcement("attic sessions", "AAAA11", 9002))
        .expect("announce");
    // Let both finish probing and announcing before anyone asks.
    std::thread::sleep(Duration::from_millis(1500));

    let browser = Browser::start(&guest, PROTOCOL).expect("browser");
    let rooms = wait_for(&browser, FOUND_WITHIN, "both rooms", |r| r.len() == 2);
    let names: Vec<_> = rooms.iter().map(|r| r.name.as_str()).collect();
    // Plain `str` order: upper case before lower case.
    assert_eq!(names, ["Zebra lounge", "attic sessions"]);
    assert_eq!(rooms[0].url, "ws://127.0.0.1:9001/ws");
    assert_eq!(rooms[1].url, "ws://127.0.0.1:9002/ws");
    assert!(
        rooms
            .iter()
            .all(|r| r.host_name == "Ada" && r.members == 1 && !r.has_password)
    );
}
