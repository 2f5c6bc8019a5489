//! Mapping a device (stream) clock onto the engine's local clock.

/// Maps instants on a device clock (ns, any origin) to the local clock (µs) from pairs read at
/// callback time: (local now, device instant of this callback).
///
/// The local reading is taken *after* the device's callback instant (the thread had to wake up),
/// so each pair overestimates `local - device` by the wake-up delay; the smallest offset over a
/// short sliding window is the best estimate (as NTP keeps the sample with the smallest delay).
/// Two half windows are kept, so the estimate forgets an old minimum within `2 * window` and
/// follows a local clock that drifts against the device's one.
///
/// Garbage is rejected: the first `skip_first` readings (the first ALSA timestamp can be
/// anything) and any device instant that goes backwards.
///
/// Allocation-free and lock-free: it is used inside device callbacks.
#[derive(Debug, Clone)]
pub struct ClockMapper {
    window_ns: i64,
    skip_first: u32,
    seen: u32,
    last_device_ns: Option<i64>,
    window_start_ns: i64,
    current_min_ns: Option<i64>,
    previous_min_ns: Option<i64>,
}

impl ClockMapper {
    /// A mapper whose minimum is taken over windows of `window_ns` (≈ 0.5 s suits 5-50 ms
    /// callbacks), ignoring the first `skip_first` readings.
    pub fn new(window_ns: i64, skip_first: u32) -> Self {
        Self {
            window_ns: window_ns.max(1),
            skip_first,
            seen: 0,
            last_device_ns: None,
            window_start_ns: 0,
            current_min_ns: None,
            previous_min_ns: None,
        }
    }

    /// One reading at a callback: the local clock read in the callback and the device's instant
    /// for it. Returns whether the reading was used.
    pub fn observe(&mut self, local_now_us: i64, device_ns: i64) -> bool {
        self.seen = self.seen.saturating_add(1);
        if self.seen <= self.skip_first {
            return false;
        }
        if self.last_device_ns.is_some_and(|last| device_ns < last) {
            // Backwards: a restarted stream or a garbage timestamp. Start over.
            self.current_min_ns = None;
            self.previous_min_ns = None;
            self.last_device_ns = Some(device_ns);
            self.window_start_ns = device_ns;
            return false;
        }
        if self.last_device_ns.is_none() {
            self.window_start_ns = device_ns;
        }
        self.last_device_ns = Some(device_ns);
        if device_ns.saturating_sub(self.window_start_ns) >= self.window_ns {
            self.previous_min_ns = self.current_min_ns;
            self.current_min_ns = None;
            self.window_start_ns = device_ns;
        }
        let offset = local_now_us.saturating_mul(1000).saturating_sub(device_ns);
        self.current_min_ns = Some(self.current_min_ns.map_or(offset, |m| m.min(offset)));
        true
    }

    /// `local - device` in ns, once there is a usable reading.
    pub fn offset_ns(&self) -> Option<i64> {
        match (self.current_min_ns, self.previous_min_ns) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The local instant (µs) of a device instant, once there is a usable reading.
    pub fn to_local_us(&self, device_ns: i64) -> Option<i64> {
        self.offset_ns()
            .map(|off| device_ns.saturating_add(off).div_euclid(1000))
    }
}

/// Smooths per-buffer "heard at" instants with a delay-locked loop (the second-order DLL used by
/// JACK and PipeWire): a device's frames are heard at a steady rate, so the instants lie on a
/// line; the loop tracks that line (offset and rate, so a device crystal that is off is
/// followed) and rejects the jitter of delay reports (the PulseAudio ALSA plugin's move by
/// milliseconds; cpal's native PulseAudio host interpolates its latency polls).
///
/// An error beyond `reset_us` (an xrun, a stall, a restarted stream) restarts the loop on the
/// raw instant. Allocation-free.
#[derive(Debug, Clone)]
pub struct DeviceDll {
    nominal_us_per_frame: f64,
    bandwidth_hz: f64,
    reset_us: f64,
    /// Filtered instant of the last buffer's first frame, its length, and µs per frame.
    state: Option<(f64, usize, f64)>,
}

impl DeviceDll {
    /// A loop for a device at `rate` frames per second, with the given bandwidth (0.1-1 Hz:
    /// lower smooths more, follows slower).
    pub fn new(rate: u32, bandwidth_hz: f64, reset_us: f64) -> Self {
        Self {
            nominal_us_per_frame: 1e6 / f64::from(rate.max(1)),
            bandwidth_hz,
            reset_us,
            state: None,
        }
    }

    /// The raw instant at which this buffer's first frame is heard (µs), and its length in
    /// frames; returns the filtered instant.
    pub fn filter(&mut self, raw_us: f64, frames: usize) -> f64 {
        let frames = frames.max(1);
        let Some((t_prev, n_prev, us_per_frame)) = self.state else {
            self.state = Some((raw_us, frames, self.nominal_us_per_frame));
            return raw_us;
        };
        let predicted = t_prev + n_prev as f64 * us_per_frame;
        let e = raw_us - predicted;
        if e.abs() > self.reset_us {
            self.state = Some((raw_us, frames, self.nominal_us_per_frame));
            return raw_us;
        }
        let period_s = n_prev as f64 * us_per_frame / 1e6;
        let omega = std::f64::consts::TAU * self.bandwidth_hz * period_s;
        let b = std::f64::consts::SQRT_2 * omega;
        let c = omega * omega;
        let t = predicted + b * e;
        // Rate: bounded to ±1 % of nominal whatever the input does.
        let nominal = self.nominal_us_per_frame;
        let upf = (us_per_frame + c * e / n_prev as f64).clamp(nominal * 0.99, nominal * 1.01);
        self.state = Some((t, frames, upf));
        t
    }

    /// The tracked device rate against the local clock, in ppm (positive: the device plays
    /// more frames per local second than nominal).
    pub fn rate_error_ppm(&self) -> f64 {
        self.state.map_or(0.0, |(_, _, upf)| {
            (self.nominal_us_per_frame / upf - 1.0) * 1e6
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_smallest_wakeup_delay_and_skips_the_first_reading() {
        let mut m = ClockMapper::new(500_000_000, 1);
        // Garbage first reading: local says 5 s while the device says 0.
        assert!(!m.observe(5_000_000, 0));
        assert_eq!(m.offset_ns(), None);
        // Local = device + 1 s, with wake-up delays of 300, 20 and 900 µs.
        for (i, delay_us) in [300, 20, 900].iter().enumerate() {
            let dev_ns = (i as i64 + 1) * 10_000_000;
            m.observe(1_000_000 + dev_ns / 1000 + delay_us, dev_ns);
        }
        assert_eq!(m.offset_ns(), Some(1_000_000_000 + 20_000));
        assert_eq!(m.to_local_us(2_000_000_000), Some(3_000_020));
    }

    /// A device 150 ppm fast, buffers of 682 frames, delay reports jittering uniformly by up to
    /// ±`jitter_us` (a deterministic pseudo-random sequence): worst and RMS filtered error once
    /// settled, and the rate it found.
    fn dll_error(jitter_us: u64) -> (f64, f64, f64) {
        let rate = 48_000u32;
        let true_us_per_frame = 1e6 / (f64::from(rate) * (1.0 + 150e-6));
        let mut dll = DeviceDll::new(rate, 0.1, 100_000.0);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut worst = 0.0f64;
        let (mut sum_sq, mut count) = (0.0f64, 0u32);
        for k in 0..20_000u64 {
            let frames = 682usize;
            let truth = 1_000_000.0 + (k * frames as u64) as f64 * true_us_per_frame;
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let jitter = (seed % (2 * jitter_us + 1)) as f64 - jitter_us as f64;
            let filtered = dll.filter(truth + jitter, frames);
            if k > 2_000 {
                worst = worst.max((filtered - truth).abs());
                sum_sq += (filtered - truth).powi(2);
                count += 1;
            }
        }
        (
            worst,
            (sum_sq / f64::from(count)).sqrt(),
            dll.rate_error_ppm(),
        )
    }

    #[test]
    fn the_dll_rejects_jitter_and_follows_a_device_that_runs_fast() {
        // Unfiltered, ±1 ms uniform jitter is 577 µs RMS.
        let (worst, rms, ppm) = dll_error(1_000);
        assert!(
            rms < 80.0 && worst < 300.0,
            "±1 ms jitter: {rms:.0} µs RMS, {worst:.0} worst"
        );
        assert!((ppm - 150.0).abs() < 40.0, "{ppm:.1} ppm");
        let (worst, rms, _) = dll_error(5_000);
        assert!(
            rms < 400.0 && worst < 1_500.0,
            "±5 ms jitter: {rms:.0} µs RMS, {worst:.0} worst"
        );
        // A jump (a stall) restarts it on the raw instant.
        let mut dll = DeviceDll::new(48_000, 0.1, 100_000.0);
        dll.filter(0.0, 512);
        assert_eq!(dll.filter(1e9, 512), 1e9);
    }

    #[test]
    fn forgets_an_old_minimum_after_two_windows() {
        let mut m = ClockMapper::new(100, 0);
        m.observe(0, 0); // offset 0
        for k in 1..=3 {
            m.observe(1, k * 100); // offset 1000 - k*100 ... then larger
        }
        assert!(m.offset_ns().is_some_and(|o| o > 0), "{:?}", m.offset_ns());
        // Backwards device time resets.
        assert!(!m.observe(10, 5));
        assert_eq!(m.offset_ns(), None);
    }
}
