//! On a wired LAN (2 ms round trip, up to 1 ms of jitter each way) the burst after connecting
//! syncs a listener to well under a millisecond within one second, and it stays there.

mod common;
use common::{MS, S, START, errors, listener, max_abs};
use sync_core::netem::PathProfile;

#[test]
fn synced_below_one_millisecond_within_one_second() {
    let mut worst = 0;
    let mut worst_at_1s = 0;
    let mut all = Vec::new();
    for seed in 0..20 {
        let mut sim = listener(PathProfile::lan(), 35.0, seed);
        sim.run_until(START + S);
        assert!(
            sim.estimator.is_synced(),
            "seed {seed}: not synced after 1 s"
        );
        let at_1s = sim.offset_error_us().unwrap_or(i64::MAX);
        worst_at_1s = worst_at_1s.max(at_1s.abs());
        let errs = errors(&mut sim, S, 60 * S, 10 * MS);
        let max = max_abs(&errs);
        assert!(
            max < 1_000,
            "seed {seed}: max |error| {max} us over the first minute"
        );
        worst = worst.max(max);
        all.extend(errs.iter().map(|e| e.abs()));
    }
    all.sort_unstable();
    let median = all[all.len() / 2];
    eprintln!(
        "LAN, 35 ppm: worst |error| at 1 s {worst_at_1s} us; over 1-60 s worst {worst} us, \
         median {median} us (20 seeds)"
    );
    assert!(worst_at_1s < 500, "worst error at 1 s: {worst_at_1s} us");
    assert!(median < 100, "median error {median} us");
}

#[test]
fn best_round_trip_is_near_the_path_minimum() {
    let mut sim = listener(PathProfile::lan(), 0.0, 99);
    sim.run_until(START + S);
    // 2 ms is the floor (1 ms each way); 16 burst samples find one close to it.
    let rtt = sim.estimator.rtt_us().unwrap_or(i64::MAX);
    assert!((2_000..2_600).contains(&rtt), "best rtt {rtt} us");
}
