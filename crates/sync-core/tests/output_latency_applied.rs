//! A device heard later than it is written (Bluetooth, HDMI) must be written ahead by exactly
//! its latency: the target position moves forward, the instants to write move earlier, and a
//! pause is unaffected.

use sync_core::{FixedOffset, RoomPlayback, Target, Timeline};

const MS: i64 = 1_000;
const S: i64 = 1_000_000;
const CLOCK: FixedOffset = FixedOffset { offset_us: -3 * S };

#[test]
fn playing_target_is_ahead_by_the_latency() {
    let plain = Timeline::new(RoomPlayback::playing(1, 10 * S));
    let bt = plain.clone().with_output_latency_ms(180);
    assert_eq!(bt.output_latency_us(), 180 * MS);
    // Local 20 s is room 17 s: 7 s into the song; heard 180 ms later.
    assert_eq!(
        plain.target_at(&CLOCK, 20 * S).map(|t| t.position_us()),
        Some(7 * S)
    );
    assert_eq!(
        bt.target_at(&CLOCK, 20 * S),
        Some(Target::Playing {
            position_us: 7 * S + 180 * MS
        })
    );
}

#[test]
fn write_instants_are_earlier_by_the_latency() {
    let mut tl = Timeline::new(RoomPlayback::playing(1, 10 * S));
    let plain = tl.local_instant_for(&CLOCK, 7 * S);
    tl.set_output_latency_ms(180);
    let bt = tl.local_instant_for(&CLOCK, 7 * S);
    assert_eq!(plain, Some(20 * S));
    assert_eq!(bt, Some(20 * S - 180 * MS));
}

#[test]
fn a_scheduled_start_is_written_earlier_by_the_latency() {
    let tl = Timeline::new(RoomPlayback::playing(1, 10 * S)).with_output_latency_ms(250);
    // Room start 10 s is local 13 s; written 250 ms before. At local 12 s: 750 ms to wait.
    assert_eq!(
        tl.target_at(&CLOCK, 12 * S),
        Some(Target::Scheduled {
            position_us: -750 * MS,
            start_at_local_us: 13 * S - 250 * MS,
            start_position_us: 0,
        })
    );
    // From local 12.75 s on it is playing.
    assert_eq!(
        tl.target_at(&CLOCK, 12 * S + 750 * MS),
        Some(Target::Playing { position_us: 0 })
    );
}

#[test]
fn negative_latency_writes_later_and_pause_ignores_latency() {
    // A negative setting (calibrating against a device that is heard early) works the other way.
    let tl = Timeline::new(RoomPlayback::playing(1, 10 * S)).with_output_latency_ms(-20);
    assert_eq!(
        tl.target_at(&CLOCK, 20 * S).map(|t| t.position_us()),
        Some(7 * S - 20 * MS)
    );
    let paused = Timeline::new(RoomPlayback::paused(1, 10 * S, 15 * S)).with_output_latency_ms(300);
    assert_eq!(
        paused.target_at(&CLOCK, 20 * S),
        Some(Target::Paused { position_us: 5 * S })
    );
}
