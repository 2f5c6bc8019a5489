//! A listener clock running 200 ppm fast gains 12 ms on the room every minute; the skew fit
//! keeps the mapping within a millisecond between samples for ten minutes, even across a
//! 30-second loss of every packet.

mod common;
use common::{MS, S, START, errors, listener, max_abs};
use sync_core::netem::PathProfile;

#[test]
fn fast_clock_mapping_stays_within_a_millisecond_for_ten_minutes() {
    for seed in [3, 13] {
        let mut sim = listener(PathProfile::lan(), 200.0, seed);
        // 30 s without a single pong: 6 ms of drift if the skew were ignored.
        sim.net_mut().add_blackout(START + 300 * S, START + 330 * S);
        let errs = errors(&mut sim, S, 600 * S, 50 * MS);
        let max = max_abs(&errs);
        assert!(max < MS, "seed {seed}: max |error| {max} us");
        let skew = sim.estimator.skew_ppm();
        assert!((skew - 200.0).abs() < 3.0, "seed {seed}: skew {skew} ppm");
        eprintln!("200 ppm fast, seed {seed}: max |error| {max} us, skew {skew:.2} ppm");
    }
}

#[test]
fn slow_clock_skew_is_measured_too() {
    let mut sim = listener(PathProfile::lan(), -150.0, 5);
    sim.run_until(START + 120 * S);
    let skew = sim.estimator.skew_ppm();
    assert!((skew + 150.0).abs() < 3.0, "skew {skew} ppm");
    assert!(sim.estimator.skew_sigma_ppm() < 2.0);
    // Well after the last sample (no pings are delivered during the blackout), still right.
    sim.net_mut().add_blackout(START + 120 * S, START + 200 * S);
    sim.run_until(START + 190 * S);
    let err = sim.offset_error_us().unwrap_or(i64::MAX);
    assert!(err.abs() < MS, "error 70 s after the last sample: {err} us");
}
