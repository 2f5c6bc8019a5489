//! The listener's own Spotify account: connecting it (PKCE login in the system browser),
//! choosing the Connect device, and what the settings screen shows. Tokens stay in the OS
//! keychain, handled by the `spotify` crate; nothing here logs or sends them.

use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use spotify::{DEFAULT_REDIRECT_PORT, DeviceChoice, Spotify, SpotifyConfig};

use crate::error::CoreError;

/// What the settings screen shows of Spotify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpotifyView {
    pub client_id: String,
    pub redirect_uri: String,
    pub connected: bool,
    pub account: Option<String>,
    /// `not-configured`, `not-connected`, `connecting`, `ready`, `premium-required`,
    /// `no-device`, `session-expired`, `rate-limited`, `error`.
    pub status: String,
    pub message: String,
    pub device: DeviceChoice,
}

/// A Spotify Connect device, for the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpotifyDeviceView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub is_active: bool,
    pub usable: bool,
}

/// The account, once a client id is set.
#[derive(Default)]
pub struct SpotifyAccount {
    inner: Mutex<Option<Spotify>>,
    account_name: Mutex<Option<String>>,
}

/// The redirect URI users register in Spotify's dashboard.
pub fn redirect_uri() -> String {
    format!("http://127.0.0.1:{DEFAULT_REDIRECT_PORT}/callback")
}

impl SpotifyAccount {
    /// Sets up the account for `client_id` (empty: none), with the saved device choice.
    pub fn configure(&self, client_id: &str, device: &DeviceChoice) -> Result<(), CoreError> {
        let spotify = if client_id.is_empty() {
            None
        } else {
            let config = SpotifyConfig::new(client_id)
                .map_err(|e| CoreError::InvalidInput(e.to_string()))?;
            let s = Spotify::with_keychain(config).map_err(|e| CoreError::Spotify {
                kind: e.kind(),
                message: e.to_string(),
            })?;
            s.choose_device(device.clone());
            Some(s)
        };
        *self.inner.lock().unwrap_or_else(PoisonError::into_inner) = spotify;
        Ok(())
    }

    pub fn get(&self) -> Option<Spotify> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Connected and usable for playback and metadata.
    pub fn connected(&self) -> Option<Spotify> {
        self.get().filter(Spotify::is_connected)
    }

    pub fn view(&self, client_id: &str) -> SpotifyView {
        let spotify = self.get();
        let connected = spotify.as_ref().is_some_and(Spotify::is_connected);
        let (status, message) = match &spotify {
            None => (
                "not-configured".to_owned(),
                "Spotify songs play in your own Spotify app. Enter your Spotify app's client id and connect to hear them.".to_owned(),
            ),
            Some(s) => {
                let st = s.status();
                (st.kind().replace('_', "-"), st.human_message())
            }
        };
        SpotifyView {
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri(),
            connected,
            account: self
                .account_name
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
                .filter(|_| connected),
            status,
            message,
            device: spotify.map(|s| s.device_choice()).unwrap_or_default(),
        }
    }

    /// Logs in through the system browser; resolves when the login completes or fails.
    pub async fn connect(&self) -> Result<(), CoreError> {
        let spotify = self.get().ok_or_else(|| {
            CoreError::InvalidInput("enter your Spotify app's client id first".into())
        })?;
        let profile = spotify
            .login(|url| open::that_detached(url.as_str()).map_err(|e| e.to_string()))
            .await
            .map_err(|e| CoreError::Spotify {
                kind: e.kind(),
                message: e.to_string(),
            })?;
        *self
            .account_name
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            Some(profile.display_name.unwrap_or(profile.id));
        Ok(())
    }

    /// Fetches the account name for a login restored from the keychain.
    pub async fn refresh_profile(&self) {
        if let Some(s) = self.connected()
            && let Ok(p) = s.profile().await
        {
            *self
                .account_name
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(p.display_name.unwrap_or(p.id));
        }
    }

    pub async fn disconnect(&self) -> Result<(), CoreError> {
        if let Some(s) = self.get() {
            s.disconnect().await.map_err(|e| CoreError::Spotify {
                kind: e.kind(),
                message: e.to_string(),
            })?;
        }
        *self
            .account_name
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        Ok(())
    }

    pub async fn devices(&self) -> Result<Vec<SpotifyDeviceView>, CoreError> {
        let s = self.connected().ok_or_else(|| CoreError::Spotify {
            kind: "not-connected",
            message: "connect your Spotify account first".into(),
        })?;
        let devices = s.devices().await.map_err(|e| CoreError::Spotify {
            kind: e.kind(),
            message: e.to_string(),
        })?;
        Ok(devices
            .into_iter()
            .filter_map(|d| {
                let usable = d.usable();
                Some(SpotifyDeviceView {
                    id: d.id?,
                    name: d.name,
                    kind: d.kind,
                    is_active: d.is_active,
                    usable,
                })
            })
            .collect())
    }

    pub fn choose_device(&self, choice: DeviceChoice) {
        if let Some(s) = self.get() {
            s.choose_device(choice);
        }
    }
}
