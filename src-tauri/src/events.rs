//! Where [`UiEvent`]s go: the UI's channel (replaced when the page subscribes again), plus
//! what the desktop does with some of them: a notification when the song changes while the
//! window is hidden, and the OS media controls' now-playing.

use std::sync::{Mutex, OnceLock, PoisonError};

use desktop_core::view::{DiscoveredRoom, UiEvent};
use room_core::protocol::SongId;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::media::MediaKeys;

#[derive(Default)]
pub struct EventHub {
    channel: Mutex<Option<Channel<UiEvent>>>,
    discovery: Mutex<Vec<DiscoveredRoom>>,
    handle: OnceLock<AppHandle>,
    now_playing: Mutex<Option<SongId>>,
    playing: Mutex<Option<bool>>,
    pub media: MediaKeys,
}

impl EventHub {
    pub fn attach(&self, handle: AppHandle) {
        let _ = self.handle.set(handle);
    }

    pub fn set_channel(&self, channel: Channel<UiEvent>) {
        *self.channel.lock().unwrap_or_else(PoisonError::into_inner) = Some(channel);
    }

    /// Sends the last list of LAN rooms again (to a new subscriber).
    pub fn replay_discovery(&self) {
        let rooms = self
            .discovery
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        self.send(UiEvent::Discovery { rooms });
    }

    pub fn dispatch(&self, event: UiEvent) {
        match &event {
            UiEvent::Room(room) => self.on_room(room),
            UiEvent::Tick(tick) => self.on_playing(tick.is_playing),
            UiEvent::Discovery { rooms } => {
                *self
                    .discovery
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = rooms.clone();
            }
            _ => {}
        }
        self.send(event);
    }

    fn send(&self, event: UiEvent) {
        let mut channel = self.channel.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = channel.as_ref()
            && c.send(event).is_err()
        {
            // The page went away (reload, closing): it subscribes again when back.
            *channel = None;
        }
    }

    fn on_room(&self, room: &desktop_core::view::RoomUiView) {
        let song = room.now_playing.as_ref().map(|n| &n.song);
        let id = song.map(|s| s.id);
        let changed = {
            let mut last = self
                .now_playing
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let changed = *last != id;
            *last = id;
            changed
        };
        if !changed {
            return;
        }
        self.media.set_song(song);
        let Some(song) = song else { return };
        let Some(handle) = self.handle.get() else {
            return;
        };
        let hidden = handle
            .get_webview_window("main")
            .is_none_or(|w| !w.is_visible().unwrap_or(true) || w.is_minimized().unwrap_or(false));
        if hidden && crate::notify_enabled(handle) {
            use tauri_plugin_notification::NotificationExt;
            let body = match &song.artist {
                Some(a) => format!("{} — {a}", song.title),
                None => song.title.clone(),
            };
            if let Err(e) = handle
                .notification()
                .builder()
                .title(format!("Now playing in {}", room.name))
                .body(body)
                .show()
            {
                tracing::debug!(error = %e, "notification not shown");
            }
        }
    }

    fn on_playing(&self, playing: bool) {
        let mut last = self.playing.lock().unwrap_or_else(PoisonError::into_inner);
        if *last != Some(playing) {
            *last = Some(playing);
            self.media.set_playing(playing);
        }
    }
}
