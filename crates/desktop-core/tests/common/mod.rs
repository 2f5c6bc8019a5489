//! Apps under test: real `App`s (real room server, real sockets, real decoder, the null audio
//! output), each in its own folder, with their UI events collected.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use desktop_core::view::{RoomUiView, SessionStatus, TickView, UiEvent};
use desktop_core::{App, AppOptions, AppPaths, Settings};

pub struct TestApp {
    pub app: Arc<App>,
    pub events: Arc<Mutex<Vec<UiEvent>>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// An app named `name` that hosts on loopback, any free port, and plays into no device.
    pub async fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = AppPaths {
            config_dir: dir.path().join("config"),
            data_dir: dir.path().join("data"),
            cache_dir: dir.path().join("cache"),
        };
        let events: Arc<Mutex<Vec<UiEvent>>> = Arc::default();
        let sink = {
            let events = events.clone();
            Arc::new(move |e: UiEvent| {
                events
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(e);
            })
        };
        let app = Arc::new(App::new(
            paths,
            AppOptions {
                host_loopback_only: true,
            },
            sink,
        ));
        app.save_settings(Settings {
            display_name: name.to_owned(),
            output_device: Some("null".to_owned()),
            host_port: 0,
            ..Settings::default()
        })
        .await
        .expect("settings");
        Self {
            app,
            events,
            _dir: dir,
        }
    }

    pub fn last_room(&self) -> Option<RoomUiView> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.iter().rev().find_map(|e| match e {
            UiEvent::Room(r) => Some((**r).clone()),
            _ => None,
        })
    }

    pub fn last_tick(&self) -> Option<TickView> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.iter().rev().find_map(|e| match e {
            UiEvent::Tick(t) => Some(t.clone()),
            _ => None,
        })
    }

    pub fn last_status(&self) -> Option<SessionStatus> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.iter().rev().find_map(|e| match e {
            UiEvent::Session(s) => Some(s.status),
            _ => None,
        })
    }

    pub fn events(&self) -> Vec<UiEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits (up to 10 s) until the last room view satisfies `check`.
    pub async fn wait_room(&self, what: &str, check: impl Fn(&RoomUiView) -> bool) -> RoomUiView {
        wait(what, || self.last_room().filter(|r| check(r))).await
    }

    pub async fn wait_tick(&self, what: &str, check: impl Fn(&TickView) -> bool) -> TickView {
        wait(what, || self.last_tick().filter(|t| check(t))).await
    }
}

pub async fn wait<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A real audio file from the audio engine's fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../audio-engine/tests/fixtures")
        .join(name)
}

/// A song long enough to seek in: 60 s of a tone, made with ffmpeg (setup.sh installs it).
pub fn long_song(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("Evening Tone.flac");
    let status = std::process::Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=60",
            "-ac",
            "2",
            "-metadata",
            "title=Evening Tone",
        ])
        .arg(&path)
        .status()
        .expect("ffmpeg");
    assert!(status.success(), "ffmpeg failed");
    path
}
