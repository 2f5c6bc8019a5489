//! `tandem-bench`: measures a real `tandem-server` process over loopback WebSockets, side by side
//! with a baseline model of the original design, and reports ratios.
//!
//! - `broadcast`: N listeners in one room; the host pauses/resumes K times; per (listener, round)
//!   delay from just before the host sent `pause-playback` to that listener parsing
//!   `playback-paused`; plus the server's resident memory per idle listener.
//! - `joins`: N clients released at once; time until the last has `room-joined`.
//! - `all`: both, at the sizes in docs/benchmarks.md.
//!
//! Progress goes to stderr, the tables to stdout, `--json FILE` writes every figure.

mod baseline;
mod client;
mod proc;
mod report;
mod scenario;
mod stats;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::proc::{Kind, ServerSettings};
use crate::report::Report;
use crate::scenario::BroadcastOptions;

#[derive(Debug, Parser)]
#[command(
    version,
    about = "Load generator for tandem-server, with a baseline in the same run"
)]
struct Cli {
    /// The tandem-server binary (default: `tandem-server` beside this executable).
    #[arg(long, global = true)]
    server: Option<PathBuf>,
    /// Also write every figure as JSON to this file.
    #[arg(long, global = true)]
    json: Option<PathBuf>,
    /// `--outbound-queue` given to tandem-server (messages that may wait for one listener).
    #[arg(long, global = true, default_value_t = 1024)]
    outbound_queue: usize,
    /// `--max-frame-bytes` given to tandem-server (default: the server's own default).
    #[arg(long, global = true)]
    max_frame_bytes: Option<usize>,
    /// Run only tandem-server, no baseline.
    #[arg(long, global = true)]
    no_baseline: bool,
    /// Largest size the baseline is run at (it is quadratic in traffic).
    #[arg(long, global = true, default_value_t = 1000)]
    baseline_max: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone)]
struct BroadcastArgs {
    /// Room sizes, comma separated.
    #[arg(long, value_delimiter = ',', default_value = "100,1000,10000")]
    listeners: Vec<usize>,
    /// Pause/resume rounds per size.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Pause between a broadcast and the next, milliseconds.
    #[arg(long, default_value_t = 200)]
    spacing_ms: u64,
    /// Joins in flight at once while filling a room.
    #[arg(long, default_value_t = 32)]
    fill_concurrency: usize,
    /// Deadline for filling one room, seconds.
    #[arg(long, default_value_t = 600)]
    fill_timeout: u64,
}

#[derive(Debug, Args, Clone)]
struct JoinsArgs {
    /// Clients released at once.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// Deadline for the storm, seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Broadcast fan-out latency and memory per idle listener.
    Broadcast(BroadcastArgs),
    /// Many clients joining one room at the same instant.
    Joins(JoinsArgs),
    /// Everything in docs/benchmarks.md: broadcast 100,1000,10000 x 20 rounds, joins 1000.
    All {
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// (internal) run the baseline server in this process.
    #[command(hide = true)]
    BaselineServer {
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::BaselineServer { port } = cli.command {
        return baseline::run(port);
    }
    raise_fd_limit();
    let tandem_path = match &cli.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .context("cannot find tandem-bench's own path")?
            .with_file_name("tandem-server"),
    };
    if !tandem_path.is_file() {
        bail!(
            "no tandem-server at {}; build it with `cargo build --release -p room-server` or pass --server PATH",
            tandem_path.display()
        );
    }
    let settings = ServerSettings {
        tandem_path,
        outbound_queue: cli.outbound_queue,
        max_frame_bytes: cli.max_frame_bytes,
    };
    let (broadcast, joins) = match &cli.command {
        Command::Broadcast(b) => (Some(b.clone()), None),
        Command::Joins(j) => (None, Some(j.clone())),
        Command::All { rounds } => (
            Some(BroadcastArgs {
                listeners: vec![100, 1000, 10_000],
                rounds: *rounds,
                spacing_ms: 200,
                fill_concurrency: 32,
                fill_timeout: 600,
            }),
            Some(JoinsArgs {
                clients: 1000,
                timeout: 300,
            }),
        ),
        Command::BaselineServer { .. } => unreachable!("handled above"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    let report = runtime.block_on(run(&cli, &settings, broadcast, joins))?;
    print!("{}", report.render());
    if let Some(path) = &cli.json {
        std::fs::write(path, serde_json::to_string_pretty(&report.to_json())?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    // Don't wait for straggling socket tasks.
    runtime.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

async fn run(
    cli: &Cli,
    settings: &ServerSettings,
    broadcast: Option<BroadcastArgs>,
    joins: Option<JoinsArgs>,
) -> anyhow::Result<Report> {
    let mut report = Report::new(settings);
    let with_baseline = |n: usize| !cli.no_baseline && n <= cli.baseline_max;
    if let Some(b) = broadcast {
        let opts = BroadcastOptions {
            rounds: b.rounds,
            spacing: Duration::from_millis(b.spacing_ms),
            fill_concurrency: b.fill_concurrency,
            fill_timeout: Duration::from_secs(b.fill_timeout),
        };
        for &n in &b.listeners {
            let tandem = scenario::broadcast(Kind::Tandem, n, &opts, settings).await?;
            let base = if with_baseline(n) {
                Some(scenario::broadcast(Kind::Baseline, n, &opts, settings).await?)
            } else {
                eprintln!("[baseline broadcast N={n}] skipped (above --baseline-max)");
                None
            };
            report.broadcast.push((tandem, base));
        }
    }
    if let Some(j) = joins {
        let timeout = Duration::from_secs(j.timeout);
        let tandem = scenario::joins(Kind::Tandem, j.clients, timeout, settings).await?;
        let base = if with_baseline(j.clients) {
            Some(scenario::joins(Kind::Baseline, j.clients, timeout, settings).await?)
        } else {
            None
        };
        report.joins.push((tandem, base));
    }
    Ok(report)
}

/// 10,000 sockets on each side need more than the usual 1,024 descriptors; the servers started
/// as children inherit the raised limit.
fn raise_fd_limit() {
    // As root the hard limit can be raised too; otherwise go as far as it allows.
    let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, 65_536, 65_536);
    match rlimit::increase_nofile_limit(65_536) {
        Ok(n) if n < 12_000 => {
            eprintln!("warning: only {n} file descriptors allowed; large rooms will fail");
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: cannot raise the file descriptor limit: {e}"),
    }
}
