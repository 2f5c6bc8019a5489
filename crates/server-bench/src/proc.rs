//! The server under test as a child process: started on `127.0.0.1:0`, its address read from
//! the line it prints, its memory and CPU read from `/proc`, killed when the phase is over.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use anyhow::{Context, bail};

/// Which server a phase runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The real `tandem-server` (release build).
    Tandem,
    /// `tandem-bench baseline-server`: the naive model of the original design.
    Baseline,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Tandem => "tandem",
            Kind::Baseline => "baseline",
        }
    }
}

/// Settings for starting the servers.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub tandem_path: PathBuf,
    pub outbound_queue: usize,
    /// `--max-frame-bytes` for tandem-server (`None`: the server's default).
    pub max_frame_bytes: Option<usize>,
}

/// A running server process.
pub struct ServerProc {
    child: Child,
    pub kind: Kind,
    pub pid: u32,
    pub addr: SocketAddr,
    /// Log lines saying a listener was dropped for falling behind.
    pub fell_behind_lines: Arc<AtomicUsize>,
}

impl ServerProc {
    /// Start a server and wait (at most 15 s) for the line with its address.
    pub fn start(kind: Kind, settings: &ServerSettings) -> anyhow::Result<Self> {
        let mut cmd = match kind {
            Kind::Tandem => {
                let mut c = Command::new(&settings.tandem_path);
                c.args([
                    "--memory",
                    "--port",
                    "0",
                    "--rate",
                    "1000",
                    "--idle-timeout",
                    "600",
                ])
                .args(["--outbound-queue", &settings.outbound_queue.to_string()])
                .args(["--max-rooms", "16"]);
                if let Some(max) = settings.max_frame_bytes {
                    c.args(["--max-frame-bytes", &max.to_string()]);
                }
                c.env("RUST_LOG", "info");
                c
            }
            Kind::Baseline => {
                let exe = std::env::current_exe().context("cannot find tandem-bench's own path")?;
                let mut c = Command::new(exe);
                c.args(["baseline-server", "--port", "0"]);
                c
            }
        };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start the {} server", kind.label()))?;
        let pid = child.id();
        let fell_behind_lines = Arc::new(AtomicUsize::new(0));
        let (line_tx, line_rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let stderr = child.stderr.take().context("no stderr pipe")?;
        // Drain both pipes for the process's whole life so logging never blocks the server.
        spawn_drain(stdout, Some(line_tx), fell_behind_lines.clone());
        spawn_drain(stderr, None, fell_behind_lines.clone());

        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let addr = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match line_rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = parse_listening_line(&line) {
                        break addr;
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    bail!(
                        "the {} server did not print its address within 15 s",
                        kind.label()
                    );
                }
            }
        };
        Ok(Self {
            child,
            kind,
            pid,
            addr,
            fell_behind_lines,
        })
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Resident memory of the server process.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        read_memory(self.pid)
    }

    /// User and system CPU time the server process has used so far.
    pub fn cpu(&self) -> anyhow::Result<(Duration, Duration)> {
        cpu_split(format!("/proc/{}/stat", self.pid))
    }

    /// Kill the server (before the clients go, so a baseline does not rebroadcast on every
    /// disconnect).
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The Prometheus counters of a tandem-server (`/metrics`), or an empty list.
    pub async fn metrics(&self) -> Vec<(String, f64)> {
        if self.kind != Kind::Tandem {
            return Vec::new();
        }
        let fetch = http_get(self.addr, "/metrics");
        match tokio::time::timeout(Duration::from_secs(5), fetch).await {
            Ok(Ok(body)) => body
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (k, v) = l.split_once(' ')?;
                    Some((k.to_owned(), v.trim().parse().ok()?))
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn_drain(
    pipe: impl Read + Send + 'static,
    lines: Option<mpsc::Sender<String>>,
    fell_behind: Arc<AtomicUsize>,
) {
    std::thread::spawn(move || {
        let reader = BufReader::new(pipe);
        for line in reader.lines() {
            let Ok(line) = line else { break };
            if line.contains("fell behind") {
                fell_behind.fetch_add(1, Ordering::Relaxed);
            }
            if let Some(tx) = &lines {
                let _ = tx.send(line);
            }
        }
    });
}

/// `... listening on ws://127.0.0.1:PORT/ws` -> the address.
pub fn parse_listening_line(line: &str) -> Option<SocketAddr> {
    let rest = &line[line.find("listening on ws://")? + "listening on ws://".len()..];
    let end = rest.find('/').unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

/// VmRSS and VmHWM from `/proc/PID/status`, in KiB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

pub fn read_memory(pid: u32) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status"))?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Ok(Memory {
        rss_kib: field("VmRSS:").context("no VmRSS")?,
        hwm_kib: field("VmHWM:").unwrap_or(0),
    })
}

/// User + system CPU time from a `/proc/.../stat` file (clock ticks of 1/100 s on Linux).
pub fn cpu_time(path: impl AsRef<Path>) -> anyhow::Result<Duration> {
    let (user, sys) = cpu_split(path)?;
    Ok(user + sys)
}

/// User and system CPU time from a `/proc/.../stat` file.
pub fn cpu_split(path: impl AsRef<Path>) -> anyhow::Result<(Duration, Duration)> {
    let stat = std::fs::read_to_string(path.as_ref())
        .with_context(|| format!("cannot read {}", path.as_ref().display()))?;
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    let after = &stat[stat.rfind(')').context("bad stat")? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11).context("no utime")?.parse()?;
    let stime: u64 = fields.get(12).context("no stime")?.parse()?;
    Ok((
        Duration::from_millis(utime * 10),
        Duration::from_millis(stime * 10),
    ))
}

/// Loopback-wide TCP counters (`/proc/net/netstat`, TcpExt) that explain slow connects: a full
/// accept queue drops SYNs, and the client retries after 1 s, then 3 s...
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct TcpCounters {
    pub listen_overflows: u64,
    pub listen_drops: u64,
    pub syn_retrans: u64,
}

impl TcpCounters {
    pub fn read() -> Self {
        let Ok(text) = std::fs::read_to_string("/proc/net/netstat") else {
            return Self::default();
        };
        let mut lines = text.lines();
        while let (Some(keys), Some(values)) = (lines.next(), lines.next()) {
            if !keys.starts_with("TcpExt:") {
                continue;
            }
            let get = |name: &str| {
                keys.split_whitespace()
                    .zip(values.split_whitespace())
                    .find(|(k, _)| *k == name)
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0)
            };
            return Self {
                listen_overflows: get("ListenOverflows"),
                listen_drops: get("ListenDrops"),
                syn_retrans: get("TCPSynRetrans"),
            };
        }
        Self::default()
    }

    pub fn since(self, earlier: Self) -> Self {
        Self {
            listen_overflows: self
                .listen_overflows
                .saturating_sub(earlier.listen_overflows),
            listen_drops: self.listen_drops.saturating_sub(earlier.listen_drops),
            syn_retrans: self.syn_retrans.saturating_sub(earlier.syn_retrans),
        }
    }
}

/// CPU time of this (the bench) process.
pub fn own_cpu() -> Duration {
    cpu_time("/proc/self/stat").unwrap_or_default()
}

async fn http_get(addr: SocketAddr, path: &str) -> anyhow::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_address_line() {
        assert_eq!(
            parse_listening_line("tandem-server listening on ws://127.0.0.1:40123/ws"),
            Some("127.0.0.1:40123".parse().expect("addr"))
        );
        assert_eq!(parse_listening_line("something else"), None);
    }
}
