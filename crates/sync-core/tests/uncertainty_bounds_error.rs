//! The estimator's reported uncertainty is honest: the real error never exceeds it, on any
//! profile, through loss and asymmetry.

mod common;
use common::{MS, S, START, listener};
use sync_core::netem::{Loss, PathProfile};

#[test]
fn real_error_stays_within_the_reported_uncertainty() {
    let profiles = [
        ("lan", PathProfile::lan()),
        ("wifi", PathProfile::wifi()),
        ("wan", PathProfile::wan()),
        ("wan+asym", PathProfile::wan().with_asymmetry_us(30 * MS)),
        (
            "lan+loss",
            PathProfile::lan().with_loss(Loss::bursts(0.05, 10.0)),
        ),
    ];
    for (name, profile) in profiles {
        for seed in 0..3 {
            let mut sim = listener(profile, 150.0, seed);
            let mut t = START + S;
            let mut tightest = f64::MAX;
            while t < START + 300 * S {
                sim.run_until(t);
                let err = sim.offset_error_us().unwrap_or(i64::MAX);
                let unc = sim
                    .estimator
                    .uncertainty_at(sim.now_local_us())
                    .unwrap_or(0);
                assert!(
                    err.abs() <= unc,
                    "{name} seed {seed} at {t}: error {err} us > {unc} us"
                );
                assert!(unc >= sim.estimator.rtt_us().unwrap_or(0) / 2);
                tightest = tightest.min(unc as f64);
                t += 100 * MS;
            }
            assert!(tightest.is_finite());
        }
    }
}
