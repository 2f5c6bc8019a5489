//! An output on a simulated device clock, driven by a test.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{LostFn, Output, OutputError, OutputFormat, RenderFn, RenderTiming, StartContext};
use crate::engine::{LocalClock, SimClock};

/// The simulated device.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordingConfig {
    pub format: OutputFormat,
    /// Frames per render call.
    pub buffer_frames: usize,
    /// From a render call to its first frame being heard (µs of local time).
    pub latency_us: i64,
    /// How fast the device's crystal runs against the local clock, in ppm (positive: the
    /// device plays more frames per local second than its nominal rate).
    pub rate_error_ppm: f64,
}

impl Default for RecordingConfig {
    fn default() -> Self {
        Self {
            format: OutputFormat::DEFAULT,
            buffer_frames: 1024,
            latency_us: 20_000,
            rate_error_ppm: 0.0,
        }
    }
}

/// An [`Output`] that renders only when the test says so
/// ([`RecordingDevice::render_next_buffer`]), on a simulated clock: device frame `d` is heard at
/// local instant `origin + latency + d / (rate × (1 + ppm/1e6))`, where `origin` is the
/// [`SimClock`]'s reading when the output started. Each render first moves the `SimClock` to the
/// buffer's callback instant. No real time passes anywhere, so timing is exact and repeatable.
///
/// Spawn the engine with the same [`SimClock`] (the `StartContext` clock is not used).
#[derive(Debug)]
pub struct RecordingOutput {
    device: RecordingDevice,
}

/// The test's side of a [`RecordingOutput`]. Cloning shares it.
#[derive(Clone)]
pub struct RecordingDevice {
    config: RecordingConfig,
    clock: SimClock,
    state: Arc<Mutex<DeviceState>>,
}

#[derive(Default)]
struct DeviceState {
    render: Option<RenderFn>,
    on_lost: Option<LostFn>,
    origin_us: Option<f64>,
    next_frame: u64,
}

/// One rendered buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedBuffer {
    /// Device frame index of the first frame.
    pub first_device_frame: u64,
    /// What the engine was told: when the first frame is heard (local µs, rounded).
    pub heard_at_local_us: i64,
    /// Interleaved samples.
    pub samples: Vec<f32>,
}

impl RecordingOutput {
    /// A simulated device on `clock`, and the handle that drives it.
    pub fn new(config: RecordingConfig, clock: SimClock) -> (RecordingOutput, RecordingDevice) {
        let device = RecordingDevice {
            config,
            clock,
            state: Arc::new(Mutex::new(DeviceState::default())),
        };
        (
            RecordingOutput {
                device: device.clone(),
            },
            device,
        )
    }
}

impl Output for RecordingOutput {
    fn name(&self) -> String {
        "recording".into()
    }

    fn open(&mut self) -> Result<OutputFormat, OutputError> {
        Ok(self.device.config.format)
    }

    fn start(&mut self, render: RenderFn, ctx: StartContext) -> Result<(), OutputError> {
        let mut s = self.device.lock();
        if s.render.is_some() {
            return Err(OutputError::AlreadyStarted);
        }
        s.render = Some(render);
        s.on_lost = Some(ctx.on_lost);
        if s.origin_us.is_none() {
            s.origin_us = Some(self.device.clock.now_us() as f64);
        }
        Ok(())
    }

    fn latency_us(&self) -> Option<i64> {
        Some(self.device.config.latency_us)
    }

    fn stop(&mut self) {
        let mut s = self.device.lock();
        s.render = None;
        s.on_lost = None;
    }
}

impl RecordingDevice {
    fn lock(&self) -> MutexGuard<'_, DeviceState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn config(&self) -> RecordingConfig {
        self.config
    }

    pub fn clock(&self) -> &SimClock {
        &self.clock
    }

    /// Whether the engine has started this output.
    pub fn is_started(&self) -> bool {
        self.lock().render.is_some()
    }

    /// Device frames rendered so far.
    pub fn frames_rendered(&self) -> u64 {
        self.lock().next_frame
    }

    fn frames_per_local_us(&self) -> f64 {
        f64::from(self.config.format.sample_rate) * (1.0 + self.config.rate_error_ppm * 1e-6) / 1e6
    }

    /// The exact local instant (µs, fractional) at which device frame `device_frame` is heard,
    /// once started.
    pub fn heard_at_exact_us(&self, device_frame: u64) -> Option<f64> {
        let origin = self.lock().origin_us?;
        Some(self.heard_at_from(origin, device_frame))
    }

    fn heard_at_from(&self, origin: f64, device_frame: u64) -> f64 {
        origin + self.config.latency_us as f64 + device_frame as f64 / self.frames_per_local_us()
    }

    /// Calls the engine's render function for the next buffer, after moving the clock to that
    /// buffer's callback instant. `None` if the output is not started (or was stopped).
    pub fn render_next_buffer(&self) -> Option<RenderedBuffer> {
        let mut s = self.lock();
        let origin = s.origin_us?;
        let d = s.next_frame;
        let heard = self.heard_at_from(origin, d);
        self.clock
            .advance_to((heard - self.config.latency_us as f64).floor() as i64);
        let channels = usize::from(self.config.format.channels).max(1);
        let mut samples = vec![0.0f32; self.config.buffer_frames * channels];
        let heard_at_local_us = heard.round() as i64;
        let render = s.render.as_mut()?;
        render(&mut samples, RenderTiming { heard_at_local_us });
        s.next_frame += self.config.buffer_frames as u64;
        Some(RenderedBuffer {
            first_device_frame: d,
            heard_at_local_us,
            samples,
        })
    }

    /// Simulates the device going away: reports it to the engine; nothing renders after.
    pub fn disconnect(&self) {
        let on_lost = {
            let mut s = self.lock();
            s.render = None;
            s.on_lost.take()
        };
        if let Some(mut f) = on_lost {
            f(OutputError::Lost("simulated disconnect".into()));
        }
    }
}

impl std::fmt::Debug for RecordingDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingDevice")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
