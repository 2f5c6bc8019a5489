//! After a reconnect the samples are gone but the skew is kept: a listener whose clock runs
//! 200 ppm fast is right between samples from the first burst on, where a fresh estimator,
//! whose burst barely measures the skew, drifts by a millisecond or more in 20 s without a pong.

mod common;
use common::{MS, S, START, listener};
use sync_core::netem::PathProfile;

#[test]
fn skew_survives_reset_and_holds_through_an_outage_right_after() {
    let mut kept = listener(PathProfile::lan(), 200.0, 21);
    kept.run_until(START + 180 * S);
    let skew = kept.estimator.skew_ppm();
    assert!((skew - 200.0).abs() < 3.0, "skew {skew}");
    kept.reconnect();
    assert_eq!(kept.estimator.sample_count(), 0);
    assert!((kept.estimator.skew_ppm() - skew).abs() < 1e-9);

    let mut forgot = kept.clone();
    forgot.estimator.reset_all();
    assert_eq!(forgot.estimator.skew_ppm(), 0.0);

    // Reconnected: one burst, then the network drops for 20 s.
    for sim in [&mut kept, &mut forgot] {
        sim.net_mut().add_blackout(START + 181 * S, START + 201 * S);
        sim.run_until(START + 200 * S);
    }
    let kept_err = kept.offset_error_us().unwrap_or(i64::MAX);
    let forgot_err = forgot.offset_error_us().unwrap_or(i64::MAX);
    eprintln!("20 s after a reconnect burst: kept skew {kept_err} us, forgot it {forgot_err} us");
    assert!(kept_err.abs() < MS / 2, "kept skew, error {kept_err} us");
    // A burst alone barely measures 200 ppm: without the kept skew the error grows ~0.1 ms/s.
    assert!(
        forgot_err.abs() > MS,
        "forgot skew, error only {forgot_err} us"
    );
}
