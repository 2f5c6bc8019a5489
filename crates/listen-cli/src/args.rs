//! Command-line arguments of `tandem-listen`.

use std::path::PathBuf;

use clap::Parser;

/// A headless Tandem listener: joins a room and follows it with a virtual player (a real audio
/// output later), writing sync telemetry for the lab.
#[derive(Debug, Clone, Parser)]
#[command(name = "tandem-listen", version)]
pub struct Args {
    /// The room server, e.g. ws://192.168.1.20:7878/ws (or wss:// with TLS). Any TCP proxy in
    /// between is fine.
    pub url: String,

    /// The room's code.
    #[arg(long)]
    pub code: String,

    /// The name shown to the room.
    #[arg(long, default_value = "Listener")]
    pub name: String,

    /// The room's password, if it has one.
    #[arg(long, env = "TANDEM_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,

    /// Write a JSON line of telemetry every 20 ms to this file.
    #[arg(long, value_name = "FILE")]
    pub telemetry: Option<PathBuf>,

    /// Shift this listener's clock by this much (tests what another machine's clock would do).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub clock_offset_ms: f64,

    /// Make this listener's clock run this many ppm fast (negative: slow).
    #[arg(
        long,
        value_name = "PPM",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub clock_drift_ppm: f64,

    /// The output device is heard this long after it is written (Bluetooth: 100-300 ms).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub output_latency_ms: f64,

    /// Do not make the room wait for this listener before starting a song.
    #[arg(long)]
    pub no_wait: bool,

    /// Follow like the original design (no clock sync, events applied on arrival, resync only
    /// beyond 3 s): the sync lab's baseline.
    #[arg(long)]
    pub naive: bool,

    /// Also trust this CA certificate (PEM) for wss:// (a LAN server's self-signed certificate).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Seconds between status lines on stderr.
    #[arg(long, value_name = "S", default_value_t = 3.0)]
    pub status_every: f64,
}
