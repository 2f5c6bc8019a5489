//! Counters for `/metrics` (Prometheus text format) and `/health`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

#[derive(Debug, Default)]
pub struct Metrics {
    pub connections_open: AtomicI64,
    pub connections_total: AtomicU64,
    pub rooms_open: AtomicI64,
    pub members_joined_total: AtomicU64,
    pub frames_in_total: AtomicU64,
    pub frames_out_total: AtomicU64,
    pub errors_sent_total: AtomicU64,
    pub rate_limited_total: AtomicU64,
    pub slow_listeners_dropped_total: AtomicU64,
    pub oversize_closed_total: AtomicU64,
    pub flood_closed_total: AtomicU64,
    pub idle_closed_total: AtomicU64,
}

pub fn inc(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    /// Prometheus exposition text.
    pub fn render(&self) -> String {
        let gauges: [(&str, &str, &AtomicI64); 2] = [
            (
                "tandem_connections_open",
                "Open WebSocket connections.",
                &self.connections_open,
            ),
            ("tandem_rooms_open", "Rooms in memory.", &self.rooms_open),
        ];
        let counters: [(&str, &str, &AtomicU64); 10] = [
            (
                "tandem_connections_total",
                "WebSocket connections accepted.",
                &self.connections_total,
            ),
            (
                "tandem_members_joined_total",
                "Successful room joins.",
                &self.members_joined_total,
            ),
            (
                "tandem_frames_in_total",
                "Text frames received.",
                &self.frames_in_total,
            ),
            (
                "tandem_frames_out_total",
                "Text frames queued to sockets.",
                &self.frames_out_total,
            ),
            (
                "tandem_errors_sent_total",
                "error messages sent to clients.",
                &self.errors_sent_total,
            ),
            (
                "tandem_rate_limited_total",
                "Messages refused for rate.",
                &self.rate_limited_total,
            ),
            (
                "tandem_slow_listeners_dropped_total",
                "Listeners dropped because their outbound queue was full.",
                &self.slow_listeners_dropped_total,
            ),
            (
                "tandem_oversize_closed_total",
                "Sockets closed for an oversized frame.",
                &self.oversize_closed_total,
            ),
            (
                "tandem_flood_closed_total",
                "Sockets closed for flooding.",
                &self.flood_closed_total,
            ),
            (
                "tandem_idle_closed_total",
                "Sockets closed for idleness.",
                &self.idle_closed_total,
            ),
        ];
        let mut out = String::new();
        for (name, help, v) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        for (name, help, v) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        }
        out
    }
}
