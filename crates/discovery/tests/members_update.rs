//! Updating an announcement (member count, password flag) reaches a browser, without the
//! room ever leaving its list.

mod common;

use common::{FOUND_WITHIN, PROTOCOL, announcement, isolated, wait_for};
use discovery::{Announcer, Browser, Daemon, RoomAnnouncement};

#[test]
fn a_new_member_count_is_seen_by_the_browser() {
    let Some((config, _)) = isolated("a_new_member_count_is_seen_by_the_browser", 15371) else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");
    let mut rx = browser.subscribe();

    let mut room =
        Announcer::start(&host, announcement("Kitchen", "KTCH42", 7000)).expect("announce");
    wait_for(&browser, FOUND_WITHIN, "the room", |r| {
        r.len() == 1 && r[0].members == 1
    });
    rx.mark_unchanged();

    room.set_members(4).expect("update");
    assert_eq!(room.announcement().members, 4);
    let rooms = wait_for(&browser, FOUND_WITHIN, "4 members", |r| {
        r.len() == 1 && r[0].members == 4
    });
    assert_eq!(rooms[0].code, "KTCH42");
    assert!(
        rx.has_changed().expect("sender alive"),
        "watch receivers are told"
    );

    room.update(RoomAnnouncement {
        has_password: true,
        members: 5,
        ..room.announcement().clone()
    })
    .expect("update");
    wait_for(&browser, FOUND_WITHIN, "password and 5 members", |r| {
        r.len() == 1 && r[0].members == 5 && r[0].has_password
    });
}

#[test]
fn a_count_that_goes_back_within_a_second_is_seen() {
    // mdns-sd sends a given record at most once a second; the TXT revision keeps 1 -> 2 -> 1
    // from repeating the first record (which would leave browsers stuck at 2).
    let Some((config, _)) = isolated("a_count_that_goes_back_within_a_second_is_seen", 15373)
    else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    let mut room =
        Announcer::start(&host, announcement("Flicker", "FLIK01", 7002)).expect("announce");
    wait_for(&browser, FOUND_WITHIN, "the room", |r| {
        r.len() == 1 && r[0].members == 1
    });
    room.set_members(2).expect("update");
    wait_for(&browser, FOUND_WITHIN, "2 members", |r| {
        r.len() == 1 && r[0].members == 2
    });
    room.set_members(1).expect("update");
    wait_for(&browser, FOUND_WITHIN, "1 member again", |r| {
        r.len() == 1 && r[0].members == 1
    });

    // A burst ends on its last value.
    for members in [5, 6, 7, 6, 5] {
        room.set_members(members).expect("update");
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    wait_for(&browser, FOUND_WITHIN, "5 members after the burst", |r| {
        r.len() == 1 && r[0].members == 5
    });
    std::thread::sleep(std::time::Duration::from_millis(1200));
    assert_eq!(browser.rooms()[0].members, 5, "and stays there");
}

#[test]
fn renaming_the_room_replaces_its_entry() {
    let Some((config, _)) = isolated("renaming_the_room_replaces_its_entry", 15372) else {
        return;
    };
    let host = Daemon::with_config(config).expect("daemon");
    let guest = Daemon::with_config(config).expect("daemon");
    let browser = Browser::start(&guest, PROTOCOL).expect("browser");

    let mut room =
        Announcer::start(&host, announcement("Old name", "RNME01", 7001)).expect("announce");
    wait_for(&browser, FOUND_WITHIN, "the room", |r| r.len() == 1);

    room.update(RoomAnnouncement {
        room_name: "New name".into(),
        ..room.announcement().clone()
    })
    .expect("rename");
    assert_eq!(room.fullname(), "New name (RNME01)._tandem._tcp.local.");
    wait_for(&browser, FOUND_WITHIN, "only the new name", |r| {
        r.len() == 1 && r[0].name == "New name"
    });
}
