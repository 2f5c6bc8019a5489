//! Settings survive a restart; a damaged file is set aside (never a refusal to start); a bad
//! display name is refused with a clear message.

use desktop_core::settings::{DEFAULT_HOST_PORT, Settings, SettingsStore, Theme};
use room_core::ControlPolicy;

#[test]
fn saved_settings_come_back() {
    let dir = tempfile::tempdir().expect("dir");
    let store = SettingsStore::new(&dir.path().join("config"));
    assert_eq!(store.load(), Settings::default());
    let s = Settings {
        display_name: "  Ada ".into(),
        output_device: Some("USB DAC".into()),
        default_policy: ControlPolicy::Everyone,
        theme: Theme::Dark,
        host_port: 9000,
        notify_when_hidden: false,
        last_address: "192.168.1.20:7878".into(),
        spotify_client_id: " 0123456789abcdef0123456789ABCDEF ".into(),
        spotify_device: spotify::DeviceChoice::Id {
            id: "dev1".into(),
            name: "Kitchen speaker".into(),
        },
    }
    .validated()
    .expect("valid");
    assert_eq!(s.display_name, "Ada");
    assert_eq!(s.spotify_client_id, "0123456789abcdef0123456789ABCDEF");
    store.save(&s).expect("save");
    assert_eq!(SettingsStore::new(&dir.path().join("config")).load(), s);
}

#[test]
fn damaged_file_is_set_aside() {
    let dir = tempfile::tempdir().expect("dir");
    let store = SettingsStore::new(dir.path());
    std::fs::write(store.path(), "{ not json").expect("write");
    let s = store.load();
    assert_eq!(s, Settings::default());
    assert_eq!(s.host_port, DEFAULT_HOST_PORT);
    assert!(
        dir.path().join("settings.json.bad").exists(),
        "bad file not kept"
    );
    // Unknown and missing fields are fine: defaults fill in.
    std::fs::write(store.path(), r#"{"displayName":"Ben","future":1}"#).expect("write");
    assert_eq!(store.load().display_name, "Ben");
}

#[test]
fn bad_display_names_are_refused() {
    let e = Settings {
        spotify_client_id: "not-a-client-id".into(),
        ..Settings::default()
    }
    .validated()
    .expect_err("bad client id");
    assert_eq!(e.kind(), "invalid-input");
    for bad in ["x".repeat(41), "tab\there".into()] {
        let e = Settings {
            display_name: bad.clone(),
            ..Settings::default()
        }
        .validated()
        .expect_err(&bad);
        assert_eq!(e.kind(), "invalid-input");
    }
}
