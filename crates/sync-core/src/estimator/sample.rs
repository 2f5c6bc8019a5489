//! One NTP-style exchange: four timestamps, two on each clock.

use crate::error::SampleRejected;

/// The four timestamps of one clock ping/pong, in microseconds.
///
/// `t0` and `t3` are on the listener's local monotonic clock, `t1` and `t2` on the room clock
/// (the server's monotonic clock). On the wire: `t0` is the ping's `clientSendUs` echoed by the
/// pong, `t1`/`t2` are the pong's `serverRecvUs`/`serverSendUs`, and `t3` is read by the driver
/// when the pong arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Local instant the ping was sent.
    pub t0: i64,
    /// Room instant the server received it.
    pub t1: i64,
    /// Room instant the server sent the pong.
    pub t2: i64,
    /// Local instant the pong arrived.
    pub t3: i64,
}

/// What one sample says, once checked: see [`Sample::measure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measurement {
    /// Local instant halfway through the exchange: the instant the offset refers to.
    pub mid_local_us: i64,
    /// `room - local` at `mid_local_us`, assuming both directions took equally long.
    pub offset_us: i64,
    /// Time on the wire, both ways: `(t3 - t0) - (t2 - t1)`. The offset is wrong by at most half
    /// of it (by exactly half the difference between the two one-way delays).
    pub delay_us: i64,
}

impl Sample {
    pub fn new(t0: i64, t1: i64, t2: i64, t3: i64) -> Self {
        Self { t0, t1, t2, t3 }
    }

    /// Offset `((t1 - t0) + (t2 - t3)) / 2`, delay `(t3 - t0) - (t2 - t1)` and the local instant
    /// they refer to.
    ///
    /// # Errors
    /// [`SampleRejected::Malformed`] when `t3 < t0`, `t2 < t1` or the values overflow;
    /// [`SampleRejected::NegativeDelay`] when the server's hold time exceeds the round trip.
    pub fn measure(&self) -> Result<Measurement, SampleRejected> {
        if self.t3 < self.t0 || self.t2 < self.t1 {
            return Err(SampleRejected::Malformed);
        }
        let (t0, t1, t2, t3) = (
            i128::from(self.t0),
            i128::from(self.t1),
            i128::from(self.t2),
            i128::from(self.t3),
        );
        let narrow = |v: i128| i64::try_from(v).map_err(|_| SampleRejected::Malformed);
        let delay_us = narrow((t3 - t0) - (t2 - t1))?;
        if delay_us < 0 {
            return Err(SampleRejected::NegativeDelay { delay_us });
        }
        Ok(Measurement {
            mid_local_us: narrow(t0 + (t3 - t0) / 2)?,
            offset_us: narrow(((t1 - t0) + (t2 - t3)) / 2)?,
            delay_us,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_exchange_gives_exact_offset() {
        // Local clock 1 s behind the room; 3 ms each way; server holds 100 us.
        let s = Sample::new(10_000, 1_013_000, 1_013_100, 16_100);
        let m = s.measure();
        assert_eq!(
            m,
            Ok(Measurement {
                mid_local_us: 13_050,
                offset_us: 1_000_000,
                delay_us: 6_000
            })
        );
    }

    #[test]
    fn impossible_samples_are_refused() {
        assert_eq!(
            Sample::new(10, 5, 4, 20).measure(),
            Err(SampleRejected::Malformed)
        );
        assert_eq!(
            Sample::new(10, 5, 6, 9).measure(),
            Err(SampleRejected::Malformed)
        );
        assert_eq!(
            Sample::new(0, 0, 100, 50).measure(),
            Err(SampleRejected::NegativeDelay { delay_us: -50 })
        );
        assert_eq!(
            Sample::new(i64::MIN, i64::MAX, i64::MAX, i64::MAX).measure(),
            Err(SampleRejected::Malformed)
        );
    }
}
