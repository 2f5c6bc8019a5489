//! The Spotify client id and device change only through the Spotify commands: saving the
//! settings screen (which may have been opened before a login) keeps them. Without a login,
//! Spotify says what to do and device lists are refused with a code.

use std::sync::Arc;

use desktop_core::{App, AppOptions, AppPaths, Settings};

const CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn spotify_settings_survive_a_settings_save() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(dir.path().join("config")).expect("config");
    std::fs::write(
        dir.path().join("config/settings.json"),
        format!(r#"{{"displayName":"Ada","spotifyClientId":"{CLIENT_ID}","spotifyDevice":{{"kind":"id","id":"d1","name":"Kitchen"}}}}"#),
    )
    .expect("settings");
    let app = App::new(
        AppPaths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
            cache_dir: dir.path().join("cache"),
        },
        AppOptions::default(),
        Arc::new(|_| {}),
    );
    let saved = app
        .save_settings(Settings {
            display_name: "Ada L.".into(),
            ..Settings::default()
        })
        .await
        .expect("save");
    assert_eq!(saved.display_name, "Ada L.");
    assert_eq!(saved.spotify_client_id, CLIENT_ID);
    assert!(
        matches!(saved.spotify_device, spotify::DeviceChoice::Id { ref name, .. } if name == "Kitchen")
    );

    let view = app.spotify_state().await;
    assert_eq!(view.client_id, CLIENT_ID);
    assert!(!view.connected);
    assert!(view.redirect_uri.starts_with("http://127.0.0.1:"));
    assert!(!view.message.is_empty());
    let e = app.spotify_devices().await.expect_err("not connected");
    assert_eq!(e.kind(), "not-connected");
}

#[tokio::test]
async fn a_malformed_device_choice_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let app = App::new(
        AppPaths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
            cache_dir: dir.path().join("cache"),
        },
        AppOptions::default(),
        Arc::new(|_| {}),
    );
    for (id, name) in [("", "Kitchen"), ("d1", "x\u{7}"), ("d1", &*"n".repeat(201))] {
        let e = app
            .spotify_choose_device(spotify::DeviceChoice::Id {
                id: id.into(),
                name: name.into(),
            })
            .await
            .expect_err("refused");
        assert_eq!(e.kind(), "invalid-input");
    }
    assert_eq!(
        app.settings().await.spotify_device,
        spotify::DeviceChoice::Auto
    );
}
