//! The real app in a real window (under Xvfb), driven through tauri-driver and WebKitWebDriver:
//! a first run asks for a name; the app hosts a room on its embedded server; a second
//! participant (a headless desktop-core App over real sockets, as another machine's app would
//! be) joins by the address and code the window shows. The host adds a local file (the command
//! a file drop uses), and play, pause, seek, vote, a YouTube song through the page's IFrame
//! bridge (the fake IFrame API in place of YouTube's script) and chat are checked on both sides.
//! Screenshots of the main screens go to target/e2e-artifacts/.

mod support;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use desktop_core::view::{JoinRequest, RoomUiView, TickView, UiEvent};
use desktop_core::{App, AppOptions, AppPaths, Settings};
use serde_json::json;
use support::webdriver::{Session, tid};

struct Guest {
    app: Arc<App>,
    events: Arc<Mutex<Vec<UiEvent>>>,
}

impl Guest {
    fn new(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> Self {
        let events: Arc<Mutex<Vec<UiEvent>>> = Arc::default();
        let sink = {
            let events = events.clone();
            Arc::new(move |e: UiEvent| {
                events
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(e)
            })
        };
        let app = Arc::new(App::new(
            AppPaths {
                config_dir: dir.join("config"),
                data_dir: dir.join("data"),
                cache_dir: dir.join("cache"),
            },
            AppOptions::default(),
            sink,
        ));
        rt.block_on(app.save_settings(Settings {
            display_name: "Ben".into(),
            output_device: Some("null".into()),
            ..Settings::default()
        }))
        .expect("guest settings");
        Self { app, events }
    }

    fn room(&self) -> Option<RoomUiView> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.iter().rev().find_map(|e| match e {
            UiEvent::Room(r) => Some((**r).clone()),
            _ => None,
        })
    }

    fn tick(&self) -> Option<TickView> {
        let events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        events.iter().rev().find_map(|e| match e {
            UiEvent::Tick(t) => Some(t.clone()),
            _ => None,
        })
    }

    fn wait_room(&self, what: &str, check: impl Fn(&RoomUiView) -> bool) -> RoomUiView {
        wait(what, || self.room().filter(|r| check(r)))
    }

    fn wait_tick(&self, what: &str, check: impl Fn(&TickView) -> bool) -> TickView {
        wait(what, || self.tick().filter(|t| check(t)))
    }
}

fn wait<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Calls an app command from the page, as the UI does.
fn invoke(s: &Session, command: &str, args: serde_json::Value) -> serde_json::Value {
    s.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
           .then(v => done({ok: v === undefined ? null : v}), e => done({err: e}));",
        json!([command, args]),
    )
    .unwrap_or_else(|e| panic!("invoke {command}: {e}"))
}

#[test]
fn app_hosts_and_a_listener_follows() {
    if !support::require() {
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path().join("home");
    // No name yet (the first-run gate shows), no sound device needed.
    std::fs::create_dir_all(home.join("config")).expect("config dir");
    std::fs::write(
        home.join("config/settings.json"),
        r#"{"outputDevice": "null", "hostPort": 0}"#,
    )
    .expect("settings");
    let fake_youtube = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ui/test/fake-youtube-iframe-api.js");
    let env = [
        ("TANDEM_HOME", home.display().to_string()),
        ("TANDEM_UI_PORT", support::free_port().to_string()),
        ("TANDEM_HOST_LOOPBACK", "1".to_owned()),
        ("TANDEM_NO_LAN", "1".to_owned()),
        ("TANDEM_YOUTUBE_API", fake_youtube.display().to_string()),
        ("NO_AT_BRIDGE", "1".to_owned()),
    ];
    let driver = support::Driver::start(&env, &tmp.path().join("tauri-driver.log"));
    let s = Session::start(&driver.url, env!("CARGO_BIN_EXE_tandem")).expect("app session");
    let rt = tokio::runtime::Runtime::new().expect("runtime");

    // First run: a name.
    s.el("name-gate");
    // Least privilege: the page may call the app's commands, nothing else (a plugin's file
    // dialog, say).
    let refused = invoke(&s, "plugin:dialog|open", json!({"options": {}}));
    assert!(
        refused["err"]
            .as_str()
            .is_some_and(|e| e.contains("not allowed")),
        "a plugin command was not refused by the ACL: {refused}"
    );
    let allowed = invoke(&s, "get_settings", json!({}));
    assert!(
        allowed.get("ok").is_some(),
        "an app command was refused: {allowed}"
    );
    s.screenshot("01-first-run");
    s.type_into("name-input", "Ada");
    s.click_id("name-save");
    s.el("home");
    s.screenshot("02-home");

    // Host a room.
    s.type_into("host-name", "Friday listening");
    s.click_id("host-submit");
    s.el("room");
    let code_el = s.el("room-code");
    let code = s
        .attr(&code_el, "data-code")
        .unwrap_or_else(|| s.text(&code_el));
    assert!(code.len() >= 4, "code {code:?}");
    let addresses = s.text_of("share-addresses");
    let address = addresses
        .split_whitespace()
        .find(|a| a.starts_with("127.0.0.1:"))
        .unwrap_or_else(|| panic!("no loopback address in {addresses:?}"))
        .to_owned();
    s.el("queue-empty");
    s.screenshot("03-room-empty");

    // Ben joins by address and code.
    let guest = Guest::new(&rt, &tmp.path().join("guest"));
    rt.block_on(guest.app.join_room(JoinRequest {
        address: address.clone(),
        code: code.clone(),
        password: None,
    }))
    .expect("guest joins");
    let seen = guest.wait_room("the guest in the room", |r| r.members.len() == 2);
    assert_eq!(seen.name, "Friday listening");
    s.wait_text(&tid("member-name"), 15, "Ben in the members list", |t| {
        t.contains("Ben")
    });

    // The host adds a local file, as dropping it on the window does.
    let song = support::long_song(tmp.path());
    let added = invoke(
        &s,
        "add_files",
        json!({"paths": [song.display().to_string()]}),
    );
    assert!(added.get("err").is_none(), "add_files: {added}");
    s.wait_text(&tid("now-title"), 20, "the song's title", |t| {
        t.contains("Evening Tone")
    });
    let playing = guest.wait_room("the guest hears it playing", |r| {
        r.now_playing.as_ref().is_some_and(|n| n.is_playing)
    });
    let song_view = playing.now_playing.expect("now playing").song;
    assert_eq!(song_view.title, "Evening Tone");
    assert_eq!(song_view.added_by_name, "Ada");
    guest.wait_tick("the guest's local player following", |t| {
        t.player.kind == desktop_core::view::PlayerKind::Local && t.position_us > 1_000_000
    });
    s.wait_text(&tid("sync-label"), 20, "the sync badge in sync", |t| {
        t.contains("in sync")
    });
    s.screenshot("04-playing");

    // Pause from the window: both sides stop.
    s.click_id("play-pause");
    guest.wait_room("paused on the guest", |r| {
        r.now_playing.as_ref().is_some_and(|n| !n.is_playing)
    });
    let paused_at = guest
        .wait_tick("a paused tick", |t| !t.is_playing)
        .position_us;

    // Seek 10 s ahead with the keyboard (→), while paused.
    s.execute(
        "document.activeElement && document.activeElement.blur()",
        json!([]),
    )
    .expect("blur");
    s.press("\u{E014}");
    let moved = guest.wait_tick("the seek on the guest", |t| {
        !t.is_playing && (t.position_us - (paused_at + 10_000_000)).abs() < 1_500_000
    });
    eprintln!(
        "paused at {paused_at} µs, seeked to {} µs",
        moved.position_us
    );

    // Resume with Space.
    s.press(" ");
    guest.wait_room("playing again on the guest", |r| {
        r.now_playing.as_ref().is_some_and(|n| n.is_playing)
    });

    // Ben adds a YouTube link; Ada votes for it in the window; Ben sees the score.
    rt.block_on(
        guest
            .app
            .add_link("https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    )
    .expect("link");
    s.el("queue-item");
    s.click_id("vote-up");
    let voted = guest.wait_room("Ada's vote on the guest", |r| {
        r.queue.first().is_some_and(|q| q.entry.upvotes == 1)
    });
    let yt_id = voted.queue[0].entry.song.id;
    rt.block_on(guest.app.vote(yt_id, 1)).expect("guest vote");
    s.wait_text(&tid("queue-score"), 15, "a score of 2 in the window", |t| {
        t.contains('2')
    });

    // Play it now: the page's YouTube bridge drives the (fake) IFrame player.
    s.click_id("play-now");
    s.wait_until(20, "the fake YouTube player playing", |s| {
        s.attrs("[data-fake-youtube]", "data-state")
            .contains(&Some("1".into()))
            && s.attrs("[data-fake-youtube]", "data-video-id")
                .contains(&Some("dQw4w9WgXcQ".into()))
    });
    guest.wait_room("the YouTube song current on the guest", |r| {
        r.now_playing.as_ref().is_some_and(|n| n.song.id == yt_id)
    });
    s.wait_until(15, "now playing from YouTube", |s| {
        s.attrs(&tid("now-playing"), "data-source")
            .contains(&Some("youtube".into()))
    });
    // The bridge learns YouTube's seek lag and settles in sync (the fake buffers like YouTube).
    s.wait_text(&tid("sync-label"), 30, "in sync on YouTube", |t| {
        t.contains("in sync")
    });
    s.screenshot("05-youtube");

    // Chat both ways.
    s.type_into("chat-input", "hello from Ada");
    s.click_id("chat-send");
    guest.wait_room("Ada's message on the guest", |r| {
        r.chat.iter().any(|m| m.text == "hello from Ada")
    });
    rt.block_on(guest.app.chat("hi Ada")).expect("chat");
    s.wait_text(&tid("chat-text"), 15, "Ben's message in the window", |t| {
        t.contains("hi Ada")
    });

    // Settings.
    s.click_id("open-settings");
    s.el("settings");
    s.screenshot("06-settings");
    s.click_id("settings-cancel");

    rt.block_on(guest.app.leave_room());
    s.end();
    drop(driver);
}
