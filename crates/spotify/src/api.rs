//! The Web API client: typed calls for what Tandem uses (profile, devices, playback state,
//! play, pause, seek, transfer, track), with the token handling and the rate limit behind them.
//!
//! - Every request carries the access token; one that expires within a minute is refreshed
//!   first. A `401` refreshes once (unless another request already did) and retries once.
//!   Refreshes are serialised: Spotify rotates refresh tokens, so two concurrent refreshes with
//!   the same one would log the user out. A refresh token Spotify refuses (`invalid_grant`)
//!   means access was revoked: the tokens are forgotten and [`SpotifyError::Unauthorized`]
//!   tells the app to ask for a new login.
//! - A `429` closes a gate until its `Retry-After` has passed: every request before then fails
//!   at once with [`SpotifyError::RateLimited`] (the remaining wait), without touching the
//!   network, so nothing can hammer a rate-limited API.
//! - A `GET` that gets no answer is tried once more after 250 ms; commands are not (the player
//!   recomputes the position of a command it re-sends).
//! - Tokens are sent only to the configured bases, which [`SpotifyConfig::validate`] keeps to
//!   https or loopback.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_LENGTH, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::sync::watch;

use crate::auth;
use crate::config::SpotifyConfig;
use crate::error::SpotifyError;
use crate::secret::Secret;
use crate::tokens::{TokenStore, Tokens};
use crate::types::{
    Device, DeviceList, ErrorBody, PlaybackState, Profile, TrackJson, TrackMetadata, is_spotify_id,
};

/// A `Retry-After` that is absent or unreadable counts as this.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// A `Retry-After` is never believed beyond this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// A GET without an answer is tried again after this.
const GET_RETRY_DELAY: Duration = Duration::from_millis(250);

/// How a player command was taken: `204 No Content`, or `202 Accepted` (Spotify passed it on
/// but the device has not confirmed it yet: it may land late).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandAck {
    pub accepted_later: bool,
}

/// The Web API client (cheap to clone; clones share tokens and the rate-limit gate).
#[derive(Clone)]
pub struct WebApi {
    inner: Arc<Inner>,
}

struct Inner {
    config: SpotifyConfig,
    http: reqwest::Client,
    store: Arc<dyn TokenStore>,
    tokens: tokio::sync::Mutex<Option<Tokens>>,
    connected: AtomicBool,
    /// The tokens were dropped because Spotify refused the refresh token (not a disconnect).
    revoked: AtomicBool,
    /// Bumped on every login, disconnect or revocation.
    account: watch::Sender<u64>,
    /// No request before this instant (a 429's Retry-After).
    gate: Mutex<Option<Instant>>,
    /// Requests sent to the Web API (not the accounts service).
    requests: AtomicU64,
}

impl fmt::Debug for WebApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebApi")
            .field("api_base", &self.inner.config.api_base.as_str())
            .field("client_id", &self.inner.config.client_id)
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

/// The HTTP client: rustls with the *ring* provider and the platform's certificate verifier,
/// no redirects (a redirect would carry the token elsewhere).
///
/// # Errors
/// [`SpotifyError::Config`] when the TLS stack cannot be set up.
pub fn http_client(config: &SpotifyConfig) -> Result<reqwest::Client, SpotifyError> {
    // Process-wide default; an error only means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(config.request_timeout)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Tandem/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SpotifyError::Config(format!("HTTP client: {e}")))
}

/// A `Retry-After` in seconds, bounded.
pub(crate) fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_RETRY_AFTER, Duration::from_secs)
        .min(MAX_RETRY_AFTER)
}

impl WebApi {
    /// A client for `config`, with the tokens `store` holds (read now: this blocks briefly on
    /// a keychain).
    ///
    /// # Errors
    /// An invalid configuration or an unusable HTTP stack. A keychain that cannot be read is
    /// not an error: the account just is not connected (logged).
    pub fn new(config: SpotifyConfig, store: Arc<dyn TokenStore>) -> Result<Self, SpotifyError> {
        config.validate()?;
        let http = http_client(&config)?;
        let tokens = match store.load() {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(kind = e.kind(), "spotify: could not read saved tokens: {e}");
                None
            }
        };
        let connected = tokens.is_some();
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                store,
                tokens: tokio::sync::Mutex::new(tokens),
                connected: AtomicBool::new(connected),
                revoked: AtomicBool::new(false),
                account: watch::Sender::new(0),
                gate: Mutex::new(None),
                requests: AtomicU64::new(0),
            }),
        })
    }

    pub fn config(&self) -> &SpotifyConfig {
        &self.inner.config
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Whether tokens are held.
    pub fn is_connected(&self) -> bool {
        self.inner.connected.load(Ordering::Relaxed)
    }

    /// Whether the last loss of the tokens was Spotify refusing them (revoked access), rather
    /// than a disconnect.
    pub fn was_revoked(&self) -> bool {
        self.inner.revoked.load(Ordering::Relaxed)
    }

    /// Changes on every login, disconnect and revocation.
    pub fn account_changes(&self) -> watch::Receiver<u64> {
        self.inner.account.subscribe()
    }

    /// Requests sent to the Web API so far (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// How long requests are still held back by a 429, if they are.
    pub fn rate_limited_for(&self) -> Option<Duration> {
        let gate = *self
            .inner
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        gate.and_then(|until| until.checked_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }

    /// Takes new tokens (a login) and keeps them in the store.
    ///
    /// # Errors
    /// The store refused them (they are still used for this run).
    pub async fn set_tokens(&self, tokens: Tokens) -> Result<(), SpotifyError> {
        let mut guard = self.inner.tokens.lock().await;
        *guard = Some(tokens.clone());
        self.inner.connected.store(true, Ordering::Relaxed);
        self.inner.revoked.store(false, Ordering::Relaxed);
        self.inner.account.send_modify(|g| *g += 1);
        drop(guard);
        self.persist(Some(tokens)).await
    }

    /// Forgets the tokens, here and in the store.
    ///
    /// # Errors
    /// The store could not be cleared (the tokens are forgotten in memory all the same).
    pub async fn forget_tokens(&self) -> Result<(), SpotifyError> {
        let mut guard = self.inner.tokens.lock().await;
        self.inner.revoked.store(false, Ordering::Relaxed);
        self.forget_locked(&mut guard);
        drop(guard);
        self.persist(None).await
    }

    fn forget_locked(&self, guard: &mut Option<Tokens>) {
        *guard = None;
        self.inner.connected.store(false, Ordering::Relaxed);
        self.inner.account.send_modify(|g| *g += 1);
    }

    /// Writes (or clears) the store off the async threads.
    async fn persist(&self, tokens: Option<Tokens>) -> Result<(), SpotifyError> {
        let store = self.inner.store.clone();
        let result = tokio::task::spawn_blocking(move || match tokens {
            Some(t) => store.save(&t),
            None => store.clear(),
        })
        .await
        .unwrap_or_else(|_| {
            Err(SpotifyError::Keychain(
                "the keychain task failed".to_owned(),
            ))
        });
        if let Err(e) = &result {
            tracing::warn!(kind = e.kind(), "spotify: token store: {e}");
        }
        result
    }

    /// A usable access token, refreshed first when it is about to expire.
    async fn access_token(&self) -> Result<Secret, SpotifyError> {
        let mut guard = self.inner.tokens.lock().await;
        match guard.as_ref() {
            None => Err(SpotifyError::NotConnected),
            Some(t) if !t.needs_refresh() => Ok(t.access_token.clone()),
            Some(_) => self.refresh_locked(&mut guard).await,
        }
    }

    /// After a 401 for `rejected`: refresh, unless another request already has.
    async fn access_token_after_rejection(
        &self,
        rejected: &Secret,
    ) -> Result<Secret, SpotifyError> {
        let mut guard = self.inner.tokens.lock().await;
        match guard.as_ref() {
            None => Err(SpotifyError::NotConnected),
            Some(t) if t.access_token != *rejected => Ok(t.access_token.clone()),
            Some(_) => self.refresh_locked(&mut guard).await,
        }
    }

    async fn refresh_locked(&self, guard: &mut Option<Tokens>) -> Result<Secret, SpotifyError> {
        let Some(refresh_token) = guard.as_ref().and_then(|t| t.refresh_token.clone()) else {
            self.inner.revoked.store(true, Ordering::Relaxed);
            self.forget_locked(guard);
            let _ = self.persist(None).await;
            return Err(SpotifyError::Unauthorized);
        };
        match auth::refresh(&self.inner.http, &self.inner.config, &refresh_token).await {
            Ok(tokens) => {
                tracing::debug!("spotify: access token refreshed");
                let access = tokens.access_token.clone();
                *guard = Some(tokens.clone());
                let _ = self.persist(Some(tokens)).await;
                Ok(access)
            }
            Err(SpotifyError::Unauthorized) => {
                tracing::warn!(
                    "spotify: the refresh token was refused; the account must be connected again"
                );
                self.inner.revoked.store(true, Ordering::Relaxed);
                self.forget_locked(guard);
                let _ = self.persist(None).await;
                Err(SpotifyError::Unauthorized)
            }
            Err(e) => Err(e),
        }
    }

    fn check_gate(&self) -> Result<(), SpotifyError> {
        match self.rate_limited_for() {
            Some(retry_after) => Err(SpotifyError::RateLimited { retry_after }),
            None => Ok(()),
        }
    }

    fn close_gate(&self, for_: Duration) {
        let until = Instant::now() + for_;
        let mut gate = self
            .inner
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *gate = Some(gate.map_or(until, |g| g.max(until)));
    }

    /// One Web API request, with the token, the 401 refresh and the 429 gate. Returns the
    /// status and the body of a 2xx.
    async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<(StatusCode, bytes::Bytes), SpotifyError> {
        self.check_gate()?;
        let mut token = self.access_token().await?;
        let mut refreshed = false;
        let mut retried = false;
        loop {
            let mut req = self
                .inner
                .http
                .request(method.clone(), self.inner.config.api_url(path))
                .bearer_auth(token.expose());
            if !query.is_empty() {
                req = req.query(query);
            }
            req = match body {
                Some(b) => req.json(b),
                // Spotify answers 411 Length Required to a bodiless PUT without the header.
                None if method != Method::GET => req.header(CONTENT_LENGTH, "0"),
                None => req,
            };
            self.inner.requests.fetch_add(1, Ordering::Relaxed);
            let resp = match req.send().await {
                Ok(r) => r,
                Err(_) if method == Method::GET && !retried => {
                    retried = true;
                    tracing::debug!("spotify: GET {path} got no answer; trying once more");
                    tokio::time::sleep(GET_RETRY_DELAY).await;
                    continue;
                }
                Err(e) => return Err(SpotifyError::network(&e)),
            };
            let status = resp.status();
            if status == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                tracing::debug!("spotify: 401 on {path}; refreshing the token");
                token = self.access_token_after_rejection(&token).await?;
                continue;
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let retry_after = retry_after(resp.headers());
                tracing::warn!(
                    retry_after_ms = u64::try_from(retry_after.as_millis()).unwrap_or(u64::MAX),
                    "spotify: rate limited"
                );
                self.close_gate(retry_after);
                return Err(SpotifyError::RateLimited { retry_after });
            }
            let bytes = resp.bytes().await.map_err(|e| SpotifyError::network(&e))?;
            if status.is_success() {
                return Ok((status, bytes));
            }
            return Err(error_of(status, &bytes));
        }
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, SpotifyError> {
        let (status, body) = self.request(Method::GET, path, &[], None).await?;
        if status == StatusCode::NO_CONTENT || body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| SpotifyError::Decode(format!("{path}: {e}")))
    }

    async fn command(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<CommandAck, SpotifyError> {
        let (status, _) = self.request(Method::PUT, path, query, body).await?;
        Ok(CommandAck {
            accepted_later: status == StatusCode::ACCEPTED,
        })
    }

    /// The current user (`GET /me`).
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn me(&self) -> Result<Profile, SpotifyError> {
        self.get_json("/me")
            .await?
            .ok_or_else(|| SpotifyError::Decode("/me: empty".to_owned()))
    }

    /// The user's Connect devices (`GET /me/player/devices`).
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn devices(&self) -> Result<Vec<Device>, SpotifyError> {
        Ok(self
            .get_json::<DeviceList>("/me/player/devices")
            .await?
            .map(|l| l.devices)
            .unwrap_or_default())
    }

    /// What plays where (`GET /me/player`); `None` when nothing is active (`204`).
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn player_state(&self) -> Result<Option<PlaybackState>, SpotifyError> {
        self.get_json("/me/player").await
    }

    /// Plays `track_id` from `position_ms` (`PUT /me/player/play` with `uris` and
    /// `position_ms`), on `device_id` or the active device.
    ///
    /// # Errors
    /// [`SpotifyError::PremiumRequired`], [`SpotifyError::NoActiveDevice`],
    /// [`SpotifyError::DeviceNotFound`], and the rest of [`SpotifyError`].
    pub async fn play_track(
        &self,
        device_id: Option<&str>,
        track_id: &str,
        position_ms: i64,
    ) -> Result<CommandAck, SpotifyError> {
        if !is_spotify_id(track_id) {
            return Err(SpotifyError::BadRequest(
                "not a Spotify track id".to_owned(),
            ));
        }
        let body = json!({
            "uris": [format!("spotify:track:{track_id}")],
            "position_ms": position_ms.max(0),
        });
        self.command("/me/player/play", &device_query(device_id), Some(&body))
            .await
    }

    /// Pauses (`PUT /me/player/pause`).
    ///
    /// # Errors
    /// See [`SpotifyError`]; pausing a paused player is `Forbidden` ("Restriction violated").
    pub async fn pause(&self, device_id: Option<&str>) -> Result<CommandAck, SpotifyError> {
        self.command("/me/player/pause", &device_query(device_id), None)
            .await
    }

    /// Moves to `position_ms` (`PUT /me/player/seek`).
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn seek(
        &self,
        device_id: Option<&str>,
        position_ms: i64,
    ) -> Result<CommandAck, SpotifyError> {
        let mut query = vec![("position_ms", position_ms.max(0).to_string())];
        query.extend(device_query(device_id));
        self.command("/me/player/seek", &query, None).await
    }

    /// Moves playback to `device_id` (`PUT /me/player`), playing there if `play`.
    ///
    /// # Errors
    /// See [`SpotifyError`].
    pub async fn transfer(&self, device_id: &str, play: bool) -> Result<CommandAck, SpotifyError> {
        let body = json!({ "device_ids": [device_id], "play": play });
        self.command("/me/player", &[], Some(&body)).await
    }

    /// A track's metadata (`GET /tracks/{id}`).
    ///
    /// # Errors
    /// [`SpotifyError::BadRequest`] for a malformed id, [`SpotifyError::NotFound`] for an
    /// unknown one, and the rest of [`SpotifyError`].
    pub async fn track(&self, track_id: &str) -> Result<TrackMetadata, SpotifyError> {
        if !is_spotify_id(track_id) {
            return Err(SpotifyError::BadRequest(
                "not a Spotify track id".to_owned(),
            ));
        }
        self.get_json::<TrackJson>(&format!("/tracks/{track_id}"))
            .await?
            .map(TrackMetadata::from)
            .ok_or_else(|| SpotifyError::Decode("track: empty".to_owned()))
    }
}

fn device_query(device_id: Option<&str>) -> Vec<(&'static str, String)> {
    device_id
        .map(|id| vec![("device_id", id.to_owned())])
        .unwrap_or_default()
}

/// A non-2xx answer as a typed error.
fn error_of(status: StatusCode, body: &[u8]) -> SpotifyError {
    let (message, reason) = serde_json::from_slice::<ErrorBody>(body).map_or_else(
        |_| (String::new(), None),
        |b| (b.error.message.chars().take(200).collect(), b.error.reason),
    );
    match (status.as_u16(), reason.as_deref()) {
        (401, _) => SpotifyError::Unauthorized,
        (403, Some("PREMIUM_REQUIRED")) => SpotifyError::PremiumRequired,
        (403, _) => SpotifyError::Forbidden(message),
        (404, _) if message.to_ascii_lowercase().contains("device not found") => {
            SpotifyError::DeviceNotFound
        }
        (404, Some("NO_ACTIVE_DEVICE")) => SpotifyError::NoActiveDevice,
        (404, _) => SpotifyError::NotFound(message),
        (400, _) => SpotifyError::BadRequest(message),
        (s, _) => SpotifyError::Api { status: s, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, message: &str, reason: &str) -> &'static str {
        let body = json!({"error": {"status": status, "message": message, "reason": reason}});
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
        error_of(status, body.to_string().as_bytes()).kind()
    }

    #[test]
    fn documented_error_bodies_map_to_kinds() {
        assert_eq!(
            kind(
                403,
                "Player command failed: Premium required",
                "PREMIUM_REQUIRED"
            ),
            "premium_required"
        );
        assert_eq!(
            kind(
                404,
                "Player command failed: No active device found",
                "NO_ACTIVE_DEVICE"
            ),
            "no_active_device"
        );
        assert_eq!(
            kind(404, "Device not found", "NO_ACTIVE_DEVICE"),
            "device_not_found"
        );
        assert_eq!(
            kind(
                403,
                "Player command failed: Restriction violated",
                "UNKNOWN"
            ),
            "forbidden"
        );
        assert_eq!(kind(400, "Invalid base62 id", ""), "bad_request");
        assert_eq!(error_of(StatusCode::BAD_GATEWAY, b"").kind(), "api");
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        use reqwest::header::HeaderValue;
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), DEFAULT_RETRY_AFTER);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Duration::from_secs(7));
        h.insert(RETRY_AFTER, HeaderValue::from_static("999999"));
        assert_eq!(retry_after(&h), MAX_RETRY_AFTER);
    }
}
