//! A process and its descendants (the app and its WebKit processes), read from /proc.

use std::collections::HashMap;

fn children_map() -> HashMap<u32, Vec<u32>> {
    let mut map: HashMap<u32, Vec<u32>> = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return map;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(ppid) = stat_fields(pid).and_then(|f| f.get(1).and_then(|p| p.parse().ok())) {
            map.entry(ppid).or_default().push(pid);
        }
    }
    map
}

/// `/proc/pid/stat` after the command name: field 3 (state) is index 0.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn tree(root: u32) -> Vec<u32> {
    let map = children_map();
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = map.get(&out[i]) {
            out.extend(kids);
        }
        i += 1;
    }
    out
}

/// User + system CPU time of the tree, in clock ticks.
pub fn cpu_ticks(root: u32) -> u64 {
    tree(root)
        .into_iter()
        .filter_map(stat_fields)
        .map(|f| {
            // utime and stime are fields 14 and 15: indices 11 and 12 here.
            let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            field(11) + field(12)
        })
        .sum()
}

/// Proportional set size of the tree, kB (shared pages split among their users).
pub fn pss_kb(root: u32) -> u64 {
    tree(root)
        .into_iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|t| {
            t.lines().find(|l| l.starts_with("Pss:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .sum()
}

/// Clock ticks per second (USER_HZ; 100 on Linux).
pub fn ticks_per_second() -> f64 {
    100.0
}
