//! Samples that cannot be trusted are refused and leave the estimate exactly where it was:
//! delay spikes, negative round trips, replies older than the last one, impossible timestamps.
//! Spikes that hit only one direction (the dangerous kind: each would shift the offset by half
//! the spike) do not move the estimate either when they come from the network.

mod common;
use common::{MS, S, START, errors, listener, max_abs};
use sync_core::netem::{Jitter, LinkProfile, PathProfile};
use sync_core::{Sample, SampleRejected};

#[test]
fn crafted_bad_samples_are_refused_and_change_nothing() {
    let mut sim = listener(PathProfile::lan(), 50.0, 1);
    sim.run_until(START + 20 * S);
    let clock = *sim.clock();
    let est = &mut sim.estimator;
    let probe = clock.local_from_room(START + 21 * S);
    let before = (
        est.room_time(probe),
        est.rtt_us(),
        est.skew_ppm(),
        est.sample_count(),
    );

    // A ping sent later than any so far, held 80 ms on the way up, 1 ms down.
    let t = START + 20 * S + 500 * MS;
    let spike = Sample::new(
        clock.local_from_room(t),
        t + 81 * MS,
        t + 81 * MS + 20,
        clock.local_from_room(t + 82 * MS + 20),
    );
    assert!(matches!(
        est.add_sample(spike),
        Err(SampleRejected::DelayOutlier { delay_us, limit_us }) if delay_us > limit_us
    ));

    // The server claims to have held the ping longer than the round trip took.
    let t = t + 100 * MS;
    let negative = Sample::new(
        clock.local_from_room(t),
        t + MS,
        t + 10 * MS,
        clock.local_from_room(t + 2 * MS),
    );
    assert!(matches!(
        est.add_sample(negative),
        Err(SampleRejected::NegativeDelay { delay_us }) if delay_us < 0
    ));

    // A perfect sample, but for a ping sent before the spike's: stale.
    let t_old = START + 20 * S + 400 * MS;
    let stale = Sample::new(
        clock.local_from_room(t_old),
        t_old + MS,
        t_old + MS + 20,
        clock.local_from_room(t_old + 2 * MS + 20),
    );
    assert!(matches!(
        est.add_sample(stale),
        Err(SampleRejected::NotMonotonic { .. })
    ));

    // Answered before received.
    let t = t + 100 * MS;
    let malformed = Sample::new(
        clock.local_from_room(t),
        t + MS,
        t,
        clock.local_from_room(t),
    );
    assert_eq!(est.add_sample(malformed), Err(SampleRejected::Malformed));

    let after = (
        est.room_time(probe),
        est.rtt_us(),
        est.skew_ppm(),
        est.sample_count(),
    );
    assert_eq!(before, after);
    assert_eq!(est.rejected_count(), 4);
}

#[test]
fn one_way_spikes_from_the_network_do_not_move_the_estimate() {
    // Upstream: 10 % of pings held 5-100 ms. Downstream clean. Each spike, if believed, would
    // shift the offset by 2.5-50 ms.
    let up = LinkProfile::new(
        1_000,
        Jitter::uniform(1_000).with_spikes(0.10, 5 * MS, 100 * MS),
    );
    let down = LinkProfile::new(1_000, Jitter::uniform(1_000));
    let mut worst = 0;
    for seed in 0..5 {
        let mut sim = listener(PathProfile { up, down }, -60.0, seed);
        let errs = errors(&mut sim, S, 300 * S, 50 * MS);
        let max = max_abs(&errs);
        assert!(max < MS, "seed {seed}: max |error| {max} us");
        let stats = sim.stats();
        assert!(
            stats.rejected >= 10,
            "seed {seed}: only {} of {} refused",
            stats.rejected,
            stats.accepted + stats.rejected
        );
        worst = worst.max(max);
    }
    eprintln!("LAN with 10 % one-way spikes: worst |error| {worst} us");
}
