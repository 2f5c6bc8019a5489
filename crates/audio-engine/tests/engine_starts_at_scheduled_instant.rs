//! A song's frame at the scheduled position is heard at the scheduled local instant, to the
//! frame, whatever the device's latency, buffer size and clock error; a start scheduled in the
//! past starts where the timeline is now.

use audio_engine::engine::testing::{RampSource, SimRig};
use audio_engine::engine::{Event, LocalClock, Position};
use audio_engine::output::{OutputFormat, RecordingConfig};

const RATE: u32 = 48_000;
const HALF_FRAME_US: f64 = 1e6 / RATE as f64 / 2.0;

struct Case {
    rate_error_ppm: f64,
    latency_us: i64,
    buffer_frames: usize,
    position: u64,
    lead_us: i64,
}

/// Renders until the first non-silent frame; returns (device frame, source frame).
fn first_heard_frame(rig: &mut SimRig, max_buffers: usize) -> Option<(u64, u64)> {
    for _ in 0..max_buffers {
        let buf = rig.step().expect("engine alive").expect("output started");
        if let Some(j) = buf.samples.chunks_exact(2).position(|f| f[0] != 0.0) {
            let frame = RampSource::frame_of(buf.samples[j * 2]).expect("a ramp sample");
            // Every following frame of the buffer is the next source frame.
            for (k, f) in buf.samples.chunks_exact(2).enumerate().skip(j) {
                assert_eq!(
                    RampSource::frame_of(f[0]),
                    Some(frame + (k - j) as u64),
                    "frames after the start are contiguous"
                );
            }
            return Some((buf.first_device_frame + j as u64, frame));
        }
    }
    None
}

#[test]
fn first_frame_is_heard_at_the_scheduled_instant() {
    let cases = [
        Case {
            rate_error_ppm: 0.0,
            latency_us: 20_000,
            buffer_frames: 1024,
            position: 0,
            lead_us: 250_000,
        },
        Case {
            rate_error_ppm: 100.0,
            latency_us: 43_217,
            buffer_frames: 480,
            position: 72_345,
            lead_us: 300_007,
        },
        Case {
            rate_error_ppm: -250.0,
            latency_us: 5_003,
            buffer_frames: 256,
            position: 1,
            lead_us: 100_013,
        },
        Case {
            rate_error_ppm: 37.5,
            latency_us: 120_000,
            buffer_frames: 4096,
            position: 480_000,
            lead_us: 777_777,
        },
    ];
    let mut worst = 0.0f64;
    for c in cases {
        let config = RecordingConfig {
            format: OutputFormat {
                sample_rate: RATE,
                channels: 2,
            },
            buffer_frames: c.buffer_frames,
            latency_us: c.latency_us,
            rate_error_ppm: c.rate_error_ppm,
        };
        let mut rig = SimRig::new(config, 1_000_000).expect("engine");
        rig.engine
            .load(7, Box::new(RampSource::new(RATE, 2, None, 0.5)))
            .expect("send");
        rig.settle().expect("settle");
        for _ in 0..3 {
            let silent = rig.step().expect("alive").expect("started");
            assert!(silent.samples.iter().all(|s| *s == 0.0), "loaded is silent");
        }
        let at = rig.clock.now_us() + c.lead_us;
        rig.engine
            .play_at(7, Position::Frame(c.position), at)
            .expect("send");
        let max_buffers = (c.lead_us as usize * RATE as usize / 1_000_000) / c.buffer_frames + 4;
        let (device_frame, frame) = first_heard_frame(&mut rig, max_buffers).expect("it starts");
        assert_eq!(
            frame, c.position,
            "the first frame heard is the scheduled one"
        );
        let heard = rig.device.heard_at_exact_us(device_frame).expect("started");
        let error = heard - at as f64;
        worst = worst.max(error.abs());
        // Within a buffer the engine steps at the nominal rate: the device's rate error adds up
        // to buffer × ppm (2 µs for 1024 frames at 100 ppm); timestamps are whole µs.
        let in_buffer = c.buffer_frames as f64 * 1e6 / RATE as f64 * c.rate_error_ppm.abs() * 1e-6;
        let tolerance = HALF_FRAME_US + in_buffer + 1.0;
        assert!(
            error.abs() <= tolerance,
            "first frame heard {error:.2} µs from the scheduled instant (ppm {}, latency {}, buffer {})",
            c.rate_error_ppm,
            c.latency_us,
            c.buffer_frames
        );
        let started = rig
            .events()
            .iter()
            .find_map(|e| match e {
                Event::Started {
                    id: 7,
                    position_frames,
                    at_local_us,
                    ..
                } => Some((*position_frames, *at_local_us)),
                _ => None,
            })
            .expect("a Started event");
        assert_eq!(started.0, c.position);
        assert!(
            (started.1 as f64 - heard).abs() <= in_buffer + 1.0,
            "Started reports {} µs, heard at {heard:.2}, scheduled {at}, ppm {}",
            started.1,
            c.rate_error_ppm
        );

        // The published heard position agrees with the simulated device.
        rig.step().expect("alive");
        let hp = rig.engine.heard_position().expect("playing");
        assert!(hp.playing);
        let device_of_anchor = device_frame + (hp.position_frames - c.position);
        let truth = rig
            .device
            .heard_at_exact_us(device_of_anchor)
            .expect("started");
        assert!(
            (hp.at_local_us as f64 - truth).abs() <= in_buffer + 1.0,
            "heard_position says frame {} at {} µs, the device plays it at {truth:.1}",
            hp.position_frames,
            hp.at_local_us
        );
    }
    eprintln!(
        "FIGURE scheduled-start error: worst {worst:.2} µs of device time (half a frame is {HALF_FRAME_US:.2} µs)"
    );
}

#[test]
fn a_start_scheduled_in_the_past_joins_the_timeline_where_it_is_now() {
    let config = RecordingConfig {
        rate_error_ppm: 60.0,
        ..RecordingConfig::default()
    };
    let mut rig = SimRig::new(config, 5_000_000).expect("engine");
    rig.engine
        .load(3, Box::new(RampSource::new(RATE, 2, None, 0.5)))
        .expect("send");
    rig.settle().expect("settle");
    rig.step().expect("alive");
    // The room started this song 1.5 s ago at position 10 s.
    let position_us = 10_000_000;
    let at = rig.clock.now_us() - 1_500_000;
    rig.engine
        .play_at(3, Position::Us(position_us), at)
        .expect("send");
    let (device_frame, frame) = first_heard_frame(&mut rig, 4).expect("starts at once");
    let heard = rig.device.heard_at_exact_us(device_frame).expect("started");
    let expected = (position_us as f64 + (heard - at as f64)) * RATE as f64 / 1e6;
    assert!(
        (frame as f64 - expected).abs() <= 1.0,
        "heard frame {frame} at {heard:.1}, the timeline says {expected:.1}"
    );
}

#[test]
fn a_negative_position_starts_the_song_that_much_later() {
    let mut rig = SimRig::new(RecordingConfig::default(), 0).expect("engine");
    rig.engine
        .load(8, Box::new(RampSource::new(RATE, 2, None, 0.5)))
        .expect("send");
    rig.settle().expect("settle");
    rig.step().expect("alive");
    // "At `at` the song is at -250 ms": frame 0 is heard at at + 250 ms.
    let at = rig.clock.now_us() + 100_000;
    rig.engine
        .play_at(8, Position::Us(-250_000), at)
        .expect("send");
    let (device_frame, frame) = first_heard_frame(&mut rig, 30).expect("it starts");
    assert_eq!(frame, 0);
    let heard = rig.device.heard_at_exact_us(device_frame).expect("started");
    let error = heard - (at + 250_000) as f64;
    assert!(error.abs() <= HALF_FRAME_US + 1.0, "{error:.1} µs");
}
