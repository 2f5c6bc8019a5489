//! An output with no device: a thread that sleeps in real time and discards the samples.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{ClockMapper, Output, OutputError, OutputFormat, RenderTiming, StartContext};

/// Renders in real time into nothing. Paced by absolute deadlines on `Instant` (sleeps never
/// accumulate error), one period of latency, timestamps mapped onto the local clock like a real
/// device's. Used on machines without sound and as the engine's fallback when the device is
/// missing or lost, so the heard position keeps following the room.
#[derive(Debug)]
pub struct NullOutput {
    format: OutputFormat,
    period_frames: usize,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl NullOutput {
    /// 10 ms periods.
    pub fn new(format: OutputFormat) -> Self {
        let period = (format.sample_rate / 100).max(1) as usize;
        Self::with_period(format, period)
    }

    /// Periods of `period_frames` frames.
    pub fn with_period(format: OutputFormat, period_frames: usize) -> Self {
        Self {
            format,
            period_frames: period_frames.max(1),
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        }
    }

    fn frames_to_ns(&self, frames: u64) -> i64 {
        let ns = u128::from(frames) * 1_000_000_000 / u128::from(self.format.sample_rate.max(1));
        i64::try_from(ns).unwrap_or(i64::MAX)
    }
}

impl Output for NullOutput {
    fn name(&self) -> String {
        "null".into()
    }

    fn open(&mut self) -> Result<OutputFormat, OutputError> {
        Ok(self.format)
    }

    fn start(&mut self, mut render: super::RenderFn, ctx: StartContext) -> Result<(), OutputError> {
        if self.thread.is_some() {
            return Err(OutputError::AlreadyStarted);
        }
        let channels = usize::from(self.format.channels).max(1);
        let period = self.period_frames;
        let latency_ns = self.frames_to_ns(period as u64);
        let rate = self.format.sample_rate.max(1);
        let stop = self.stop.clone();
        let clock = ctx.clock;
        let thread = std::thread::Builder::new()
            .name("tandem-null-output".into())
            .spawn(move || {
                let mut buf = vec![0.0f32; period * channels];
                let mut mapper = ClockMapper::new(500_000_000, 0);
                let t0 = Instant::now();
                let mut frames: u64 = 0;
                while !stop.load(Ordering::Acquire) {
                    let device_ns = u128::from(frames) * 1_000_000_000 / u128::from(rate);
                    let deadline =
                        t0 + Duration::from_nanos(u64::try_from(device_ns).unwrap_or(u64::MAX));
                    let now = Instant::now();
                    if deadline > now {
                        std::thread::sleep(deadline - now);
                    }
                    let device_ns = i64::try_from(device_ns).unwrap_or(i64::MAX);
                    let local = clock.now_us();
                    mapper.observe(local, device_ns);
                    let heard = mapper
                        .to_local_us(device_ns.saturating_add(latency_ns))
                        .unwrap_or(local.saturating_add(latency_ns / 1000));
                    render(
                        &mut buf,
                        RenderTiming {
                            heard_at_local_us: heard,
                        },
                    );
                    frames += period as u64;
                }
            })
            .map_err(|e| OutputError::Backend(format!("could not start the null output: {e}")))?;
        self.thread = Some(thread);
        Ok(())
    }

    fn latency_us(&self) -> Option<i64> {
        Some(self.frames_to_ns(self.period_frames as u64) / 1000)
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for NullOutput {
    fn drop(&mut self) {
        self.stop();
    }
}
