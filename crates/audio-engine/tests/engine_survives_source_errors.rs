//! A source that fails mid-stream gives an `Error` event and a `Failed` end after the frames
//! decoded before it; a failing seek, a panicking decoder and a wrong sample rate are errors
//! too; the engine stays alive and plays the next song.

use audio_engine::engine::testing::{FailingSource, RampSource, SimRig};
use audio_engine::engine::{EndReason, EngineError, Event, LocalClock, Position};
use audio_engine::output::RecordingConfig;
use audio_engine::source::{DecodeError, DecodeErrorKind, FrameSource};

const RATE: u32 = 48_000;

fn play(rig: &mut SimRig, id: u64) {
    rig.settle().expect("settle");
    let at = rig.clock.now_us() + 100_000;
    rig.engine
        .play_at(id, Position::Frame(0), at)
        .expect("send");
}

fn heard_frames(rig: &mut SimRig, buffers: usize) -> Vec<u64> {
    let mut out = Vec::new();
    for _ in 0..buffers {
        let buf = rig.step().expect("engine alive").expect("output started");
        out.extend(
            buf.samples
                .chunks_exact(2)
                .filter_map(|f| RampSource::frame_of(f[0])),
        );
    }
    out
}

/// Plays a fresh song and checks it is heard: the engine is alive and well.
fn assert_still_plays(rig: &mut SimRig, id: u64) {
    rig.engine
        .load(id, Box::new(RampSource::new(RATE, 2, None, 0.5)))
        .expect("send");
    play(rig, id);
    let frames = heard_frames(rig, 10);
    assert!(
        frames.len() > 3000,
        "the next song plays ({} frames)",
        frames.len()
    );
    assert_eq!(frames[0], 0);
    assert!(frames.windows(2).all(|w| w[1] == w[0] + 1));
}

#[test]
fn a_read_error_mid_stream_is_reported_and_the_engine_goes_on() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    let failing = FailingSource::failing_at(RampSource::new(RATE, 2, None, 0.5), 10_000);
    rig.engine.load(1, Box::new(failing)).expect("send");
    play(&mut rig, 1);
    let frames = heard_frames(&mut rig, 20);
    assert_eq!(
        frames.len(),
        10_000,
        "the frames before the failure are played"
    );
    let events = rig.take_events();
    let error = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Error {
                    id: Some(1),
                    error: EngineError::Decode {
                        kind: DecodeErrorKind::Corrupt,
                        ..
                    }
                }
            )
        })
        .expect("an Error event with the decode error");
    let ended = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Ended {
                    id: 1,
                    reason: EndReason::Failed
                }
            )
        })
        .expect("Ended { Failed }");
    assert!(error < ended);
    assert!(
        !events.iter().any(|e| matches!(
            e,
            Event::Ended {
                id: 1,
                reason: EndReason::Finished
            }
        )),
        "a failed song is not reported as finished (the room must not skip it)"
    );
    assert_still_plays(&mut rig, 2);
}

#[test]
fn a_failing_seek_is_reported_and_the_engine_goes_on() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    let failing = FailingSource::failing_seeks(RampSource::new(RATE, 2, None, 0.5));
    rig.engine.load(1, Box::new(failing)).expect("send");
    play(&mut rig, 1);
    heard_frames(&mut rig, 3);
    rig.engine.seek(Position::Frame(96_000)).expect("send");
    heard_frames(&mut rig, 3);
    let events = rig.take_events();
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Error {
            id: Some(1),
            error: EngineError::Decode {
                kind: DecodeErrorKind::Io,
                ..
            }
        }
    )));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::Ended {
            id: 1,
            reason: EndReason::Failed
        }
    )));
    assert_still_plays(&mut rig, 2);
}

struct Panicking;

impl FrameSource for Panicking {
    fn sample_rate(&self) -> u32 {
        RATE
    }
    fn channels(&self) -> u16 {
        2
    }
    fn read(&mut self, _out: &mut [f32]) -> Result<usize, DecodeError> {
        panic!("a decoder bug");
    }
    fn seek(&mut self, _frame: u64) -> Result<(), DecodeError> {
        Ok(())
    }
    fn total_frames(&self) -> Option<u64> {
        None
    }
}

#[test]
fn a_panicking_decoder_does_not_kill_the_engine() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    rig.engine.load(1, Box::new(Panicking)).expect("send");
    play(&mut rig, 1);
    heard_frames(&mut rig, 3);
    assert!(rig.take_events().iter().any(|e| matches!(
        e,
        Event::Error {
            id: Some(1),
            error: EngineError::SourcePanicked { id: 1 }
        }
    )));
    assert_still_plays(&mut rig, 2);
}

#[test]
fn a_source_at_the_wrong_rate_is_refused_with_a_clear_error() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    rig.engine
        .load(1, Box::new(RampSource::new(44_100, 2, None, 0.5)))
        .expect("send");
    rig.settle().expect("settle");
    let events = rig.take_events();
    let message = events
        .iter()
        .find_map(|e| match e {
            Event::Error {
                id: Some(1),
                error: e @ EngineError::FormatMismatch { .. },
            } => Some(e.to_string()),
            _ => None,
        })
        .expect("a FormatMismatch error");
    assert!(
        message.contains("44100") && message.contains("48000"),
        "{message}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Loaded { id: 1, .. }))
    );
    // Playing what was refused is an error, not a crash.
    rig.engine.play_at(1, Position::Frame(0), 0).expect("send");
    rig.settle().expect("settle");
    assert!(rig.take_events().iter().any(|e| matches!(
        e,
        Event::Error {
            id: Some(1),
            error: EngineError::NotLoaded { id: 1 }
        }
    )));
    assert_still_plays(&mut rig, 2);
}
