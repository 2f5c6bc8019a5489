//! Tandem's room server: the tokio driver around [`room_core`].
//!
//! Embeddable (`run(listener, shutdown, config)` inside the desktop app) or headless (the
//! `tandem-server` binary). One task per connection, one task per room owning its state, one
//! thread for the SQLite store.
//!
//! # Layout
//! - [`server`]: accept loop, TLS, HTTP/1 with upgrades, graceful shutdown.
//! - [`http`]: routes `/ws`, `/health`, `/metrics`, `/rooms/{code}/files/{sha256}`.
//! - [`files`]: local files served to a room's members by hash, with `Range`; uploads.
//! - [`connection`]: one socket: limits, decoding, hello/ping/create/join, forwarding.
//! - [`room_task`]: one room: applies room-core effects, broadcasts, drops slow listeners.
//! - [`registry`]: rooms by code. [`store`]: SQLite persistence on its own thread.
//! - [`clock`]: the room clock. [`config`]: limits and settings. [`metrics`]: counters.

pub mod clock;
pub mod config;
pub mod connection;
pub mod error;
pub mod files;
pub mod http;
pub mod metrics;
pub mod rate_limit;
pub mod registry;
pub mod room_task;
pub mod secrets;
pub mod server;
pub mod state;
pub mod store;
pub mod tls;

pub use config::{Limits, ServerConfig, TlsFiles};
pub use error::ServerError;
pub use server::{bind, run};
