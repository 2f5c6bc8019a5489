//! The OS media controls (MPRIS on Linux, the Now Playing widget on macOS, SMTC on Windows)
//! through souvlaki: the current song is shown there, and play/pause/next keys become room
//! controls. Without a session bus (a bare CI box) they are off, and the app says so in its log.

use std::sync::{Arc, Mutex, PoisonError};

use desktop_core::App;
use desktop_core::view::Control;
use room_core::protocol::SongView;
use souvlaki::{MediaControlEvent, MediaControls, MediaMetadata, MediaPlayback, PlatformConfig};

#[derive(Default)]
pub struct MediaKeys {
    controls: Mutex<Option<MediaControls>>,
}

impl MediaKeys {
    /// Connects to the OS; media key presses control `app`.
    pub fn start(&self, app: Arc<App>, hwnd: Option<*mut std::ffi::c_void>) {
        let config = PlatformConfig {
            dbus_name: "tandem",
            display_name: "Tandem",
            hwnd,
        };
        let mut controls = match MediaControls::new(config) {
            Ok(c) => c,
            Err(e) => {
                tracing::info!(error = ?e, "media controls unavailable");
                return;
            }
        };
        let attached = controls.attach(move |event| {
            let control = match event {
                MediaControlEvent::Play => Some(Control::Resume),
                MediaControlEvent::Pause | MediaControlEvent::Stop => Some(Control::Pause),
                MediaControlEvent::Toggle => None,
                MediaControlEvent::Next => Some(Control::Next),
                _ => return,
            };
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let control = match control {
                    Some(c) => c,
                    None => app.toggle_control().await,
                };
                if let Err(e) = app.control(control).await {
                    tracing::debug!(error = %e, "media key ignored");
                }
            });
        });
        if let Err(e) = attached {
            tracing::info!(error = ?e, "media controls unavailable");
            return;
        }
        *self.controls.lock().unwrap_or_else(PoisonError::into_inner) = Some(controls);
    }

    pub fn set_song(&self, song: Option<&SongView>) {
        let mut guard = self.controls.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(c) = guard.as_mut() else { return };
        let result = match song {
            Some(s) => c.set_metadata(MediaMetadata {
                title: Some(&s.title),
                artist: s.artist.as_deref(),
                album: s.album.as_deref(),
                duration: s
                    .duration_us
                    .and_then(|d| u64::try_from(d).ok())
                    .map(std::time::Duration::from_micros),
                cover_url: None,
            }),
            None => c.set_playback(MediaPlayback::Stopped),
        };
        if let Err(e) = result {
            tracing::debug!(error = ?e, "media metadata not set");
        }
    }

    pub fn set_playing(&self, playing: bool) {
        let mut guard = self.controls.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(c) = guard.as_mut() else { return };
        let playback = if playing {
            MediaPlayback::Playing { progress: None }
        } else {
            MediaPlayback::Paused { progress: None }
        };
        if let Err(e) = c.set_playback(playback) {
            tracing::debug!(error = ?e, "media playback state not set");
        }
    }
}
