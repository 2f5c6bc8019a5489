//! Across the internet (120 ms round trip, up to 30 ms of jitter each way, rare spikes) the
//! error is what physics allows: a path whose upstream is 20 ms slower than its downstream
//! shifts every estimate by 10 ms, and the estimator adds only a few ms on top.

mod common;
use common::{MS, S, errors, listener, max_abs, mean};
use sync_core::netem::PathProfile;

#[test]
fn asymmetric_path_error_is_half_the_asymmetry_plus_a_few_ms() {
    let mut worst = 0;
    let mut means = Vec::new();
    for seed in 0..10 {
        let mut sim = listener(PathProfile::wan().with_asymmetry_us(20 * MS), -40.0, seed);
        let errs = errors(&mut sim, 2 * S, 300 * S, 100 * MS);
        let max = max_abs(&errs);
        let avg = mean(&errs);
        // The estimate sits at +10 ms: the asymmetry is there and invisible...
        assert!(
            (7_000.0..13_000.0).contains(&avg),
            "seed {seed}: mean error {avg} us"
        );
        // ...and jitter adds at most a few ms to it.
        assert!(max <= 10 * MS + 5 * MS, "seed {seed}: max |error| {max} us");
        worst = worst.max(max);
        means.push(avg);
    }
    let (lo, hi) = means
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    eprintln!(
        "WAN 120 ms rtt, 20 ms asymmetry: mean error {lo:.0}..{hi:.0} us per seed, \
         worst |error| {worst} us (10 seeds, 2-300 s)"
    );
}

#[test]
fn symmetric_wan_error_is_a_few_ms() {
    let mut worst = 0;
    let mut all = Vec::new();
    for seed in 0..10 {
        let mut sim = listener(PathProfile::wan(), 80.0, seed);
        let errs = errors(&mut sim, 2 * S, 300 * S, 100 * MS);
        let max = max_abs(&errs);
        assert!(max <= 8 * MS, "seed {seed}: max |error| {max} us");
        worst = worst.max(max);
        all.extend(errs.iter().map(|e| e.abs()));
    }
    all.sort_unstable();
    let median = all[all.len() / 2];
    eprintln!("WAN 120 ms rtt, symmetric: worst |error| {worst} us, median {median} us");
    assert!(median < 2 * MS, "median {median} us");
}
