//! Tandem's audio engine: local files decoded, resampled and played on their own thread.
//!
//! # Layout
//! - [`source`]: the [`source::FrameSource`] trait every playable source implements, and [`source::DecodeError`].
//! - [`decode`]: symphonia-based file decoding with sample-accurate seeks.
//! - [`resample`]: rate and channel adaptation to the output device.
//! - [`metadata`]: tags, duration, cover art, and the content hash the room uses.
//! - [`engine`]: playback on its own thread ("tandem-audio"): commands in, events out, the heard
//!   position through atomics; songs start on an exact instant of the local clock.
//! - [`output`]: where the samples go, behind the [`output::Output`] trait: the real device
//!   (cpal), a null output paced in real time, a recording output on a simulated clock.

pub mod decode;
pub mod engine;
pub mod metadata;
pub mod output;
pub mod resample;
pub mod source;
