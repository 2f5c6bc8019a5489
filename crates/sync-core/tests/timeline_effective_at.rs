//! Scheduled changes: a state holds from its `effective_at`; before that a listener keeps
//! following the state it had, and a newcomer follows the room as it will have been (a
//! scheduled start at `effective_at - started_at`, or playing on until a scheduled pause).

use sync_core::{ClockEstimator, EstimatorConfig, FixedOffset, RoomPlayback, Target, Timeline};

const MS: i64 = 1_000;
const S: i64 = 1_000_000;
/// The listener's clock reads 5 s less than the room's: local = room - 5 s.
const CLOCK: FixedOffset = FixedOffset { offset_us: 5 * S };

/// Local instant of room instant `room_us`.
fn local(room_us: i64) -> i64 {
    room_us - 5 * S
}

/// Playing song 7 from room 100 s.
fn playing() -> RoomPlayback {
    RoomPlayback::playing(7, 100 * S)
}

#[test]
fn constructors_take_effect_at_their_own_instant() {
    assert_eq!(playing().effective_at_us, 100 * S);
    assert_eq!(
        RoomPlayback::paused(7, 100 * S, 130 * S).effective_at_us,
        130 * S
    );
    assert_eq!(playing().with_effective_at(99 * S).effective_at_us, 99 * S);
}

#[test]
fn a_scheduled_pause_keeps_playing_until_it_takes_effect() {
    let mut tl = Timeline::new(playing());
    // Announced at room 149.9 s, effective at 150 s: pinned at 50 s.
    tl.apply(RoomPlayback::paused(7, 100 * S, 150 * S));
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S + 950 * MS)),
        Some(Target::Playing {
            position_us: 49 * S + 950 * MS
        })
    );
    for room in [150 * S, 151 * S, 400 * S] {
        assert_eq!(
            tl.target_at(&CLOCK, local(room)),
            Some(Target::Paused {
                position_us: 50 * S
            })
        );
    }
}

#[test]
fn a_scheduled_seek_jumps_at_its_instant() {
    let mut tl = Timeline::new(playing());
    // At room 150 s jump back to 70 s: started 80 s.
    tl.apply(RoomPlayback::playing(7, 80 * S).with_effective_at(150 * S));
    assert_eq!(
        tl.target_at(&CLOCK, local(150 * S - 1)),
        Some(Target::Playing {
            position_us: 50 * S - 1
        })
    );
    assert_eq!(
        tl.target_at(&CLOCK, local(150 * S)),
        Some(Target::Playing {
            position_us: 70 * S
        })
    );
}

#[test]
fn a_scheduled_resume_holds_the_pause_until_it_takes_effect() {
    let mut tl = Timeline::new(RoomPlayback::paused(7, 100 * S, 130 * S));
    // Resume at room 150 s from 30 s: started 120 s.
    tl.apply(RoomPlayback::playing(7, 120 * S).with_effective_at(150 * S));
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S)),
        Some(Target::Paused {
            position_us: 30 * S
        })
    );
    assert_eq!(
        tl.target_at(&CLOCK, local(150 * S + 20 * MS)),
        Some(Target::Playing {
            position_us: 30 * S + 20 * MS
        })
    );
}

#[test]
fn a_newcomer_to_a_scheduled_resume_holds_then_starts_from_the_paused_position() {
    let tl = Timeline::new(RoomPlayback::playing(7, 120 * S).with_effective_at(150 * S));
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S + 900 * MS)),
        Some(Target::Scheduled {
            position_us: 29 * S + 900 * MS,
            start_at_local_us: local(150 * S),
            start_position_us: 30 * S,
        })
    );
    assert_eq!(
        tl.target_at(&CLOCK, local(150 * S)),
        Some(Target::Playing {
            position_us: 30 * S
        })
    );
}

#[test]
fn a_newcomer_to_a_scheduled_pause_keeps_playing_until_the_pause() {
    let tl = Timeline::new(RoomPlayback::paused(7, 100 * S, 150 * S));
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S + 900 * MS)),
        Some(Target::Playing {
            position_us: 49 * S + 900 * MS
        })
    );
    assert_eq!(
        tl.target_at(&CLOCK, local(150 * S)),
        Some(Target::Paused {
            position_us: 50 * S
        })
    );
    // A pause that comes before the song's start holds at 0 throughout.
    let tl = Timeline::new(RoomPlayback::paused(7, 100 * S, 98 * S));
    assert_eq!(
        tl.target_at(&CLOCK, local(97 * S)),
        Some(Target::Paused { position_us: 0 })
    );
}

#[test]
fn a_new_song_starts_at_its_instant_and_the_old_one_plays_until_then() {
    let mut tl = Timeline::new(playing());
    tl.apply(RoomPlayback::playing(8, 150 * S));
    let (before, target) = tl
        .in_force_at(&CLOCK, local(149 * S + 980 * MS))
        .expect("a target");
    assert_eq!(before.song_id, 7);
    assert_eq!(
        target,
        Target::Playing {
            position_us: 49 * S + 980 * MS
        }
    );
    let (after, target) = tl.in_force_at(&CLOCK, local(150 * S)).expect("a target");
    assert_eq!(after.song_id, 8);
    assert_eq!(target, Target::Playing { position_us: 0 });
    // The newest state is the announced one all along.
    assert_eq!(tl.playback().song_id, 8);
}

#[test]
fn output_latency_moves_the_switch_earlier_by_the_latency() {
    let mut tl = Timeline::new(playing()).with_output_latency_ms(200);
    tl.apply(RoomPlayback::paused(7, 100 * S, 150 * S));
    // Written at local(149.8 s), heard at room 150 s: already the pause.
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S + 800 * MS)),
        Some(Target::Paused {
            position_us: 50 * S
        })
    );
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S + 800 * MS) - 1),
        Some(Target::Playing {
            position_us: 50 * S - 1
        })
    );
}

#[test]
fn a_newer_change_that_takes_effect_sooner_wins() {
    let mut tl = Timeline::new(playing());
    // A pause scheduled for 150 s, then a seek while paused that holds at once (149.95 s).
    tl.apply(RoomPlayback::paused(7, 100 * S, 150 * S));
    tl.apply(RoomPlayback::paused(
        7,
        149 * S + 950 * MS - 10 * S,
        149 * S + 950 * MS,
    ));
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S + 970 * MS)),
        Some(Target::Paused {
            position_us: 10 * S
        })
    );
    // Before either takes effect the room still plays.
    assert_eq!(
        tl.target_at(&CLOCK, local(149 * S)),
        Some(Target::Playing {
            position_us: 49 * S
        })
    );
}

#[test]
fn repeats_are_ignored_and_set_playback_forgets_the_past() {
    let mut tl = Timeline::new(playing());
    let pause = RoomPlayback::paused(7, 100 * S, 150 * S);
    tl.apply(pause.clone());
    tl.apply(pause.clone());
    assert_eq!(
        tl.target_at(&CLOCK, local(140 * S)),
        Some(Target::Playing {
            position_us: 40 * S
        })
    );
    // Forgetting the playing state makes the listener a newcomer: still playing until the
    // pause, by the newcomer rule.
    tl.set_playback(pause);
    assert_eq!(
        tl.target_at(&CLOCK, local(140 * S)),
        Some(Target::Playing {
            position_us: 40 * S
        })
    );
}

#[test]
fn without_a_clock_mapping_only_a_paused_room_is_followed() {
    let unsynced = ClockEstimator::new(EstimatorConfig::default());
    let mut tl = Timeline::new(playing());
    assert_eq!(tl.target_at(&unsynced, 0), None);
    tl.apply(RoomPlayback::paused(7, 100 * S, 150 * S));
    assert_eq!(
        tl.target_at(&unsynced, 0),
        Some(Target::Paused {
            position_us: 50 * S
        })
    );
}

#[test]
fn only_a_few_replaced_states_are_kept() {
    let mut tl = Timeline::new(RoomPlayback::playing(1, 100 * S));
    for song in 2..=10 {
        tl.apply(RoomPlayback::playing(song, 100 * S + song as i64 * S));
    }
    // Long before any of them: the oldest kept state, as a newcomer would see it.
    let (oldest, _) = tl.in_force_at(&CLOCK, local(50 * S)).expect("a target");
    assert_eq!(oldest.song_id, 7);
}
