//! Tandem's Spotify engine.
//!
//! Spotify's Web Playback SDK needs Widevine, which no Tauri webview has, so Tandem drives each
//! listener's own Spotify client (any Spotify Connect device: the desktop app, a phone, a
//! speaker) through the Web API:
//!
//! - **Connect an account** ([`Spotify::login`]): OAuth 2.0 Authorization Code with PKCE in the
//!   system browser, redirected to a loopback `http://127.0.0.1:PORT/callback` that listens only
//!   while the login lasts. The user brings their own client id. Tokens go to the OS keychain
//!   ([`KeyringStore`]), are refreshed automatically, and [`Spotify::disconnect`] forgets them.
//! - **Pick the device** ([`Spotify::devices`], [`Spotify::choose_device`]) or let the engine
//!   take the active one.
//! - **Play with the room** ([`Spotify::player`] → [`SpotifyPlayer`], a [`listener::Player`]):
//!   start at the room's position compensating for the measured latency, pause, resume, seek,
//!   and read the device's progress so the follower corrects drift with seeks, never a storm.
//! - **Say why a song is silent** ([`SpotifyStatus::human_message`]): not connected, no Premium,
//!   no device, rate limited.
//! - **Track metadata** ([`Spotify::track`]).
//!
//! No token leaves the machine except to the configured Spotify bases (https, or loopback for
//! the fake), and none reaches a log: secrets are [`Secret`]s, whose `Debug` is redacted.
//!
//! # Layout
//! ```text
//! src/
//!   account.rs        Spotify: the app's handle (login, disconnect, devices, device choice,
//!                     track metadata, players)
//!   config.rs         SpotifyConfig: client id, accounts/API base URLs, redirect port, limits
//!   pkce.rs           PKCE verifier and S256 challenge, state
//!   auth.rs           the login: loopback callback server (one /callback, state check,
//!                     access_denied, time limit), code exchange, refresh
//!   tokens.rs         Tokens, TokenStore, KeyringStore (OS keychain), MemoryStore
//!   secret.rs         Secret: a string whose Debug is redacted
//!   api.rs            WebApi: typed Web API calls, 401 refresh-and-retry, 429 Retry-After gate
//!   types.rs          the JSON shapes read (Device, PlaybackState, Profile, TrackMetadata),
//!                     DeviceChoice and the automatic pick
//!   error.rs          SpotifyError, LoginError (stable kind())
//!   status.rs         SpotifyStatus (+ human_message), SpotifyNotice
//!   player.rs         SpotifyPlayer: the listener::Player adapter (model + measured progress)
//!   player/worker.rs  its worker task: commands with latency compensation, progress readings,
//!                     lag learning, settling, parking on errors
//!   fake/mod.rs       (feature `fake`) FakeSpotify: accounts service + Web API on loopback,
//!                     scripted consent, quirks, call log
//!   fake/server.rs    its endpoints, latency, rate limit
//!   fake/sim.rs       its simulated devices (lag, drift, stalls) and catalogue
//!   fake/room.rs      ScriptedRoom (a room timeline on the local clock) and FollowLoop (the
//!                     real SyncedFollower ticking a player every 20 ms), for tests and bench
//!   bin/spotify-bench.rs  (feature `fake`) accuracy and API cost against the fake, with a
//!                     naive baseline
//! ```

pub mod account;
pub mod api;
pub mod auth;
pub mod config;
pub mod error;
#[cfg(feature = "fake")]
pub mod fake;
pub mod pkce;
pub mod player;
pub mod secret;
pub mod status;
pub mod tokens;
pub mod types;

pub use account::Spotify;
pub use api::{CommandAck, WebApi};
pub use config::{DEFAULT_REDIRECT_PORT, SPOTIFY_ACCOUNTS_BASE, SPOTIFY_API_BASE, SpotifyConfig};
pub use error::{LoginError, SpotifyError};
pub use player::{PlayerConfig, PlayerStats, SpotifyPlayer, track_of};
pub use secret::Secret;
pub use status::{SpotifyNotice, SpotifyStatus};
pub use tokens::{KeyringStore, MemoryStore, TokenStore, Tokens};
pub use types::{Device, DeviceChoice, PlaybackState, Profile, TrackMetadata, pick_device};
