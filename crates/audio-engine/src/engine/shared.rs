//! State shared between the render callback, the actor and the handle: atomics only.

use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU32, AtomicU64, Ordering, fence};

use super::{EngineStats, HeardPosition, SongId};

const FLAG_VALID: u64 = 1;
const FLAG_PLAYING: u64 = 2;

/// Written by the render callback (single writer), read by anyone. Never blocks the writer.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Seqlock over the four heard-position words: odd while the writer is in the middle.
    seq: AtomicU64,
    hp_id: AtomicU64,
    hp_frames: AtomicU64,
    hp_at: AtomicI64,
    hp_flags: AtomicU64,
    /// Output sample rate (0 until the output is open), to turn frames into µs.
    pub rate: AtomicU32,
    /// Linear gain, f32 bits.
    pub volume_bits: AtomicU32,
    /// Rate trim in ppm (positive: faster, frames are dropped).
    pub trim_ppm: AtomicI32,
    pub callbacks: AtomicU64,
    pub frames_rendered: AtomicU64,
    pub underrun_frames: AtomicU64,
    pub frames_inserted: AtomicU64,
    pub frames_dropped: AtomicU64,
    pub late_start_frames_skipped: AtomicU64,
    pub render_ns_total: AtomicU64,
    pub render_ns_max: AtomicU64,
    pub events_dropped: AtomicU64,
}

impl Shared {
    pub fn new() -> Self {
        let s = Self::default();
        s.volume_bits.store(1.0f32.to_bits(), Ordering::Relaxed);
        s
    }

    /// Publishes "frame `frames` of song `id` is heard at `at_local_us`" (single writer).
    pub fn publish(&self, id: SongId, frames: u64, at_local_us: i64, playing: bool) {
        self.write(
            id,
            frames,
            at_local_us,
            FLAG_VALID | if playing { FLAG_PLAYING } else { 0 },
        );
    }

    /// Publishes "nothing loaded" (single writer).
    pub fn publish_none(&self) {
        if self.hp_flags.load(Ordering::Relaxed) != 0 {
            self.write(0, 0, 0, 0);
        }
    }

    fn write(&self, id: SongId, frames: u64, at: i64, flags: u64) {
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        self.hp_id.store(id, Ordering::Relaxed);
        self.hp_frames.store(frames, Ordering::Relaxed);
        self.hp_at.store(at, Ordering::Relaxed);
        self.hp_flags.store(flags, Ordering::Relaxed);
        self.seq.store(s.wrapping_add(2), Ordering::Release);
    }

    pub fn heard_position(&self) -> Option<HeardPosition> {
        loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let id = self.hp_id.load(Ordering::Relaxed);
            let frames = self.hp_frames.load(Ordering::Relaxed);
            let at = self.hp_at.load(Ordering::Relaxed);
            let flags = self.hp_flags.load(Ordering::Relaxed);
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) != s1 {
                continue;
            }
            if flags & FLAG_VALID == 0 {
                return None;
            }
            let rate = self.rate.load(Ordering::Relaxed).max(1);
            return Some(HeardPosition {
                id,
                position_frames: frames,
                position_us: frames_to_us(frames, rate),
                at_local_us: at,
                playing: flags & FLAG_PLAYING != 0,
            });
        }
    }

    pub fn volume(&self) -> f32 {
        f32::from_bits(self.volume_bits.load(Ordering::Relaxed))
    }

    pub fn stats(&self) -> EngineStats {
        EngineStats {
            callbacks: self.callbacks.load(Ordering::Relaxed),
            frames_rendered: self.frames_rendered.load(Ordering::Relaxed),
            underrun_frames: self.underrun_frames.load(Ordering::Relaxed),
            frames_inserted: self.frames_inserted.load(Ordering::Relaxed),
            frames_dropped: self.frames_dropped.load(Ordering::Relaxed),
            late_start_frames_skipped: self.late_start_frames_skipped.load(Ordering::Relaxed),
            render_ns_total: self.render_ns_total.load(Ordering::Relaxed),
            render_ns_max: self.render_ns_max.load(Ordering::Relaxed),
            events_dropped: self.events_dropped.load(Ordering::Relaxed),
        }
    }
}

/// Frames to µs at `rate`, rounded to the nearest µs.
pub(crate) fn frames_to_us(frames: u64, rate: u32) -> i64 {
    let us = (u128::from(frames) * 1_000_000 + u128::from(rate) / 2) / u128::from(rate.max(1));
    i64::try_from(us).unwrap_or(i64::MAX)
}

/// µs to frames at `rate`, rounded to the nearest frame; negative positions are frame 0.
pub(crate) fn us_to_frames(us: i64, rate: u32) -> u64 {
    let us = u128::from(us.max(0).unsigned_abs());
    let frames = (us * u128::from(rate) + 500_000) / 1_000_000;
    u64::try_from(frames).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_to_nearest() {
        assert_eq!(frames_to_us(48_000, 48_000), 1_000_000);
        assert_eq!(frames_to_us(1, 48_000), 21); // 20.83 µs
        assert_eq!(us_to_frames(1_000_000, 44_100), 44_100);
        assert_eq!(us_to_frames(11, 48_000), 1); // 0.528 frames
        assert_eq!(us_to_frames(-5, 48_000), 0);
    }

    #[test]
    fn heard_position_round_trips_through_the_seqlock() {
        let s = Shared::new();
        s.rate.store(48_000, Ordering::Relaxed);
        assert_eq!(s.heard_position(), None);
        s.publish(7, 96_000, 123, true);
        let hp = s.heard_position();
        assert_eq!(
            hp,
            Some(HeardPosition {
                id: 7,
                position_frames: 96_000,
                position_us: 2_000_000,
                at_local_us: 123,
                playing: true
            })
        );
        s.publish_none();
        assert_eq!(s.heard_position(), None);
    }
}
