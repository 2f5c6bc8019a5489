//! Rate and channel adaptation: any [`FrameSource`] at the device's rate and channel count.
//!
//! [`Resampled`] is a polyphase windowed-sinc resampler (Kaiser window, about 90 dB stopband,
//! flat to 20 kHz from 44.1 kHz) with exact rational stepping: output frame `n` is computed from
//! the input around source time `n · in_rate / out_rate`, with no state but the input itself.
//! So output frame `n` is the same samples however it was reached, a seek maps exactly
//! (`seek(n)` positions the source at the first input frame the filter needs), and the filter is
//! symmetric (zero phase): the resampled stream has no delay to compensate.
//!
//! Why not rubato: its resamplers carry state across calls and have a delay, so a seek lands on
//! a slightly different phase than continuous play, and two listeners who reached the same
//! position differently would hear different samples. A direct polyphase filter keeps the
//! sample-accurate contract of [`FrameSource::seek`] and costs about 0.25 % of a core for
//! stereo 44.1 → 48 kHz (see `docs/benchmarks.md`).
//!
//! Channel mapping, applied before resampling when it reduces channels and after when it adds
//! them: mono → both sides; stereo → mono is the mean; more than two channels → stereo by the
//! usual layouts for that count (WAV/SMPTE order: FL FR FC LFE BL BR SL SR; centre and surrounds
//! at -3 dB, LFE dropped, scaled so the mix cannot clip); to more than two channels, the first
//! channels are filled and the rest left silent.

use std::f64::consts::PI;

use crate::source::{DecodeError, FrameSource};

/// Kernel half-width in input samples at unity ratio (128 taps); scaled up when downsampling.
const HALF_TAPS: usize = 64;
/// Kaiser β for about 90 dB of stopband attenuation.
const KAISER_BETA: f64 = 8.96;
/// Stopband attenuation the width formula is designed for, in dB.
const ATTENUATION_DB: f64 = 90.0;
/// Most polyphase rows tabulated; a ratio with more phases interpolates between rows.
const MAX_PHASES: u64 = 1024;
/// Input frames pulled from the source per refill.
const READ_CHUNK: usize = 1024;

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Modified Bessel function of the first kind, order 0 (for the Kaiser window).
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let q = x * x / 4.0;
    for k in 1..64 {
        let kf = f64::from(k);
        term *= q / (kf * kf);
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// The polyphase filter: `rows + 1` rows of `taps` coefficients; row `p` is for a source time
/// `p / rows` of an input sample after the integer position.
struct Kernel {
    rows: usize,
    taps: usize,
    half: usize,
    coefs: Vec<f32>,
    /// `rows` equals the ratio's phase count: no interpolation between rows.
    exact: bool,
}

impl Kernel {
    fn new(in_rate: u32, out_rate: u32, phases: u64) -> Kernel {
        let ratio = (f64::from(out_rate) / f64::from(in_rate)).min(1.0);
        let half = (HALF_TAPS as f64 / ratio).ceil() as usize;
        let taps = 2 * half;
        // Kaiser design: transition width (in cycles per input sample) for this length.
        let width = (ATTENUATION_DB - 8.0) / (2.285 * 2.0 * PI * taps as f64);
        let cutoff = 0.5 * ratio - width / 2.0;
        let exact = phases <= MAX_PHASES;
        let rows = usize::try_from(phases.min(MAX_PHASES)).unwrap_or(1024);
        let i0_beta = bessel_i0(KAISER_BETA);
        let mut coefs = vec![0.0f32; (rows + 1) * taps];
        let mut row = vec![0.0f64; taps];
        for p in 0..=rows {
            let frac = p as f64 / rows as f64;
            for (k, c) in row.iter_mut().enumerate() {
                // Tap k reads input sample (i0 - half + 1 + k); its offset from the source time:
                let tau = (k as f64 - (half as f64 - 1.0)) - frac;
                let x = 2.0 * cutoff * tau;
                let sinc = if x.abs() < 1e-12 {
                    1.0
                } else {
                    (PI * x).sin() / (PI * x)
                };
                let r = tau / half as f64;
                let window = if r.abs() >= 1.0 {
                    0.0
                } else {
                    bessel_i0(KAISER_BETA * (1.0 - r * r).sqrt()) / i0_beta
                };
                *c = 2.0 * cutoff * sinc * window;
            }
            // Unity gain at DC for every phase.
            let sum: f64 = row.iter().sum();
            for (dst, c) in coefs[p * taps..(p + 1) * taps].iter_mut().zip(&row) {
                *dst = (c / sum) as f32;
            }
        }
        Kernel {
            rows,
            taps,
            half,
            coefs,
            exact,
        }
    }
}

/// How input channels become output channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mapping {
    Same,
    /// Applied to input frames before resampling.
    Down,
    /// Applied to resampled frames.
    Up,
}

/// Maps one frame of `from.len()` channels to `to.len()` channels (see the module docs).
fn map_frame(from: &[f32], to: &mut [f32]) {
    const M3: f32 = std::f32::consts::FRAC_1_SQRT_2;
    match (from.len(), to.len()) {
        (a, b) if a == b => to.copy_from_slice(from),
        (1, _) => {
            to.fill(0.0);
            let n = to.len().min(2);
            to[..n].fill(from[0]);
        }
        (2, 1) => to[0] = 0.5 * (from[0] + from[1]),
        (_, 1) => {
            let mut st = [0.0f32; 2];
            map_frame(from, &mut st);
            to[0] = 0.5 * (st[0] + st[1]);
        }
        (n, 2) => {
            // (left weight, right weight) per channel, by the usual layout for the count.
            let w: &[(f32, f32)] = match n {
                3 => &[(1.0, 0.0), (0.0, 1.0), (M3, M3)],
                4 => &[(1.0, 0.0), (0.0, 1.0), (M3, 0.0), (0.0, M3)],
                5 => &[(1.0, 0.0), (0.0, 1.0), (M3, M3), (M3, 0.0), (0.0, M3)],
                6 => &[
                    (1.0, 0.0),
                    (0.0, 1.0),
                    (M3, M3),
                    (0.0, 0.0),
                    (M3, 0.0),
                    (0.0, M3),
                ],
                7 => &[
                    (1.0, 0.0),
                    (0.0, 1.0),
                    (M3, M3),
                    (0.0, 0.0),
                    (0.5, 0.5),
                    (M3, 0.0),
                    (0.0, M3),
                ],
                _ => &[
                    (1.0, 0.0),
                    (0.0, 1.0),
                    (M3, M3),
                    (0.0, 0.0),
                    (M3, 0.0),
                    (0.0, M3),
                    (M3, 0.0),
                    (0.0, M3),
                ],
            };
            let (mut l, mut r, mut norm) = (0.0f32, 0.0f32, 0.0f32);
            for (x, (wl, wr)) in from.iter().zip(w) {
                l += x * wl;
                r += x * wr;
                norm += wl;
            }
            let norm = norm.max(1.0);
            to[0] = l / norm;
            to[1] = r / norm;
        }
        (_, _) => {
            to.fill(0.0);
            let n = from.len().min(to.len());
            to[..n].copy_from_slice(&from[..n]);
        }
    }
}

/// A [`FrameSource`] adapted to another rate and channel count (see the module docs).
pub struct Resampled<S: FrameSource> {
    src: S,
    in_rate: u32,
    out_rate: u32,
    in_ch: usize,
    out_ch: usize,
    /// Channels carried through the filter.
    work_ch: usize,
    mapping: Mapping,
    /// Output frame `n` reads source time `n · step / phases` (the reduced `in/out` ratio).
    phases: u64,
    step: u64,
    kernel: Option<Kernel>,
    /// Output frame index of the next frame `read` returns.
    pos: u64,
    /// Filter input, one `Vec` per work channel; `planes[c][0]` is input frame `buf_start`.
    planes: Vec<Vec<f32>>,
    buf_start: i64,
    /// Input frame count at which the source ended, once seen.
    src_end: Option<u64>,
    /// Scratch for source reads (interleaved, input channels) and mapped frames.
    read_buf: Vec<f32>,
    frame_in: Vec<f32>,
    frame_out: Vec<f32>,
    coef_scratch: Vec<f32>,
    /// A source error met after some frames of a `read` were made: returned by the next `read`.
    deferred_error: Option<DecodeError>,
}

impl<S: FrameSource> Resampled<S> {
    /// Adapts `src` to `out_rate` frames per second and `out_channels` channels.
    ///
    /// # Errors
    /// [`DecodeError::InvalidArgument`] for a zero rate or channel count (of `src` or asked for).
    pub fn new(src: S, out_rate: u32, out_channels: u16) -> Result<Resampled<S>, DecodeError> {
        let in_rate = src.sample_rate();
        let in_ch = usize::from(src.channels());
        let out_ch = usize::from(out_channels);
        if in_rate == 0 || out_rate == 0 || in_ch == 0 || out_ch == 0 {
            return Err(DecodeError::InvalidArgument(format!(
                "cannot resample {in_ch} channel(s) at {in_rate} Hz to {out_ch} channel(s) at {out_rate} Hz"
            )));
        }
        let g = gcd(u64::from(in_rate), u64::from(out_rate));
        let phases = u64::from(out_rate) / g;
        let step = u64::from(in_rate) / g;
        let mapping = match in_ch.cmp(&out_ch) {
            std::cmp::Ordering::Equal => Mapping::Same,
            std::cmp::Ordering::Greater => Mapping::Down,
            std::cmp::Ordering::Less => Mapping::Up,
        };
        let work_ch = in_ch.min(out_ch);
        let kernel = (in_rate != out_rate).then(|| Kernel::new(in_rate, out_rate, phases));
        let taps = kernel.as_ref().map_or(0, |k| k.taps);
        let mut r = Resampled {
            src,
            in_rate,
            out_rate,
            in_ch,
            out_ch,
            work_ch,
            mapping,
            phases,
            step,
            kernel,
            pos: 0,
            planes: vec![Vec::new(); work_ch],
            buf_start: 0,
            src_end: None,
            read_buf: vec![0.0; READ_CHUNK * in_ch],
            frame_in: vec![0.0; in_ch.max(out_ch)],
            frame_out: vec![0.0; in_ch.max(out_ch)],
            coef_scratch: vec![0.0; taps],
            deferred_error: None,
        };
        // The source is at its frame 0; the filter also reads the (silent) frames before it.
        let first = r.first_needed(0).min(0);
        r.reset_buffer(first);
        Ok(r)
    }

    /// The wrapped source.
    pub fn inner(&self) -> &S {
        &self.src
    }

    /// The wrapped source, mutably (seeking it directly desynchronises this adapter; use
    /// [`FrameSource::seek`] on the adapter instead).
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.src
    }

    /// Unwraps the source.
    pub fn into_inner(self) -> S {
        self.src
    }

    /// Output frame index of the next frame [`FrameSource::read`] returns.
    #[must_use]
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The source frame the output frame `frame` is taken at (rounded down).
    #[must_use]
    pub fn source_frame(&self, frame: u64) -> u64 {
        out_to_in(frame, self.step, self.phases).0
    }

    /// The first input frame the filter needs for output frame `pos`.
    fn first_needed(&self, pos: u64) -> i64 {
        let (i0, _) = out_to_in(pos, self.step, self.phases);
        let half = self.kernel.as_ref().map_or(1, |k| k.half);
        i64::try_from(i0).unwrap_or(i64::MAX) - (half as i64 - 1)
    }

    /// Empties the filter input so that it starts at input frame `start` (zeros before 0).
    fn reset_buffer(&mut self, start: i64) {
        for p in &mut self.planes {
            p.clear();
            if start < 0 {
                p.resize(usize::try_from(-start).unwrap_or(0), 0.0);
            }
        }
        self.buf_start = start;
        self.src_end = None;
    }

    fn buffered_end(&self) -> i64 {
        self.buf_start
            .saturating_add(self.planes.first().map_or(0, Vec::len) as i64)
    }

    /// Reads one chunk from the source into the planes; false at the source's end.
    fn refill(&mut self) -> Result<bool, DecodeError> {
        if self.src_end.is_some() {
            return Ok(false);
        }
        let n = self.src.read(&mut self.read_buf)?;
        if n == 0 {
            self.src_end = Some(u64::try_from(self.buffered_end()).unwrap_or(0));
            return Ok(false);
        }
        for f in 0..n {
            let frame = &self.read_buf[f * self.in_ch..(f + 1) * self.in_ch];
            if self.mapping == Mapping::Down {
                map_frame(frame, &mut self.frame_out[..self.out_ch]);
                for (p, &x) in self.planes.iter_mut().zip(&self.frame_out[..self.out_ch]) {
                    p.push(x);
                }
            } else {
                for (p, &x) in self.planes.iter_mut().zip(frame) {
                    p.push(x);
                }
            }
        }
        Ok(true)
    }

    /// Drops input frames the filter will not need again.
    fn compact(&mut self) {
        let keep_from = self.first_needed(self.pos);
        let drop = keep_from - self.buf_start;
        if drop > 4 * READ_CHUNK as i64 {
            let d = usize::try_from(drop).unwrap_or(0);
            for p in &mut self.planes {
                p.drain(..d.min(p.len()));
            }
            self.buf_start += d as i64;
        }
    }

    /// Output frames in total once the source's length is known.
    fn out_len(&self, in_frames: u64) -> u64 {
        let num = u128::from(in_frames) * u128::from(self.phases) + u128::from(self.step) - 1;
        u64::try_from(num / u128::from(self.step)).unwrap_or(u64::MAX)
    }

    fn read_passthrough(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        if self.mapping == Mapping::Same {
            let n = self.src.read(out)?;
            self.pos += n as u64;
            return Ok(n);
        }
        let want = (out.len() / self.out_ch).min(READ_CHUNK);
        let n = self.src.read(&mut self.read_buf[..want * self.in_ch])?;
        for f in 0..n {
            map_frame(
                &self.read_buf[f * self.in_ch..(f + 1) * self.in_ch],
                &mut out[f * self.out_ch..(f + 1) * self.out_ch],
            );
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// Dot product in eight independent lanes (so the compiler can vectorise it).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    let mut sum = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5]))
        + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for (x, y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}

/// Output frame `n` → (input frame, phase numerator over `phases`).
fn out_to_in(n: u64, step: u64, phases: u64) -> (u64, u64) {
    let t = u128::from(n) * u128::from(step);
    let p = u128::from(phases);
    (
        u64::try_from(t / p).unwrap_or(u64::MAX),
        u64::try_from(t % p).unwrap_or(0),
    )
}

impl<S: FrameSource> FrameSource for Resampled<S> {
    fn sample_rate(&self) -> u32 {
        self.out_rate
    }

    fn channels(&self) -> u16 {
        u16::try_from(self.out_ch).unwrap_or(u16::MAX)
    }

    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        if let Some(e) = self.deferred_error.take() {
            return Err(e);
        }
        if self.kernel.is_none() {
            return self.read_passthrough(out);
        }
        let want = out.len() / self.out_ch;
        let mut written = 0;
        while written < want {
            if let Some(end) = self.src_end
                && self.pos >= self.out_len(end)
            {
                break;
            }
            let (i0, phase) = out_to_in(self.pos, self.step, self.phases);
            let Some(kernel) = self.kernel.as_ref() else {
                break;
            };
            let half = kernel.half;
            let taps = kernel.taps;
            let last_needed = i64::try_from(i0)
                .unwrap_or(i64::MAX)
                .saturating_add(half as i64);
            if self.buffered_end() <= last_needed && self.src_end.is_none() {
                // Adds input, or records the source's end (past which the input is silence).
                match self.refill() {
                    Ok(_) => continue,
                    Err(e) if written > 0 => {
                        self.deferred_error = Some(e);
                        break;
                    }
                    Err(e) => return Err(e),
                }
            }
            // Coefficients for this phase.
            let coefs: &[f32] = if kernel.exact {
                let row = usize::try_from(phase).unwrap_or(0);
                &kernel.coefs[row * taps..(row + 1) * taps]
            } else {
                let pos = phase as f64 * kernel.rows as f64 / self.phases as f64;
                let row = (pos.floor() as usize).min(kernel.rows - 1);
                let frac = (pos - row as f64) as f32;
                let (a, b) = kernel.coefs[row * taps..(row + 2) * taps].split_at(taps);
                for ((c, &x), &y) in self.coef_scratch.iter_mut().zip(a).zip(b) {
                    *c = x + frac * (y - x);
                }
                &self.coef_scratch
            };
            let first = i64::try_from(i0).unwrap_or(i64::MAX) - (half as i64 - 1);
            let off = usize::try_from(first - self.buf_start).unwrap_or(0);
            for (c, plane) in self.planes.iter().enumerate() {
                let avail = plane.len().saturating_sub(off).min(taps);
                let window = &plane[off.min(plane.len())..off.min(plane.len()) + avail];
                // Past the source's end the input is silence: only `avail` taps contribute.
                self.frame_in[c] = dot(window, &coefs[..avail]);
            }
            let dst = &mut out[written * self.out_ch..(written + 1) * self.out_ch];
            if self.mapping == Mapping::Up {
                map_frame(&self.frame_in[..self.work_ch], dst);
            } else {
                dst.copy_from_slice(&self.frame_in[..self.out_ch]);
            }
            written += 1;
            self.pos += 1;
            if written % 256 == 0 {
                self.compact();
            }
        }
        self.compact();
        Ok(written)
    }

    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        self.deferred_error = None;
        self.pos = frame;
        if self.kernel.is_none() {
            return self.src.seek(frame);
        }
        let first = self.first_needed(frame);
        self.src.seek(u64::try_from(first).unwrap_or(0))?;
        self.reset_buffer(first);
        Ok(())
    }

    fn total_frames(&self) -> Option<u64> {
        let total = self.src.total_frames()?;
        Some(if self.kernel.is_none() {
            total
        } else {
            self.out_len(total)
        })
    }
}

impl<S: FrameSource> std::fmt::Debug for Resampled<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampled")
            .field("in_rate", &self.in_rate)
            .field("out_rate", &self.out_rate)
            .field("in_channels", &self.in_ch)
            .field("out_channels", &self.out_ch)
            .field("position", &self.pos)
            .finish()
    }
}
