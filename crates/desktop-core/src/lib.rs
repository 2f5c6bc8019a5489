//! The desktop app without its window: rooms, sync, players, settings, and the views the UI is
//! sent. `src-tauri` wraps [`App`] in Tauri commands; everything here runs and is tested without
//! a window.
//!
//! # Layout
//! ```text
//! src/
//!   app.rs              App: what each UI command does (host, join, leave, control, add songs…)
//!   view.rs             the IPC contract: UiEvent and the views, the UI's requests
//!   session/mod.rs      Session: the sync client, the follow loop, ticks and room views
//!   session/lanes.rs    one follower and player per song kind (local, YouTube, silent)
//!   session/views.rs    client state -> session, room and sync-badge views (pure)
//!   youtube.rs          YoutubePlayer: the follower's Player over the page's IFrame player
//!   host.rs             HostServer: the embedded room server (LAN, SQLite, shared files)
//!   lan.rs              rooms on this network: browse and announce (discovery crate)
//!   links.rs            join links, codes and typed addresses
//!   share.rs            the QR code of a join link
//!   spotify_account.rs  the listener's Spotify account: connect, devices, settings view
//!   settings.rs         Settings and their JSON file
//!   error.rs            CoreError with a stable kind
//! ```

pub mod app;
pub mod error;
pub mod host;
pub mod lan;
pub mod links;
pub mod session;
pub mod settings;
pub mod share;
pub mod spotify_account;
pub mod view;
pub mod youtube;

pub use app::{App, AppOptions, AppPaths};
pub use error::CoreError;
pub use settings::{Settings, SettingsStore, Theme};
