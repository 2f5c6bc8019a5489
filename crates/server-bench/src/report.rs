//! The human tables (stdout) and the JSON file.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use crate::proc::ServerSettings;
use crate::scenario::{BroadcastResult, JoinsResult};

/// The machine the figures were taken on.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub load_at_start: String,
}

impl Machine {
    pub fn probe() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        Self {
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            cpu,
            load_at_start: load_average(),
        }
    }
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

pub struct Report {
    pub machine: Machine,
    pub outbound_queue: usize,
    pub max_frame_bytes: Option<usize>,
    pub broadcast: Vec<(BroadcastResult, Option<BroadcastResult>)>,
    pub joins: Vec<(JoinsResult, Option<JoinsResult>)>,
}

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 && a.is_finite() {
        format!("{:.2}x", a / b)
    } else {
        "-".into()
    }
}

impl Report {
    pub fn new(settings: &ServerSettings) -> Self {
        Self {
            machine: Machine::probe(),
            outbound_queue: settings.outbound_queue,
            max_frame_bytes: settings.max_frame_bytes,
            broadcast: Vec::new(),
            joins: Vec::new(),
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "\ntandem-bench: loopback, one room; the bench and the server share {} cores ({}).",
            m.cores, m.cpu
        );
        let _ = writeln!(
            out,
            "load average at start: {}, at end: {}. tandem-server --outbound-queue {}{}.",
            m.load_at_start,
            load_average(),
            self.outbound_queue,
            self.max_frame_bytes
                .map(|b| format!(" --max-frame-bytes {b}"))
                .unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "baseline = naive model of the original design (one thread, per-listener serialisation, full member list to everyone on every join), NOT the original code."
        );
        if !self.broadcast.is_empty() {
            let rounds = self.broadcast[0].0.rounds;
            let _ = writeln!(
                out,
                "\nBroadcast fan-out: host sends pause-playback -> each listener parses playback-paused ({rounds} rounds)"
            );
            let _ = writeln!(
                out,
                "{:<16} {:>9} {:>7} {:>8} {:>8} {:>8} {:>7} {:>10} {:>8} {:>12} {:>11}",
                "server",
                "listeners",
                "joined",
                "p50 ms",
                "p99 ms",
                "max ms",
                "missed",
                "KiB/lstnr",
                "fill s",
                "srv cpu/msg",
                "load"
            );
            for (t, b) in &self.broadcast {
                for r in std::iter::once(t).chain(b.as_ref()) {
                    let _ = writeln!(
                        out,
                        "{:<16} {:>9} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>10.1} {:>8.1} {:>10.1}us {:>11}",
                        r.server,
                        r.listeners,
                        r.joined,
                        r.p50_ms,
                        r.p99_ms,
                        r.max_ms,
                        r.missed_listeners,
                        r.kib_per_listener,
                        r.fill.wall_s,
                        r.server_cpu_us_per_delivery,
                        format!("{}->{}", r.load.0, r.load.1)
                    );
                }
                if let Some(b) = b {
                    let _ = writeln!(
                        out,
                        "{:<16} {:>9} {:>7} {:>8} {:>8} {:>8} {:>7} {:>10} {:>8}",
                        "tandem/baseline",
                        t.listeners,
                        "",
                        ratio(t.p50_ms, b.p50_ms),
                        ratio(t.p99_ms, b.p99_ms),
                        ratio(t.max_ms, b.max_ms),
                        "",
                        ratio(t.kib_per_listener, b.kib_per_listener),
                        ratio(t.fill.wall_s, b.fill.wall_s)
                    );
                }
            }
            let _ = writeln!(
                out,
                "\nCPU seconds used (server [of which kernel] / bench) while filling and during the rounds:"
            );
            for (t, b) in &self.broadcast {
                for r in std::iter::once(t).chain(b.as_ref()) {
                    let _ = writeln!(
                        out,
                        "  {:<8} N={:<6} fill {:.1} s wall: {:.1} / {:.1};  rounds {:.1} s wall: {:.2} [{:.2}] / {:.2};  presence {} frames, {:.1} MiB; room-joined mean {:.1} KiB, max {:.1} KiB; peak RSS {} KiB{}",
                        r.server,
                        r.listeners,
                        r.fill.wall_s,
                        r.fill.server_cpu_s,
                        r.fill.bench_cpu_s,
                        r.rounds_cpu.wall_s,
                        r.rounds_cpu.server_cpu_s,
                        r.rounds_cpu.server_sys_s,
                        r.rounds_cpu.bench_cpu_s,
                        r.presence_frames,
                        r.presence_bytes as f64 / 1_048_576.0,
                        r.room_joined_mean_bytes / 1024.0,
                        r.room_joined_max_bytes as f64 / 1024.0,
                        r.rss_peak_kib,
                        r.first_error
                            .as_ref()
                            .map(|e| format!("; first join error: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        if !self.joins.is_empty() {
            let _ = writeln!(out, "\nJoin storm: clients released at once into one room");
            let _ = writeln!(
                out,
                "{:<16} {:>8} {:>7} {:>7} {:>12} {:>9} {:>9} {:>10}",
                "server",
                "clients",
                "joined",
                "failed",
                "all in (s)",
                "p50 ms",
                "p99 ms",
                "host sees"
            );
            for (t, b) in &self.joins {
                for r in std::iter::once(t).chain(b.as_ref()) {
                    let _ = writeln!(
                        out,
                        "{:<16} {:>8} {:>7} {:>7} {:>12.3} {:>9.1} {:>9.1} {:>10} {:>11}",
                        r.server,
                        r.clients,
                        r.joined,
                        r.failures,
                        r.all_joined_s,
                        r.p50_ms,
                        r.p99_ms,
                        r.host_sees_members,
                        format!("{}->{}", r.load.0, r.load.1)
                    );
                }
                if let Some(b) = b {
                    let _ = writeln!(
                        out,
                        "{:<16} {:>8} {:>7} {:>7} {:>12} {:>9} {:>9}",
                        "tandem/baseline",
                        t.clients,
                        "",
                        "",
                        ratio(t.all_joined_s, b.all_joined_s),
                        ratio(t.p50_ms, b.p50_ms),
                        ratio(t.p99_ms, b.p99_ms)
                    );
                }
                for r in std::iter::once(t).chain(b.as_ref()) {
                    let _ = writeln!(
                        out,
                        "  {:<8} storm CPU seconds (server [kernel] / bench): {:.2} [{:.2}] / {:.2} over {:.2} s; SYNs dropped on a full accept queue: {}, SYN retries: {}{}",
                        r.server,
                        r.cpu.server_cpu_s,
                        r.cpu.server_sys_s,
                        r.cpu.bench_cpu_s,
                        r.cpu.wall_s,
                        r.tcp.listen_drops,
                        r.tcp.syn_retrans,
                        r.first_error
                            .as_ref()
                            .map(|e| format!("; first error: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        out
    }

    pub fn to_json(&self) -> Value {
        json!({
            "machine": {
                "cores": self.machine.cores,
                "cpu": self.machine.cpu,
                "loadAtStart": self.machine.load_at_start,
                "loadAtEnd": load_average(),
            },
            "tandemServer": {
                "outboundQueue": self.outbound_queue,
                "maxFrameBytes": self.max_frame_bytes,
            },
            "broadcast": self.broadcast.iter().map(|(t, b)| pair(t, b.as_ref())).collect::<Vec<_>>(),
            "joins": self.joins.iter().map(|(t, b)| pair(t, b.as_ref())).collect::<Vec<_>>(),
        })
    }
}

fn pair<T: Serialize>(tandem: &T, baseline: Option<&T>) -> Value {
    json!({ "tandem": tandem, "baseline": baseline })
}
