//! What a path does to each direction: base delay, jitter, spikes. Presets for LAN, Wi-Fi, WAN.

use std::time::Duration;

use sync_core::netem::Rng;

/// Which way bytes travel through the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the connecting client (a listener) to the target (the room server): pings, commands.
    ClientToServer,
    /// From the target back to the client: pongs, room events.
    ServerToClient,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::ClientToServer, Direction::ServerToClient];

    pub(crate) fn index(self) -> usize {
        match self {
            Direction::ClientToServer => 0,
            Direction::ServerToClient => 1,
        }
    }
}

/// The delay one direction adds to every chunk of bytes it forwards.
///
/// A chunk's delay is `base_delay + U(-jitter, +jitter)` (never below zero), plus, with
/// probability `spike_probability`, a spike drawn uniformly from `spike_min..=spike_max` (Wi-Fi
/// retransmissions, a queue filling up). On a TCP connection bytes cannot overtake each other, so
/// a chunk is never released before the one ahead of it: see [the module docs](super).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkShape {
    /// The mean one-way delay without spikes.
    pub base_delay: Duration,
    /// Half-width of the uniform jitter around `base_delay`.
    pub jitter: Duration,
    pub spike_probability: f64,
    pub spike_min: Duration,
    pub spike_max: Duration,
}

impl LinkShape {
    /// No delay at all.
    pub const NONE: Self = Self {
        base_delay: Duration::ZERO,
        jitter: Duration::ZERO,
        spike_probability: 0.0,
        spike_min: Duration::ZERO,
        spike_max: Duration::ZERO,
    };

    /// A fixed delay, no jitter.
    pub fn fixed(delay: Duration) -> Self {
        Self {
            base_delay: delay,
            ..Self::NONE
        }
    }

    /// `base ± jitter`, uniformly.
    pub fn uniform(base: Duration, jitter: Duration) -> Self {
        Self {
            base_delay: base,
            jitter,
            ..Self::NONE
        }
    }

    /// The same shape, with spikes of `min..=max` on a fraction `probability` of chunks.
    #[must_use]
    pub fn with_spikes(mut self, probability: f64, min: Duration, max: Duration) -> Self {
        self.spike_probability = probability;
        self.spike_min = min;
        self.spike_max = max;
        self
    }

    /// The smallest delay this shape can give a chunk.
    pub fn min_delay(&self) -> Duration {
        self.base_delay.saturating_sub(self.jitter)
    }

    /// Draws one chunk's delay (before the in-order constraint).
    pub fn sample(&self, rng: &mut Rng) -> Duration {
        let base = micros(self.base_delay);
        let jitter = micros(self.jitter);
        let mut us = (base + rng.range_i64(-jitter, jitter)).max(0);
        if self.spike_probability > 0.0 && rng.chance(self.spike_probability) {
            us += rng.range_i64(micros(self.spike_min), micros(self.spike_max));
        }
        Duration::from_micros(u64::try_from(us).unwrap_or(0))
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 4)
}

/// Both directions of an emulated path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// Client to server (a listener's pings and commands).
    pub up: LinkShape,
    /// Server to client (pongs and room events).
    pub down: LinkShape,
}

impl Profile {
    /// A transparent proxy.
    pub const NONE: Self = Self {
        up: LinkShape::NONE,
        down: LinkShape::NONE,
    };

    pub fn symmetric(link: LinkShape) -> Self {
        Self {
            up: link,
            down: link,
        }
    }

    /// Wired LAN: 1 ms ± 0.5 ms each way (round trip 2 ms ± 1 ms), symmetric.
    pub fn lan() -> Self {
        Self::symmetric(LinkShape::uniform(ms(1), us(500)))
    }

    /// Busy Wi-Fi: 5 ms ± 4 ms each way (round trip 10 ms, up to 16 ms of jitter), and 3 % of
    /// chunks held another 10-60 ms (power save, retransmissions). Symmetric.
    pub fn wifi() -> Self {
        Self::symmetric(LinkShape::uniform(ms(5), ms(4)).with_spikes(0.03, ms(10), ms(60)))
    }

    /// Across a continent, asymmetric: 70 ms ± 15 ms up, 50 ms ± 15 ms down (round trip 120 ms,
    /// up to 60 ms of jitter), 1 % of chunks held another 50-150 ms. The 20 ms asymmetry is
    /// invisible to any clock estimator: it biases every listener's offset by 10 ms.
    pub fn wan() -> Self {
        Self {
            up: LinkShape::uniform(ms(70), ms(15)).with_spikes(0.01, ms(50), ms(150)),
            down: LinkShape::uniform(ms(50), ms(15)).with_spikes(0.01, ms(50), ms(150)),
        }
    }

    /// A preset by name: `lan`, `wifi` (or `wi-fi`), `wan`, `none`.
    pub fn by_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "lan" => Some(Self::lan()),
            "wifi" | "wi-fi" => Some(Self::wifi()),
            "wan" => Some(Self::wan()),
            "none" => Some(Self::NONE),
            _ => None,
        }
    }

    pub fn link(&self, dir: Direction) -> &LinkShape {
        match dir {
            Direction::ClientToServer => &self.up,
            Direction::ServerToClient => &self.down,
        }
    }

    /// Mean round trip without spikes.
    pub fn rtt(&self) -> Duration {
        self.up.base_delay + self.down.base_delay
    }

    /// The floor on any clock estimate through this path: half the difference of the two
    /// directions' smallest delays. An estimator sees only round trips, so it must assume the
    /// two halves are equal; the difference splits into an offset error it cannot see.
    pub fn asymmetry_bound(&self) -> Duration {
        let (up, down) = (self.up.min_delay(), self.down.min_delay());
        up.abs_diff(down) / 2
    }
}

const fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

const fn us(v: u64) -> Duration {
    Duration::from_micros(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_stay_in_range_and_spikes_happen() {
        let shape = LinkShape::uniform(ms(10), ms(2)).with_spikes(0.1, ms(20), ms(30));
        let mut rng = Rng::new(3);
        let mut spikes = 0;
        for _ in 0..10_000 {
            let d = shape.sample(&mut rng);
            assert!(d >= ms(8), "{d:?}");
            assert!(d <= ms(42), "{d:?}");
            if d > ms(12) {
                spikes += 1;
            }
        }
        assert!((700..1300).contains(&spikes), "{spikes}");
    }

    #[test]
    fn wan_asymmetry_bound_is_half_the_difference() {
        assert_eq!(Profile::wan().asymmetry_bound(), ms(10));
        assert_eq!(Profile::lan().asymmetry_bound(), Duration::ZERO);
        assert_eq!(Profile::wan().rtt(), ms(120));
    }
}
