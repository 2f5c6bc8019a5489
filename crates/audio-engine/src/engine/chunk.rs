//! What travels between the actor and the render callback.
//!
//! Two lock-free SPSC rings carry preallocated [`Chunk`]s: filled ones to the callback, spent
//! ones back to the actor (moving a `Box` through a ring allocates nothing). A third ring
//! carries [`Control`]s to the callback and a fourth [`CbEvent`]s back.
//!
//! Every chunk carries the *generation* it was decoded for. A seek, jump, load or stop starts a
//! new generation ([`Control::Flush`]): the callback drops every chunk of an older generation
//! as it meets it, so "clear the buffers" needs no access to the ring's consumer side and no
//! lock, and chunks of the new generation can already be queued behind the stale ones.

use super::{EndReason, SongId};

/// Frames per chunk: 512 at 48 kHz is 10.7 ms.
pub(crate) const CHUNK_FRAMES: usize = 512;
/// Chunks in the pool: 32 × 512 frames = 341 ms of decoded audio ahead of the device at 48 kHz.
pub(crate) const POOL_CHUNKS: usize = 32;

/// A block of decoded, device-format frames of one song (or an end marker).
#[derive(Debug)]
pub(crate) struct Chunk {
    pub generation: u64,
    pub song: SongId,
    /// Source frame index of `data`'s first frame.
    pub first_frame: u64,
    /// Frames in `data` (0 for an end marker).
    pub frames: usize,
    /// `Some`: the song ends here (no more chunks of it follow).
    pub end: Option<EndReason>,
    /// Interleaved samples, `CHUNK_FRAMES * channels` long.
    pub data: Box<[f32]>,
}

impl Chunk {
    pub fn new(channels: usize) -> Self {
        Self {
            generation: 0,
            song: 0,
            first_frame: 0,
            frames: 0,
            end: None,
            data: vec![0.0; CHUNK_FRAMES * channels].into_boxed_slice(),
        }
    }
}

/// How a new generation starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Start {
    /// Keep the data queued, render silence (loaded, paused, seeked while paused, stopped).
    Hold,
    /// Its first frame is heard at this local instant (µs).
    At(i64),
    /// As soon as its first chunk is there.
    Asap,
}

/// Actor → callback. Applied in order at the start of a callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Control {
    /// Drop everything older than `generation`, then start it as told.
    Flush { generation: u64, start: Start },
    /// Stop consuming, keep the queued data and the cursor.
    Pause,
    /// Go on from the cursor; its frame heard at `at` (local µs), or at once.
    Resume { at: Option<i64> },
}

/// Callback → actor, relayed as public events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CbEvent {
    Started {
        song: SongId,
        frame: u64,
        at_local_us: i64,
    },
    Paused {
        song: SongId,
        frame: u64,
    },
    Ended {
        song: SongId,
        reason: EndReason,
    },
}
