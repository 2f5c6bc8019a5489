//! Tandem's desktop app: the Tauri shell around [`desktop_core::App`].
//!
//! Rust owns networking, sync and audio; the UI renders what it is sent and sends intents.
//! The UI is served from a loopback origin (`ui_server`), granted IPC to exactly the app's
//! commands (`ipc_commands.rs`) at start; state reaches it through one IPC channel
//! (`subscribe`), position ticks included.
//!
//! # Layout
//! ```text
//! src/
//!   main.rs           one line: run()
//!   lib.rs            builds the app: plugins, setup, the window, shutdown
//!   commands.rs       the IPC commands, thin wrappers over desktop_core::App
//!   ipc_commands.rs   the commands' names (shared with build.rs for their permissions)
//!   events.rs         EventHub: the UI channel, notifications, now-playing for media controls
//!   media.rs          OS media keys and now-playing (souvlaki)
//!   ui_server.rs      the loopback origin serving the built UI
//! ```
//!
//! # Environment (tests and power users)
//! - `TANDEM_HOME`: keep settings, rooms and the song cache under this folder.
//! - `TANDEM_UI_PORT`: the UI origin's port (default 47880; any free port if taken).
//! - `TANDEM_YOUTUBE_API`: a file served in place of YouTube's IFrame API script (the fake in
//!   `ui/test/`); the real script URL is used otherwise.
//! - `TANDEM_HOST_LOOPBACK=1`: host on 127.0.0.1 only.
//! - `TANDEM_NO_LAN=1`: neither list nor announce rooms on the LAN.
//! - `TANDEM_READY_FILE`: append `page` when the window's page has loaded and `interactive`
//!   when the UI has subscribed (the app benchmark's cold-start marks).
//! - `TANDEM_BENCH_BLANK=1`: show an empty page instead of the UI (the benchmark's baseline:
//!   the same shell and webview with nothing of Tandem's UI).

mod commands;
mod events;
mod ipc_commands;
mod media;
mod ui_server;

use std::path::PathBuf;
use std::sync::Arc;

use desktop_core::{App, AppOptions, AppPaths};
use tauri::ipc::CapabilityBuilder;
use tauri::{AppHandle, Manager, RunEvent, WebviewUrl, WebviewWindowBuilder, WindowEvent};

pub use ipc_commands::COMMANDS;

use events::EventHub;

/// YouTube's real IFrame API script.
const YOUTUBE_API_URL: &str = "https://www.youtube.com/iframe_api";
const DEFAULT_UI_PORT: u16 = 47880;

/// Fixed at start, read by `app_config`.
pub struct Config {
    pub youtube_api_url: String,
}

/// Runs the app until its window closes.
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tao=warn,wry=warn".into()),
        )
        .try_init();
    let hub = Arc::new(EventHub::default());
    let built = tauri::Builder::default()
        // First: a second launch (a clicked tandem:// link) hands its URL to this instance.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(hub.clone())
        .invoke_handler(tauri::generate_handler![
            commands::subscribe,
            commands::app_config,
            commands::get_settings,
            commands::save_settings,
            commands::list_output_devices,
            commands::host_room,
            commands::join_room,
            commands::open_link,
            commands::leave_room,
            commands::close_room,
            commands::control,
            commands::add_link,
            commands::add_files,
            commands::choose_files,
            commands::vote,
            commands::reorder,
            commands::remove_song,
            commands::chat,
            commands::set_role,
            commands::transfer_host,
            commands::set_policy,
            commands::youtube_report,
            commands::spotify_state,
            commands::spotify_connect,
            commands::spotify_disconnect,
            commands::spotify_devices,
            commands::spotify_choose_device,
            commands::open_youtube_search,
        ])
        .setup(move |app| {
            setup(app.handle(), hub.clone())?;
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match built {
        Ok(app) => app,
        Err(e) => {
            eprintln!("tandem: could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event
            && let Some(core) = handle.try_state::<Arc<App>>()
        {
            let core = core.inner().clone();
            tauri::async_runtime::block_on(core.shutdown());
        }
    });
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn paths(handle: &AppHandle) -> tauri::Result<AppPaths> {
    if let Some(home) = env_path("TANDEM_HOME") {
        return Ok(AppPaths {
            config_dir: home.join("config"),
            data_dir: home.join("data"),
            cache_dir: home.join("cache"),
        });
    }
    let p = handle.path();
    Ok(AppPaths {
        config_dir: p.app_config_dir()?,
        data_dir: p.app_data_dir()?,
        cache_dir: p.app_cache_dir()?.join("songs"),
    })
}

/// Appends `what` to `$TANDEM_READY_FILE`, if set (the benchmark's marks).
pub(crate) fn mark_ready(what: &str) {
    use std::io::Write as _;
    let Some(path) = env_path("TANDEM_READY_FILE") else {
        return;
    };
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{what}");
    }
}

/// Whether settings allow the "now playing" notification.
pub(crate) fn notify_enabled(handle: &AppHandle) -> bool {
    handle
        .try_state::<Arc<App>>()
        .is_some_and(|app| app.notify_when_hidden())
}

fn setup(handle: &AppHandle, hub: Arc<EventHub>) -> Result<(), Box<dyn std::error::Error>> {
    hub.attach(handle.clone());
    let sink: desktop_core::session::EventSink = {
        let hub = hub.clone();
        Arc::new(move |event| hub.dispatch(event))
    };
    let options = AppOptions {
        host_loopback_only: std::env::var("TANDEM_HOST_LOOPBACK").is_ok_and(|v| v == "1"),
    };
    let core = Arc::new(App::new(paths(handle)?, options, sink));
    handle.manage(core.clone());

    let fake_youtube = env_path("TANDEM_YOUTUBE_API");
    let ui_port = std::env::var("TANDEM_UI_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(DEFAULT_UI_PORT);
    let port = tauri::async_runtime::block_on(ui_server::start(
        handle.clone(),
        ui_port,
        fake_youtube.clone(),
        std::env::var("TANDEM_BENCH_BLANK").is_ok_and(|v| v == "1"),
    ))?;
    let origin = format!("http://127.0.0.1:{port}");
    let youtube_api_url = match fake_youtube {
        Some(_) => format!("{origin}{}", ui_server::FAKE_YOUTUBE_PATH),
        None => YOUTUBE_API_URL.to_owned(),
    };
    handle.manage(Config { youtube_api_url });

    // IPC for exactly the UI's origin, exactly the app's commands.
    let mut capability = CapabilityBuilder::new("loopback-ui")
        .remote(format!("{origin}/*"))
        .local(false)
        .window("main");
    for command in COMMANDS {
        capability = capability.permission(format!("allow-{}", command.replace('_', "-")));
    }
    handle.add_capability(capability)?;

    let blank = std::env::var("TANDEM_BENCH_BLANK").is_ok_and(|v| v == "1");
    let page = if blank { ui_server::BLANK_PATH } else { "/" };
    let url = format!("{origin}{page}").parse()?;
    let window = WebviewWindowBuilder::new(handle, "main", WebviewUrl::External(url))
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                mark_ready("page");
            }
        })
        .title("Tandem")
        .inner_size(1120.0, 780.0)
        .min_inner_size(720.0, 520.0)
        .build()?;

    // Files dropped on the window go to the queue.
    {
        let core = core.clone();
        window.on_window_event(move |event| {
            if let WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let core = core.clone();
                let paths = paths.clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(e) = core.add_files(paths).await {
                        tracing::info!(error = %e, "dropped files not added");
                    }
                });
            }
        });
    }

    deep_links(handle, &core);
    {
        let core = core.clone();
        tauri::async_runtime::spawn(async move { core.spotify_restore().await });
    }
    if std::env::var("TANDEM_NO_LAN").is_err() {
        let core = core.clone();
        tauri::async_runtime::spawn(async move { desktop_core::lan::start(core) });
    }
    hub.media.start(core, None);
    Ok(())
}

/// `tandem://join/...` links: the one the app was started with, and those opened later (a
/// second launch hands its link over through the single-instance plugin).
fn deep_links(handle: &AppHandle, core: &Arc<App>) {
    use tauri_plugin_deep_link::DeepLinkExt;
    let open = {
        let core = core.clone();
        move |url: String| {
            let core = core.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = core.open_link(&url).await {
                    core.report(&e);
                }
            });
        }
    };
    if let Ok(Some(urls)) = handle.deep_link().get_current() {
        for url in urls {
            open(url.to_string());
        }
    }
    // A link given on the command line (Linux and Windows start the app with it).
    for arg in std::env::args().skip(1) {
        if arg.starts_with("tandem://") {
            open(arg);
        }
    }
    handle.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            open(url.to_string());
        }
    });
}
