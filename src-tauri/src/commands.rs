//! The IPC commands: thin wrappers over [`desktop_core::App`], each naming its arguments as the
//! UI sends them (camelCase). Errors reach the UI as `{kind, message}`.

use std::path::PathBuf;
use std::sync::Arc;

use desktop_core::spotify_account::{SpotifyDeviceView, SpotifyView};
use desktop_core::view::{Control, HostRequest, JoinRequest, UiError, UiEvent, YoutubeReport};
use desktop_core::{App, Settings};
use room_core::protocol::{MemberId, SongId};
use room_core::{ControlPolicy, Role};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::events::EventHub;

type Res<T = ()> = Result<T, UiError>;

fn ui(e: desktop_core::CoreError) -> UiError {
    e.to_ui()
}

/// Starts sending [`UiEvent`]s to `on_event` (replacing an earlier subscriber, e.g. after a
/// reload) and replays the current state.
#[tauri::command]
pub async fn subscribe(
    on_event: Channel<UiEvent>,
    hub: State<'_, Arc<EventHub>>,
    app: State<'_, Arc<App>>,
) -> Res {
    hub.set_channel(on_event);
    crate::mark_ready("interactive");
    app.replay().await;
    hub.replay_discovery();
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    youtube_api_url: String,
    version: &'static str,
}

#[tauri::command]
pub fn app_config(config: State<'_, crate::Config>) -> AppConfig {
    AppConfig {
        youtube_api_url: config.youtube_api_url.clone(),
        version: env!("CARGO_PKG_VERSION"),
    }
}

#[tauri::command]
pub async fn get_settings(app: State<'_, Arc<App>>) -> Res<Settings> {
    Ok(app.settings().await)
}

#[tauri::command]
pub async fn save_settings(settings: Settings, app: State<'_, Arc<App>>) -> Res<Settings> {
    app.save_settings(settings).await.map_err(ui)
}

#[tauri::command]
pub async fn list_output_devices() -> Res<Vec<String>> {
    tokio::task::spawn_blocking(App::output_devices)
        .await
        .map_err(|e| UiError {
            kind: "internal".into(),
            message: e.to_string(),
        })
}

#[tauri::command]
pub async fn host_room(request: HostRequest, app: State<'_, Arc<App>>) -> Res {
    app.host_room(request).await.map_err(ui)
}

#[tauri::command]
pub async fn join_room(request: JoinRequest, app: State<'_, Arc<App>>) -> Res {
    app.join_room(request).await.map_err(ui)
}

#[tauri::command]
pub async fn open_link(link: String, app: State<'_, Arc<App>>) -> Res {
    app.open_link(&link).await.map_err(ui)
}

#[tauri::command]
pub async fn leave_room(app: State<'_, Arc<App>>) -> Res {
    app.leave_room().await;
    Ok(())
}

#[tauri::command]
pub async fn close_room(app: State<'_, Arc<App>>) -> Res {
    app.close_room().await.map_err(ui)
}

#[tauri::command]
pub async fn control(control: Control, app: State<'_, Arc<App>>) -> Res {
    app.control(control).await.map_err(ui)
}

#[tauri::command]
pub async fn add_link(url: String, app: State<'_, Arc<App>>) -> Res {
    app.add_link(&url).await.map_err(ui)
}

#[tauri::command]
pub async fn add_files(paths: Vec<PathBuf>, app: State<'_, Arc<App>>) -> Res {
    app.add_files(paths).await.map_err(ui)
}

/// Opens the system's file picker and adds what is chosen.
#[tauri::command]
pub async fn choose_files(handle: AppHandle, app: State<'_, Arc<App>>) -> Res {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    handle
        .dialog()
        .file()
        .set_title("Add songs to the queue")
        .add_filter(
            "Audio",
            &[
                "mp3", "flac", "ogg", "oga", "opus", "wav", "m4a", "mp4", "aac", "alac",
            ],
        )
        .pick_files(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx.await.ok().flatten().unwrap_or_default();
    let paths: Vec<PathBuf> = picked
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    app.add_files(paths).await.map_err(ui)
}

#[tauri::command]
pub async fn vote(song_id: SongId, vote: i8, app: State<'_, Arc<App>>) -> Res {
    app.vote(song_id, vote).await.map_err(ui)
}

#[tauri::command]
pub async fn reorder(song_id: SongId, to_index: u32, app: State<'_, Arc<App>>) -> Res {
    app.reorder(song_id, to_index).await.map_err(ui)
}

#[tauri::command]
pub async fn remove_song(song_id: SongId, app: State<'_, Arc<App>>) -> Res {
    app.remove_song(song_id).await.map_err(ui)
}

#[tauri::command]
pub async fn chat(text: String, app: State<'_, Arc<App>>) -> Res {
    app.chat(&text).await.map_err(ui)
}

#[tauri::command]
pub async fn set_role(member_id: MemberId, role: Role, app: State<'_, Arc<App>>) -> Res {
    app.set_role(member_id, role).await.map_err(ui)
}

#[tauri::command]
pub async fn transfer_host(member_id: MemberId, app: State<'_, Arc<App>>) -> Res {
    app.transfer_host(member_id).await.map_err(ui)
}

#[tauri::command]
pub async fn set_policy(policy: ControlPolicy, app: State<'_, Arc<App>>) -> Res {
    app.set_policy(policy).await.map_err(ui)
}

#[tauri::command]
pub async fn youtube_report(report: YoutubeReport, app: State<'_, Arc<App>>) -> Res {
    app.youtube_report(report).await;
    Ok(())
}

#[tauri::command]
pub async fn spotify_state(app: State<'_, Arc<App>>) -> Res<SpotifyView> {
    Ok(app.spotify_state().await)
}

/// Logs in to Spotify in the system browser; resolves when the login is done.
#[tauri::command]
pub async fn spotify_connect(client_id: String, app: State<'_, Arc<App>>) -> Res<SpotifyView> {
    app.spotify_connect(&client_id).await.map_err(ui)
}

#[tauri::command]
pub async fn spotify_disconnect(app: State<'_, Arc<App>>) -> Res<SpotifyView> {
    app.spotify_disconnect().await.map_err(ui)
}

#[tauri::command]
pub async fn spotify_devices(app: State<'_, Arc<App>>) -> Res<Vec<SpotifyDeviceView>> {
    app.spotify_devices().await.map_err(ui)
}

#[tauri::command]
pub async fn spotify_choose_device(
    choice: spotify::DeviceChoice,
    app: State<'_, Arc<App>>,
) -> Res<SpotifyView> {
    app.spotify_choose_device(choice).await.map_err(ui)
}

/// Opens a YouTube search in the browser (the fallback for a Spotify song silent here).
#[tauri::command]
pub fn open_youtube_search(query: String) -> Res {
    App::open_youtube_search(&query).map_err(ui)
}
