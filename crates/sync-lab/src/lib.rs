//! The sync lab: measures how closely Tandem listeners play together through emulated networks.
//!
//! Every listener must hear the same moment of the same song. The lab checks it end to end with
//! the real parts: an in-process room server, a host client that drives the room, and real
//! `tandem-listen` processes (virtual players, deliberately wrong clocks), each connected through
//! its own impairment [`proxy`] (LAN, Wi-Fi, WAN: delay, jitter, asymmetry, stalls, cuts). Each
//! listener writes telemetry (its heard position against this machine's true time); the lab
//! compares them at the same true instants, against each other (spread) and against the room's
//! own timeline (error), and runs the original design alongside as the baseline: `tandem-listen
//! --naive` listeners with the same wrong clocks, which (like the original web app) set
//! `positionUs + (wall clock now - roomClockUs)` on each event, trusting their wall clocks.
//!
//! # Layout
//! ```text
//! src/
//!   lib.rs                 this overview; wall_us()
//!   proxy.rs               the TCP impairment proxy: ProxyHandle, cuts, stalls, in-order release
//!   proxy/profile.rs       LinkShape, Profile and the LAN / Wi-Fi / WAN presets
//!   server.rs              LabServer: room_server::run in-process, optionally on a fixed port
//!   host.rs                Host: creates the room, drives it, records the truth
//!   truth.rs               Truth: the room's position at a wall-clock instant
//!   listener.rs            tandem-listen processes: locate, spawn with wrong clocks, kill
//!   telemetry.rs           parsing tandem-listen's JSON lines
//!   analysis.rs            grid interpolation, spread, error, convergence, corrections
//!   scenario.rs            one profile's run, start to figures
//!   report.rs              the table and the JSON
//!   bin/tandem-sync-lab.rs the command line
//! tests/                   proxy behaviour; listeners through proxies (need tandem-listen)
//! ```
//!
//! # Time base
//! Everything runs on this machine, so the lab's common time is the wall clock (`SystemTime`):
//! listeners stamp telemetry with it, whatever their emulated clocks say, and the host maps it to
//! the room clock by pinging the server over loopback (see [`truth`]).

pub mod analysis;
pub mod error;
pub mod host;
pub mod listener;
pub mod proxy;
pub mod report;
pub mod scenario;
pub mod server;
pub mod telemetry;
pub mod truth;

pub use error::LabError;

use std::time::{SystemTime, UNIX_EPOCH};

/// This machine's wall clock, µs since the Unix epoch (the lab's common time base).
pub fn wall_us() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
    }
}
