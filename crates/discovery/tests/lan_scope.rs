//! The LAN scope the app uses: rooms are announced with the addresses of the non-loopback
//! interfaces, never 127.0.0.1, and found on them. Runs in a network namespace with a veth
//! pair standing in for the LAN (skipped loudly where namespaces are unavailable).

mod common;

use std::time::Duration;

use common::{FOUND_WITHIN, PROTOCOL, VETH_LAN, announcement, namespace_only, wait_for};
use discovery::{Announcer, Browser, Daemon, DaemonConfig, Scope};

#[test]
fn lan_rooms_are_found_on_lan_addresses_only() {
    if !namespace_only("lan_rooms_are_found_on_lan_addresses_only", VETH_LAN) {
        return;
    }
    let host = Daemon::new().expect("LAN daemon");
    assert_eq!(host.config().scope, Scope::Lan);
    let guest = Daemon::new().expect("LAN daemon");
    let on_loopback = Daemon::with_config(DaemonConfig::loopback()).expect("loopback daemon");
    let lan_browser = Browser::start(&guest, PROTOCOL).expect("browser");
    let loopback_browser = Browser::start(&on_loopback, PROTOCOL).expect("browser");

    let _room =
        Announcer::start(&host, announcement("Living room", "LIVE01", 7878)).expect("announce");
    let rooms = wait_for(&lan_browser, FOUND_WITHIN, "the room on the LAN", |r| {
        !r.is_empty()
    });
    assert_eq!(rooms.len(), 1);
    // Both veth addresses are announced; the lowest IPv4 one is chosen.
    assert_eq!(rooms[0].url, "ws://198.51.100.1:7878/ws");

    // Nothing was sent on loopback.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        loopback_browser.rooms().is_empty(),
        "a LAN daemon announced on loopback: {:#?}",
        loopback_browser.rooms()
    );
}
