//! Typed errors with stable kinds: no interface to browse on, announcements no browser would
//! list, a second browser on one daemon.

mod common;

use common::{LO_ONLY, PROTOCOL, announcement, isolated, namespace_only};
use discovery::{
    Announcer, Browser, Daemon, DaemonConfig, DiscoveryError, RoomAnnouncement, Scope,
};

#[test]
fn a_machine_without_network_says_so() {
    // In a namespace whose only interface is `lo`, the LAN scope has nothing to use.
    if !namespace_only("a_machine_without_network_says_so", LO_ONLY) {
        return;
    }
    let err = Daemon::new().expect_err("no LAN interface here");
    assert_eq!(err.kind(), "no-interface", "{err}");
    assert!(err.is_unavailable());
    assert!(
        err.to_string().contains("join a room by its address"),
        "{err}"
    );
    assert!(matches!(
        err,
        DiscoveryError::NoInterface { scope: Scope::Lan }
    ));

    // Loopback works there, as the other tests rely on.
    Daemon::with_config(DaemonConfig::loopback()).expect("loopback daemon");
}

#[test]
fn announcements_no_browser_would_list_are_refused() {
    let good = announcement("Friday jazz", "K7QM2D", 7878);
    assert!(good.validate().is_ok());
    let cases: Vec<(&str, RoomAnnouncement)> = vec![
        (
            "empty name",
            RoomAnnouncement {
                room_name: String::new(),
                ..good.clone()
            },
        ),
        (
            "blank name",
            RoomAnnouncement {
                room_name: "  ".into(),
                ..good.clone()
            },
        ),
        (
            "padded name",
            RoomAnnouncement {
                room_name: " x ".into(),
                ..good.clone()
            },
        ),
        (
            "long name",
            RoomAnnouncement {
                room_name: "n".repeat(61),
                ..good.clone()
            },
        ),
        (
            "control in name",
            RoomAnnouncement {
                room_name: "a\u{1}b".into(),
                ..good.clone()
            },
        ),
        (
            "control in host",
            RoomAnnouncement {
                host_name: "a\nb".into(),
                ..good.clone()
            },
        ),
        (
            "empty host",
            RoomAnnouncement {
                host_name: String::new(),
                ..good.clone()
            },
        ),
        (
            "short code",
            RoomAnnouncement {
                code: "ABC".into(),
                ..good.clone()
            },
        ),
        (
            "long code",
            RoomAnnouncement {
                code: "A".repeat(13),
                ..good.clone()
            },
        ),
        (
            "code with space",
            RoomAnnouncement {
                code: "AB CD".into(),
                ..good.clone()
            },
        ),
        (
            "port 0",
            RoomAnnouncement {
                port: 0,
                ..good.clone()
            },
        ),
    ];
    for (what, ann) in cases {
        let err = ann.validate().expect_err(what);
        assert_eq!(err.kind(), "invalid-announcement", "{what}: {err}");
        assert!(!err.is_unavailable());
    }
    assert!(
        RoomAnnouncement {
            room_name: "n".repeat(60),
            ..good.clone()
        }
        .validate()
        .is_ok()
    );
    assert!(
        RoomAnnouncement {
            code: "abcd".into(),
            ..good
        }
        .validate()
        .is_ok()
    );
}

#[test]
fn announcer_and_browser_refuse_misuse() {
    let Some((config, _)) = isolated("announcer_and_browser_refuse_misuse", 15401) else {
        return;
    };
    let daemon = Daemon::with_config(config).expect("daemon");

    let bad = RoomAnnouncement {
        code: "no".into(),
        ..announcement("Room", "ROOM01", 7878)
    };
    let err = Announcer::start(&daemon, bad).expect_err("invalid");
    assert_eq!(err.kind(), "invalid-announcement");

    let mut room = Announcer::start(&daemon, announcement("Room", "ROOM01", 7878)).expect("room");
    let err = room
        .update(RoomAnnouncement {
            host_name: "\u{7}".into(),
            ..room.announcement().clone()
        })
        .expect_err("invalid update");
    assert_eq!(err.kind(), "invalid-announcement");
    assert_eq!(
        room.announcement().host_name,
        "Ada",
        "a refused update changes nothing"
    );

    let browser = Browser::start(&daemon, PROTOCOL).expect("first browser");
    let err = Browser::start(&daemon, PROTOCOL).expect_err("second browser");
    assert_eq!(err.kind(), "already-browsing");
    // A clone is the same daemon.
    let err = Browser::start(&daemon.clone(), PROTOCOL).expect_err("second browser");
    assert_eq!(err.kind(), "already-browsing");
    browser.stop();
    let again = Browser::start(&daemon, PROTOCOL).expect("a browser after the first stopped");
    drop(again);
    Browser::start(&daemon, PROTOCOL).expect("a browser after the second was dropped");
    room.stop().expect("stop");
}
