//! `tandem-listen`: a headless Tandem listener (speaker mode) and the sync lab's probe.
//!
//! It joins a room through [`sync_client`] and follows it with a [`Player`]. Until the audio
//! engine exists the player is a [`VirtualPlayer`] whose position advances on the listener's
//! (possibly skewed) clock at the commanded rate; the follower drives it exactly as it will
//! drive real audio: jumps for large errors, rate trims for small ones
//! ([`sync_core::DriftController`] with the local-audio thresholds). `--naive` follows like the
//! original design instead, as the baseline. `--telemetry` writes a JSON line every 20 ms (see
//! [`telemetry`]) so the lab can compare listeners at the same true instants.
//!
//! # Layout
//! ```text
//! src/
//!   main.rs                    the binary: arguments, runtime, exit codes
//!   lib.rs                     this overview
//!   args.rs                    command-line arguments (clap)
//!   app.rs                     the 20 ms loop: state -> follower -> player, telemetry, status,
//!                              signals
//!   player.rs                  the Player trait (load, start_at, pause, seek, set_rate_ppm,
//!                              rendered_position)
//!   player/virtual_player.rs   VirtualPlayer: position on the local clock, exact seeks
//!   follow.rs                  Snapshot (what a follower sees), TickReport, Follower, player-ready
//!   follow/synced.rs           SyncedFollower: timeline + clock estimate + drift control
//!   follow/naive.rs            NaiveFollower: the original design, the lab's baseline
//!   telemetry.rs               the JSON-lines record and writer
//!   status.rs                  the status line and plain explanations of errors
//! tests/                       end to end against the real server, the binary run as a user would
//! ```

pub mod app;
pub mod args;
pub mod follow;
pub mod player;
pub mod status;
pub mod telemetry;

pub use player::{Player, VirtualPlayer};
