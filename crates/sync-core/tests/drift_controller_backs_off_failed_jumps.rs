//! A player whose seeks never land where asked (a Spotify client that always starts late) must
//! not be sent a seek every cooldown forever: each failed seek doubles the next cooldown, up to
//! a minute. A seek that works resets that.

mod common;
use common::S;
use common::player::{Player, play};
use sync_core::{Correction, DriftConfig, DriftController};

#[test]
fn failed_seeks_back_off_to_one_a_minute() {
    let mut p = Player::new(3);
    p.position = 2_000_000.0;
    p.seek_bias_us = 800_000; // always lands 800 ms late
    p.noise_us = 30_000.0;
    let (run, _) = play(DriftConfig::spotify(), &mut p, S, 600 * S);
    let gaps: Vec<i64> = run.jumps.windows(2).map(|w| w[1] - w[0]).collect();
    eprintln!(
        "Spotify with seeks that always miss: {} seeks in 10 min, gaps {gaps:?} us",
        run.jumps.len()
    );
    // With a fixed 8 s cooldown it would be about 60.
    assert!(
        run.jumps.len() <= 13,
        "{} seeks: {:?}",
        run.jumps.len(),
        run.jumps
    );
    assert!(
        gaps.windows(2).all(|g| g[1] >= g[0]),
        "gaps shrank: {gaps:?}"
    );
    assert!(gaps.last().is_some_and(|&g| g >= 60 * S));
}

#[test]
fn a_seek_that_lands_resets_the_backoff() {
    let mut ctl = DriftController::new(DriftConfig::spotify());
    let mut bias = 800_000; // seeks land 800 ms late
    let mut offset = 2_000_000; // player position minus target
    let mut jumps = Vec::new();
    for s in 1..=600_i64 {
        let now = s * S;
        if s == 200 {
            bias = 0; // the player was fixed
        }
        if s == 450 {
            offset += 1_500_000; // and later skips 1.5 s ahead
        }
        match ctl.update(now, now + offset, now) {
            Correction::Jump { position_us } => {
                jumps.push(s);
                offset = position_us + bias - now;
            }
            Correction::None => {}
            Correction::Rate { .. } => panic!("Spotify cannot trim"),
        }
    }
    // The skip at 450 s is fixed within 2 readings: the working seek before it reset the
    // backoff, though the cooldown had grown to a minute.
    assert!(jumps.contains(&451), "jumps {jumps:?}");
    assert_eq!(
        jumps.iter().filter(|&&s| s > 451).count(),
        0,
        "jumps {jumps:?}"
    );
}
