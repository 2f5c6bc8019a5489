//! [`Spotify`]: what the app holds. One account (connect, disconnect), the device choice, track
//! metadata, and the players that follow rooms on the listener's Spotify client.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use sync_client::LocalClock;
use url::Url;

use crate::api::WebApi;
use crate::auth;
use crate::config::SpotifyConfig;
use crate::error::{LoginError, SpotifyError};
use crate::player::{PlayerConfig, SpotifyPlayer};
use crate::status::SpotifyStatus;
use crate::tokens::{KeyringStore, TokenStore};
use crate::types::{Device, DeviceChoice, Profile, TrackMetadata};

/// The app's handle on Spotify (cheap to clone; clones share everything).
#[derive(Clone)]
pub struct Spotify {
    api: WebApi,
    device: Arc<Mutex<DeviceChoice>>,
}

impl fmt::Debug for Spotify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spotify")
            .field("api", &self.api)
            .field("device", &self.device_choice())
            .finish()
    }
}

impl Spotify {
    /// Spotify with `config`, keeping tokens in `store` (read now).
    ///
    /// # Errors
    /// An invalid configuration or HTTP stack.
    pub fn new(config: SpotifyConfig, store: Arc<dyn TokenStore>) -> Result<Self, SpotifyError> {
        Ok(Self {
            api: WebApi::new(config, store)?,
            device: Arc::default(),
        })
    }

    /// Spotify with `config`, keeping tokens in the OS keychain under the client id.
    ///
    /// # Errors
    /// An invalid configuration or HTTP stack.
    pub fn with_keychain(config: SpotifyConfig) -> Result<Self, SpotifyError> {
        let store = Arc::new(KeyringStore::new(&config.client_id));
        Self::new(config, store)
    }

    pub fn config(&self) -> &SpotifyConfig {
        self.api.config()
    }

    /// The Web API client, for anything not wrapped here.
    pub fn api(&self) -> &WebApi {
        &self.api
    }

    /// Whether an account is connected (tokens are held).
    pub fn is_connected(&self) -> bool {
        self.api.is_connected()
    }

    /// The account's state before anything plays: not connected, login revoked, or ready.
    pub fn status(&self) -> SpotifyStatus {
        if self.is_connected() {
            SpotifyStatus::Ready { device_name: None }
        } else if self.api.was_revoked() {
            SpotifyStatus::SessionExpired
        } else {
            SpotifyStatus::NotConnected
        }
    }

    /// Connects an account: PKCE login in the system browser (`open_browser` opens the URL;
    /// the app passes its opener), tokens into the store, then the user's profile.
    ///
    /// # Errors
    /// See [`LoginError`].
    pub async fn login<F>(&self, open_browser: F) -> Result<Profile, LoginError>
    where
        F: FnOnce(&Url) -> Result<(), String>,
    {
        let tokens = auth::login(self.config(), self.api.http(), open_browser).await?;
        if let Err(e) = self.api.set_tokens(tokens).await {
            // Kept for this run all the same; the next start asks again.
            tracing::warn!(kind = e.kind(), "spotify: the login could not be saved");
        }
        Ok(self.api.me().await?)
    }

    /// Disconnects: forgets the tokens here and in the keychain, and stops every player's
    /// requests. (Spotify has no revocation endpoint: the user removes Tandem's access for
    /// good at spotify.com/account/apps.)
    ///
    /// # Errors
    /// The keychain entry could not be deleted (the tokens are forgotten in memory anyway).
    pub async fn disconnect(&self) -> Result<(), SpotifyError> {
        self.api.forget_tokens().await
    }

    /// The connected user.
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn profile(&self) -> Result<Profile, SpotifyError> {
        self.api.me().await
    }

    /// The account's Spotify Connect devices, for the device picker.
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn devices(&self) -> Result<Vec<Device>, SpotifyError> {
        self.api.devices().await
    }

    /// Which device plays: one picked by the user, or [`DeviceChoice::Auto`] (the active one).
    /// Players use it from their next command on.
    pub fn choose_device(&self, choice: DeviceChoice) {
        *self.device.lock().unwrap_or_else(PoisonError::into_inner) = choice;
    }

    pub fn device_choice(&self) -> DeviceChoice {
        self.device
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Title, artists, album, album art and duration of a Spotify track.
    ///
    /// # Errors
    /// [`SpotifyError::NotConnected`] without an account, [`SpotifyError::NotFound`] for an
    /// unknown track, and the rest of [`SpotifyError`].
    pub async fn track(&self, track_id: &str) -> Result<TrackMetadata, SpotifyError> {
        self.api.track(track_id).await
    }

    /// A [`listener::Player`] that plays the room's Spotify songs on this account's device.
    /// Its worker runs on the current Tokio runtime until the player is dropped.
    ///
    /// # Panics
    /// Outside a Tokio runtime.
    pub fn player(&self, clock: Arc<dyn LocalClock>, config: PlayerConfig) -> SpotifyPlayer {
        SpotifyPlayer::spawn(self, clock, config)
    }
}
