//! A large error is fixed by a seek to the target, but only once it is confirmed by several
//! readings on the same side, and never again during the cooldown that follows.

use sync_core::{Correction, DriftConfig, DriftController, DriftState};

const MS: i64 = 1_000;

#[test]
fn local_audio_jumps_after_three_readings_beyond_20_ms() {
    let mut ctl = DriftController::new(DriftConfig::local_audio());
    let mut t = 0;
    let mut next = |ctl: &mut DriftController, error: i64| {
        t += 20 * MS;
        ctl.update(t, 60_000_000 + t + error, 60_000_000 + t)
    };
    // Not confirmed yet, and not trimmed towards either: a seek is coming or it was a glitch.
    assert_eq!(next(&mut ctl, 100 * MS), Correction::None);
    assert_eq!(next(&mut ctl, 100 * MS), Correction::None);
    assert_eq!(ctl.state(), DriftState::InSync);
    assert_eq!(
        next(&mut ctl, 100 * MS),
        Correction::Jump {
            position_us: 60_000_000 + 60 * MS
        }
    );
    assert_eq!(ctl.state(), DriftState::Settling);
    // The seek has not landed yet: readings during the cooldown are ignored.
    for _ in 0..20 {
        assert_eq!(next(&mut ctl, 100 * MS), Correction::None);
    }
    // Landed: in sync.
    for _ in 0..10 {
        assert_eq!(next(&mut ctl, 0), Correction::None);
    }
    assert_eq!(ctl.state(), DriftState::InSync);
    assert_eq!(ctl.jump_count(), 1);
}

#[test]
fn glitches_and_flapping_readings_are_not_confirmed() {
    let mut ctl = DriftController::new(DriftConfig::local_audio());
    let mut t = 0;
    for i in 0..200 {
        t += 20 * MS;
        // One wild reading in ten, and wild ones alternate sides.
        let error = match i % 10 {
            0 => 80 * MS,
            5 => -80 * MS,
            _ => 0,
        };
        let c = ctl.update(t, t + error, t);
        assert!(
            !matches!(c, Correction::Jump { .. }),
            "jumped at reading {i}"
        );
    }
    let mut ctl = DriftController::new(DriftConfig::local_audio());
    for i in 0..200 {
        t += 20 * MS;
        let error = if i % 2 == 0 { 50 * MS } else { -50 * MS };
        let c = ctl.update(t, t + error, t);
        assert!(
            !matches!(c, Correction::Jump { .. }),
            "jumped at reading {i}"
        );
    }
}

#[test]
fn spotify_seeks_only_beyond_half_a_second() {
    let mut ctl = DriftController::new(DriftConfig::spotify());
    for i in 1..=60 {
        // 400 ms off: tolerated, and never a rate change (Spotify has none).
        assert_eq!(
            ctl.update(i * 1_000 * MS, i * 1_000 * MS + 400 * MS, i * 1_000 * MS),
            Correction::None
        );
    }
    let mut ctl = DriftController::new(DriftConfig::spotify());
    assert_eq!(
        ctl.update(1_000 * MS, 1_600 * MS, 1_000 * MS),
        Correction::None
    );
    assert_eq!(
        ctl.update(2_000 * MS, 2_600 * MS, 2_000 * MS),
        Correction::Jump {
            position_us: 2_000 * MS
        }
    );
    // Still 600 ms off 7 s later (the seek did not land yet): no second seek within 8 s.
    for s in 3..=9 {
        assert_eq!(
            ctl.update(s * 1_000 * MS, s * 1_000 * MS + 600 * MS, s * 1_000 * MS),
            Correction::None
        );
    }
}

#[test]
fn youtube_seeks_beyond_300_ms() {
    let mut ctl = DriftController::new(DriftConfig::youtube());
    let first = ctl.update(250 * MS, 250 * MS - 350 * MS, 250 * MS);
    assert!(!matches!(first, Correction::Jump { .. }));
    assert_eq!(
        ctl.update(500 * MS, 500 * MS - 350 * MS, 500 * MS),
        Correction::Jump {
            position_us: 500 * MS
        }
    );
    let mut ctl = DriftController::new(DriftConfig::youtube());
    for i in 1..=100 {
        let c = ctl.update(i * 250 * MS, i * 250 * MS - 250 * MS, i * 250 * MS);
        assert!(!matches!(c, Correction::Jump { .. }));
    }
}
