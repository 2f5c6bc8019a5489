//! What the engine needs to know: the user's own client id, where Spotify is (config values, so
//! tests and the bench point the real client at the fake) and the loopback redirect.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::error::SpotifyError;

/// Spotify's accounts service (authorize, token).
pub const SPOTIFY_ACCOUNTS_BASE: &str = "https://accounts.spotify.com";
/// Spotify's Web API.
pub const SPOTIFY_API_BASE: &str = "https://api.spotify.com/v1";
/// The loopback port of the redirect URI. Spotify matches redirect URIs exactly, so the user
/// registers `http://127.0.0.1:43117/callback` with their app (see [`SpotifyConfig::redirect_uri`]).
pub const DEFAULT_REDIRECT_PORT: u16 = 43117;
/// The path Spotify redirects to.
pub const CALLBACK_PATH: &str = "/callback";
/// What Tandem asks for: read the devices and the playback state, control playback, and read
/// the account's product (to tell a free account why nothing plays before trying).
pub const SCOPES: &str = "user-read-playback-state user-modify-playback-state user-read-private";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotifyConfig {
    /// The user's own Spotify app's client id (public; PKCE needs no secret).
    pub client_id: String,
    /// `https://accounts.spotify.com`, or the fake's.
    pub accounts_base: Url,
    /// `https://api.spotify.com/v1`, or the fake's.
    pub api_base: Url,
    /// The loopback port the login listens on; 0 takes any free port (only useful when the
    /// authorization server accepts any loopback port, as the fake does).
    pub redirect_port: u16,
    /// How long a login waits for the browser to come back.
    pub login_timeout: Duration,
    /// Limit on each HTTP request.
    pub request_timeout: Duration,
}

impl SpotifyConfig {
    /// Spotify itself, with the user's client id.
    ///
    /// # Errors
    /// [`SpotifyError::Config`] when the client id is not plausible.
    pub fn new(client_id: impl Into<String>) -> Result<Self, SpotifyError> {
        let parse = |s: &str| Url::parse(s).map_err(|e| SpotifyError::Config(e.to_string()));
        let config = Self {
            client_id: client_id.into().trim().to_owned(),
            accounts_base: parse(SPOTIFY_ACCOUNTS_BASE)?,
            api_base: parse(SPOTIFY_API_BASE)?,
            redirect_port: DEFAULT_REDIRECT_PORT,
            login_timeout: Duration::from_secs(180),
            request_timeout: Duration::from_secs(10),
        };
        config.validate()?;
        Ok(config)
    }

    /// The same, pointed elsewhere (the fake).
    ///
    /// # Errors
    /// [`SpotifyError::Config`] for a non-https base off loopback.
    pub fn with_bases(mut self, accounts_base: Url, api_base: Url) -> Result<Self, SpotifyError> {
        self.accounts_base = accounts_base;
        self.api_base = api_base;
        self.validate()?;
        Ok(self)
    }

    /// The redirect URI for `port`: what the user registers with their Spotify app.
    pub fn redirect_uri(&self, port: u16) -> String {
        format!("http://127.0.0.1:{port}{CALLBACK_PATH}")
    }

    /// Checks the client id looks like one and that tokens can only travel over TLS, or stay
    /// on this machine (plain http is accepted for loopback bases: the fake).
    ///
    /// # Errors
    /// [`SpotifyError::Config`] naming the problem.
    pub fn validate(&self) -> Result<(), SpotifyError> {
        let id = &self.client_id;
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return Err(SpotifyError::Config(
                "the client id should be the 32 letters and digits shown on your Spotify app's page"
                    .to_owned(),
            ));
        }
        for (name, base) in [
            ("accounts base", &self.accounts_base),
            ("API base", &self.api_base),
        ] {
            let loopback = match base.host() {
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                None => false,
            };
            let ok = match base.scheme() {
                "https" => base.host().is_some(),
                "http" => loopback,
                _ => false,
            };
            if !ok || base.query().is_some() {
                return Err(SpotifyError::Config(format!(
                    "the {name} must be an https URL (plain http only on loopback)"
                )));
            }
        }
        Ok(())
    }

    /// `accounts_base` + `path` (path starts with `/`).
    pub(crate) fn accounts_url(&self, path: &str) -> String {
        join(&self.accounts_base, path)
    }

    /// `api_base` + `path` (path starts with `/`).
    pub(crate) fn api_url(&self, path: &str) -> String {
        join(&self.api_base, path)
    }
}

fn join(base: &Url, path: &str) -> String {
    format!("{}{path}", base.as_str().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_spotify_and_bases_must_be_tls_or_loopback() -> Result<(), SpotifyError> {
        let c = SpotifyConfig::new("0123456789abcdef0123456789abcdef")?;
        assert_eq!(
            c.api_url("/me/player"),
            "https://api.spotify.com/v1/me/player"
        );
        assert_eq!(
            c.accounts_url("/api/token"),
            "https://accounts.spotify.com/api/token"
        );
        assert_eq!(c.redirect_uri(43117), "http://127.0.0.1:43117/callback");
        let url = |s: &str| Url::parse(s).map_err(|e| SpotifyError::Config(e.to_string()));
        let local = c
            .clone()
            .with_bases(url("http://127.0.0.1:9/")?, url("http://127.0.0.1:9/v1")?)?;
        assert_eq!(local.api_url("/me"), "http://127.0.0.1:9/v1/me");
        assert!(
            c.clone()
                .with_bases(url("http://evil.example")?, url("http://127.0.0.1:9/v1")?)
                .is_err()
        );
        assert!(SpotifyConfig::new("not a client id!").is_err());
        assert!(SpotifyConfig::new("").is_err());
        Ok(())
    }
}
