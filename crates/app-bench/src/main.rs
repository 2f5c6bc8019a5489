//! `tandem-app-bench`: how the desktop app feels to start and to keep open.
//!
//! Runs the real app binary (build it with `cargo build --release -p tandem-desktop`) under the
//! current display (use `xvfb-run -a` on a machine without one) and measures:
//! - cold start: from spawning the process to the UI being interactive (it has subscribed to
//!   the app's events), each run with a fresh profile; beside the same binary showing an empty
//!   page (`TANDEM_BENCH_BLANK=1`: the Tauri shell and the webview, none of Tandem's UI);
//! - memory (proportional set size of the app and its WebKit processes) and CPU over a window,
//!   on the home screen and in a room playing a local file; the room is hosted by an
//!   in-process desktop-core app on loopback, and the app under test joins it by a
//!   `tandem://` link on its command line, as a listener clicking an invitation would.
//!
//! Prints a markdown table for docs/benchmarks.md.

mod proc_tree;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use desktop_core::view::{HostRequest, UiEvent};
use desktop_core::{App, AppOptions, AppPaths, Settings};

#[derive(Parser)]
struct Args {
    /// The app binary.
    #[arg(long, default_value = "target/release/tandem")]
    app: PathBuf,
    /// Cold starts per variant.
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Seconds each memory/CPU window lasts.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.app.is_file() {
        bail!(
            "{} not found: build it with cargo build --release -p tandem-desktop",
            args.app.display()
        );
    }
    if std::env::var_os("DISPLAY").is_none() {
        bail!("no display: run under xvfb-run -a");
    }
    let work = tempfile::tempdir()?;

    eprintln!("cold start: {} runs each, alternating", args.runs);
    let mut app_ms = Vec::new();
    let mut blank_ms = Vec::new();
    for i in 0..args.runs {
        blank_ms.push(cold_start(&args.app, work.path(), i, true)?);
        app_ms.push(cold_start(&args.app, work.path(), i, false)?);
        eprintln!(
            "  run {i}: blank {:.0} ms, app {:.0} ms",
            blank_ms[i], app_ms[i]
        );
    }

    eprintln!("home screen, {} s", args.seconds);
    let blank_idle = steady(
        &args.app,
        work.path(),
        "blank-idle",
        true,
        None,
        args.seconds,
    )?;
    let app_idle = steady(
        &args.app,
        work.path(),
        "app-idle",
        false,
        None,
        args.seconds,
    )?;

    eprintln!("in a room, playing a local file, {} s", args.seconds);
    let rt = tokio::runtime::Runtime::new()?;
    let link = rt.block_on(host_a_room(work.path()))?;
    let app_playing = steady(
        &args.app,
        work.path(),
        "app-playing",
        false,
        Some(&link.0),
        args.seconds,
    )?;
    drop(link);

    println!("| measure | Tandem app | baseline (same shell, empty page) | ratio | target |");
    println!("|---|---|---|---|---|");
    let (a50, amax) = (pct(&app_ms, 50.0), pct(&app_ms, 100.0));
    let (b50, bmax) = (pct(&blank_ms, 50.0), pct(&blank_ms, 100.0));
    println!(
        "| cold start to interactive, p50 / max ({} runs) | {a50:.0} / {amax:.0} ms | {b50:.0} / {bmax:.0} ms | {:.2}× | < 1,500 ms |",
        args.runs,
        a50 / b50
    );
    println!(
        "| memory (PSS, app + WebKit processes), home screen | {:.0} MB | {:.0} MB | {:.2}× | |",
        app_idle.pss_mb,
        blank_idle.pss_mb,
        app_idle.pss_mb / blank_idle.pss_mb
    );
    println!(
        "| memory (PSS), in a room playing a local file | {:.0} MB | {:.0} MB (empty page) | {:.2}× | < 200 MB |",
        app_playing.pss_mb,
        blank_idle.pss_mb,
        app_playing.pss_mb / blank_idle.pss_mb
    );
    println!(
        "| CPU, home screen ({} s) | {:.2} % of a core | {:.2} % | | < 1 % |",
        args.seconds, app_idle.cpu_pct, blank_idle.cpu_pct
    );
    println!(
        "| CPU, in a room playing ({} s) | {:.2} % of a core | | | |",
        args.seconds, app_playing.cpu_pct
    );
    Ok(())
}

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (s.len() - 1) as f64).round() as usize;
    s[i.min(s.len() - 1)]
}

/// A fresh profile: a name (no first-run screen), no sound device, no LAN discovery.
fn profile(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir.join("config"))?;
    std::fs::write(
        dir.join("config/settings.json"),
        r#"{"displayName":"Bench","outputDevice":"null","hostPort":0}"#,
    )?;
    Ok(())
}

fn spawn(
    app: &Path,
    home: &Path,
    ready: &Path,
    blank: bool,
    link: Option<&str>,
) -> anyhow::Result<Child> {
    let mut cmd = Command::new(app);
    cmd.env("TANDEM_HOME", home)
        .env("TANDEM_READY_FILE", ready)
        .env("TANDEM_UI_PORT", "0")
        .env("TANDEM_NO_LAN", "1")
        .env("NO_AT_BRIDGE", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if blank {
        cmd.env("TANDEM_BENCH_BLANK", "1");
    }
    if let Some(l) = link {
        cmd.arg(l);
    }
    cmd.spawn().context("start the app")
}

fn wait_mark(ready: &Path, mark: &str, started: Instant) -> anyhow::Result<f64> {
    let deadline = started + Duration::from_secs(60);
    loop {
        if std::fs::read_to_string(ready).is_ok_and(|t| t.lines().any(|l| l == mark)) {
            return Ok(started.elapsed().as_secs_f64() * 1e3);
        }
        if Instant::now() > deadline {
            bail!("the app never reported {mark}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn cold_start(app: &Path, work: &Path, run: usize, blank: bool) -> anyhow::Result<f64> {
    let home = work.join(format!("cold-{run}-{blank}"));
    profile(&home)?;
    let ready = home.join("ready");
    let started = Instant::now();
    let child = spawn(app, &home, &ready, blank, None)?;
    let ms = wait_mark(&ready, if blank { "page" } else { "interactive" }, started);
    stop(child);
    ms
}

struct Steady {
    pss_mb: f64,
    cpu_pct: f64,
}

fn steady(
    app: &Path,
    work: &Path,
    name: &str,
    blank: bool,
    link: Option<&str>,
    seconds: u64,
) -> anyhow::Result<Steady> {
    let home = work.join(name);
    profile(&home)?;
    let ready = home.join("ready");
    let started = Instant::now();
    let child = spawn(app, &home, &ready, blank, link)?;
    wait_mark(&ready, if blank { "page" } else { "interactive" }, started)?;
    // Let start-up work (and joining, decoding the first seconds) settle.
    std::thread::sleep(Duration::from_secs(5));
    let pid = child.id();
    let before = proc_tree::cpu_ticks(pid);
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    let after = proc_tree::cpu_ticks(pid);
    let elapsed = t0.elapsed().as_secs_f64();
    let pss_kb = proc_tree::pss_kb(pid);
    stop(child);
    let ticks = proc_tree::ticks_per_second();
    Ok(Steady {
        pss_mb: pss_kb as f64 / 1024.0,
        cpu_pct: (after.saturating_sub(before)) as f64 / ticks / elapsed * 100.0,
    })
}

/// Hosts a room on loopback with an in-process app and puts a 3-minute tone on; returns the
/// join link and the host (kept alive while the link is used).
async fn host_a_room(work: &Path) -> anyhow::Result<(String, Arc<App>)> {
    let dir = work.join("host");
    let song = dir.join("Bench Tone.flac");
    std::fs::create_dir_all(&dir)?;
    let status = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=180",
            "-ac",
            "2",
        ])
        .arg(&song)
        .status()
        .context("ffmpeg (scripts/setup.sh installs it)")?;
    if !status.success() {
        bail!("ffmpeg failed");
    }
    let rooms: Arc<std::sync::Mutex<Option<desktop_core::view::RoomUiView>>> = Arc::default();
    let sink = {
        let rooms = rooms.clone();
        Arc::new(move |e: UiEvent| {
            if let UiEvent::Room(r) = e
                && let Ok(mut last) = rooms.lock()
            {
                *last = Some(*r);
            }
        })
    };
    let app = Arc::new(App::new(
        AppPaths {
            config_dir: dir.join("config"),
            data_dir: dir.join("data"),
            cache_dir: dir.join("cache"),
        },
        AppOptions {
            host_loopback_only: true,
        },
        sink,
    ));
    app.save_settings(Settings {
        display_name: "Host".into(),
        output_device: Some("null".into()),
        host_port: 0,
        ..Settings::default()
    })
    .await?;
    app.host_room(HostRequest {
        name: "Bench".into(),
        policy: room_core::ControlPolicy::Everyone,
        password: None,
    })
    .await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    let link = loop {
        let share = rooms
            .lock()
            .ok()
            .and_then(|r| r.as_ref().and_then(|r| r.share.clone()));
        if let Some(s) = share {
            break s.link;
        }
        if Instant::now() > deadline {
            bail!("the host room never appeared");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    app.add_files(vec![song]).await?;
    Ok((link, app))
}
