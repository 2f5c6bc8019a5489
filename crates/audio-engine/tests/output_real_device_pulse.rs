//! The real output path, cpal → ALSA → PulseAudio, on a machine without a sound card: a
//! PulseAudio null sink is paced in real time, so the device clock, its timestamps and the
//! engine's heard position can be checked against the wall clock.
//!
//! Needs a PulseAudio server with a (null) sink as default and ALSA's default routed to it
//! (`pcm.!default { type pulse }`); skips loudly otherwise. The commands to set that up are in
//! the `output` module's documentation.
//!
//! A PulseAudio server starved of CPU (seen under a load of 6 on 2 cores) plays at a fraction
//! of real time whatever the client does, so the timing check gets three attempts; each one is
//! reported. A broken clock mapping fails all three.
#![cfg(feature = "cpal")]

use std::io::Write;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use audio_engine::engine::testing::SineSource;
use audio_engine::engine::{Engine, Event, LocalClock, MonotonicClock, Position};
use audio_engine::output::{CpalConfig, CpalOutput, Output};

fn pulse_server() -> Result<String, String> {
    let out = Command::new("pactl")
        .arg("info")
        .output()
        .map_err(|e| format!("pactl: {e}"))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(why.trim().lines().collect::<Vec<_>>().join("; "));
    }
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    let sink = info
        .lines()
        .find_map(|l| l.strip_prefix("Default Sink: "))
        .unwrap_or("?")
        .to_owned();
    Ok(sink)
}

/// Plays a sine on the real device for 3 s of readings; `Ok(figures)` if the heard position
/// advanced at real-time rate by both the device clock and the wall clock and held to the
/// timeline, `Err(why)` otherwise.
fn attempt() -> Result<String, String> {
    let clock = MonotonicClock::new();
    let engine =
        Engine::spawn(CpalOutput::new(CpalConfig::default()), Arc::new(clock)).expect("engine");
    let rate = engine.output_format().expect("format").sample_rate;
    let events: Vec<Event> = {
        engine.sync().expect("alive");
        engine.events().try_iter().collect()
    };
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::OutputReady { name, .. } if name.starts_with("cpal/"))),
        "the real device opened, not the null fallback: {events:?}"
    );
    let song = SineSource::new(rate, 2, 440.0, 0.2, Some(u64::from(rate) * 20));
    engine.load(1, Box::new(song)).expect("send");
    let asked = Instant::now();
    let start = clock.now_us() + 300_000;
    engine.play_at(1, Position::Frame(0), start).expect("send");
    // PulseAudio may take a moment to get a fresh stream going (about a second for a null sink):
    // the engine keeps the song on the timeline meanwhile (it skips what fell due).
    let (started_at, started_pos) = loop {
        match engine.events().recv_timeout(Duration::from_secs(10)) {
            Ok(Event::Started {
                id: 1,
                at_local_us,
                position_us,
                ..
            }) => break (at_local_us, position_us),
            Ok(_) => {}
            Err(e) => return Err(format!("the song never started on the device: {e}")),
        }
    };
    let startup_ms = asked.elapsed().as_secs_f64() * 1e3;
    std::thread::sleep(Duration::from_millis(200));

    let mut readings = Vec::new();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(100));
        if let Some(hp) = engine.heard_position().filter(|hp| hp.playing) {
            readings.push((Instant::now(), hp));
        }
    }
    if readings.len() < 20 {
        return Err(format!("only {} readings while playing", readings.len()));
    }
    let (w0, a) = readings[0];
    let (w1, b) = readings[readings.len() - 1];
    let d_pos = (b.position_us - a.position_us) as f64;
    let d_at = (b.at_local_us - a.at_local_us) as f64;
    let d_wall = (w1 - w0).as_secs_f64() * 1e6;
    let by_device = d_pos / d_at;
    let by_wall = d_pos / d_wall;
    let offsets: Vec<i64> = readings
        .iter()
        .map(|(_, hp)| hp.position_us - (hp.at_local_us - start))
        .collect();
    let min_off = offsets.iter().copied().min().unwrap_or(0);
    let max_off = offsets.iter().copied().max().unwrap_or(0);
    let stats = engine.stats();
    let cpu = stats.render_ns_total as f64
        / (stats.frames_rendered.max(1) as f64 / f64::from(rate) * 1e9);
    let figures = format!(
        "Started {startup_ms:.0} ms after PlayAt (scheduled for +300 ms) at position {started_pos} \
         µs, {} µs off the timeline; position advanced {by_device:.4} x device-clock time, \
         {by_wall:.4} x wall time over {:.2} s; offset from the timeline {min_off}..{max_off} µs; \
         {} callbacks of {} frames on average, render mean {:.1} µs max {:.1} µs, render CPU \
         {:.3} % of one core; underrun frames {}",
        started_pos - (started_at - start),
        d_wall / 1e6,
        stats.callbacks,
        stats.frames_rendered / stats.callbacks.max(1),
        stats.render_ns_total as f64 / stats.callbacks.max(1) as f64 / 1e3,
        stats.render_ns_max as f64 / 1e3,
        cpu * 100.0,
        stats.underrun_frames,
    );
    if (by_device - 1.0).abs() >= 0.03 {
        return Err(format!(
            "position vs device clock {by_device:.4}: {figures}"
        ));
    }
    if (by_wall - 1.0).abs() >= 0.03 {
        return Err(format!(
            "position vs wall clock {by_wall:.4} (PulseAudio not keeping real time?): {figures}"
        ));
    }
    if max_off - min_off >= 20_000 {
        return Err(format!(
            "the heard position wandered {} µs off the timeline: {figures}",
            max_off - min_off
        ));
    }
    Ok(figures)
}

#[test]
fn cpal_through_pulseaudio_plays_at_real_time_rate() {
    let sink = match pulse_server() {
        Ok(sink) => sink,
        Err(why) => {
            // Straight to the stderr handle: libtest captures `eprintln!` of passing tests, and a
            // skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: no PulseAudio server ({why}); the real-device test needs one with a null \
                 sink as default and ALSA routed to it (pcm.!default {{ type pulse }})"
            );
            return;
        }
    };
    eprintln!("PulseAudio default sink: {sink}");
    let mut probe = CpalOutput::new(CpalConfig::default());
    let format = probe.open().unwrap_or_else(|e| {
        panic!(
            "PulseAudio runs but cpal cannot open ALSA's default device ({e}): is ALSA's default \
             routed to it (pcm.!default {{ type pulse }} in /etc/asound.conf or ~/.asoundrc, \
             package libasound2-plugins)?"
        )
    });
    drop(probe);
    eprintln!("device format: {format:?}");

    let mut failures = Vec::new();
    for n in 1..=3 {
        match attempt() {
            Ok(figures) => {
                eprintln!("FIGURE pulse null sink (attempt {n}): {figures}");
                return;
            }
            Err(why) => {
                eprintln!("attempt {n} failed: {why}");
                failures.push(why);
            }
        }
    }
    panic!("three attempts failed:\n{}", failures.join("\n"));
}
