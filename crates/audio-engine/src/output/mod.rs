//! Where the engine's samples go: a device callback behind the [`Output`] trait.
//!
//! An output owns a clock that paces it (the sound card's crystal, a sleeping thread, or a test)
//! and calls the engine's [`RenderFn`] with a buffer to fill and a [`RenderTiming`]: the instant,
//! on the engine's [`LocalClock`], at which the buffer's first frame will be *heard*. That mapping
//! from the device clock to the local clock is the whole point: it is what lets the engine start
//! a song on an exact instant and report which frame is heard now.
//!
//! # Layout
//! - [`CpalOutput`] (feature `cpal`, on by default): the real device through cpal, timed by
//!   `OutputCallbackInfo::timestamp()`.
//! - [`NullOutput`]: a thread that sleeps in real time and discards the samples, for machines
//!   without sound (and the engine's fallback when the device is missing or lost).
//! - [`RecordingOutput`]: renders into memory on a simulated device clock that a test drives
//!   buffer by buffer, with a configurable rate error and latency.
//! - [`ClockMapper`]: maps a device clock onto the local clock from (local, device) readings;
//!   [`DeviceDll`] smooths the resulting per-buffer instants (delay-locked loop).
//!
//! # Testing the real device without a sound card
//! `tests/output_real_device_pulse.rs` drives [`CpalOutput`] through ALSA into a PulseAudio
//! null sink, which PulseAudio paces in real time. As root on Debian (CI):
//! ```sh
//! apt-get install -y --no-install-recommends libasound2-dev pkg-config \
//!     pulseaudio pulseaudio-utils libasound2-plugins
//! export XDG_RUNTIME_DIR=/tmp/tandem-xdg && mkdir -p -m 700 "$XDG_RUNTIME_DIR"
//! pulseaudio --daemonize=yes -n --exit-idle-time=-1 --high-priority=yes \
//!     --log-target=file:/tmp/pulseaudio.log \
//!     --load=module-native-protocol-unix --load="module-null-sink sink_name=tandem_null"
//! pactl set-default-sink tandem_null && pactl info
//! printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' > /etc/asound.conf
//! ```
//! (`-n` skips default.pa, so no hardware or D-Bus modules are tried; running as root gives a
//! warning, not an error; `--high-priority` keeps the server paced when the machine is loaded:
//! without it a starved server was seen running at 0.3-0.6× real time under a load of 6 on 2
//! cores. `XDG_RUNTIME_DIR` must be the same for the tests, which find the server by it.) Without a server the test prints `SKIPPED: no PulseAudio server`.
//! A fresh PulseAudio stream takes ~1 s to start consuming; the engine keeps the timeline
//! meanwhile, and opening the output early ([`crate::engine::EngineHandle::output_format`])
//! avoids losing the start of the first song.
//!
//! # Rules for implementors
//! The render function is real-time code: call it from the thread that paces the device, never
//! while holding a lock another thread may hold for long. `open` is cheap and may be called
//! again; `start` is called once, from the engine's thread.

mod clock_map;
#[cfg(feature = "cpal")]
mod cpal_device;
mod null;
mod recording;

use std::sync::Arc;

use crate::engine::LocalClock;

pub use clock_map::{ClockMapper, DeviceDll};
#[cfg(feature = "cpal")]
pub use cpal_device::{CpalConfig, CpalOutput};
pub use null::NullOutput;
pub use recording::{RecordingConfig, RecordingDevice, RecordingOutput, RenderedBuffer};

/// The sample format the engine renders: interleaved f32 at this rate and channel count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutputFormat {
    pub sample_rate: u32,
    pub channels: u16,
}

impl OutputFormat {
    /// 48 kHz stereo: what Tandem asks a device for, and what the null fallback renders.
    pub const DEFAULT: OutputFormat = OutputFormat {
        sample_rate: 48_000,
        channels: 2,
    };
}

/// When the buffer handed to a [`RenderFn`] will be heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderTiming {
    /// The instant, on the engine's local clock (µs), at which the buffer's first frame leaves
    /// the speaker: device playback timestamp mapped to the local clock, output latency included.
    pub heard_at_local_us: i64,
}

/// The engine's render callback: fill the interleaved buffer (its length is a whole number of
/// frames) for the given timing. Real-time code: it never blocks, allocates or does I/O.
pub type RenderFn = Box<dyn FnMut(&mut [f32], RenderTiming) + Send + 'static>;

/// Called (from the output's thread, not in the render path) when the device goes away for
/// good. The output renders nothing more after it.
pub type LostFn = Box<dyn FnMut(OutputError) + Send + 'static>;

/// What an output needs besides the render function.
pub struct StartContext {
    /// The engine's local clock, onto which device timestamps are mapped.
    pub clock: Arc<dyn LocalClock>,
    /// Reports that the device was lost (unplugged, server gone).
    pub on_lost: LostFn,
}

/// A place to render to. See the module documentation.
pub trait Output: Send {
    /// A name for logs and the UI ("cpal/ALSA: default", "null", "recording").
    fn name(&self) -> String;

    /// Finds the device and decides the format, without starting anything. Idempotent.
    ///
    /// # Errors
    /// [`OutputError::NoDevice`] when there is no usable device (not fatal for the engine:
    /// it falls back to a [`NullOutput`] and follows the room silently).
    fn open(&mut self) -> Result<OutputFormat, OutputError>;

    /// Starts calling `render` (opening first if needed). Called at most once.
    ///
    /// # Errors
    /// [`OutputError::NoDevice`] or [`OutputError::Backend`] when the stream cannot start.
    fn start(&mut self, render: RenderFn, ctx: StartContext) -> Result<(), OutputError>;

    /// The device's output latency (from a render call to its first frame being heard), once
    /// known: measured from device timestamps for a real device, configured for the others.
    fn latency_us(&self) -> Option<i64>;

    /// Buffer underruns/overruns the device reported so far.
    fn xruns(&self) -> u64 {
        0
    }

    /// Stops rendering and releases the device. Idempotent.
    fn stop(&mut self);
}

impl<O: Output + ?Sized> Output for Box<O> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn open(&mut self) -> Result<OutputFormat, OutputError> {
        (**self).open()
    }
    fn start(&mut self, render: RenderFn, ctx: StartContext) -> Result<(), OutputError> {
        (**self).start(render, ctx)
    }
    fn latency_us(&self) -> Option<i64> {
        (**self).latency_us()
    }
    fn xruns(&self) -> u64 {
        (**self).xruns()
    }
    fn stop(&mut self) {
        (**self).stop();
    }
}

/// Why an output cannot play. Each variant has a stable [`OutputError::kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// No usable output device (none at all, the named one is absent, or it refused every
    /// format). The engine goes on with a null output.
    #[error("no audio output device: {0}; following the room silently")]
    NoDevice(String),
    /// The device was there and then went away.
    #[error("audio output device lost: {0}; following the room silently")]
    Lost(String),
    /// The audio backend failed in some other way.
    #[error("audio output failed: {0}")]
    Backend(String),
    /// `start` was called twice.
    #[error("audio output already started")]
    AlreadyStarted,
}

impl OutputError {
    /// A stable snake_case name for the UI and logs.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            OutputError::NoDevice(_) => "no_output_device",
            OutputError::Lost(_) => "output_device_lost",
            OutputError::Backend(_) => "output_failed",
            OutputError::AlreadyStarted => "output_already_started",
        }
    }
}
