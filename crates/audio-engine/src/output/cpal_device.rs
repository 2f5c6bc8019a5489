//! The real device, through cpal (no rodio: rodio can neither start at an instant nor expose
//! the device's timestamps).

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{
    BufferSize, FromSample, OutputCallbackInfo, SampleFormat, SizedSample, StreamConfig,
    SupportedBufferSize,
};

use super::{
    ClockMapper, DeviceDll, LostFn, Output, OutputError, OutputFormat, RenderFn, RenderTiming,
    StartContext,
};
use crate::engine::LocalClock;

/// What to ask the device for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpalConfig {
    /// Device name (as cpal describes it) or id; `None`: the host's default output.
    pub device: Option<String>,
    /// Preferred rate (the device's default if it cannot do it).
    pub sample_rate: u32,
    /// Preferred channel count.
    pub channels: u16,
    /// Frames per callback, set as a fixed buffer size where the host allows it (PulseAudio and
    /// PipeWire through ALSA need one). `None`: the host's default.
    pub buffer_frames: Option<u32>,
}

impl Default for CpalConfig {
    fn default() -> Self {
        Self {
            device: None,
            sample_rate: 48_000,
            channels: 2,
            buffer_frames: Some(1024),
        }
    }
}

struct Opened {
    device: cpal::Device,
    name: String,
    config: StreamConfig,
    sample_format: SampleFormat,
}

/// The system's audio device. Nothing is touched until [`Output::open`] (the engine opens its
/// output on the first `Load`). A missing device is an [`OutputError::NoDevice`], never a panic.
///
/// Timing: each callback's `OutputCallbackInfo::timestamp()` gives the callback and playback
/// instants on the stream's clock; a [`ClockMapper`] maps the stream clock onto the local clock
/// (minimum wake-up delay over a sliding window), and the playback instant becomes the buffer's
/// heard-at instant, smoothed by a [`DeviceDll`] (delay reports jitter by up to milliseconds
/// through PulseAudio). The first timestamp is ignored (ALSA's can be garbage), as is any with a
/// negative or absurd (> 2 s) delay; such callbacks use local now + the nominal latency.
pub struct CpalOutput {
    config: CpalConfig,
    opened: Option<Opened>,
    stream: Option<cpal::Stream>,
    latency_ns: Arc<AtomicI64>,
    xruns: Arc<AtomicU64>,
}

impl std::fmt::Debug for CpalOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalOutput")
            .field("config", &self.config)
            .field("opened", &self.opened.as_ref().map(|o| &o.name))
            .field("started", &self.stream.is_some())
            .finish()
    }
}

impl CpalOutput {
    pub fn new(config: CpalConfig) -> Self {
        Self {
            config,
            opened: None,
            stream: None,
            latency_ns: Arc::new(AtomicI64::new(-1)),
            xruns: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The names of the system's output devices (what [`CpalConfig::device`] takes), for a
    /// settings list.
    ///
    /// # Errors
    /// [`OutputError::NoDevice`] when the audio host is unavailable or cannot list devices.
    pub fn device_names() -> Result<Vec<String>, OutputError> {
        let host = catch_unwind(cpal::default_host)
            .map_err(|_| OutputError::NoDevice("the audio host is unavailable".into()))?;
        let devices = host
            .output_devices()
            .map_err(|e| OutputError::NoDevice(format!("cannot list devices: {e}")))?;
        let mut names: Vec<String> = devices
            .filter_map(|d| d.description().ok().map(|desc| desc.name().to_owned()))
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }

    fn find_device(&self) -> Result<(cpal::Device, String), OutputError> {
        let host = catch_unwind(cpal::default_host)
            .map_err(|_| OutputError::NoDevice("the audio host is unavailable".into()))?;
        let host_name = host.id().name();
        let device = match &self.config.device {
            None => host.default_output_device().ok_or_else(|| {
                OutputError::NoDevice(format!("{host_name} has no default output device"))
            })?,
            Some(wanted) => {
                let devices = host.output_devices().map_err(|e| {
                    OutputError::NoDevice(format!("cannot list {host_name} devices: {e}"))
                })?;
                let mut found = None;
                for d in devices {
                    let by_name = d.description().is_ok_and(|desc| desc.name() == wanted);
                    let by_id = d.id().is_ok_and(|id| id.id() == wanted);
                    if by_name || by_id {
                        found = Some(d);
                        break;
                    }
                }
                found.ok_or_else(|| {
                    OutputError::NoDevice(format!("{host_name} has no output device {wanted:?}"))
                })?
            }
        };
        let name = device
            .description()
            .map(|d| d.name().to_owned())
            .unwrap_or_else(|_| "unnamed device".into());
        Ok((device, format!("cpal/{host_name}: {name}")))
    }

    fn choose_config(&self, device: &cpal::Device, name: &str) -> Result<Opened, OutputError> {
        let no_device = |what: String| OutputError::NoDevice(format!("{name}: {what}"));
        let ranges: Vec<_> = device
            .supported_output_configs()
            .map_err(|e| no_device(format!("cannot query formats: {e}")))?
            .collect();
        const FORMATS: [SampleFormat; 4] = [
            SampleFormat::F32,
            SampleFormat::I32,
            SampleFormat::I16,
            SampleFormat::U16,
        ];
        let want_rate = self.config.sample_rate;
        let want_ch = self.config.channels;
        // Best: our rate and channel count; then our rate with more channels (we fill the
        // first two); then the device's default config.
        let mut pick = None;
        'outer: for exact_channels in [true, false] {
            for fmt in FORMATS {
                for r in &ranges {
                    let ch_ok = if exact_channels {
                        r.channels() == want_ch
                    } else {
                        r.channels() >= want_ch.min(2)
                    };
                    if r.sample_format() == fmt
                        && ch_ok
                        && r.min_sample_rate() <= want_rate
                        && want_rate <= r.max_sample_rate()
                    {
                        pick = Some(r.with_sample_rate(want_rate));
                        break 'outer;
                    }
                }
            }
        }
        let supported = match pick {
            Some(p) => p,
            None => {
                let d = device
                    .default_output_config()
                    .map_err(|e| no_device(format!("no usable output format: {e}")))?;
                if !FORMATS.contains(&d.sample_format()) {
                    return Err(no_device(format!(
                        "its sample format {:?} is not one Tandem renders",
                        d.sample_format()
                    )));
                }
                d
            }
        };
        let buffer_size = match (self.config.buffer_frames, supported.buffer_size()) {
            (Some(n), SupportedBufferSize::Range { min, max }) if *min <= n && n <= *max => {
                BufferSize::Fixed(n)
            }
            (Some(n), SupportedBufferSize::Unknown) => BufferSize::Fixed(n),
            _ => BufferSize::Default,
        };
        let mut config = supported.config();
        config.buffer_size = buffer_size;
        Ok(Opened {
            device: device.clone(),
            name: name.to_owned(),
            config,
            sample_format: supported.sample_format(),
        })
    }

    fn build(
        &self,
        opened: &Opened,
        config: StreamConfig,
        render: RenderFn,
        clock: Arc<dyn LocalClock>,
        on_lost: LostFn,
    ) -> Result<cpal::Stream, BuildError> {
        let state = CallbackState::new(render, clock, &config, self.latency_ns.clone());
        match opened.sample_format {
            SampleFormat::I32 => build_typed::<i32>(opened, config, state, on_lost, &self.xruns),
            SampleFormat::I16 => build_typed::<i16>(opened, config, state, on_lost, &self.xruns),
            SampleFormat::U16 => build_typed::<u16>(opened, config, state, on_lost, &self.xruns),
            _ => build_typed::<f32>(opened, config, state, on_lost, &self.xruns),
        }
    }
}

impl Output for CpalOutput {
    fn name(&self) -> String {
        self.opened
            .as_ref()
            .map_or_else(|| "cpal (not open)".into(), |o| o.name.clone())
    }

    fn open(&mut self) -> Result<OutputFormat, OutputError> {
        if self.opened.is_none() {
            let (device, name) = self.find_device()?;
            self.opened = Some(self.choose_config(&device, &name)?);
        }
        let o = self
            .opened
            .as_ref()
            .ok_or_else(|| OutputError::NoDevice("not opened".into()))?;
        Ok(OutputFormat {
            sample_rate: o.config.sample_rate,
            channels: o.config.channels,
        })
    }

    fn start(&mut self, render: RenderFn, ctx: StartContext) -> Result<(), OutputError> {
        if self.stream.is_some() {
            return Err(OutputError::AlreadyStarted);
        }
        self.open()?;
        let Some(opened) = self.opened.as_ref() else {
            return Err(OutputError::NoDevice("not opened".into()));
        };
        let config = opened.config;
        let stream = match self.build(opened, config, render, ctx.clock.clone(), ctx.on_lost) {
            Ok(s) => s,
            Err((e, Some(render), Some(on_lost))) if config.buffer_size != BufferSize::Default => {
                // The fixed size was refused: let the host choose.
                let mut relaxed = config;
                relaxed.buffer_size = BufferSize::Default;
                self.build(opened, relaxed, render, ctx.clock, on_lost)
                    .map_err(|(e2, _, _)| {
                        OutputError::NoDevice(format!(
                            "{}: cannot start a stream ({e}; with the default buffer size: {e2})",
                            opened.name
                        ))
                    })?
            }
            Err((e, _, _)) => {
                return Err(OutputError::NoDevice(format!(
                    "{}: cannot start a stream: {e}",
                    opened.name
                )));
            }
        };
        stream
            .play()
            .map_err(|e| OutputError::Backend(format!("{}: cannot play: {e}", opened.name)))?;
        self.stream = Some(stream);
        Ok(())
    }

    fn latency_us(&self) -> Option<i64> {
        let ns = self.latency_ns.load(Ordering::Relaxed);
        (ns >= 0).then_some(ns / 1000)
    }

    fn xruns(&self) -> u64 {
        self.xruns.load(Ordering::Relaxed)
    }

    fn stop(&mut self) {
        if let Some(s) = self.stream.take() {
            let _ = s.pause();
            drop(s);
        }
    }
}

/// The DLL's bandwidth: a time constant of about 1.6 s, enough to follow a crystal's drift and
/// a delay that wanders, while cutting millisecond jitter in delay reports by ~10×.
const DLL_BANDWIDTH_HZ: f64 = 0.1;
/// A jump larger than this (a stall, an xrun) restarts the DLL on the raw instant.
const DLL_RESET_US: f64 = 50_000.0;

/// Largest delay between a callback and its playback instant taken as real.
const MAX_SANE_DELAY_NS: i64 = 2_000_000_000;

/// What the data callback owns. Allocated before the stream starts.
struct CallbackState {
    render: RenderFn,
    clock: Arc<dyn LocalClock>,
    mapper: ClockMapper,
    dll: DeviceDll,
    channels: usize,
    rate: u32,
    /// Used until timestamps are trusted: one buffer (or 20 ms).
    nominal_latency_ns: i64,
    latency_ns: Arc<AtomicI64>,
    /// f32 staging for integer sample formats.
    scratch: Vec<f32>,
}

impl CallbackState {
    fn new(
        render: RenderFn,
        clock: Arc<dyn LocalClock>,
        config: &StreamConfig,
        latency_ns: Arc<AtomicI64>,
    ) -> Self {
        let rate = config.sample_rate.max(1);
        let nominal_latency_ns = match config.buffer_size {
            BufferSize::Fixed(n) => i64::from(n) * 2 * 1_000_000_000 / i64::from(rate),
            BufferSize::Default => 20_000_000,
        };
        let channels = usize::from(config.channels).max(1);
        Self {
            render,
            clock,
            mapper: ClockMapper::new(500_000_000, 1),
            dll: DeviceDll::new(rate, DLL_BANDWIDTH_HZ, DLL_RESET_US),
            channels,
            rate,
            nominal_latency_ns,
            latency_ns,
            scratch: vec![0.0; 8192 * channels],
        }
    }

    /// When the first frame of this callback's buffer (`frames` long) is heard, on the local
    /// clock: the playback instant mapped, then smoothed by the DLL.
    fn heard_at(&mut self, info: &OutputCallbackInfo, frames: usize) -> i64 {
        let ts = info.timestamp();
        let local = self.clock.now_us();
        let callback = i64::try_from(ts.callback.as_nanos()).ok();
        let playback = i64::try_from(ts.playback.as_nanos()).ok();
        if let (Some(cb), Some(pb)) = (callback, playback) {
            let delay = pb - cb;
            if (0..=MAX_SANE_DELAY_NS).contains(&delay) && self.mapper.observe(local, cb) {
                self.latency_ns.store(delay, Ordering::Relaxed);
                if let Some(heard) = self.mapper.to_local_us(pb) {
                    return self.dll.filter(heard as f64, frames).round() as i64;
                }
            }
        }
        local + self.nominal_latency_ns / 1000
    }

    fn process_f32(&mut self, data: &mut [f32], info: &OutputCallbackInfo) {
        let heard = self.heard_at(info, data.len() / self.channels);
        (self.render)(
            data,
            RenderTiming {
                heard_at_local_us: heard,
            },
        );
    }

    fn process<T: SizedSample + FromSample<f32>>(
        &mut self,
        data: &mut [T],
        info: &OutputCallbackInfo,
    ) {
        let mut heard = self.heard_at(info, data.len() / self.channels) as f64;
        let frame_us = 1e6 / f64::from(self.rate);
        let step = (self.scratch.len() / self.channels).max(1) * self.channels;
        for piece in data.chunks_mut(step) {
            let staging = &mut self.scratch[..piece.len()];
            (self.render)(
                staging,
                RenderTiming {
                    heard_at_local_us: heard.round() as i64,
                },
            );
            for (d, s) in piece.iter_mut().zip(staging.iter()) {
                *d = T::from_sample(*s);
            }
            heard += (piece.len() / self.channels) as f64 * frame_us;
        }
    }
}

trait Process: SizedSample + FromSample<f32> + Send + 'static {
    fn process(state: &mut CallbackState, data: &mut [Self], info: &OutputCallbackInfo);
}

impl Process for f32 {
    fn process(state: &mut CallbackState, data: &mut [f32], info: &OutputCallbackInfo) {
        state.process_f32(data, info);
    }
}

macro_rules! process_int {
    ($($t:ty),*) => {$(
        impl Process for $t {
            fn process(state: &mut CallbackState, data: &mut [$t], info: &OutputCallbackInfo) {
                state.process(data, info);
            }
        }
    )*};
}
process_int!(i32, i16, u16);

/// Gives the callback's state back when cpal drops the callback (a failed build drops it at
/// once), so a retry with another buffer size keeps the engine's render function.
struct ReturnOnDrop {
    state: Option<CallbackState>,
    back: Arc<Mutex<Option<CallbackState>>>,
}

impl Drop for ReturnOnDrop {
    fn drop(&mut self) {
        if let (Some(s), Ok(mut slot)) = (self.state.take(), self.back.lock()) {
            *slot = Some(s);
        }
    }
}

type BuildError = (cpal::Error, Option<RenderFn>, Option<LostFn>);

fn build_typed<T: Process>(
    opened: &Opened,
    config: StreamConfig,
    state: CallbackState,
    on_lost: LostFn,
    xruns: &Arc<AtomicU64>,
) -> Result<cpal::Stream, BuildError> {
    let back = Arc::new(Mutex::new(None));
    let mut holder = ReturnOnDrop {
        state: Some(state),
        back: back.clone(),
    };
    let on_lost = Arc::new(Mutex::new(Some(on_lost)));
    let on_lost_cb = on_lost.clone();
    let xruns_cb = xruns.clone();
    let name = opened.name.clone();
    let result = opened.device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], info: &OutputCallbackInfo| {
            if let Some(s) = holder.state.as_mut() {
                T::process(s, data, info);
            }
        },
        move |err: cpal::Error| match err.kind() {
            cpal::ErrorKind::Xrun => {
                xruns_cb.fetch_add(1, Ordering::Relaxed);
            }
            cpal::ErrorKind::DeviceNotAvailable
            | cpal::ErrorKind::StreamInvalidated
            | cpal::ErrorKind::HostUnavailable => {
                let f = on_lost_cb.lock().ok().and_then(|mut g| g.take());
                if let Some(mut f) = f {
                    f(OutputError::Lost(format!("{name}: {err}")));
                }
            }
            _ => {}
        },
        None,
    );
    result.map_err(|e| {
        let render = back
            .lock()
            .ok()
            .and_then(|mut g| g.take())
            .map(|s: CallbackState| s.render);
        let on_lost = on_lost.lock().ok().and_then(|mut g| g.take());
        (e, render, on_lost)
    })
}
