//! One direction of a path: delay, jitter, loss bursts and reordering, seeded.

use super::rng::Rng;

/// Extra delay on top of the base: uniform, plus rare spikes (queue build-up, Wi-Fi
/// retransmission, a TCP segment waiting for a retransmitted one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jitter {
    /// Every packet waits an extra uniform `0..=uniform_us`.
    pub uniform_us: i64,
    /// Probability that a packet also waits a spike.
    pub spike_probability: f64,
    /// A spike lasts uniformly `spike_min_us..=spike_max_us`.
    pub spike_min_us: i64,
    pub spike_max_us: i64,
}

impl Jitter {
    pub const NONE: Self = Self {
        uniform_us: 0,
        spike_probability: 0.0,
        spike_min_us: 0,
        spike_max_us: 0,
    };

    pub fn uniform(uniform_us: i64) -> Self {
        Self {
            uniform_us,
            ..Self::NONE
        }
    }

    #[must_use]
    pub fn with_spikes(mut self, probability: f64, min_us: i64, max_us: i64) -> Self {
        self.spike_probability = probability;
        self.spike_min_us = min_us;
        self.spike_max_us = max_us;
        self
    }
}

/// Gilbert-Elliott loss: independent losses, plus bursts in which every packet is lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loss {
    /// Probability that a packet outside a burst is lost.
    pub probability: f64,
    /// Probability that a packet outside a burst starts one (and is lost).
    pub burst_probability: f64,
    /// Mean burst length in packets (geometric), the first included.
    pub mean_burst_packets: f64,
}

impl Loss {
    pub const NONE: Self = Self {
        probability: 0.0,
        burst_probability: 0.0,
        mean_burst_packets: 1.0,
    };

    pub fn bursts(burst_probability: f64, mean_burst_packets: f64) -> Self {
        Self {
            burst_probability,
            mean_burst_packets,
            ..Self::NONE
        }
    }
}

/// Everything that shapes one direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkProfile {
    /// Smallest one-way delay: propagation plus serialisation.
    pub base_delay_us: i64,
    pub jitter: Jitter,
    pub loss: Loss,
    /// Probability that a packet may overtake earlier ones. Otherwise delivery is in order, as
    /// on a TCP connection, so a delayed packet holds back those behind it.
    pub reorder_probability: f64,
}

impl LinkProfile {
    pub fn new(base_delay_us: i64, jitter: Jitter) -> Self {
        Self {
            base_delay_us,
            jitter,
            loss: Loss::NONE,
            reorder_probability: 0.0,
        }
    }
}

/// One direction in motion: its profile, its generator, and its queue's state.
#[derive(Debug, Clone)]
pub struct Link {
    profile: LinkProfile,
    rng: Rng,
    in_burst: bool,
    last_arrival_us: Option<i64>,
}

impl Link {
    pub fn new(profile: LinkProfile, rng: Rng) -> Self {
        Self {
            profile,
            rng,
            in_burst: false,
            last_arrival_us: None,
        }
    }

    pub fn profile(&self) -> &LinkProfile {
        &self.profile
    }

    /// Whether the next packet is lost, advancing the loss model.
    fn lose(&mut self) -> bool {
        let loss = self.profile.loss;
        if self.in_burst {
            // Each packet after the first of a burst ends it with probability 1/mean, so bursts
            // last `mean_burst_packets` on average.
            if !self.rng.chance(1.0 / loss.mean_burst_packets.max(1.0)) {
                return true;
            }
            self.in_burst = false;
        }
        if self.rng.chance(loss.burst_probability) {
            self.in_burst = true;
            return true;
        }
        self.rng.chance(loss.probability)
    }

    /// A packet sent at `send_us` arrives at the returned instant, or is lost. Call in order of
    /// sending.
    pub fn transmit(&mut self, send_us: i64) -> Option<i64> {
        if self.lose() {
            return None;
        }
        let p = self.profile;
        let mut delay = p.base_delay_us.max(0) + self.rng.range_i64(0, p.jitter.uniform_us.max(0));
        if self.rng.chance(p.jitter.spike_probability) {
            delay += self
                .rng
                .range_i64(p.jitter.spike_min_us.max(0), p.jitter.spike_max_us.max(0));
        }
        let mut arrival = send_us.saturating_add(delay);
        let may_overtake = self.rng.chance(p.reorder_probability);
        if let Some(last) = self.last_arrival_us
            && !may_overtake
        {
            arrival = arrival.max(last);
        }
        self.last_arrival_us = Some(self.last_arrival_us.map_or(arrival, |l| l.max(arrival)));
        Some(arrival)
    }
}
