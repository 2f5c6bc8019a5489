//! A stopped announcer (stop(), drop, or its daemon going away) sends goodbye packets, and the
//! room leaves the browser's list promptly, long before its records' TTL.

mod common;

use std::time::Duration;

use common::{FOUND_WITHIN, PROTOCOL, announcement, isolated, wait_for};
use discovery::{Announcer, Browser, Daemon};

/// mdns-sd drops a record one second after its goodbye (RFC 6762 §10.1); the records' TTL
/// would be 75 minutes (120 s for addresses).
const GONE_WITHIN: Duration = Duration::from_secs(5);

#[test]
fn stop_removes_the_room_from_the_list() {
    let Some((config, _)) = isolated("stop_removes_the_room_from_the_list", 15381) else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    let staying =
        Announcer::start(&host, announcement("Staying", "STAY01", 7100)).expect("announce");
    let leaving =
        Announcer::start(&host, announcement("Leaving", "LEAV01", 7101)).expect("announce");
    wait_for(&browser, FOUND_WITHIN, "both rooms", |r| r.len() == 2);

    leaving.stop().expect("stop");
    let rooms = wait_for(&browser, GONE_WITHIN, "only the staying room", |r| {
        r.len() == 1 && r[0].code == "STAY01"
    });
    assert_eq!(rooms[0].name, "Staying");
    drop(staying);
}

#[test]
fn dropping_the_announcer_removes_the_room() {
    let Some((config, _)) = isolated("dropping_the_announcer_removes_the_room", 15382) else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    let room = Announcer::start(&host, announcement("Dropped", "DROP01", 7102)).expect("announce");
    wait_for(&browser, FOUND_WITHIN, "the room", |r| r.len() == 1);
    drop(room);
    wait_for(&browser, GONE_WITHIN, "an empty list", <[_]>::is_empty);
}

#[test]
fn shutting_the_daemon_down_removes_what_it_announced() {
    let Some((config, _)) = isolated("shutting_the_daemon_down_removes_what_it_announced", 15383)
    else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    // Registered behind the announcer's back: only the daemon's shutdown can withdraw it.
    let props = [
        ("code", "QUIT01"),
        ("name", "App quits"),
        ("host", "Ada"),
        ("pw", "0"),
        ("members", "1"),
        ("v", "1"),
        ("path", "/ws"),
    ];
    let info = mdns_sd::ServiceInfo::new(
        discovery::SERVICE_TYPE,
        "App quits (QUIT01)",
        "tandem-quit01.local.",
        (),
        7103,
        &props[..],
    )
    .expect("service info")
    .enable_addr_auto();
    host.mdns().register(info).expect("register");
    wait_for(&browser, FOUND_WITHIN, "the room", |r| r.len() == 1);

    drop(host); // the last handle: the daemon shuts down, saying goodbye
    wait_for(&browser, GONE_WITHIN, "an empty list", <[_]>::is_empty);
}

#[test]
fn a_room_announced_again_right_after_stop_is_listed() {
    let Some((config, _)) = isolated("a_room_announced_again_right_after_stop_is_listed", 15384)
    else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    let room = Announcer::start(&host, announcement("Phoenix", "PHNX01", 7104)).expect("announce");
    wait_for(&browser, FOUND_WITHIN, "the room", |r| r.len() == 1);
    room.stop().expect("stop");
    let _again = Announcer::start(&host, announcement("Phoenix", "PHNX01", 7104)).expect("again");
    // Past the second after which the goodbye would have removed it.
    std::thread::sleep(Duration::from_millis(2500));
    wait_for(&browser, FOUND_WITHIN, "the room again", |r| {
        r.len() == 1 && r[0].code == "PHNX01"
    });
}
