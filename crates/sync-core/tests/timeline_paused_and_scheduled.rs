//! The room timeline on a listener's clock: playing advances, paused holds, a start scheduled
//! in the future is a negative position with the local instant to start at.

mod common;
use common::{MS, S, START, listener};
use sync_core::netem::PathProfile;
use sync_core::{ClockEstimator, EstimatorConfig, FixedOffset, RoomPlayback, Target, Timeline};

/// The listener's clock reads 5 s less than the room's.
const CLOCK: FixedOffset = FixedOffset { offset_us: 5 * S };

#[test]
fn playing_position_is_room_now_minus_start() {
    let tl = Timeline::new(RoomPlayback::playing(7, 100 * S));
    // Local 125 s is room 130 s: 30 s into the song.
    assert_eq!(
        tl.target_at(&CLOCK, 125 * S),
        Some(Target::Playing {
            position_us: 30 * S
        })
    );
    assert_eq!(tl.local_instant_for(&CLOCK, 30 * S), Some(125 * S));
}

#[test]
fn paused_position_holds_whatever_the_time() {
    let tl = Timeline::new(RoomPlayback::paused(7, 100 * S, 142 * S));
    // From the pause on (local 137 s is room 142 s); before it, a newcomer would still be
    // playing (see timeline_effective_at.rs).
    for local in [137 * S, 140 * S, 10_000 * S] {
        assert_eq!(
            tl.target_at(&CLOCK, local),
            Some(Target::Paused {
                position_us: 42 * S
            })
        );
    }
    assert_eq!(tl.local_instant_for(&CLOCK, 42 * S), None);
    // Paused needs no clock at all.
    let unsynced = ClockEstimator::new(EstimatorConfig::default());
    assert_eq!(
        tl.target_at(&unsynced, 0).map(|t| t.position_us()),
        Some(42 * S)
    );
}

#[test]
fn not_playing_without_a_pause_instant_holds_at_zero() {
    let mut pb = RoomPlayback::playing(7, 100 * S);
    pb.is_playing = false;
    let tl = Timeline::new(pb);
    assert_eq!(
        tl.target_at(&CLOCK, 500 * S),
        Some(Target::Paused { position_us: 0 })
    );
    // Paused before a scheduled start: holds at 0, not at a negative position.
    let tl = Timeline::new(RoomPlayback::paused(7, 100 * S, 98 * S));
    assert_eq!(
        tl.target_at(&CLOCK, 0),
        Some(Target::Paused { position_us: 0 })
    );
}

#[test]
fn a_scheduled_start_is_a_negative_position_and_a_local_start_instant() {
    // The room starts the song at room 100 s, i.e. local 95 s. At local 94.25 s that is 750 ms
    // away.
    let tl = Timeline::new(RoomPlayback::playing(7, 100 * S));
    assert_eq!(
        tl.target_at(&CLOCK, 94 * S + 250 * MS),
        Some(Target::Scheduled {
            position_us: -750 * MS,
            start_at_local_us: 95 * S,
            start_position_us: 0,
        })
    );
    let target = tl.target_at(&CLOCK, 95 * S);
    assert_eq!(target, Some(Target::Playing { position_us: 0 }));
    assert!(target.is_some_and(|t| t.is_playing()));
}

#[test]
fn playing_needs_a_clock_mapping() {
    let tl = Timeline::new(RoomPlayback::playing(7, 100 * S));
    let unsynced = ClockEstimator::new(EstimatorConfig::default());
    assert_eq!(tl.target_at(&unsynced, 0), None);
    assert_eq!(tl.local_instant_for(&unsynced, 0), None);
}

#[test]
fn through_a_real_estimator_a_scheduled_start_lands_within_a_millisecond() {
    let mut sim = listener(PathProfile::lan(), 120.0, 4);
    sim.run_until(START + 30 * S);
    // The room schedules the next song 2 s from now.
    let start_room = sim.now_room_us() + 2 * S;
    let tl = Timeline::new(RoomPlayback::playing(8, start_room));
    let now_local = sim.now_local_us();
    let Some(Target::Scheduled {
        position_us,
        start_at_local_us,
        ..
    }) = tl.target_at(&sim.estimator, now_local)
    else {
        panic!("expected a scheduled start");
    };
    assert!(
        (position_us + 2 * S).abs() < MS,
        "position {position_us} us"
    );
    // The local start instant, read back on the true clock, is the room's start instant.
    let true_start = sim.clock().room_from_local(start_at_local_us);
    assert!(
        (true_start - start_room).abs() < MS,
        "off by {} us",
        true_start - start_room
    );
    // And position_us agrees with the start instant: minus the time to wait, in room time,
    // which differs from local time by the skew (120 ppm of 2 s).
    let wait_local = start_at_local_us - now_local;
    assert!(
        (wait_local + position_us - 240).abs() <= 30,
        "{wait_local} vs {position_us}"
    );
}
