//! A player that follows the controller with noisy readings and a drifting clock settles: no
//! jumps it does not need, trims always the same way, fewer and fewer of them, no hunting.

mod common;
use common::player::{Player, play};
use common::{MS, S};
use sync_core::DriftConfig;

#[test]
fn local_audio_with_a_drifting_sound_card_settles_and_learns_the_drift() {
    for seed in 0..5 {
        let mut p = Player::new(seed);
        p.position = 3_000.0; // starts 3 ms ahead
        p.drift_ppm = 60.0; // and its crystal runs 60 ppm fast
        p.noise_us = 50.0;
        let (run, ctl) = play(DriftConfig::local_audio(), &mut p, 20 * MS, 600 * S);
        assert!(
            run.jumps.is_empty(),
            "seed {seed}: jumped at {:?}",
            run.jumps
        );
        assert_eq!(
            run.trim_reversals(),
            0,
            "seed {seed}: trims {:?}",
            run.trims
        );
        assert!(
            run.rate_sign_changes() <= 1,
            "seed {seed}: rate changed sign"
        );
        let late = run.trims.iter().filter(|(t, _)| *t > 300 * S).count();
        assert!(late <= 2, "seed {seed}: {late} trims in the last 5 minutes");
        let max = run.max_abs_error_after(60 * S);
        assert!(
            max < 700,
            "seed {seed}: |error| up to {max} us after a minute"
        );
        let base = ctl.base_rate_ppm();
        assert!(
            (base + 60.0).abs() < 15.0,
            "seed {seed}: learned {base} ppm"
        );
        if seed == 0 {
            eprintln!(
                "local audio, 60 ppm device: {} trims, learned {base:.1} ppm, \
                 max |error| after 60 s {max} us",
                run.trims.len()
            );
        }
    }
}

#[test]
fn local_audio_noise_alone_never_triggers_anything() {
    let mut p = Player::new(42);
    p.noise_us = 150.0;
    let (run, _) = play(DriftConfig::local_audio(), &mut p, 20 * MS, 600 * S);
    assert!(run.jumps.is_empty());
    assert!(run.trims.is_empty(), "trims {:?}", run.trims);
    assert!(run.rates.is_empty());
}

#[test]
fn youtube_with_noisy_time_and_sloppy_seeks_does_not_hunt() {
    for seed in 0..5 {
        let mut p = Player::new(seed);
        p.position = 1_500_000.0; // 1.5 s ahead
        p.noise_us = 15_000.0; // getCurrentTime() is coarse
        p.seek_error_us = 100_000; // a seek lands within ±100 ms
        let (run, _) = play(DriftConfig::youtube(), &mut p, 250 * MS, 600 * S);
        assert_eq!(run.jumps.len(), 1, "seed {seed}: jumps at {:?}", run.jumps);
        assert!(run.trims.len() <= 1, "seed {seed}: trims {:?}", run.trims);
        assert!(run.rate_sign_changes() <= 1, "seed {seed}");
        let max = run.max_abs_error_after(60 * S);
        assert!(max < 60 * MS, "seed {seed}: |error| up to {max} us");
    }
}

#[test]
fn spotify_seeks_once_and_never_trims() {
    for seed in 0..5 {
        let mut p = Player::new(seed);
        p.position = -2_000_000.0; // 2 s behind
        p.noise_us = 50_000.0;
        p.seek_error_us = 300_000;
        let (run, _) = play(DriftConfig::spotify(), &mut p, S, 600 * S);
        assert_eq!(run.jumps.len(), 1, "seed {seed}: jumps at {:?}", run.jumps);
        assert!(
            run.rates.is_empty(),
            "seed {seed}: Spotify was asked to trim"
        );
    }
}
