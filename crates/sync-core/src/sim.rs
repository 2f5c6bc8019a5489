//! A deterministic driver for [`ClockEstimator`] over the network emulator: one simulated
//! listener pinging a simulated server, on synthetic time. Used by the tests and the sync lab.

use crate::estimator::{ClockEstimator, Sample};
use crate::netem::{NetPath, SimClock};

/// Counters of one simulation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimStats {
    pub pings_sent: u64,
    /// Pings or pongs lost on the way.
    pub lost: u64,
    pub accepted: u64,
    pub rejected: u64,
}

/// A pong on its way back: arrival (room µs) and the sample it completes.
#[derive(Debug, Clone, Copy)]
struct InFlight {
    arrival_room_us: i64,
    sample: Sample,
}

/// A listener with clock `clock` behind path `net`, driving `estimator` as a real driver would:
/// ping when it asks, feed every pong that arrives. True time is the room clock.
#[derive(Debug, Clone)]
pub struct ClockSim {
    pub estimator: ClockEstimator,
    clock: SimClock,
    net: NetPath,
    /// How long the server holds a ping before answering.
    server_hold_us: i64,
    now_room_us: i64,
    in_flight: Vec<InFlight>,
    stats: SimStats,
}

impl ClockSim {
    /// Starts at room instant `start_room_us`, nothing sent yet.
    pub fn new(
        estimator: ClockEstimator,
        clock: SimClock,
        net: NetPath,
        start_room_us: i64,
    ) -> Self {
        Self {
            estimator,
            clock,
            net,
            server_hold_us: 50,
            now_room_us: start_room_us,
            in_flight: Vec::new(),
            stats: SimStats::default(),
        }
    }

    #[must_use]
    pub fn with_server_hold_us(mut self, hold_us: i64) -> Self {
        self.server_hold_us = hold_us;
        self
    }

    pub fn now_room_us(&self) -> i64 {
        self.now_room_us
    }

    pub fn now_local_us(&self) -> i64 {
        self.clock.local_from_room(self.now_room_us)
    }

    pub fn clock(&self) -> &SimClock {
        &self.clock
    }

    pub fn net_mut(&mut self) -> &mut NetPath {
        &mut self.net
    }

    pub fn stats(&self) -> SimStats {
        self.stats
    }

    /// The estimator's room time now minus the true room time, once it has an estimate.
    pub fn offset_error_us(&self) -> Option<i64> {
        self.estimator
            .room_time(self.now_local_us())
            .map(|est| est - self.now_room_us)
    }

    /// Advances true time to `until_room_us`, sending pings when due and delivering pongs in
    /// order of arrival.
    pub fn run_until(&mut self, until_room_us: i64) {
        loop {
            let local = self.now_local_us();
            let ping_room = self
                .clock
                .room_when_local_reaches(self.estimator.next_ping_at(local))
                .max(self.now_room_us);
            let next_pong = self
                .in_flight
                .iter()
                .enumerate()
                .min_by_key(|(_, p)| p.arrival_room_us)
                .map(|(i, p)| (i, p.arrival_room_us));
            match next_pong {
                Some((i, arrival)) if arrival <= ping_room && arrival <= until_room_us => {
                    self.now_room_us = self.now_room_us.max(arrival);
                    let pong = self.in_flight.swap_remove(i);
                    match self.estimator.add_sample(pong.sample) {
                        Ok(()) => self.stats.accepted += 1,
                        Err(_) => self.stats.rejected += 1,
                    }
                }
                _ if ping_room <= until_room_us => {
                    self.now_room_us = ping_room;
                    self.send_ping();
                }
                _ => {
                    self.now_room_us = self.now_room_us.max(until_room_us);
                    return;
                }
            }
        }
    }

    fn send_ping(&mut self) {
        let t0 = self.now_local_us();
        self.estimator.on_ping_sent(t0);
        self.stats.pings_sent += 1;
        let Some(t1) = self.net.send_up(self.now_room_us) else {
            self.stats.lost += 1;
            return;
        };
        let t2 = t1 + self.server_hold_us.max(0);
        let Some(arrival_room_us) = self.net.send_down(t2) else {
            self.stats.lost += 1;
            return;
        };
        self.in_flight.push(InFlight {
            arrival_room_us,
            sample: Sample::new(t0, t1, t2, self.clock.local_from_room(arrival_room_us)),
        });
    }

    /// Drops the pongs on their way and resets the estimator, as a driver does on reconnect.
    pub fn reconnect(&mut self) {
        self.in_flight.clear();
        self.estimator.reset();
    }
}
