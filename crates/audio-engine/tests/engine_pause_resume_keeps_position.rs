//! Pause stops at a frame and Resume goes on from exactly that frame, heard at the instant
//! asked; the heard position holds still while paused.

use audio_engine::engine::testing::{RampSource, SimRig};
use audio_engine::engine::{Event, LocalClock, Position};
use audio_engine::output::RecordingConfig;

const RATE: u32 = 48_000;

fn frames(buf: &[f32]) -> Vec<Option<u64>> {
    buf.chunks_exact(2)
        .map(|f| RampSource::frame_of(f[0]))
        .collect()
}

#[test]
fn resume_goes_on_from_the_paused_frame_at_the_asked_instant() {
    let config = RecordingConfig {
        buffer_frames: 512,
        latency_us: 17_000,
        rate_error_ppm: 42.0,
        ..RecordingConfig::default()
    };
    let mut rig = SimRig::new(config, 0).expect("engine");
    rig.engine
        .load(5, Box::new(RampSource::new(RATE, 2, None, 0.5)))
        .expect("send");
    rig.settle().expect("settle");
    rig.step().expect("alive");
    let at = rig.clock.now_us() + 40_000;
    rig.engine
        .play_at(5, Position::Frame(1_000), at)
        .expect("send");
    let mut last_heard = None;
    for _ in 0..30 {
        let buf = rig.step().expect("alive").expect("started");
        if let Some(f) = frames(&buf.samples).into_iter().flatten().last() {
            last_heard = Some(f);
        }
    }
    rig.engine.pause().expect("send");
    // The rest of the buffer being played when Pause arrives may still play; after it, silence.
    let buf = rig.step().expect("alive").expect("started");
    if let Some(f) = frames(&buf.samples).into_iter().flatten().last() {
        last_heard = Some(f);
    }
    let last_heard = last_heard.expect("it played");
    let paused = rig
        .events()
        .iter()
        .find_map(|e| match e {
            Event::Paused {
                id: 5,
                position_frames,
                ..
            } => Some(*position_frames),
            _ => None,
        })
        .expect("a Paused event");
    assert_eq!(
        paused,
        last_heard + 1,
        "paused before the frame after the last one heard"
    );

    let held = rig.engine.heard_position().expect("held");
    for _ in 0..50 {
        let buf = rig.step().expect("alive").expect("started");
        assert!(buf.samples.iter().all(|s| *s == 0.0), "silent while paused");
    }
    let still = rig.engine.heard_position().expect("held");
    assert!(!still.playing);
    assert_eq!(
        still.position_frames, held.position_frames,
        "position holds while paused"
    );
    assert_eq!(still.position_frames, paused);

    let resume_at = rig.clock.now_us() + 123_457;
    rig.engine.resume(Some(resume_at)).expect("send");
    let mut first = None;
    for _ in 0..20 {
        let buf = rig.step().expect("alive").expect("started");
        let fr = frames(&buf.samples);
        if let Some(j) = fr.iter().position(Option::is_some) {
            for (k, f) in fr[j..].iter().enumerate() {
                assert_eq!(
                    *f,
                    Some(paused + k as u64),
                    "contiguous from the paused frame"
                );
            }
            first = Some((buf.first_device_frame + j as u64, fr[j]));
            break;
        }
    }
    let (device_frame, frame) = first.expect("it resumes");
    assert_eq!(frame, Some(paused), "resumes on the paused frame");
    let heard = rig.device.heard_at_exact_us(device_frame).expect("started");
    assert!(
        (heard - resume_at as f64).abs() <= 11.0,
        "resumed frame heard at {heard:.1} µs, asked {resume_at}"
    );
    let resumed = rig.take_events().into_iter().any(
        |e| matches!(e, Event::Started { id: 5, position_frames, .. } if position_frames == paused),
    );
    assert!(resumed, "a Started event at the paused frame");
}

#[test]
fn pause_then_resume_before_any_render_loses_nothing() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    rig.engine
        .load(6, Box::new(RampSource::new(RATE, 2, None, 0.5)))
        .expect("send");
    rig.settle().expect("settle");
    let at = rig.clock.now_us() + 30_000;
    rig.engine.play_at(6, Position::Frame(0), at).expect("send");
    for _ in 0..10 {
        rig.step().expect("alive");
    }
    let hp = rig.engine.heard_position().expect("playing");
    // Pause and resume in the same instant: the position must not jump.
    rig.engine.pause().expect("send");
    rig.engine.resume(None).expect("send");
    let buf = rig.step().expect("alive").expect("started");
    let fr: Vec<u64> = frames(&buf.samples).into_iter().flatten().collect();
    assert!(!fr.is_empty());
    let expected_next = hp.position_frames + 1024;
    assert_eq!(fr[0], expected_next, "no frame lost or repeated");
    for w in fr.windows(2) {
        assert_eq!(w[1], w[0] + 1);
    }
}
