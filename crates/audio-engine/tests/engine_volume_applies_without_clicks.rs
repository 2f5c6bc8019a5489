//! Volume changes are ramped over one buffer (no zipper click) and then exact.

use audio_engine::engine::testing::{ClickSource, SimRig};
use audio_engine::engine::{Command, LocalClock, Position};
use audio_engine::output::RecordingConfig;

#[test]
fn a_volume_change_ramps_over_one_buffer_then_holds() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    // A constant 0.8 signal: the rendered value is the gain.
    rig.engine
        .load(
            1,
            Box::new(ClickSource::new(48_000, 2, 480_000, vec![], 0.8)),
        )
        .expect("send");
    rig.settle().expect("settle");
    rig.step().expect("alive");
    let at = rig.clock.now_us() + 50_000;
    rig.engine.play_at(1, Position::Frame(0), at).expect("send");
    for _ in 0..5 {
        rig.step().expect("alive");
    }
    let full = rig.step().expect("alive").expect("started");
    assert!(
        full.samples.iter().all(|s| *s == 0.8),
        "unity gain is exact"
    );

    rig.engine
        .send(Command::SetVolume { volume: 0.25 })
        .expect("send");
    let ramp = rig.step().expect("alive").expect("started");
    let left: Vec<f32> = ramp.samples.chunks_exact(2).map(|f| f[0]).collect();
    assert!(
        (left[0] - 0.8).abs() < 1e-3,
        "the ramp starts at the old gain"
    );
    assert!(left.windows(2).all(|w| w[1] <= w[0]), "monotonic");
    let max_step = left.windows(2).map(|w| w[0] - w[1]).fold(0.0f32, f32::max);
    assert!(max_step < 0.001, "no jump inside the ramp ({max_step})");
    let after = rig.step().expect("alive").expect("started");
    assert!(
        after.samples.iter().all(|s| (*s - 0.2).abs() < 1e-6),
        "0.8 × 0.25 after the ramp"
    );

    rig.engine
        .send(Command::SetVolume { volume: f32::NAN })
        .expect("send");
    rig.step().expect("alive");
    let muted = rig.step().expect("alive").expect("started");
    assert!(
        muted.samples.iter().all(|s| *s == 0.0),
        "a NaN volume mutes rather than corrupts"
    );
}
