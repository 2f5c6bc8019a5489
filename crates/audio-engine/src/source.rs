//! The contract between decoding and playback: [`FrameSource`] and [`DecodeError`].
//!
//! Everything the engine plays is a `FrameSource`: a file decoder
//! ([`crate::decode::Decoder`]), a rate/channel adapter around one
//! ([`crate::resample::Resampled`]), or a synthetic source in tests.

use std::fmt;

/// Interleaved f32 frames at a fixed rate; what the engine plays.
///
/// A *frame* is one sample per channel. Frame `n` of a source is the same
/// audio however it was reached (reading from the start or seeking), so a
/// listener that seeks to a room position hears exactly what a listener who
/// played from the start hears at that position.
pub trait FrameSource: Send {
    /// Frames per second of what [`FrameSource::read`] returns.
    fn sample_rate(&self) -> u32;
    /// Samples per frame of what [`FrameSource::read`] returns (at least 1).
    fn channels(&self) -> u16;
    /// Fill `out` (len a multiple of channels) with interleaved samples; returns frames written, 0 at end.
    ///
    /// May return fewer frames than fit in `out` before the end; only 0 means
    /// the end (for an `out` that holds at least one frame).
    ///
    /// # Errors
    /// A [`DecodeError`] when the stream cannot go on (I/O failure, a file
    /// that is broken beyond the current packet). Single corrupt packets are
    /// not errors: decoders replace them with silence and count them.
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError>;
    /// Position the next read exactly at `frame` (sample-accurate: decode and discard from the packet boundary).
    ///
    /// Seeking at or past the end is not an error: the next read returns 0.
    ///
    /// # Errors
    /// A [`DecodeError`] when the stream cannot be repositioned.
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError>;
    /// Frames in the whole stream when known.
    fn total_frames(&self) -> Option<u64>;
}

impl<S: FrameSource + ?Sized> FrameSource for Box<S> {
    fn sample_rate(&self) -> u32 {
        (**self).sample_rate()
    }
    fn channels(&self) -> u16 {
        (**self).channels()
    }
    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        (**self).read(out)
    }
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        (**self).seek(frame)
    }
    fn total_frames(&self) -> Option<u64> {
        (**self).total_frames()
    }
}

/// Why a file could not be decoded (or could not go on).
///
/// Each variant has a stable [`DecodeError::kind`] for the UI and a human
/// message from `Display`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Reading the file (or stream) failed.
    #[error("could not read the audio file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has no bytes at all.
    #[error("the audio file is empty (0 bytes)")]
    Empty,
    /// The content is not a container/codec Tandem can decode (whatever the extension says).
    #[error("unsupported audio format: {0}")]
    Unsupported(String),
    /// The file ends before its headers or its first audio do (an incomplete download or copy).
    #[error("the audio file is truncated: {0}")]
    Truncated(String),
    /// The data is malformed beyond what can be skipped.
    #[error("the audio file is corrupt: {0}")]
    Corrupt(String),
    /// The container holds no audio track Tandem can decode.
    #[error("the file contains no playable audio track")]
    NoAudioTrack,
    /// A caller passed an argument outside what the operation supports.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl DecodeError {
    /// A stable, machine-readable name for the error's kind (for the UI and logs).
    #[must_use]
    pub fn kind(&self) -> DecodeErrorKind {
        match self {
            DecodeError::Io(_) => DecodeErrorKind::Io,
            DecodeError::Empty => DecodeErrorKind::Empty,
            DecodeError::Unsupported(_) => DecodeErrorKind::Unsupported,
            DecodeError::Truncated(_) => DecodeErrorKind::Truncated,
            DecodeError::Corrupt(_) => DecodeErrorKind::Corrupt,
            DecodeError::NoAudioTrack => DecodeErrorKind::NoAudioTrack,
            DecodeError::InvalidArgument(_) => DecodeErrorKind::InvalidArgument,
        }
    }
}

/// The kind of a [`DecodeError`], without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    Io,
    Empty,
    Unsupported,
    Truncated,
    Corrupt,
    NoAudioTrack,
    InvalidArgument,
}

impl DecodeErrorKind {
    /// The stable snake_case name (`"unsupported"`, `"truncated"`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DecodeErrorKind::Io => "io",
            DecodeErrorKind::Empty => "empty",
            DecodeErrorKind::Unsupported => "unsupported",
            DecodeErrorKind::Truncated => "truncated",
            DecodeErrorKind::Corrupt => "corrupt",
            DecodeErrorKind::NoAudioTrack => "no_audio_track",
            DecodeErrorKind::InvalidArgument => "invalid_argument",
        }
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
