//! What the end-to-end tests need: tauri-driver with WebKitWebDriver, a display, and a place
//! for screenshots. Missing pieces skip the test loudly, or fail it where CI requires them
//! (`TANDEM_REQUIRE_E2E=1`).

#![allow(dead_code)]

pub mod webdriver;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where screenshots go: `$TANDEM_E2E_ARTIFACTS`, else `target/e2e-artifacts`.
pub fn artifact(name: &str) -> PathBuf {
    let dir = std::env::var_os("TANDEM_E2E_ARTIFACTS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts"),
        PathBuf::from,
    );
    let _ = std::fs::create_dir_all(&dir);
    dir.join(format!("{name}.png"))
}

fn which(program: &str) -> Option<PathBuf> {
    let home_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin"));
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(home_bin)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Why the end-to-end test cannot run here, if it cannot.
pub fn missing() -> Option<String> {
    if which("tauri-driver").is_none() {
        return Some(
            "tauri-driver is not installed (cargo install tauri-driver --version ^2 --locked)"
                .into(),
        );
    }
    if which("WebKitWebDriver").is_none() {
        return Some("WebKitWebDriver is not installed (apt-get install webkit2gtk-driver)".into());
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Some("no display: run under xvfb-run (scripts/test.sh does)".into());
    }
    None
}

/// Skips (loudly) or fails when the test cannot run.
pub fn require() -> bool {
    let Some(why) = missing() else { return true };
    if std::env::var("TANDEM_REQUIRE_E2E").is_ok_and(|v| v == "1") {
        panic!("end-to-end test required but cannot run: {why}");
    }
    eprintln!("\n*** SKIPPED end-to-end test: {why} ***\n");
    false
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4444)
}

/// tauri-driver on a free port, stopped with SIGTERM (so WebKitWebDriver goes with it).
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    /// Starts tauri-driver; the app it launches inherits `env`.
    pub fn start(env: &[(&str, String)], log: &Path) -> Self {
        let port = free_port();
        let native = free_port();
        let out = std::fs::File::create(log).expect("driver log");
        let err = out.try_clone().expect("driver log");
        let mut cmd = Command::new(which("tauri-driver").expect("tauri-driver"));
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start tauri-driver");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start (see {})",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A song long enough to pause and seek in: 90 s of a tone, made with ffmpeg (setup.sh
/// installs it).
pub fn long_song(dir: &Path) -> PathBuf {
    let path = dir.join("Evening Tone.flac");
    let status = Command::new("ffmpeg")
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=90",
            "-ac",
            "2",
            "-metadata",
            "title=Evening Tone",
            "-metadata",
            "artist=Test Orchestra",
        ])
        .arg(&path)
        .status()
        .expect("ffmpeg");
    assert!(status.success(), "ffmpeg failed");
    path
}
