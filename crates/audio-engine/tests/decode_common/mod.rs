//! Helpers shared by the `decode_*` tests (fixtures, full decodes, ffmpeg reference, signal math).
#![allow(dead_code)]
// Numeric helpers index several arrays with one counter; iterators would obscure them.
#![allow(clippy::needless_range_loop)]

use std::path::{Path, PathBuf};
use std::process::Command;

use audio_engine::source::FrameSource;

/// The committed fixtures (see tests/fixtures/make.sh).
pub const GOOD_FIXTURES: &[&str] = &[
    "tone44s_cbr.mp3",
    "tone44s_vbr.mp3",
    "tone48m.mp3",
    "tone44s.flac",
    "tone48m.flac",
    "tone44s.ogg",
    "tone44s.opus",
    "tone48m_s16.wav",
    "tone48m_f32.wav",
    "tone44s_aac.m4a",
    "tone48m_alac.m4a",
];

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads a source to its end in chunks of `chunk` frames.
pub fn read_all<S: FrameSource + ?Sized>(src: &mut S, chunk: usize) -> Vec<f32> {
    let ch = usize::from(src.channels());
    let mut out = Vec::new();
    let mut buf = vec![0.0f32; chunk * ch];
    loop {
        let n = src.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n * ch]);
    }
    out
}

/// Reads up to `frames` frames.
pub fn read_frames<S: FrameSource + ?Sized>(src: &mut S, frames: usize) -> Vec<f32> {
    let ch = usize::from(src.channels());
    let mut out = Vec::with_capacity(frames * ch);
    let mut buf = vec![0.0f32; 1024 * ch];
    while out.len() < frames * ch {
        let want = (frames - out.len() / ch).min(1024);
        let n = src.read(&mut buf[..want * ch]).expect("read");
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n * ch]);
    }
    out
}

pub fn decode_file(name: &str) -> (u32, usize, Vec<f32>) {
    let mut d = audio_engine::decode::open(fixture(name)).expect("open");
    let rate = d.sample_rate();
    let ch = usize::from(d.channels());
    let samples = read_all(&mut d, 4096);
    (rate, ch, samples)
}

/// Says loudly that a check was skipped. Written to the process's stderr directly, not through
/// `eprintln!`, which the test harness captures (and hides) for passing tests.
pub fn skip(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {msg}");
}

pub fn ffmpeg_available() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// ffmpeg's decode of `path` as interleaved f32 at `rate` with `channels`; None (after saying
/// so loudly) when ffmpeg is not installed.
pub fn ffmpeg_decode(path: &Path, channels: usize, rate: u32) -> Option<Vec<f32>> {
    if !ffmpeg_available() {
        skip("ffmpeg not installed (apt-get install ffmpeg); no reference decode");
        return None;
    }
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-i"])
        .arg(path)
        .args([
            "-f",
            "f32le",
            "-ac",
            &channels.to_string(),
            "-ar",
            &rate.to_string(),
            "-",
        ])
        .output()
        .expect("run ffmpeg");
    assert!(
        out.status.success(),
        "ffmpeg failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        out.stdout
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

/// One channel of an interleaved buffer.
pub fn channel(samples: &[f32], channels: usize, c: usize) -> Vec<f32> {
    samples.iter().skip(c).step_by(channels).copied().collect()
}

/// The lag (in frames) of `b` relative to `a` in `-max..=max` that maximises their correlation
/// over a middle window: `a[i] ≈ b[i + lag]`.
/// The window (frames) is centred on `center`, which should hold something aperiodic (the
/// fixtures' click marker): the tones alone repeat every 50 ms.
pub fn best_lag(a: &[f32], b: &[f32], max: i64, center: usize) -> i64 {
    let start = center.saturating_sub(4000).max(max as usize);
    let len = 8000
        .min(a.len().saturating_sub(start))
        .min(b.len().saturating_sub(start + max as usize));
    let mut best = (f64::MIN, 0);
    for lag in -max..=max {
        let mut s = 0.0f64;
        for i in start..start + len {
            let j = (i as i64 + lag) as usize;
            s += f64::from(a[i]) * f64::from(b[j]);
        }
        if s > best.0 {
            best = (s, lag);
        }
    }
    best.1
}

/// Pearson correlation and RMS difference of `a[i]` vs `b[i + lag]` over their overlap.
pub fn compare(a: &[f32], b: &[f32], lag: i64) -> (f64, f64, f64, usize) {
    let (mut sa, mut sb, mut saa, mut sbb, mut sab, mut sdd, mut maxd, mut n) = (
        0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0usize,
    );
    for (i, &x) in a.iter().enumerate() {
        let j = i as i64 + lag;
        if j < 0 || j as usize >= b.len() {
            continue;
        }
        let (x, y) = (f64::from(x), f64::from(b[j as usize]));
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
        sdd += (x - y) * (x - y);
        maxd = maxd.max((x - y).abs());
        n += 1;
    }
    let nf = n as f64;
    let cov = sab / nf - sa / nf * sb / nf;
    let va = saa / nf - (sa / nf).powi(2);
    let vb = sbb / nf - (sb / nf).powi(2);
    (cov / (va * vb).sqrt(), (sdd / nf).sqrt(), maxd, n)
}

/// A [`FrameSource`] over samples in memory.
pub struct VecSource {
    pub rate: u32,
    pub channels: u16,
    pub data: Vec<f32>,
    pub pos: usize,
}

impl VecSource {
    pub fn new(rate: u32, channels: u16, data: Vec<f32>) -> VecSource {
        VecSource {
            rate,
            channels,
            data,
            pos: 0,
        }
    }

    /// `frames` frames of a sine at `freq` Hz, amplitude `amp`, on every channel.
    pub fn sine(rate: u32, channels: u16, freq: f64, amp: f64, frames: usize) -> VecSource {
        let mut data = Vec::with_capacity(frames * usize::from(channels));
        for n in 0..frames {
            let x = amp * (2.0 * std::f64::consts::PI * freq * n as f64 / f64::from(rate)).sin();
            for _ in 0..channels {
                data.push(x as f32);
            }
        }
        VecSource::new(rate, channels, data)
    }
}

impl FrameSource for VecSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn channels(&self) -> u16 {
        self.channels
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, audio_engine::source::DecodeError> {
        let ch = usize::from(self.channels);
        let frames = (out.len() / ch).min(self.data.len() / ch - self.pos);
        out[..frames * ch].copy_from_slice(&self.data[self.pos * ch..(self.pos + frames) * ch]);
        self.pos += frames;
        Ok(frames)
    }
    fn seek(&mut self, frame: u64) -> Result<(), audio_engine::source::DecodeError> {
        self.pos = (frame as usize).min(self.data.len() / usize::from(self.channels));
        Ok(())
    }
    fn total_frames(&self) -> Option<u64> {
        Some((self.data.len() / usize::from(self.channels)) as u64)
    }
}

/// Least-squares fit of `a·cos + b·sin + c` at `freq` Hz; returns (amplitude, residual RMS).
pub fn fit_sine(x: &[f32], rate: u32, freq: f64) -> (f64, f64) {
    let w = 2.0 * std::f64::consts::PI * freq / f64::from(rate);
    // Normal equations for [cos, sin, 1].
    let mut m = [[0.0f64; 3]; 3];
    let mut v = [0.0f64; 3];
    for (n, &y) in x.iter().enumerate() {
        let b = [(w * n as f64).cos(), (w * n as f64).sin(), 1.0];
        for i in 0..3 {
            v[i] += b[i] * f64::from(y);
            for j in 0..3 {
                m[i][j] += b[i] * b[j];
            }
        }
    }
    let p = solve3(m, v);
    let mut sse = 0.0;
    for (n, &y) in x.iter().enumerate() {
        let f = p[0] * (w * n as f64).cos() + p[1] * (w * n as f64).sin() + p[2];
        sse += (f64::from(y) - f).powi(2);
    }
    (
        (p[0] * p[0] + p[1] * p[1]).sqrt(),
        (sse / x.len() as f64).sqrt(),
    )
}

fn solve3(mut m: [[f64; 3]; 3], mut v: [f64; 3]) -> [f64; 3] {
    for i in 0..3 {
        let piv = (i..3)
            .max_by(|&a, &b| m[a][i].abs().total_cmp(&m[b][i].abs()))
            .unwrap_or(i);
        m.swap(i, piv);
        v.swap(i, piv);
        for r in i + 1..3 {
            let f = m[r][i] / m[i][i];
            for c in i..3 {
                m[r][c] -= f * m[i][c];
            }
            v[r] -= f * v[i];
        }
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        let s: f64 = (i + 1..3).map(|c| m[i][c] * x[c]).sum();
        x[i] = (v[i] - s) / m[i][i];
    }
    x
}

pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

pub fn db(ratio: f64) -> f64 {
    20.0 * ratio.max(1e-300).log10()
}
