//! A faithful local fake of the parts of Spotify the engine uses, on loopback: the accounts
//! service (`GET /authorize` with a scripted consent, `POST /api/token` with PKCE checks,
//! rotating refresh tokens) and the Web API (`/v1/me`, `/v1/me/player`, `.../devices`,
//! `.../play`, `.../pause`, `.../seek`, `/v1/tracks/{id}`), same paths, status codes and JSON
//! shapes, with the documented quirks:
//!
//! - player commands answer `204 No Content`, or `202 Accepted` when scripted (the device then
//!   takes longer to follow);
//! - `GET /me/player` answers `204` with no body when no device is active; its `timestamp` is
//!   when the playback state last changed, not when `progress_ms` was read;
//! - `404` with reason `NO_ACTIVE_DEVICE` when there is no device to play on, `404 Device not
//!   found` for an unknown `device_id`;
//! - `403` with reason `PREMIUM_REQUIRED` on every player command of a free account;
//! - `403 Restriction violated` when pausing a paused player;
//! - `411 Length Required` for a `PUT` without `Content-Length`;
//! - `429` with `Retry-After` (seconds), scripted or from a rolling-window limit;
//! - `401 The access token expired` once a token's lifetime (on the fake's clock) is over, or
//!   when the test expires every token; refresh tokens rotate, and an old one is refused with
//!   `invalid_grant`.
//!
//! Every request is delayed by the configured round trip (half before it is handled, half
//! after, each half jittered), and the devices play on the injected clock, so the tests and the
//! bench compare the device's true position with the room's timeline on one time base. A play
//! starts the device `play_lag` after the command arrives (a seek, `seek_lag`): the time a real
//! device takes to fetch and buffer.
//!
//! Lives in `src/` behind the `fake` feature (not in `tests/`) because the bench binary needs it
//! too; the app never enables it.

mod room;
mod server;
mod sim;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use sync_client::LocalClock;
use tokio::sync::oneshot;
use url::Url;

pub use room::{FollowCounts, FollowLoop, ScriptedRoom, spotify_song};
pub use sim::{
    DeviceSnapshot, FakeDevice, FakeTrack, TRACK_HARDER_BETTER, TRACK_LONG_MIX,
    TRACK_ONE_MORE_TIME, TRACK_UNDER_PRESSURE, default_catalogue,
};

use crate::config::SpotifyConfig;
use crate::error::SpotifyError;
use sim::{Rng, SimDevice};

/// The client id the fake knows by default.
pub const FAKE_CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";

/// What the fake user does on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// "Agree": redirect with a code and the state.
    Approve,
    /// "Cancel": redirect with `error=access_denied` and the state.
    Deny,
    /// Redirect with a code but another state (what a forged callback looks like).
    ForgeState,
}

/// A rolling-window rate limit on the Web API (Spotify's is a rolling 30 s window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max_requests: u32,
    pub window: Duration,
    pub retry_after_s: u64,
}

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// The time base of the devices (share it with the player under test).
    pub clock: Arc<dyn LocalClock>,
    /// Round trip of every request, before jitter.
    pub latency: Duration,
    /// Each half of the round trip varies by up to ± half of this (uniform).
    pub jitter: Duration,
    /// A play starts this long after it reaches the device.
    pub play_lag: Duration,
    /// A seek lands this long after it reaches the device.
    pub seek_lag: Duration,
    /// ± on the lags (uniform).
    pub lag_jitter: Duration,
    /// ± on the reported `progress_ms` (uniform): the device reports to Spotify's servers
    /// now and then and they extrapolate.
    pub progress_noise: Duration,
    /// Access tokens' lifetime (`expires_in`).
    pub token_lifetime: Duration,
    pub rate_limit: Option<RateLimit>,
    pub seed: u64,
}

impl FakeConfig {
    /// No latency, no lag, no noise.
    pub fn new(clock: Arc<dyn LocalClock>) -> Self {
        Self {
            clock,
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            play_lag: Duration::ZERO,
            seek_lag: Duration::ZERO,
            lag_jitter: Duration::ZERO,
            progress_noise: Duration::ZERO,
            token_lifetime: Duration::from_secs(3600),
            rate_limit: None,
            seed: 1,
        }
    }

    pub fn latency(mut self, round_trip: Duration, jitter: Duration) -> Self {
        self.latency = round_trip;
        self.jitter = jitter;
        self
    }

    pub fn device_lag(mut self, play: Duration, seek: Duration, jitter: Duration) -> Self {
        self.play_lag = play;
        self.seek_lag = seek;
        self.lag_jitter = jitter;
        self
    }

    pub fn progress_noise(mut self, noise: Duration) -> Self {
        self.progress_noise = noise;
        self
    }

    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

/// A failure the fake serves instead of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeFailure {
    /// Answer with this status (e.g. 502, 503) and Spotify's error body.
    Status(u16),
    /// Answer only after this long (past the client's request timeout: a network failure).
    Hang(Duration),
}

/// One request the fake served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// On the fake's clock, when it arrived.
    pub at_us: i64,
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// The fake's user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    pub id: String,
    pub display_name: String,
    /// "premium" or "free".
    pub product: String,
}

#[derive(Debug)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    scope: String,
    used: bool,
}

#[derive(Debug)]
pub(crate) struct State {
    pub config: FakeConfig,
    pub clients: HashSet<String>,
    pub consent: Consent,
    pub user: FakeUser,
    codes: HashMap<String, CodeGrant>,
    /// Access token -> expiry on the fake's clock.
    pub access: HashMap<String, i64>,
    pub refresh: HashSet<String>,
    /// Every code and token ever issued (for the leak tests).
    pub issued: Vec<String>,
    pub devices: Vec<SimDevice>,
    pub tracks: HashMap<String, FakeTrack>,
    pub calls: Vec<Call>,
    /// The next this many Web API requests get a 429 with this Retry-After.
    pub throttle: (u32, u64),
    /// The next this many player commands answer 202.
    pub accept_202: u32,
    /// Served, in order, to the next Web API requests.
    pub failures: VecDeque<FakeFailure>,
    /// Arrival times of recent Web API requests (rate limit window).
    pub window: VecDeque<i64>,
    /// When the playback state last changed, ms since the Unix epoch.
    pub changed_unix_ms: i64,
    pub rng: Rng,
    /// Pages the test browser ended on.
    pub browser_pages: Vec<(u16, String)>,
}

impl State {
    pub fn now_us(&self) -> i64 {
        self.config.clock.now_us()
    }

    pub fn issue(&mut self, prefix: &str) -> String {
        let s = format!("{prefix}{}", self.rng.hex(62));
        self.issued.push(s.clone());
        s
    }

    pub fn new_code(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        challenge: &str,
        scope: &str,
    ) -> String {
        let code = self.issue("AQC");
        self.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge: challenge.to_owned(),
                scope: scope.to_owned(),
                used: false,
            },
        );
        code
    }

    /// Redeems a code: `Ok(scope)` when everything matches, else the OAuth error.
    pub fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<String, (&'static str, &'static str)> {
        let grant = self
            .codes
            .get_mut(code)
            .ok_or(("invalid_grant", "Invalid authorization code"))?;
        if grant.used {
            return Err(("invalid_grant", "Authorization code already used"));
        }
        grant.used = true;
        if grant.client_id != client_id {
            return Err(("invalid_client", "Invalid client"));
        }
        if grant.redirect_uri != redirect_uri {
            return Err(("invalid_grant", "Invalid redirect URI"));
        }
        if crate::pkce::challenge_for(verifier) != grant.challenge {
            return Err(("invalid_grant", "code_verifier was incorrect"));
        }
        Ok(grant.scope.clone())
    }

    pub fn lifetime_us(&self) -> i64 {
        i64::try_from(self.config.token_lifetime.as_micros()).unwrap_or(i64::MAX / 4)
    }

    pub fn device_mut(&mut self, id: &str) -> Option<&mut SimDevice> {
        self.devices.iter_mut().find(|d| d.info.id == id)
    }

    pub fn touch(&mut self) {
        self.changed_unix_ms = crate::tokens::unix_ms_now();
    }
}

/// The running fake. Dropping it stops the server.
pub struct FakeSpotify {
    addr: SocketAddr,
    accounts_base: Url,
    api_base: Url,
    state: Arc<Mutex<State>>,
    _stop: oneshot::Sender<()>,
}

impl std::fmt::Debug for FakeSpotify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSpotify")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeSpotify {
    /// Starts on `127.0.0.1` on a free port, knowing [`FAKE_CLIENT_ID`], with a Premium user,
    /// no devices, the [`default_catalogue`] and consent [`Consent::Approve`].
    ///
    /// # Errors
    /// The port could not be bound.
    pub async fn start(config: FakeConfig) -> std::io::Result<Self> {
        let seed = config.seed;
        let state = Arc::new(Mutex::new(State {
            config,
            clients: HashSet::from([FAKE_CLIENT_ID.to_owned()]),
            consent: Consent::Approve,
            user: FakeUser {
                id: "tandemtester".to_owned(),
                display_name: "Tandem Tester".to_owned(),
                product: "premium".to_owned(),
            },
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashSet::new(),
            issued: Vec::new(),
            devices: Vec::new(),
            tracks: default_catalogue()
                .into_iter()
                .map(|t| (t.id.clone(), t))
                .collect(),
            calls: Vec::new(),
            throttle: (0, 0),
            accept_202: 0,
            failures: VecDeque::new(),
            window: VecDeque::new(),
            changed_unix_ms: crate::tokens::unix_ms_now(),
            rng: Rng::new(seed),
            browser_pages: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let app = server::router(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
        });
        let url = |s: String| {
            Url::parse(&s).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        };
        Ok(Self {
            accounts_base: url(format!("http://{addr}"))?,
            api_base: url(format!("http://{addr}/v1"))?,
            addr,
            state,
            _stop: stop_tx,
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the accounts service is (`http://127.0.0.1:PORT`).
    pub fn accounts_base(&self) -> Url {
        self.accounts_base.clone()
    }

    /// Where the Web API is (`http://127.0.0.1:PORT/v1`).
    pub fn api_base(&self) -> Url {
        self.api_base.clone()
    }

    /// A configuration pointing the real client at this fake, with [`FAKE_CLIENT_ID`], any
    /// loopback port for the login and short time limits.
    ///
    /// # Errors
    /// Never in practice (the bases are loopback).
    pub fn config(&self) -> Result<SpotifyConfig, SpotifyError> {
        let mut c = SpotifyConfig::new(FAKE_CLIENT_ID)?
            .with_bases(self.accounts_base(), self.api_base())?;
        c.redirect_port = 0;
        c.login_timeout = Duration::from_secs(10);
        c.request_timeout = Duration::from_secs(5);
        Ok(c)
    }

    pub fn set_consent(&self, consent: Consent) {
        self.state().consent = consent;
    }

    /// "premium" or "free".
    pub fn set_product(&self, product: &str) {
        self.state().user.product = product.to_owned();
    }

    pub fn add_device(&self, device: FakeDevice) {
        self.state().devices.push(SimDevice::new(device));
    }

    pub fn remove_device(&self, id: &str) {
        self.state().devices.retain(|d| d.info.id != id);
    }

    /// Makes `id` the active device (as if the user pressed play in that app), paused.
    pub fn activate_device(&self, id: &str) {
        let mut s = self.state();
        for d in &mut s.devices {
            d.active = d.info.id == id;
        }
    }

    pub fn set_device_drift(&self, id: &str, ppm: f64) {
        let mut s = self.state();
        let now = s.now_us();
        if let Some(d) = s.device_mut(id) {
            d.reanchor(now);
            d.info.drift_ppm = ppm;
        }
    }

    /// The device stops advancing for `duration` (rebuffering), then plays on from where it was.
    pub fn stall_device(&self, id: &str, duration: Duration) {
        let mut s = self.state();
        let now = s.now_us();
        if let Some(d) = s.device_mut(id) {
            d.reanchor(now);
            d.anchor_us = now + i64::try_from(duration.as_micros()).unwrap_or(0);
        }
    }

    /// The device is paused from outside (the user pressed pause in the Spotify app).
    pub fn pause_device_outside(&self, id: &str) {
        let mut s = self.state();
        let now = s.now_us();
        if let Some(d) = s.device_mut(id) {
            d.reanchor(now);
            d.playing = false;
        }
    }

    /// What the device does at the fake clock's `now`.
    pub fn device(&self, id: &str) -> Option<DeviceSnapshot> {
        let s = self.state();
        let now = s.now_us();
        s.devices
            .iter()
            .find(|d| d.info.id == id)
            .map(|d| d.snapshot(now))
    }

    /// The device's true position at `at_us` on the fake's clock.
    pub fn device_position_at(&self, id: &str, at_us: i64) -> Option<i64> {
        let s = self.state();
        s.devices
            .iter()
            .find(|d| d.info.id == id)
            .map(|d| d.position_at(at_us).round() as i64)
    }

    pub fn add_track(&self, track: FakeTrack) {
        self.state().tracks.insert(track.id.clone(), track);
    }

    /// Every access token issued so far expires now (the next request gets a 401).
    pub fn expire_access_tokens(&self) {
        let mut s = self.state();
        let now = s.now_us();
        for expiry in s.access.values_mut() {
            *expiry = now;
        }
    }

    /// Every refresh token is revoked (the user removed the app's access).
    pub fn revoke_refresh_tokens(&self) {
        self.state().refresh.clear();
    }

    /// The next `requests` Web API requests get `429` with `Retry-After: retry_after_s`.
    pub fn throttle_next(&self, requests: u32, retry_after_s: u64) {
        self.state().throttle = (requests, retry_after_s);
    }

    /// The next `requests` Web API requests fail with `failure`.
    pub fn fail_next(&self, requests: u32, failure: FakeFailure) {
        let mut s = self.state();
        for _ in 0..requests {
            s.failures.push_back(failure);
        }
    }

    /// The next `commands` player commands answer `202 Accepted`.
    pub fn accept_next_with_202(&self, commands: u32) {
        self.state().accept_202 = commands;
    }

    /// Every request served so far.
    pub fn calls(&self) -> Vec<Call> {
        self.state().calls.clone()
    }

    /// How many `method path` requests were served (any status).
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.state()
            .calls
            .iter()
            .filter(|c| c.method == method && c.path == path)
            .count()
    }

    /// Web API requests (under `/v1`) served so far.
    pub fn api_calls(&self) -> usize {
        self.state()
            .calls
            .iter()
            .filter(|c| c.path.starts_with("/v1/"))
            .count()
    }

    /// Every authorization code, access token and refresh token issued so far.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.state().issued.clone()
    }

    /// The pages the [`browser`](Self::browser) ended on: (status, body).
    pub fn browser_pages(&self) -> Vec<(u16, String)> {
        self.state().browser_pages.clone()
    }

    /// An `open_browser` for [`crate::Spotify::login`]: a "browser" that follows the authorize
    /// URL (the fake's consent answers at once) and its redirect to the loopback callback, and
    /// records the page it ends on. It speaks plain HTTP/1.1 over a socket, outside the
    /// process's HTTP client and its logs, as a real browser would be.
    pub fn browser(&self) -> impl FnOnce(&Url) -> Result<(), String> + Send + 'static {
        let state = self.state.clone();
        move |url: &Url| {
            let url = url.clone();
            tokio::spawn(async move {
                let page = browse(url).await;
                state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .browser_pages
                    .push(page);
            });
            Ok(())
        }
    }
}

/// GETs `url`, following up to 5 redirects; the final (status, body), or (0, why).
pub async fn browse(mut url: Url) -> (u16, String) {
    for _ in 0..5 {
        match get(&url).await {
            Ok((status, Some(location), _)) if (300..400).contains(&status) => {
                match url.join(&location) {
                    Ok(next) => url = next,
                    Err(e) => return (0, format!("bad redirect: {e}")),
                }
            }
            Ok((status, _, body)) => return (status, body),
            Err(e) => return (0, format!("browser error: {e}")),
        }
    }
    (0, "too many redirects".to_owned())
}

/// One plain HTTP/1.1 GET: (status, Location, body).
async fn get(url: &Url) -> std::io::Result<(u16, Option<String>, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = url.host_str().unwrap_or("127.0.0.1");
    let port = url.port_or_known_default().unwrap_or(80);
    let mut stream = tokio::net::TcpStream::connect((host, port)).await?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("location")
            .then(|| value.trim().to_owned())
    });
    Ok((status, location, body.to_owned()))
}
