//! `tandem-sync-lab`: how closely do Tandem listeners play together through LAN, Wi-Fi and WAN
//! paths, and how much better than the original design?
//!
//! Progress goes to stderr, the table to stdout, the full figures to `--json FILE`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use sync_lab::listener::locate_listen_bin;
use sync_lab::proxy::Profile;
use sync_lab::report;
use sync_lab::scenario::{self, LabConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Which {
    Lan,
    Wifi,
    Wan,
    All,
}

/// Runs headless Tandem listeners (tandem-listen, wrong clocks on purpose) through emulated
/// networks against an in-process room server, with the original design's behaviour alongside
/// as the baseline, and reports how far apart they play.
#[derive(Debug, Parser)]
#[command(name = "tandem-sync-lab", version, about)]
struct Args {
    /// Which network profile(s) to run.
    #[arg(long, value_enum, default_value = "all")]
    profile: Which,
    /// Tandem listeners per profile (as many naive ones run alongside).
    #[arg(long, default_value_t = 4)]
    listeners: usize,
    /// Length of the measurement window per profile, seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Warm-up before the changes (convergence is judged on it), seconds.
    #[arg(long, default_value_t = 10)]
    warmup: u64,
    /// Seeds the clock errors and the proxies' jitter.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write every figure as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// The tandem-listen binary (default: next to this executable).
    #[arg(long)]
    listen_bin: Option<PathBuf>,
    /// Keep telemetry and logs here instead of a temporary directory.
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Skip the naive baseline.
    #[arg(long)]
    no_baseline: bool,
    /// Give every other listener this output latency (ms), which it must compensate.
    #[arg(long, default_value_t = 0)]
    output_latency_ms: i64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tandem-sync-lab: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tandem-sync-lab: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.listeners == 0 || args.listeners > 32 {
        bail!("--listeners must be 1 to 32");
    }
    let listen_bin = locate_listen_bin(args.listen_bin.as_deref())?;
    let temp;
    let work_dir = match &args.work_dir {
        Some(d) => d.clone(),
        None => {
            temp = tempfile::Builder::new()
                .prefix("tandem-sync-lab-")
                .tempdir()
                .context("cannot create a temporary directory")?;
            temp.path().to_path_buf()
        }
    };
    let profiles: Vec<(&str, Profile)> = match args.profile {
        Which::Lan => vec![("lan", Profile::lan())],
        Which::Wifi => vec![("wifi", Profile::wifi())],
        Which::Wan => vec![("wan", Profile::wan())],
        Which::All => vec![
            ("lan", Profile::lan()),
            ("wifi", Profile::wifi()),
            ("wan", Profile::wan()),
        ],
    };
    eprintln!(
        "tandem-sync-lab: {} profile(s), {} listeners (+{} naive), {} s each; listener {}; files in {}",
        profiles.len(),
        args.listeners,
        if args.no_baseline { 0 } else { args.listeners },
        args.seconds,
        listen_bin.display(),
        work_dir.display()
    );
    let progress = |msg: &str| eprintln!("{msg}");
    let mut reports = Vec::new();
    for (k, (name, profile)) in profiles.into_iter().enumerate() {
        let cfg = LabConfig {
            profile_name: name.to_owned(),
            profile,
            listeners: args.listeners,
            warmup: Duration::from_secs(args.warmup),
            measure: Duration::from_secs(args.seconds),
            seed: args.seed.wrapping_add(k as u64 * 1_000),
            listen_bin: listen_bin.clone(),
            work_dir: work_dir.clone(),
            naive_baseline: !args.no_baseline,
            output_latency_ms: args.output_latency_ms,
            step: Duration::from_millis(10),
        };
        // Every phase inside is bounded; this is the backstop.
        let budget = Duration::from_secs(args.warmup + args.seconds + 90);
        let run = scenario::run_profile(&cfg, &progress);
        let report = tokio::select! {
            r = tokio::time::timeout(budget, run) => r
                .with_context(|| format!("profile {name} did not finish within {budget:?}"))?
                .with_context(|| format!("profile {name} failed"))?,
            _ = tokio::signal::ctrl_c() => bail!("interrupted; listeners stopped"),
        };
        reports.push(report);
    }
    print!("{}", report::table(&reports));
    if let Some(path) = &args.json {
        let checks: Vec<_> = reports.iter().flat_map(report::targets).collect();
        let json = serde_json::json!({
            "listeners": args.listeners,
            "seconds": args.seconds,
            "seed": args.seed,
            "profiles": reports,
            "targets": checks,
        });
        let text = serde_json::to_string_pretty(&json).context("cannot encode the figures")?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("figures written to {}", path.display());
    }
    Ok(())
}
