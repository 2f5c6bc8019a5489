//! Decode speed and seek latency of `audio_engine::decode`, against ffmpeg on the same files.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-decode cargo run --release -p audio-engine --bin audio-bench
//! audio-bench [--seconds S] [--seeks N] [--fixtures DIR] [--no-long] [--no-decode]
//! ```
//! For each fixture format it decodes the file repeatedly for about `S` seconds (default 2) and
//! reports the real-time factor (seconds of audio per second of one core), then has ffmpeg decode
//! the same file the same number of times in one process (`-stream_loop`, `-f null`, so its
//! start-up is paid once) and reports the ratio. Seek latency is the time from `seek` to the first
//! 1024 frames read, over random targets, on 5-minute files of the fixtures' signal made with ffmpeg
//! (skipped with `--no-long` or without ffmpeg) and on the 3-second fixtures.
//! Prints a Markdown table.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use audio_engine::decode;
use audio_engine::resample::Resampled;
use audio_engine::source::FrameSource;

const FIXTURES: &[&str] = &[
    "tone44s_cbr.mp3",
    "tone44s_vbr.mp3",
    "tone44s.flac",
    "tone44s.ogg",
    "tone44s.opus",
    "tone48m_s16.wav",
    "tone48m_f32.wav",
    "tone44s_aac.m4a",
    "tone48m_alac.m4a",
];

/// Formats of the long files: (name, ffmpeg codec arguments).
const LONG: &[(&str, &[&str])] = &[
    ("long.mp3", &["-c:a", "libmp3lame", "-b:a", "192k"]),
    ("long.flac", &["-c:a", "flac"]),
    ("long.ogg", &["-c:a", "libvorbis", "-q:a", "5"]),
    ("long.opus", &["-c:a", "libopus", "-b:a", "128k"]),
    ("long.m4a", &["-c:a", "aac", "-b:a", "192k"]),
    ("long-alac.m4a", &["-c:a", "alac"]),
    ("long.wav", &["-c:a", "pcm_s16le"]),
];

struct Args {
    seconds: f64,
    fixtures: PathBuf,
    long: bool,
    seeks: usize,
    decode: bool,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        seconds: 2.0,
        fixtures: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        long: true,
        seeks: 200,
        decode: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = it.next().ok_or("--seconds needs a value")?.parse()?,
            "--fixtures" => args.fixtures = it.next().ok_or("--fixtures needs a value")?.into(),
            "--no-long" => args.long = false,
            "--no-decode" => args.decode = false,
            "--seeks" => args.seeks = it.next().ok_or("--seeks needs a value")?.parse()?,
            "-h" | "--help" => {
                println!(
                    "audio-bench [--seconds S] [--seeks N] [--fixtures DIR] [--no-long] [--no-decode]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(args)
}

/// Decodes the whole file once; returns (frames, rate).
fn decode_once(path: &Path, buf: &mut [f32]) -> Result<(u64, u32), Box<dyn Error>> {
    let mut d = decode::open(path)?;
    let rate = d.sample_rate();
    let mut frames = 0u64;
    loop {
        let n = d.read(buf)?;
        if n == 0 {
            break;
        }
        frames += n as u64;
    }
    Ok((frames, rate))
}

/// Decodes and resamples to 48 kHz stereo once; returns output frames.
fn decode_resample_once(path: &Path, buf: &mut [f32]) -> Result<u64, Box<dyn Error>> {
    let d = decode::open(path)?;
    let mut r = Resampled::new(d, 48_000, 2)?;
    let mut frames = 0u64;
    loop {
        let n = r.read(buf)?;
        if n == 0 {
            break;
        }
        frames += n as u64;
    }
    Ok(frames)
}

fn ffmpeg_available() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Wall time for ffmpeg to decode `path` `reps` times in one process.
fn ffmpeg_decode_time(path: &Path, reps: u32) -> Result<Duration, Box<dyn Error>> {
    let t = Instant::now();
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-threads", "1", "-stream_loop"])
        .arg((reps - 1).to_string())
        .arg("-i")
        .arg(path)
        .args(["-map", "0:a", "-f", "null", "-"])
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("ffmpeg failed on {}", path.display()).into());
    }
    Ok(t.elapsed())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// p50 and p99 of seek + first 1024 frames, over `count` pseudo-random targets.
fn seek_latency(path: &Path, count: usize) -> Result<(Duration, Duration), Box<dyn Error>> {
    let mut d = decode::open(path)?;
    let total = d.total_frames().ok_or("length unknown")?;
    let mut buf = vec![0.0f32; 1024 * usize::from(d.channels())];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let target = x % total.saturating_sub(1024).max(1);
        let t = Instant::now();
        d.seek(target)?;
        let mut got = 0;
        while got < 1024 {
            let n = d.read(&mut buf[got * usize::from(d.channels())..])?;
            if n == 0 {
                break;
            }
            got += n;
        }
        times.push(t.elapsed());
    }
    times.sort();
    Ok((percentile(&times, 0.5), percentile(&times, 0.99)))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let have_ffmpeg = ffmpeg_available();
    if !have_ffmpeg {
        eprintln!("ffmpeg not installed: no comparison, no long files");
    }
    let mut buf = vec![0.0f32; 4096 * 8];

    if args.decode {
        decode_table(&args, have_ffmpeg, &mut buf)?;
    }
    seek_table(&args, have_ffmpeg)
}

fn decode_table(args: &Args, have_ffmpeg: bool, buf: &mut [f32]) -> Result<(), Box<dyn Error>> {
    println!("### Decode speed ({} s of work per format)\n", args.seconds);
    println!(
        "| file | audio s | ours: × real time | ffmpeg: × real time | ours / ffmpeg | decode + resample to 48 kHz stereo: × real time |"
    );
    println!("|---|---|---|---|---|---|");
    for name in FIXTURES {
        let path = args.fixtures.join(name);
        let (frames, rate) = decode_once(&path, buf)?;
        let audio_s = frames as f64 / f64::from(rate);
        let mut reps = 0u32;
        let t = Instant::now();
        while t.elapsed().as_secs_f64() < args.seconds {
            decode_once(&path, buf)?;
            reps += 1;
        }
        let ours = t.elapsed().as_secs_f64() / f64::from(reps);
        let ours_rt = audio_s / ours;
        let (ff_rt, ratio) = if have_ffmpeg {
            let ff = ffmpeg_decode_time(&path, reps)?.as_secs_f64() / f64::from(reps);
            (format!("{:.0}", audio_s / ff), format!("{:.2}", ff / ours))
        } else {
            ("n/a".to_string(), "n/a".to_string())
        };
        let mut rreps = 0u32;
        let t = Instant::now();
        while t.elapsed().as_secs_f64() < args.seconds / 2.0 {
            decode_resample_once(&path, buf)?;
            rreps += 1;
        }
        let resampled_rt = audio_s / (t.elapsed().as_secs_f64() / f64::from(rreps));
        println!(
            "| {name} | {audio_s:.2} | {ours_rt:.0} | {ff_rt} | {ratio} | {resampled_rt:.0} |"
        );
    }
    println!("\n(ours / ffmpeg > 1 means faster than ffmpeg.)\n");
    Ok(())
}

fn seek_table(args: &Args, have_ffmpeg: bool) -> Result<(), Box<dyn Error>> {
    let dir = std::env::temp_dir().join(format!("audio-bench-{}", std::process::id()));
    let mut seek_files: Vec<(String, PathBuf)> = Vec::new();
    if args.long && have_ffmpeg {
        std::fs::create_dir_all(&dir)?;
        // The fixtures' signal, 5 minutes long (ffmpeg's -stream_loop on a FLAC input is very
        // slow in ffmpeg 5.1, so the source is synthesised).
        let expr = "aevalsrc=0.25*sin(2*PI*440*t)+0.15*sin(2*PI*1000*t)|\
                    0.25*sin(2*PI*550*t)+0.15*sin(2*PI*1000*t):s=44100:d=300";
        for (name, codec) in LONG {
            let out = dir.join(name);
            let status = Command::new("ffmpeg")
                .args(["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", expr])
                .args(*codec)
                .arg(&out)
                .status()?;
            if status.success() {
                seek_files.push((format!("{name} (5 min)"), out));
            }
        }
    }
    for name in FIXTURES {
        seek_files.push((format!("{name} (fixture)"), args.fixtures.join(name)));
    }
    println!(
        "### Seek latency (seek + first 1024 frames, {} random targets)\n",
        args.seeks
    );
    println!("| file | p50 ms | p99 ms |");
    println!("|---|---|---|");
    for (label, path) in &seek_files {
        let (p50, p99) = seek_latency(path, args.seeks)?;
        println!("| {label} | {} | {} |", ms(p50), ms(p99));
    }
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
