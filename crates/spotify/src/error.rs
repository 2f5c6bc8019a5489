//! Errors, each with a stable [`SpotifyError::kind`] for the UI and telemetry. No variant ever
//! carries a token, a refresh token or an authorization code: messages come from Spotify's error
//! bodies (`{"error": {"status", "message", "reason"}}`) or from the HTTP client with the URL
//! stripped.

use std::time::Duration;

/// What went wrong talking to Spotify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpotifyError {
    /// No account is connected (no tokens).
    #[error("no Spotify account is connected")]
    NotConnected,
    /// Spotify refused the saved login even after a refresh (revoked, or the refresh token is
    /// no longer valid): the tokens have been forgotten; the user must connect again.
    #[error("Spotify no longer accepts the saved login")]
    Unauthorized,
    /// `403` with reason `PREMIUM_REQUIRED`: playback control needs Spotify Premium.
    #[error("Spotify Premium is required to control playback")]
    PremiumRequired,
    /// `404` with reason `NO_ACTIVE_DEVICE`: no device to play on.
    #[error("no active Spotify device")]
    NoActiveDevice,
    /// `404 Device not found`: the chosen device is gone (closed, offline).
    #[error("the Spotify device is not available")]
    DeviceNotFound,
    /// `404` for something else (a track id that does not exist).
    #[error("not found: {0}")]
    NotFound(String),
    /// `403` for another reason (e.g. "Restriction violated": pausing a paused player).
    #[error("Spotify refused the command: {0}")]
    Forbidden(String),
    /// `400`: a request Spotify did not accept (an invalid id, uri or parameter).
    #[error("Spotify rejected the request: {0}")]
    BadRequest(String),
    /// `429`: wait this long (from `Retry-After`) before the next request.
    #[error("Spotify asked to slow down (retry in {:.1} s)", retry_after.as_secs_f64())]
    RateLimited { retry_after: Duration },
    /// The request did not get an answer (connection refused, reset, timed out).
    #[error("network error: {0}")]
    Network(String),
    /// Another status (5xx mostly).
    #[error("Spotify answered {status}: {message}")]
    Api { status: u16, message: String },
    /// An answer that is not what the Web API documents.
    #[error("unexpected answer from Spotify: {0}")]
    Decode(String),
    /// The configuration is unusable (bad client id, a non-https base URL off loopback).
    #[error("invalid Spotify configuration: {0}")]
    Config(String),
    /// The OS keychain refused to load, store or delete the tokens.
    #[error("keychain: {0}")]
    Keychain(String),
}

impl SpotifyError {
    /// A stable, machine-readable name of the variant.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotConnected => "not_connected",
            Self::Unauthorized => "unauthorized",
            Self::PremiumRequired => "premium_required",
            Self::NoActiveDevice => "no_active_device",
            Self::DeviceNotFound => "device_not_found",
            Self::NotFound(_) => "not_found",
            Self::Forbidden(_) => "forbidden",
            Self::BadRequest(_) => "bad_request",
            Self::RateLimited { .. } => "rate_limited",
            Self::Network(_) => "network",
            Self::Api { .. } => "api",
            Self::Decode(_) => "decode",
            Self::Config(_) => "config",
            Self::Keychain(_) => "keychain",
        }
    }

    /// Worth retrying later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Network(_) | Self::Api { .. } | Self::Decode(_)
        )
    }

    pub(crate) fn network(e: &reqwest::Error) -> Self {
        // `without_url`: the URL carries no secret, but the message needs none of it either.
        let what = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "could not connect"
        } else if e.is_body() || e.is_decode() {
            "the answer was cut off"
        } else {
            "request failed"
        };
        Self::Network(what.to_owned())
    }
}

/// Why connecting an account failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// The callback's `state` was not the one this login sent: possibly a forged request. The
    /// login is abandoned.
    #[error("the answer from Spotify did not match this login (state mismatch); try again")]
    StateMismatch,
    /// The user pressed "Cancel" on Spotify's consent page (`error=access_denied`).
    #[error("Spotify access was not granted")]
    Denied,
    /// Spotify's authorize page answered with another error (`error=...`).
    #[error("Spotify refused the login: {0}")]
    Authorize(String),
    /// No answer came back within the login's time limit.
    #[error("the Spotify login timed out; try again")]
    TimedOut,
    /// The system browser could not be opened.
    #[error("could not open the browser: {0}")]
    Browser(String),
    /// The loopback callback could not be listened on.
    #[error("could not listen for Spotify's answer on {0}")]
    Bind(String),
    /// Exchanging the code for tokens, or storing them, failed.
    #[error("could not finish the Spotify login: {0}")]
    Exchange(#[from] SpotifyError),
}

impl LoginError {
    /// A stable, machine-readable name of the variant.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::StateMismatch => "state_mismatch",
            Self::Denied => "denied",
            Self::Authorize(_) => "authorize",
            Self::TimedOut => "timed_out",
            Self::Browser(_) => "browser",
            Self::Bind(_) => "bind",
            Self::Exchange(_) => "exchange",
        }
    }
}
