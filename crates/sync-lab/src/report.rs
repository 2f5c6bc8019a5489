//! The lab's output: a table for people (stdout), the targets, and JSON for machines.

use std::fmt::Write as _;

use crate::analysis::Summary;
use crate::scenario::{GroupReport, ProfileReport};

/// One target and whether a run met it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetCheck {
    pub profile: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
}

/// The targets of docs/benchmarks.md, checked against `r`: LAN p99 spread < 1 ms; elsewhere
/// p99 spread within 5 ms of the asymmetry bound; every listener converged within 1 s of its
/// first telemetry line; on WAN at least 20 times better than naive.
pub fn targets(r: &ProfileReport) -> Vec<TargetCheck> {
    let mut v = Vec::new();
    let t = &r.tandem;
    let p99 = t.window.spread.p99_ms;
    let lan = r.profile.eq_ignore_ascii_case("lan");
    let limit = if lan { 1.0 } else { r.asymmetry_bound_ms + 5.0 };
    v.push(TargetCheck {
        profile: r.profile.clone(),
        target: format!("p99 spread < {limit:.1} ms"),
        measured: format!("{p99:.3} ms ({} instants)", t.window.spread.n),
        met: t.window.spread.n > 0 && p99 < limit,
    });
    let slowest = t
        .listeners
        .iter()
        .map(|l| l.convergence_from_first_line_s)
        .try_fold(0.0_f64, |acc, c| c.map(|c| acc.max(c)));
    v.push(TargetCheck {
        profile: r.profile.clone(),
        target: format!(
            "convergence (|error| < {:.1} ms) < 1 s",
            r.converge_threshold_ms
        ),
        measured: match slowest {
            Some(s) => format!("slowest {s:.2} s from first telemetry"),
            None => format!("{}/{} converged", t.converged, t.listeners.len()),
        },
        met: slowest.is_some_and(|s| s < 1.0),
    });
    if r.profile.eq_ignore_ascii_case("wan")
        && let Some(ratio) = r.ratio_p99_spread
    {
        v.push(TargetCheck {
            profile: r.profile.clone(),
            target: "naive/Tandem p99 spread >= 20x".into(),
            measured: format!("{ratio:.0}x"),
            met: ratio >= 20.0,
        });
    }
    v
}

fn triple(s: &Summary) -> String {
    if s.n == 0 {
        return "n/a".into();
    }
    format!("{} / {} / {}", ms(s.p50_ms), ms(s.p99_ms), ms(s.max_ms))
}

/// Milliseconds with a precision that suits their size.
fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.3}")
    } else if v < 1000.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn group_row(out: &mut String, profile: &str, g: &GroupReport) {
    // A naive listener has no notion of converging: being within the threshold is chance.
    let conv = match g.max_convergence_s {
        _ if g.kind == "naive" => "n/a".to_owned(),
        Some(s) => format!("{s:.2}"),
        None => format!("{}/{}", g.converged, g.listeners.len()),
    };
    let used = if g.window.instants_playing == 0 {
        0.0
    } else {
        100.0 * g.window.instants_used as f64 / g.window.instants_playing as f64
    };
    let _ = writeln!(
        out,
        "{:<6} {:<7} {:>26} {:>26} {:>9} {:>26} {:>8} {:>6} {:>5.0}%",
        profile,
        g.kind,
        triple(&g.window.spread),
        triple(&g.window.error),
        ms(g.window.mean_error_ms.abs()),
        triple(&g.after_changes.spread),
        conv,
        g.jumps,
        used,
    );
}

/// The human table for every profile, then per-listener details and the targets.
pub fn table(reports: &[ProfileReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<6} {:<7} {:>26} {:>26} {:>9} {:>26} {:>8} {:>6} {:>6}",
        "path",
        "group",
        "spread p50/p99/max ms",
        "|error| p50/p99/max ms",
        "|bias| ms",
        "after-change spread ms",
        "conv s",
        "jumps",
        "used"
    );
    for r in reports {
        group_row(&mut out, &r.profile, &r.tandem);
        if let Some(n) = &r.naive {
            group_row(&mut out, &r.profile, n);
        }
        if let Some(ratio) = r.ratio_p99_spread {
            let _ = writeln!(
                out,
                "{:<6} naive/Tandem p99 spread: {ratio:.0}x   (round trip {:.0} ms, asymmetry bound {:.1} ms, truth loopback rtt p50 {} ms)",
                r.profile,
                r.rtt_ms,
                r.asymmetry_bound_ms,
                ms(r.truth_rtt.p50_ms)
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<6} {:<10} {:>7} {:>6} {:>7} {:>7} {:>24} {:>24} {:>24} {:>6}",
        "path",
        "listener",
        "offset",
        "ppm",
        "conv s",
        "1st s",
        "|error| p50/p99/max ms",
        "mapping p50/p99/max",
        "player p50/p99/max",
        "flips"
    );
    for r in reports {
        let groups = std::iter::once(&r.tandem).chain(r.naive.as_ref());
        for g in groups {
            for l in &g.listeners {
                let opt = |v: Option<f64>| v.map_or("-".to_owned(), |s| format!("{s:.2}"));
                let _ = writeln!(
                    out,
                    "{:<6} {:<10} {:>7} {:>6} {:>7} {:>7} {:>24} {:>24} {:>24} {:>6}",
                    r.profile,
                    l.name,
                    l.clock.offset_ms,
                    l.clock.drift_ppm,
                    opt(l.convergence_s),
                    opt(l.convergence_from_first_line_s),
                    triple(&l.error),
                    triple(&l.sources.mapping),
                    triple(&l.sources.player),
                    l.corrections.trim_sign_flips,
                );
            }
        }
    }
    let _ = writeln!(out);
    for r in reports {
        for t in targets(r) {
            let _ = writeln!(
                out,
                "{:<6} {:<4} {:<40} {}",
                t.profile,
                if t.met { "MET" } else { "MISS" },
                t.target,
                t.measured
            );
        }
    }
    out
}
