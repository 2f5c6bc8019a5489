//! The null output renders in real time (paced by a sleeping thread), with heard-at instants
//! that advance like the clock, so an engine on it follows the room silently.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use audio_engine::engine::testing::SineSource;
use audio_engine::engine::{Engine, LocalClock, MonotonicClock, Position};
use audio_engine::output::{NullOutput, Output, OutputFormat, RenderTiming, StartContext};

#[test]
fn renders_48000_frames_a_second_with_timestamps_on_the_local_clock() {
    let clock = Arc::new(MonotonicClock::new());
    let mut out = NullOutput::new(OutputFormat::DEFAULT);
    assert_eq!(out.open(), Ok(OutputFormat::DEFAULT));
    let frames = Arc::new(AtomicU64::new(0));
    let first = Arc::new(AtomicI64::new(i64::MIN));
    let last = Arc::new(AtomicI64::new(i64::MIN));
    let backwards = Arc::new(AtomicU64::new(0));
    let (f, fi, la, bw) = (
        frames.clone(),
        first.clone(),
        last.clone(),
        backwards.clone(),
    );
    let render = Box::new(move |buf: &mut [f32], t: RenderTiming| {
        buf.fill(0.5);
        f.fetch_add((buf.len() / 2) as u64, Ordering::Relaxed);
        let _ = fi.compare_exchange(
            i64::MIN,
            t.heard_at_local_us,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
        if la.swap(t.heard_at_local_us, Ordering::Relaxed) > t.heard_at_local_us {
            bw.fetch_add(1, Ordering::Relaxed);
        }
    });
    let started = Instant::now();
    let t0 = clock.now_us();
    out.start(
        render,
        StartContext {
            clock: clock.clone(),
            on_lost: Box::new(|_| {}),
        },
    )
    .expect("the null output starts");
    std::thread::sleep(Duration::from_millis(1500));
    out.stop();
    let wall = started.elapsed().as_secs_f64();
    let n = frames.load(Ordering::Relaxed) as f64;
    let rate = n / wall;
    assert!(
        (rate - 48_000.0).abs() < 48_000.0 * 0.10,
        "{rate:.0} frames per second"
    );
    let span_s = (last.load(Ordering::Relaxed) - first.load(Ordering::Relaxed)) as f64 / 1e6;
    let frames_span_s = (n - 480.0) / 48_000.0;
    assert!(
        (span_s - frames_span_s).abs() < 0.05,
        "heard-at instants span {span_s:.3} s for {frames_span_s:.3} s of frames"
    );
    let lead = (first.load(Ordering::Relaxed) - t0) as f64 / 1e3;
    assert!(
        (0.0..60.0).contains(&lead),
        "first buffer heard {lead:.1} ms after start"
    );
    assert_eq!(
        backwards.load(Ordering::Relaxed),
        0,
        "heard-at never goes back"
    );
    // Stopped means stopped.
    let after = frames.load(Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(frames.load(Ordering::Relaxed), after);
}

#[test]
fn an_engine_on_the_null_output_follows_the_timeline_in_real_time() {
    let clock = Arc::new(MonotonicClock::new());
    let engine =
        Engine::spawn(NullOutput::new(OutputFormat::DEFAULT), clock.clone()).expect("engine");
    engine
        .load(1, Box::new(SineSource::new(48_000, 2, 440.0, 0.2, None)))
        .expect("send");
    let start = clock.now_us() + 100_000;
    engine.play_at(1, Position::Frame(0), start).expect("send");
    std::thread::sleep(Duration::from_millis(400));
    let a = engine.heard_position().expect("playing");
    std::thread::sleep(Duration::from_millis(1000));
    let b = engine.heard_position().expect("playing");
    assert!(a.playing && b.playing);
    let d_pos = (b.position_us - a.position_us) as f64;
    let d_at = (b.at_local_us - a.at_local_us) as f64;
    assert!(d_at > 800_000.0, "the heard position keeps being published");
    assert!(
        (d_pos / d_at - 1.0).abs() < 0.01,
        "position advances at {:.4} x real time",
        d_pos / d_at
    );
    for hp in [a, b] {
        let err = hp.position_us - (hp.at_local_us - start);
        assert!(err.abs() < 2_000, "{err} µs off the timeline");
    }
    let stats = engine.stats();
    assert_eq!(
        stats.underrun_frames, 0,
        "the decoder keeps ahead of a real-time output"
    );
}
