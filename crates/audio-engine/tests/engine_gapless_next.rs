//! A queued song follows the current one on the very next frame: no silence, no lost or
//! repeated frame, `Ended { A }` then `Started { B }` at the exact instant.

use audio_engine::engine::testing::{RampSource, SimRig};
use audio_engine::engine::{EndReason, Event, LocalClock, Position};
use audio_engine::output::RecordingConfig;

const RATE: u32 = 48_000;
const TAG_A: f32 = 0.25;
const TAG_B: f32 = 0.75;

#[test]
fn the_next_song_starts_on_the_frame_after_the_last_one() {
    // Lengths that are no multiple of the chunk (512) or the buffer (1000).
    let len_a = 30_001u64;
    let len_b = 20_000u64;
    let config = RecordingConfig {
        buffer_frames: 1000,
        rate_error_ppm: -30.0,
        ..RecordingConfig::default()
    };
    let mut rig = SimRig::new(config, 0).expect("engine");
    rig.engine
        .load(1, Box::new(RampSource::new(RATE, 2, Some(len_a), TAG_A)))
        .expect("send");
    rig.engine
        .queue_next(2, Box::new(RampSource::new(RATE, 2, Some(len_b), TAG_B)))
        .expect("send");
    rig.settle().expect("settle");
    let at = rig.clock.now_us() + 30_000;
    rig.engine.play_at(1, Position::Frame(0), at).expect("send");

    // (device frame, tag, source frame) of every non-silent frame.
    let mut heard = Vec::new();
    for _ in 0..60 {
        let buf = rig.step().expect("alive").expect("started");
        for (j, f) in buf.samples.chunks_exact(2).enumerate() {
            if let Some(frame) = RampSource::frame_of(f[0]) {
                heard.push((buf.first_device_frame + j as u64, f[1], frame));
            }
        }
    }
    assert_eq!(
        heard.len() as u64,
        len_a + len_b,
        "every frame of both songs, once"
    );
    for w in heard.windows(2) {
        assert_eq!(w[1].0, w[0].0 + 1, "no gap at device frame {}", w[0].0);
    }
    let (a, b) = heard.split_at(len_a as usize);
    assert!(
        a.iter()
            .enumerate()
            .all(|(k, (_, tag, f))| *tag == TAG_A && *f == k as u64)
    );
    assert!(
        b.iter()
            .enumerate()
            .all(|(k, (_, tag, f))| *tag == TAG_B && *f == k as u64)
    );

    let events = rig.take_events();
    let ended_a = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Ended {
                    id: 1,
                    reason: EndReason::Finished
                }
            )
        })
        .expect("Ended A");
    let started_b = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::Started {
                    id: 2,
                    position_frames: 0,
                    ..
                }
            )
        })
        .expect("Started B");
    assert!(ended_a < started_b, "Ended A comes before Started B");
    let Event::Started { at_local_us, .. } = events[started_b] else {
        unreachable!()
    };
    let truth = rig.device.heard_at_exact_us(b[0].0).expect("started");
    assert!(
        (at_local_us as f64 - truth).abs() <= 2.0,
        "Started B says {at_local_us}, B's first frame is heard at {truth:.1}"
    );
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Ended {
                id: 2,
                reason: EndReason::Finished
            }
        )),
        "B ends too"
    );
    assert_eq!(rig.engine.heard_position(), None, "nothing left to hear");
}

#[test]
fn a_song_queued_late_still_plays_right_after() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    rig.engine
        .load(1, Box::new(RampSource::new(RATE, 2, Some(9_000), TAG_A)))
        .expect("send");
    rig.settle().expect("settle");
    let at = rig.clock.now_us() + 20_000;
    rig.engine.play_at(1, Position::Frame(0), at).expect("send");
    // A is fully decoded (its end is queued) before B is queued, but not yet all heard.
    let mut heard = Vec::new();
    for step in 0..20 {
        if step == 1 {
            rig.engine
                .queue_next(2, Box::new(RampSource::new(RATE, 2, Some(5_000), TAG_B)))
                .expect("send");
        }
        let buf = rig.step().expect("alive").expect("started");
        for (j, f) in buf.samples.chunks_exact(2).enumerate() {
            if RampSource::frame_of(f[0]).is_some() {
                heard.push((buf.first_device_frame + j as u64, f[1]));
            }
        }
    }
    let a = heard.iter().filter(|(_, t)| *t == TAG_A).count();
    let b = heard.iter().filter(|(_, t)| *t == TAG_B).count();
    assert_eq!((a, b), (9_000, 5_000), "both songs play entirely");
    for w in heard.windows(2) {
        assert_eq!(w[1].0, w[0].0 + 1, "no gap at device frame {}", w[0].0);
    }
}
