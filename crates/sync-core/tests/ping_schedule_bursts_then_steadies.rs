//! A listener pings at once on connecting, bursts 16 pings 50 ms apart, ramps up to one a
//! second, and bursts again after a reconnect; while nothing gets through it keeps trying at
//! 4 per second.

use sync_core::{ClockEstimator, EstimatorConfig, Sample};

const MS: i64 = 1_000;

/// Sends pings as the estimator asks until `until`, answering each perfectly if `answer`.
fn drive(est: &mut ClockEstimator, from: i64, until: i64, answer: bool) -> Vec<i64> {
    let mut sent = Vec::new();
    let mut now = from;
    while now < until {
        if est.should_ping(now) {
            est.on_ping_sent(now);
            sent.push(now - from);
            if answer {
                let _ = est.add_sample(Sample::new(now, now + 1_000, now + 1_010, now + 2_010));
            }
        }
        now = est.next_ping_at(now).max(now + 1);
    }
    sent
}

#[test]
fn burst_then_ramp_then_steady() {
    let mut est = ClockEstimator::new(EstimatorConfig::default());
    assert_eq!(est.next_ping_at(123), 123);
    let sent = drive(&mut est, 0, 10_000 * MS, true);
    let burst: Vec<i64> = (0..16).map(|i| i * 50 * MS).collect();
    assert_eq!(sent[..16], burst[..]);
    let gaps: Vec<i64> = sent.windows(2).map(|w| w[1] - w[0]).skip(15).collect();
    assert_eq!(
        gaps[..5],
        [100 * MS, 200 * MS, 400 * MS, 800 * MS, 1_000 * MS]
    );
    assert!(gaps[5..].iter().all(|&g| g == 1_000 * MS), "{gaps:?}");
}

#[test]
fn unanswered_pings_keep_trying_faster_than_steady() {
    let mut est = ClockEstimator::new(EstimatorConfig::default());
    let sent = drive(&mut est, 0, 3_000 * MS, false);
    // 16 in the burst (to 750 ms), then every 250 ms.
    assert_eq!(sent.len(), 16 + 8);
    assert_eq!(sent[16] - sent[15], 250 * MS);
}

#[test]
fn reconnect_bursts_again() {
    let mut est = ClockEstimator::new(EstimatorConfig::default());
    drive(&mut est, 0, 20_000 * MS, true);
    assert!(est.is_synced());
    est.reset();
    assert!(!est.is_synced());
    assert_eq!(est.next_ping_at(20_000 * MS), 20_000 * MS);
    let sent = drive(&mut est, 20_000 * MS, 20_800 * MS, true);
    assert_eq!(sent.len(), 16);
}
