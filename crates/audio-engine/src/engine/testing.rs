//! Synthetic sources and a simulated rig, for tests and benches (no files, no sound card).
//!
//! - [`RampSource`]: frame `f`'s first channel is `((f mod 2^24) + 1) / 2^24`, exactly
//!   representable, so any rendered sample tells which source frame it is
//!   ([`RampSource::frame_of`]); the other channels carry a constant tag (to tell songs apart).
//! - [`ClickSource`]: silence (or a pedestal) with a full-scale click on chosen frames.
//! - [`SineSource`]: a sine.
//! - [`FailingSource`]: wraps a source and fails its reads from a chosen frame (or its seeks).
//! - [`SimRig`]: an engine on a [`RecordingOutput`] and a [`SimClock`], stepped buffer by buffer.
//!
//! [`RecordingOutput`]: crate::output::RecordingOutput

use std::sync::Arc;

use super::{Engine, EngineError, EngineHandle, Event, SimClock};
use crate::output::{RecordingConfig, RecordingDevice, RecordingOutput, RenderedBuffer};
use crate::source::{DecodeError, FrameSource};

const RAMP_PERIOD: u64 = 1 << 24;
const RAMP_SCALE: f32 = 1.0 / (1u32 << 24) as f32;

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct RampSource {
    rate: u32,
    channels: u16,
    total: Option<u64>,
    tag: f32,
    pos: u64,
}

impl RampSource {
    /// `total` frames (`None`: endless); channels after the first carry `tag`.
    pub fn new(rate: u32, channels: u16, total: Option<u64>, tag: f32) -> Self {
        Self {
            rate,
            channels: channels.max(1),
            total,
            tag,
            pos: 0,
        }
    }

    /// The first-channel sample of frame `frame`.
    pub fn sample_of(frame: u64) -> f32 {
        ((frame % RAMP_PERIOD) + 1) as f32 * RAMP_SCALE
    }

    /// Which frame (mod 2^24) a first-channel sample is; `None` for silence or a non-ramp value.
    pub fn frame_of(sample: f32) -> Option<u64> {
        let x = f64::from(sample) * RAMP_PERIOD as f64;
        if x < 1.0 || x.fract() != 0.0 || x > RAMP_PERIOD as f64 {
            return None;
        }
        Some(x as u64 - 1)
    }
}

impl FrameSource for RampSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn channels(&self) -> u16 {
        self.channels
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        let ch = usize::from(self.channels);
        let mut frames = out.len() / ch;
        if let Some(t) = self.total {
            frames = frames.min(usize::try_from(t.saturating_sub(self.pos)).unwrap_or(usize::MAX));
        }
        for (i, f) in out.chunks_exact_mut(ch).take(frames).enumerate() {
            f[0] = Self::sample_of(self.pos + i as u64);
            for x in &mut f[1..] {
                *x = self.tag;
            }
        }
        self.pos += frames as u64;
        Ok(frames)
    }
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        self.pos = self.total.map_or(frame, |t| frame.min(t));
        Ok(())
    }
    fn total_frames(&self) -> Option<u64> {
        self.total
    }
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct ClickSource {
    rate: u32,
    channels: u16,
    total: u64,
    /// Sorted click frames.
    clicks: Vec<u64>,
    pedestal: f32,
    pos: u64,
}

impl ClickSource {
    /// `total` frames of `pedestal` with 1.0 on every frame in `clicks`.
    pub fn new(rate: u32, channels: u16, total: u64, mut clicks: Vec<u64>, pedestal: f32) -> Self {
        clicks.sort_unstable();
        Self {
            rate,
            channels: channels.max(1),
            total,
            clicks,
            pedestal,
            pos: 0,
        }
    }
}

impl FrameSource for ClickSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn channels(&self) -> u16 {
        self.channels
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        let ch = usize::from(self.channels);
        let left = usize::try_from(self.total.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let frames = (out.len() / ch).min(left);
        for (i, f) in out.chunks_exact_mut(ch).take(frames).enumerate() {
            let frame = self.pos + i as u64;
            let v = if self.clicks.binary_search(&frame).is_ok() {
                1.0
            } else {
                self.pedestal
            };
            f.fill(v);
        }
        self.pos += frames as u64;
        Ok(frames)
    }
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        self.pos = frame.min(self.total);
        Ok(())
    }
    fn total_frames(&self) -> Option<u64> {
        Some(self.total)
    }
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct SineSource {
    rate: u32,
    channels: u16,
    freq: f64,
    amplitude: f32,
    total: Option<u64>,
    pos: u64,
}

impl SineSource {
    pub fn new(rate: u32, channels: u16, freq: f64, amplitude: f32, total: Option<u64>) -> Self {
        Self {
            rate,
            channels: channels.max(1),
            freq,
            amplitude,
            total,
            pos: 0,
        }
    }
}

impl FrameSource for SineSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    fn channels(&self) -> u16 {
        self.channels
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        let ch = usize::from(self.channels);
        let mut frames = out.len() / ch;
        if let Some(t) = self.total {
            frames = frames.min(usize::try_from(t.saturating_sub(self.pos)).unwrap_or(usize::MAX));
        }
        let w = std::f64::consts::TAU * self.freq / f64::from(self.rate.max(1));
        for (i, f) in out.chunks_exact_mut(ch).take(frames).enumerate() {
            let v = ((self.pos + i as u64) as f64 * w).sin() as f32 * self.amplitude;
            f.fill(v);
        }
        self.pos += frames as u64;
        Ok(frames)
    }
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        self.pos = self.total.map_or(frame, |t| frame.min(t));
        Ok(())
    }
    fn total_frames(&self) -> Option<u64> {
        self.total
    }
}

/// See the module documentation.
pub struct FailingSource<S> {
    inner: S,
    fail_at: Option<u64>,
    fail_seeks: bool,
    pos: u64,
}

impl<S: FrameSource> FailingSource<S> {
    /// Reads fail once frame `fail_at` is reached (the frames before it are returned).
    pub fn failing_at(inner: S, fail_at: u64) -> Self {
        Self {
            inner,
            fail_at: Some(fail_at),
            fail_seeks: false,
            pos: 0,
        }
    }

    /// Seeks fail; reads work.
    pub fn failing_seeks(inner: S) -> Self {
        Self {
            inner,
            fail_at: None,
            fail_seeks: true,
            pos: 0,
        }
    }
}

impl<S: FrameSource> FrameSource for FailingSource<S> {
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }
    fn channels(&self) -> u16 {
        self.inner.channels()
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        let ch = usize::from(self.inner.channels().max(1));
        let mut len = out.len();
        if let Some(at) = self.fail_at {
            if self.pos >= at {
                return Err(DecodeError::Corrupt(format!(
                    "synthetic failure at frame {at}"
                )));
            }
            let left = usize::try_from(at - self.pos).unwrap_or(usize::MAX);
            len = len.min(left.saturating_mul(ch));
        }
        let n = self.inner.read(&mut out[..len])?;
        self.pos += n as u64;
        Ok(n)
    }
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        if self.fail_seeks {
            return Err(DecodeError::Io(std::io::Error::other(
                "synthetic seek failure",
            )));
        }
        self.inner.seek(frame)?;
        self.pos = frame;
        Ok(())
    }
    fn total_frames(&self) -> Option<u64> {
        self.inner.total_frames()
    }
}

/// An engine on a simulated device: every [`SimRig::step`] applies pending commands, tops up
/// the decoded audio, renders one device buffer (moving the simulated clock) and collects the
/// events. Deterministic.
pub struct SimRig {
    pub engine: EngineHandle,
    pub device: RecordingDevice,
    pub clock: SimClock,
    events: Vec<Event>,
}

impl SimRig {
    /// A rig whose clock starts at `start_us`.
    ///
    /// # Errors
    /// If the engine's thread cannot start.
    pub fn new(config: RecordingConfig, start_us: i64) -> Result<Self, EngineError> {
        let clock = SimClock::new(start_us);
        let (output, device) = RecordingOutput::new(config, clock.clone());
        let engine = Engine::spawn(output, Arc::new(clock.clone()))?;
        Ok(Self {
            engine,
            device,
            clock,
            events: Vec::new(),
        })
    }

    /// Lets the engine apply what was sent and collects its events.
    ///
    /// # Errors
    /// [`EngineError::EngineGone`].
    pub fn settle(&mut self) -> Result<(), EngineError> {
        self.engine.sync()?;
        self.events.extend(self.engine.events().try_iter());
        Ok(())
    }

    /// Renders the next device buffer (`None` if the output has not started).
    ///
    /// # Errors
    /// [`EngineError::EngineGone`].
    pub fn step(&mut self) -> Result<Option<RenderedBuffer>, EngineError> {
        self.engine.sync()?;
        let rendered = self.device.render_next_buffer();
        self.settle()?;
        Ok(rendered)
    }

    /// The events collected so far, emptied.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The events collected so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
}

impl std::fmt::Debug for SimRig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimRig")
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}
