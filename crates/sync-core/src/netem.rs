//! A seeded, deterministic network emulator and simulated clocks, for tests and the sync lab.
//!
//! A [`NetPath`] has two [`Link`]s (client to server and back), each with its own base delay,
//! [`Jitter`] (uniform plus spikes), [`Loss`] (independent and in bursts), and reordering. Every
//! random draw comes from a [`Rng`] seeded by the caller, so a run is reproduced exactly by its
//! seed. Scheduled blackouts cut both directions for a while (a Wi-Fi roam, a tunnel).
//! [`SimClock`] is a listener's clock: offset from the room clock and drifting.

mod link;
mod rng;
mod sim_clock;

pub use link::{Jitter, Link, LinkProfile, Loss};
pub use rng::Rng;
pub use sim_clock::SimClock;

/// Both directions of a path. `up` carries pings (client to server), `down` pongs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathProfile {
    pub up: LinkProfile,
    pub down: LinkProfile,
}

impl PathProfile {
    pub fn symmetric(link: LinkProfile) -> Self {
        Self {
            up: link,
            down: link,
        }
    }

    /// Wired LAN: 1 ms each way plus up to 1 ms of jitter each way (round trip 2-4 ms).
    pub fn lan() -> Self {
        Self::symmetric(LinkProfile::new(1_000, Jitter::uniform(1_000)))
    }

    /// Busy Wi-Fi: 2 ms each way, up to 5 ms of jitter, and 5 % of packets held 10-80 ms
    /// (power save, retransmissions).
    pub fn wifi() -> Self {
        Self::symmetric(LinkProfile::new(
            2_000,
            Jitter::uniform(5_000).with_spikes(0.05, 10_000, 80_000),
        ))
    }

    /// Across a continent: 60 ms each way (round trip 120 ms), up to 30 ms of jitter, and 1 %
    /// of packets held 50-250 ms.
    pub fn wan() -> Self {
        Self::symmetric(LinkProfile::new(
            60_000,
            Jitter::uniform(30_000).with_spikes(0.01, 50_000, 250_000),
        ))
    }

    /// The same round trip with the upstream `asymmetry_us` slower than the downstream (a
    /// negative value makes the downstream slower). No estimator can see this: it shifts the
    /// offset by `asymmetry_us / 2`.
    #[must_use]
    pub fn with_asymmetry_us(mut self, asymmetry_us: i64) -> Self {
        let half = asymmetry_us / 2;
        self.up.base_delay_us = (self.up.base_delay_us + half).max(0);
        self.down.base_delay_us = (self.down.base_delay_us - (asymmetry_us - half)).max(0);
        self
    }

    /// The same path with `loss` in both directions.
    #[must_use]
    pub fn with_loss(mut self, loss: Loss) -> Self {
        self.up.loss = loss;
        self.down.loss = loss;
        self
    }

    /// The same path with reordering allowed at `probability` in both directions.
    #[must_use]
    pub fn with_reordering(mut self, probability: f64) -> Self {
        self.up.reorder_probability = probability;
        self.down.reorder_probability = probability;
        self
    }
}

/// A path in motion, on the room clock (true time).
#[derive(Debug, Clone)]
pub struct NetPath {
    up: Link,
    down: Link,
    /// `[from, to)` room instants during which everything sent is lost.
    blackouts: Vec<(i64, i64)>,
}

impl NetPath {
    /// The path `profile`, its random draws seeded by `seed`.
    pub fn new(profile: PathProfile, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let (up_rng, down_rng) = (rng.fork(), rng.fork());
        Self {
            up: Link::new(profile.up, up_rng),
            down: Link::new(profile.down, down_rng),
            blackouts: Vec::new(),
        }
    }

    /// Everything sent in `[from_us, to_us)` is lost, both ways.
    pub fn add_blackout(&mut self, from_us: i64, to_us: i64) {
        self.blackouts.push((from_us, to_us));
    }

    fn blacked_out(&self, at_us: i64) -> bool {
        self.blackouts
            .iter()
            .any(|&(from, to)| (from..to).contains(&at_us))
    }

    /// Arrival of a client-to-server packet sent at `send_us`, or `None` if lost.
    pub fn send_up(&mut self, send_us: i64) -> Option<i64> {
        if self.blacked_out(send_us) {
            return None;
        }
        self.up.transmit(send_us)
    }

    /// Arrival of a server-to-client packet sent at `send_us`, or `None` if lost.
    pub fn send_down(&mut self, send_us: i64) -> Option<i64> {
        if self.blacked_out(send_us) {
            return None;
        }
        self.down.transmit(send_us)
    }
}
