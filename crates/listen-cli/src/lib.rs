//! `tandem-listen`: a headless Tandem listener (speaker mode) and the sync lab's probe.
//!
//! It joins a room through [`sync_client`] and follows it with a [`Player`]. By default the
//! player is a [`VirtualPlayer`] whose position advances on the listener's (possibly skewed)
//! clock at the commanded rate; with `--audio` (speaker mode) it is an [`AudioPlayer`] that
//! fetches the room's local-file songs from its server and plays them through the audio engine
//! (other songs are followed silently). The follower drives either the same way: jumps for
//! large errors, rate trims for small ones ([`sync_core::DriftController`] with the local-audio
//! thresholds). `--naive` follows like the
//! original design instead, as the baseline: its clock is the machine's wall clock (Unix time,
//! shifted and skewed as asked) and each event sets `positionUs + (wall now - roomClockUs)`. `--telemetry` writes a JSON line every 20 ms (see
//! [`telemetry`]) so the lab can compare listeners at the same true instants.
//!
//! # Layout
//! ```text
//! src/
//!   main.rs                    the binary: arguments, runtime, exit codes
//!   lib.rs                     this overview
//!   args.rs                    command-line arguments (clap)
//!   app.rs                     the 20 ms loop: state -> follower -> player (crate `listener`),
//!                              telemetry, status, signals
//!   telemetry.rs               the JSON-lines record and writer
//!   status.rs                  the status line and plain explanations of errors
//! tests/                       end to end against the real server, the binary run as a user would
//! ```

pub mod app;
pub mod args;
pub mod status;
pub mod telemetry;

pub use listener::{AudioPlayer, Player, VirtualPlayer};
