//! The clock estimator: maps the listener's local clock onto the room clock.
//!
//! Feed it NTP four-timestamp samples ([`Sample`]); it refuses those whose round trip is far
//! above the recent minimum, fits the skew (rate difference) over the last few minutes by
//! weighted least squares, and draws the mapping through the recent samples weighted by how
//! far each can be off: half its excess round trip, plus the skew error over its age. The
//! sample with the smallest round trip dominates (Jellyfin picks it alone; Snapcast takes a
//! median), equally good ones are averaged, and the skew keeps the mapping right between
//! samples and through loss bursts.
//!
//! It also tells a driver when to ping ([`ClockEstimator::next_ping_at`]).

mod config;
mod mapping;
mod sample;
mod schedule;
mod skew;

use std::collections::VecDeque;

pub use config::EstimatorConfig;
pub use sample::{Measurement, Sample};

use crate::clock::RoomClock;
use crate::error::SampleRejected;
use mapping::{Mapping, MappingInputs};
use schedule::PingSchedule;
use skew::{FitPoint, SlopeEstimate};

/// The gap between the smallest delay and this order statistic estimates how far the smallest
/// delay is above the path's true floor.
const GAP_RANK: usize = 3;

/// How many standard deviations of skew the reported error bound covers.
const BOUND_SKEW_SIGMAS: f64 = 3.0;
/// How many the choice of the best sample weighs: the expected extrapolation error.
const CHOICE_SKEW_SIGMAS: f64 = 1.0;

/// Estimates the room clock from the local clock. Sans-IO: every instant is an argument.
///
/// ```
/// use sync_core::{ClockEstimator, EstimatorConfig, Sample};
///
/// let mut est = ClockEstimator::new(EstimatorConfig::default());
/// // Local clock 5 s behind the room, 1 ms each way.
/// for i in 0..4 {
///     let t0 = i * 50_000;
///     est.on_ping_sent(t0);
///     est.add_sample(Sample::new(t0, t0 + 5_001_000, t0 + 5_001_050, t0 + 2_050))?;
/// }
/// assert!(est.is_synced());
/// assert_eq!(est.room_time(1_000_000), Some(6_000_000));
/// # Ok::<(), sync_core::SampleRejected>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClockEstimator {
    config: EstimatorConfig,
    /// Accepted samples, oldest first, within `history_samples` and `skew_window_us`.
    history: VecDeque<Measurement>,
    /// Delays of recent structurally valid samples, accepted or not: the outlier reference.
    recent_delays: VecDeque<i64>,
    last_t0: Option<i64>,
    /// `t3` of the newest accepted sample: "now" as far as the estimate knows.
    newest_local_us: Option<i64>,
    /// What is believed about the skew before the current history says anything.
    prior: SlopeEstimate,
    /// The prior combined with the fit over `history`.
    skew: SlopeEstimate,
    /// Smallest delay in `history`, and how far it may be above the path's floor.
    min_delay_us: i64,
    floor_gap_us: f64,
    mapping: Option<Mapping>,
    schedule: PingSchedule,
    accepted: u64,
    rejected: u64,
}

impl ClockEstimator {
    /// An estimator that knows nothing yet. Any config works without panicking; see
    /// [`EstimatorConfig::validate`] for the sensible ranges.
    pub fn new(config: EstimatorConfig) -> Self {
        let prior =
            SlopeEstimate::from_skew_ppm(config.prior_skew_ppm, config.prior_skew_sigma_ppm);
        Self {
            config,
            history: VecDeque::new(),
            recent_delays: VecDeque::new(),
            last_t0: None,
            newest_local_us: None,
            prior,
            skew: prior,
            min_delay_us: 0,
            floor_gap_us: 0.0,
            mapping: None,
            schedule: PingSchedule::default(),
            accepted: 0,
            rejected: 0,
        }
    }

    pub fn config(&self) -> &EstimatorConfig {
        &self.config
    }

    /// Takes one sample into account.
    ///
    /// # Errors
    /// The sample is refused, and the estimate left as it was, when its timestamps are
    /// inconsistent ([`SampleRejected::Malformed`], [`SampleRejected::NegativeDelay`]), when it is
    /// not newer than the last one ([`SampleRejected::NotMonotonic`]), or when its round trip is
    /// far above the recent minimum ([`SampleRejected::DelayOutlier`]).
    pub fn add_sample(&mut self, sample: Sample) -> Result<(), SampleRejected> {
        let result = self.try_add(sample);
        match result {
            Ok(()) => self.accepted += 1,
            Err(_) => self.rejected += 1,
        }
        result
    }

    fn try_add(&mut self, sample: Sample) -> Result<(), SampleRejected> {
        let m = sample.measure()?;
        if let Some(last_t0_us) = self.last_t0
            && sample.t0 <= last_t0_us
        {
            return Err(SampleRejected::NotMonotonic {
                t0_us: sample.t0,
                last_t0_us,
            });
        }
        self.last_t0 = Some(sample.t0);

        let limit = self.outlier_limit();
        self.recent_delays.push_back(m.delay_us);
        while self.recent_delays.len() > self.config.outlier_reference.max(1) {
            self.recent_delays.pop_front();
        }
        if let Some(limit_us) = limit
            && m.delay_us > limit_us
        {
            return Err(SampleRejected::DelayOutlier {
                delay_us: m.delay_us,
                limit_us,
            });
        }

        self.history.push_back(m);
        self.newest_local_us = Some(sample.t3);
        self.evict_old();
        self.refit_skew();
        self.remap();
        Ok(())
    }

    /// The largest acceptable delay given the recent ones, if there are any.
    fn outlier_limit(&self) -> Option<i64> {
        let min = self.recent_delays.iter().copied().min()?;
        // Float to int casts saturate; the margin is never negative.
        let ratio_margin = (min as f64 * self.config.outlier_ratio.max(0.0)) as i64;
        Some(min.saturating_add(ratio_margin.max(self.config.outlier_margin_us.max(0))))
    }

    /// Drops samples beyond `history_samples`, and those older than `skew_window_us` as long as
    /// a full anchor window remains (so a long outage does not empty the fit).
    fn evict_old(&mut self) {
        while self.history.len() > self.config.history_samples.max(1) {
            self.history.pop_front();
        }
        let Some(newest) = self.history.back().map(|m| m.mid_local_us) else {
            return;
        };
        let horizon = newest.saturating_sub(self.config.skew_window_us);
        while self.history.len() > self.config.anchor_window.max(1)
            && self
                .history
                .front()
                .is_some_and(|m| m.mid_local_us < horizon)
        {
            self.history.pop_front();
        }
    }

    fn refit_skew(&mut self) {
        let mut delays: Vec<i64> = self.history.iter().map(|m| m.delay_us).collect();
        delays.sort_unstable();
        let (Some(newest), Some(&min_delay), Some(&ranked)) = (
            self.history.back().copied(),
            delays.first(),
            delays.get(GAP_RANK).or(delays.last()),
        ) else {
            self.skew = self.prior;
            return;
        };
        // The minimum itself is above the path's floor by an unknown amount, of the order of
        // the gap to the next few smallest delays: every sample's error scale includes it.
        self.min_delay_us = min_delay;
        self.floor_gap_us = self
            .config
            .noise_floor_us
            .max(1e-3)
            .max(ranked.saturating_sub(min_delay) as f64);
        let points: Vec<FitPoint> = self
            .history
            .iter()
            .map(|m| FitPoint {
                x: m.mid_local_us.saturating_sub(newest.mid_local_us) as f64,
                y: m.offset_us.saturating_sub(newest.offset_us) as f64,
                excess: m.delay_us.saturating_sub(min_delay) as f64,
            })
            .collect();
        let combined = match skew::fit(&points, self.floor_gap_us) {
            Some(fit) => self.prior.combine(fit),
            None => self.prior,
        };
        self.skew = combined.clamped(self.config.max_skew_ppm.abs());
    }

    /// Skew error at `sigmas` standard deviations, as a rate (µs of offset error per µs of
    /// extrapolation).
    fn skew_error_rate(&self, sigmas: f64) -> f64 {
        sigmas * self.skew.sigma + self.config.skew_error_floor_ppm.max(0.0) * 1e-6
    }

    fn remap(&mut self) {
        let Some(reference) = self.history.back().map(|m| m.mid_local_us) else {
            self.mapping = None;
            return;
        };
        let inputs = MappingInputs {
            skew: self.skew,
            min_delay_us: self.min_delay_us,
            floor_gap_us: self.floor_gap_us,
            bound_rate: self.skew_error_rate(BOUND_SKEW_SIGMAS),
            choice_rate: self.skew_error_rate(CHOICE_SKEW_SIGMAS),
        };
        let window = self
            .history
            .iter()
            .rev()
            .take(self.config.anchor_window.max(1));
        self.mapping = Mapping::build(window, reference, inputs);
    }

    /// `room - local` at local instant `local_us`, or `None` before the first accepted sample.
    pub fn offset_at(&self, local_us: i64) -> Option<i64> {
        self.mapping.map(|m| m.offset_at(local_us))
    }

    /// The room instant at local instant `local_us`, or `None` before the first accepted sample.
    /// Available from the first sample on; check [`is_synced`](Self::is_synced) or
    /// [`uncertainty_us`](Self::uncertainty_us) before trusting it.
    pub fn room_time(&self, local_us: i64) -> Option<i64> {
        self.offset_at(local_us)
            .map(|offset| local_us.saturating_add(offset))
    }

    /// The local instant at room instant `room_us` (the inverse of [`room_time`](Self::room_time)
    /// to within a microsecond), or `None` before the first accepted sample.
    pub fn local_time(&self, room_us: i64) -> Option<i64> {
        self.mapping.map(|m| m.local_time(room_us))
    }

    /// `room - local` as of the newest accepted sample.
    pub fn offset_us(&self) -> Option<i64> {
        self.offset_at(self.newest_local_us?)
    }

    /// How many ppm faster than the room clock the local clock runs (negative: slower).
    /// Before enough samples span enough time this is the prior (0, or the skew kept across a
    /// [`reset`](Self::reset)).
    pub fn skew_ppm(&self) -> f64 {
        self.skew.skew_ppm()
    }

    /// One standard deviation of [`skew_ppm`](Self::skew_ppm).
    pub fn skew_sigma_ppm(&self) -> f64 {
        self.skew.sigma * 1e6
    }

    /// Round trip of the best recent sample: smallest half round trip plus expected skew error
    /// since it was taken.
    pub fn rtt_us(&self) -> Option<i64> {
        self.mapping.map(|m| m.best_delay_us)
    }

    /// Worst-case error of the mapping at local instant `local_us`: half the round trip of the
    /// samples it rests on (a path can be that asymmetric), plus three sigmas of skew over the
    /// time between them and `local_us`. Never below half of [`rtt_us`](Self::rtt_us).
    pub fn uncertainty_at(&self, local_us: i64) -> Option<i64> {
        self.mapping.map(|m| m.bound_at(local_us).ceil() as i64)
    }

    /// [`uncertainty_at`](Self::uncertainty_at) the newest accepted sample.
    pub fn uncertainty_us(&self) -> Option<i64> {
        self.uncertainty_at(self.newest_local_us?)
    }

    /// Whether enough samples were accepted since the last reset to play in sync.
    pub fn is_synced(&self) -> bool {
        self.mapping.is_some() && self.history.len() >= self.config.min_samples_for_sync.max(1)
    }

    /// Accepted samples currently held.
    pub fn sample_count(&self) -> usize {
        self.history.len()
    }

    /// Samples accepted since creation (resets do not clear it).
    pub fn accepted_count(&self) -> u64 {
        self.accepted
    }

    /// Samples refused since creation (resets do not clear it).
    pub fn rejected_count(&self) -> u64 {
        self.rejected
    }

    /// Local instant at which the next ping should be sent: `now_local_us` before the first one,
    /// then a burst of [`burst_pings`](EstimatorConfig::burst_pings), then a spacing that doubles
    /// up to the steady one (100, 200, 400, 800 ms, then 1 s by default). A driver sleeps until
    /// then, sends `clock-ping` and calls [`on_ping_sent`](Self::on_ping_sent).
    pub fn next_ping_at(&self, now_local_us: i64) -> i64 {
        self.schedule
            .next_at(now_local_us, self.is_synced(), &self.config)
    }

    /// Whether a ping is due at `now_local_us`.
    pub fn should_ping(&self, now_local_us: i64) -> bool {
        now_local_us >= self.next_ping_at(now_local_us)
    }

    /// Records that a ping carrying `t0 = now_local_us` was sent.
    pub fn on_ping_sent(&mut self, now_local_us: i64) {
        self.schedule.on_sent(now_local_us);
    }

    /// Forgets the samples and the ping schedule (call it on reconnect: the path, and maybe the
    /// server, changed) but keeps the skew as the prior for what follows, so the mapping is
    /// right between the new samples from the start. Replies to pings sent before the reset
    /// should be dropped by the driver.
    pub fn reset(&mut self) {
        let sigma_ppm = self
            .skew_sigma_ppm()
            .max(self.config.carried_skew_sigma_ppm.max(1e-3));
        self.prior = SlopeEstimate::from_skew_ppm(self.skew_ppm(), sigma_ppm);
        self.skew = self.prior;
        self.history.clear();
        self.recent_delays.clear();
        self.last_t0 = None;
        self.newest_local_us = None;
        self.min_delay_us = 0;
        self.floor_gap_us = 0.0;
        self.mapping = None;
        self.schedule = PingSchedule::default();
    }

    /// Forgets everything, the skew included (the local clock or the device changed).
    pub fn reset_all(&mut self) {
        let (accepted, rejected) = (self.accepted, self.rejected);
        *self = Self::new(self.config.clone());
        self.accepted = accepted;
        self.rejected = rejected;
    }
}

impl RoomClock for ClockEstimator {
    fn room_time(&self, local_us: i64) -> Option<i64> {
        Self::room_time(self, local_us)
    }

    fn local_time(&self, room_us: i64) -> Option<i64> {
        Self::local_time(self, room_us)
    }
}
