//! Playback timing of `audio_engine::engine`: start-at-instant error and drift on the simulated
//! device clock, CPU while playing.
//!
//! ```text
//! cargo run --release -p audio-engine --bin engine-bench
//! engine-bench [--starts N] [--minutes M] [--cpu-seconds S]
//! ```
//! 1. `N` (default 200) song starts at pseudo-random instants and positions on a
//!    [`RecordingOutput`](audio_engine::output::RecordingOutput) across buffer sizes
//!    256/512/1024, latencies 5-80 ms and device rate errors −200..+200 ppm: the error between
//!    the scheduled instant and when the first frame is heard on the simulated device clock.
//! 2. `M` (default 10) simulated minutes at ±50/±100/±200 ppm, corrected by sync-core's
//!    `DriftController` (`local_audio`) through `SetRateTrim`/`Jump`, and the same run without
//!    correction as the baseline.
//! 3. `S` (default 10) seconds of real-time playback on the paced `NullOutput` of the FLAC
//!    fixture resampled to 48 kHz stereo (looped): process CPU time / wall time, and the render
//!    callback's own time per buffer (the engine's stats).
//!
//! Prints Markdown tables.

use std::error::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use audio_engine::decode::{self, Decoder};
use audio_engine::engine::testing::{RampSource, SimRig, SineSource};
use audio_engine::engine::{Command, Engine, EngineStats, LocalClock, MonotonicClock, Position};
use audio_engine::output::{NullOutput, OutputFormat, RecordingConfig};
use audio_engine::resample::Resampled;
use audio_engine::source::{DecodeError, FrameSource};
use sync_core::{Correction, DriftConfig, DriftController};

const RATE: u32 = 48_000;

struct Args {
    starts: usize,
    minutes: i64,
    cpu_seconds: f64,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        starts: 200,
        minutes: 10,
        cpu_seconds: 10.0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--starts" => args.starts = value()?.parse()?,
            "--minutes" => args.minutes = value()?.parse()?,
            "--cpu-seconds" => args.cpu_seconds = value()?.parse()?,
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    Ok(args)
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Renders until the first non-silent frame; returns (device frame, source frame).
fn first_heard_frame(rig: &mut SimRig, max_buffers: usize) -> Result<(u64, u64), Box<dyn Error>> {
    for _ in 0..max_buffers {
        let buf = rig.step()?.ok_or("output not started")?;
        if let Some(j) = buf.samples.chunks_exact(2).position(|f| f[0] != 0.0) {
            let frame = RampSource::frame_of(buf.samples[j * 2]).ok_or("not a ramp sample")?;
            return Ok((buf.first_device_frame + j as u64, frame));
        }
    }
    Err("the song did not start".into())
}

/// Part 1: scheduled starts.
fn starts(n: usize) -> Result<(), Box<dyn Error>> {
    let mut rng = Rng(0x7A4D_E1B0_5EED_0001);
    let mut errors_us = Vec::with_capacity(n);
    let mut wrong_frame = 0;
    let mut render_ns = (0u64, 0u64, 0u64);
    let mut late_skipped = 0;
    for _ in 0..n {
        let buffer_frames = [256, 512, 1024][rng.below(3) as usize];
        let config = RecordingConfig {
            format: OutputFormat {
                sample_rate: RATE,
                channels: 2,
            },
            buffer_frames,
            latency_us: 5_000 + rng.below(75_001) as i64,
            rate_error_ppm: rng.uniform(-200.0, 200.0),
        };
        let mut rig = SimRig::new(config, 1_000_000 + rng.below(1_000_000_000) as i64)?;
        rig.engine
            .load(1, Box::new(RampSource::new(RATE, 2, None, 0.5)))?;
        rig.settle()?;
        for _ in 0..1 + rng.below(4) {
            rig.step()?;
        }
        // Scheduled far enough ahead that the first buffer holding the instant is not rendered
        // yet (a start already late when rendered joins the timeline where it is instead).
        let lead_us = config.latency_us
            + (2 * buffer_frames as i64 * 1_000_000 / i64::from(RATE))
            + 50_000
            + rng.below(450_001) as i64;
        let position = rng.below(10_000_000);
        let at = rig.clock.now_us() + lead_us;
        rig.engine.play_at(1, Position::Frame(position), at)?;
        let max_buffers = lead_us as usize * RATE as usize / 1_000_000 / buffer_frames + 8;
        let (device_frame, frame) = first_heard_frame(&mut rig, max_buffers)?;
        if frame != position {
            wrong_frame += 1;
        }
        let heard = rig
            .device
            .heard_at_exact_us(device_frame)
            .ok_or("not started")?;
        errors_us.push((heard - at as f64).abs());
        let s = rig.engine.stats();
        render_ns.0 += s.render_ns_total;
        render_ns.1 += s.callbacks;
        render_ns.2 = render_ns.2.max(s.render_ns_max);
        late_skipped += s.late_start_frames_skipped;
    }
    errors_us.sort_by(f64::total_cmp);
    let us_per_frame = 1e6 / f64::from(RATE);
    println!(
        "## Start at the scheduled instant ({n} starts; buffers 256/512/1024, latency 5-80 ms, device −200..+200 ppm, lead latency + 2 buffers + 50-500 ms, random positions)\n"
    );
    println!("| |error (µs)|error (frames at 48 kHz)|");
    println!("|---|---|---|");
    for (name, p) in [("p50", 0.5), ("p99", 0.99), ("max", 1.0)] {
        let e = percentile(&errors_us, p);
        println!("| {name} | {e:.2} | {:.3} |", e / us_per_frame);
    }
    println!(
        "\nfirst frame heard ≠ scheduled position: {wrong_frame} of {n}; late-start frames skipped: {late_skipped}; render callback on the rig: mean {:.1} µs, max {:.1} µs per buffer\n",
        render_ns.0 as f64 / render_ns.1.max(1) as f64 / 1e3,
        render_ns.2 as f64 / 1e3
    );
    Ok(())
}

struct DriftRun {
    max_after_1min_us: i64,
    final_us: i64,
    jumps: u32,
    stats: EngineStats,
}

/// Part 2: one simulated run at `ppm`, corrected or not.
fn drift_run(ppm: f64, minutes: i64, correct: bool) -> Result<DriftRun, Box<dyn Error>> {
    let config = RecordingConfig {
        buffer_frames: 1024,
        latency_us: 25_000,
        rate_error_ppm: ppm,
        ..RecordingConfig::default()
    };
    let mut rig = SimRig::new(config, 1_000_000)?;
    rig.engine
        .load(9, Box::new(SineSource::new(RATE, 2, 440.0, 0.3, None)))?;
    rig.settle()?;
    rig.step()?;
    let start = rig.clock.now_us() + 100_000;
    rig.engine.play_at(9, Position::Us(0), start)?;
    let mut ctl = DriftController::new(DriftConfig::local_audio());
    let end = start + minutes * 60_000_000;
    let mut next_reading = start + 100_000;
    let mut trim = 0;
    let mut run = DriftRun {
        max_after_1min_us: 0,
        final_us: 0,
        jumps: 0,
        stats: EngineStats::default(),
    };
    while rig.clock.now_us() < end {
        rig.step()?;
        let Some(hp) = rig.engine.heard_position().filter(|hp| hp.playing) else {
            continue;
        };
        if hp.at_local_us < next_reading {
            continue;
        }
        next_reading += 100_000;
        let target = hp.at_local_us - start;
        let err = hp.position_us - target;
        run.final_us = err;
        if target > 60_000_000 {
            run.max_after_1min_us = run.max_after_1min_us.max(err.abs());
        }
        if !correct {
            continue;
        }
        match ctl.update(hp.at_local_us, hp.position_us, target) {
            Correction::None => {
                if trim != 0 {
                    trim = 0;
                    rig.engine.set_rate_trim(0)?;
                }
            }
            Correction::Rate { ppm } => {
                if ppm != trim {
                    trim = ppm;
                    rig.engine.set_rate_trim(ppm)?;
                }
            }
            Correction::Jump { position_us } => {
                run.jumps += 1;
                let at = rig.clock.now_us() + 60_000;
                rig.engine.send(Command::Jump {
                    position: Position::Us(position_us + (at - hp.at_local_us)),
                    at_local_us: at,
                })?;
            }
        }
    }
    run.stats = rig.engine.stats();
    Ok(run)
}

fn drift(minutes: i64) -> Result<(), Box<dyn Error>> {
    println!(
        "## Drift over {minutes} simulated minutes (buffer 1024, latency 25 ms, heard position read every 100 ms, sync-core `DriftConfig::local_audio`)\n"
    );
    println!(
        "| device | corrected: max \\|error\\| after min 1 (µs) | corrected: final (µs) | jumps | frames inserted / dropped | uncorrected: final (µs) | uncorrected / corrected (max after min 1) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut render = (0u64, 0u64, 0u64);
    for ppm in [-200.0, -100.0, -50.0, 50.0, 100.0, 200.0] {
        let c = drift_run(ppm, minutes, true)?;
        let u = drift_run(ppm, minutes, false)?;
        render.0 += c.stats.render_ns_total;
        render.1 += c.stats.callbacks;
        render.2 = render.2.max(c.stats.render_ns_max);
        println!(
            "| {ppm:+.0} ppm | {} | {} | {} | {} / {} | {} | {:.0}× |",
            c.max_after_1min_us,
            c.final_us,
            c.jumps,
            c.stats.frames_inserted,
            c.stats.frames_dropped,
            u.final_us,
            u.max_after_1min_us as f64 / c.max_after_1min_us.max(1) as f64
        );
    }
    println!(
        "\nrender callback on the rig (corrected runs): mean {:.1} µs, max {:.1} µs per 1024-frame buffer ({:.1} ms of audio)\n",
        render.0 as f64 / render.1.max(1) as f64 / 1e3,
        render.2 as f64 / 1e3,
        1024.0 * 1e3 / f64::from(RATE)
    );
    Ok(())
}

/// A source that starts over at its end.
struct Looped<S>(S);

impl<S: FrameSource> FrameSource for Looped<S> {
    fn sample_rate(&self) -> u32 {
        self.0.sample_rate()
    }
    fn channels(&self) -> u16 {
        self.0.channels()
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        let n = self.0.read(out)?;
        if n > 0 || out.is_empty() {
            return Ok(n);
        }
        self.0.seek(0)?;
        self.0.read(out)
    }
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        self.0.seek(frame)
    }
    fn total_frames(&self) -> Option<u64> {
        None
    }
}

/// utime + stime of this process (all threads, live and exited), from /proc/self/stat.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of proc(5); `rest` starts at field 3. Clock ticks: USER_HZ is 100 on Linux.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Part 3: real-time playback on the null output.
fn cpu(seconds: f64) -> Result<(), Box<dyn Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tone44s.flac");
    let d: Decoder = decode::open(&path)?;
    let source = Looped(Resampled::new(d, RATE, 2)?);
    let format = OutputFormat {
        sample_rate: RATE,
        channels: 2,
    };
    let clock = Arc::new(MonotonicClock::new());
    let engine = Engine::spawn(NullOutput::new(format), clock.clone())?;
    engine.load(1, Box::new(source))?;
    engine.sync()?;
    engine.play_at(1, Position::Us(0), clock.now_us() + 100_000)?;
    std::thread::sleep(Duration::from_millis(300));
    let s0 = engine.stats();
    let cpu0 = process_cpu().ok_or("no /proc/self/stat")?;
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let wall = t0.elapsed();
    let cpu1 = process_cpu().ok_or("no /proc/self/stat")?;
    let s1 = engine.stats();
    let playing = engine.heard_position().is_some_and(|hp| hp.playing);
    drop(engine);
    let callbacks = s1.callbacks - s0.callbacks;
    let render_ns = s1.render_ns_total - s0.render_ns_total;
    let frames = s1.frames_rendered - s0.frames_rendered;
    let per_buffer_frames = frames as f64 / callbacks.max(1) as f64;
    let buffer_us = per_buffer_frames * 1e6 / f64::from(RATE);
    let buffer_ms = buffer_us / 1e3;
    let mean_us = render_ns as f64 / callbacks.max(1) as f64 / 1e3;
    println!(
        "## CPU while playing ({:.1} s real time, NullOutput paced, tone44s.flac → 48 kHz stereo, looped)\n",
        wall.as_secs_f64()
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| process CPU / wall (all threads: decode, resample, engine, output) | {:.2} % of one core |",
        (cpu1 - cpu0).as_secs_f64() / wall.as_secs_f64() * 100.0
    );
    println!(
        "| render callback: mean per buffer ({per_buffer_frames:.0} frames, {buffer_ms:.1} ms) | {mean_us:.1} µs ({:.3} % of the buffer's duration) |",
        mean_us / buffer_us * 100.0
    );
    println!(
        "| render callback: longest (whole run) | {:.1} µs |",
        s1.render_ns_max as f64 / 1e3
    );
    println!(
        "| callbacks / underrun frames / still playing | {callbacks} / {} / {playing} |",
        s1.underrun_frames - s0.underrun_frames
    );
    println!("\n(process CPU from /proc/self/stat utime+stime, 10 ms ticks)\n");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let t = Instant::now();
    starts(args.starts)?;
    drift(args.minutes)?;
    cpu(args.cpu_seconds)?;
    eprintln!("engine-bench: {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}
