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
    /// With --naive the clock is this machine's Unix time shifted by this much.
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

    /// Follow like the original design, the sync lab's baseline: no clock sync; on each playback
    /// event play from positionUs + (this machine's wall clock - the event's roomClockUs), then
    /// run freely and seek again only when more than 3 s off that. The wall clock is Unix time
    /// with --clock-offset-ms and --clock-drift-ppm applied, so a clock error is position error.
    #[arg(long)]
    pub naive: bool,

    /// Speaker mode: play the room's local-file songs through the audio engine (fetched from the
    /// room's server, played while they download). Songs that are not local files (YouTube,
    /// Spotify) are followed silently. Makes the room wait for this listener to be ready.
    #[arg(long, conflicts_with = "naive")]
    pub audio: bool,

    /// The output device for --audio (as the system names it); `null` plays into nothing, in
    /// real time (no sound card needed). Default: the system's default output.
    #[arg(long, value_name = "NAME", requires = "audio")]
    pub audio_device: Option<String>,

    /// Where --audio keeps the room's files, by content hash (default: a directory in the
    /// system's temporary directory).
    #[arg(long, value_name = "DIR", requires = "audio")]
    pub cache_dir: Option<PathBuf>,

    /// Also trust this CA certificate (PEM) for wss:// (a LAN server's self-signed certificate).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Seconds between status lines on stderr.
    #[arg(long, value_name = "S", default_value_t = 3.0)]
    pub status_every: f64,
}
