//! File decoding: any local file Tandem plays, as a sample-accurate [`FrameSource`].
//!
//! [`open`] (a path) and [`open_reader`] (any [`MediaSource`], e.g. a file still downloading)
//! probe the content (the extension is only a hint), pick the default audio track and return a
//! [`Decoder`] that yields interleaved `f32` frames at the file's own rate and channel count
//! (wrap it in [`crate::resample::Resampled`] for the device).
//!
//! # Positions
//! Packets are placed by their container timestamps: frame `n` of a `Decoder` is the same audio
//! whether it was reached by reading from the start or by [`FrameSource::seek`]. A seek asks
//! symphonia for an accurate seek to a point a little before the target ([`Codec`]'s pre-roll,
//! so that a lossy decoder's bit reservoir, overlap and predictors are rebuilt), resets the
//! decoder (MP3 needs it; all are reset), then decodes and discards up to the exact frame.
//! A packet that fails to decode, or data the demuxer skipped (a jump in timestamps), becomes
//! silence of the same length (counted in [`DecodeStats`]), so damage does not shift the rest
//! of the song. Outside a seek, a packet whose timestamp overlaps what is already decoded is
//! taken as following on: symphonia 0.5 gives overlapping timestamps to single-page Ogg files
//! (some system sounds), and counting matches libvorbis there.
//!
//! # Gapless
//! Encoder delay and padding are removed where the file states them: MP3 (LAME/Xing tag, by
//! symphonia), Vorbis (Ogg granule positions), Opus (pre-skip, removed here because symphonia
//! 0.5 does not); FLAC, ALAC and PCM have none. Nothing is ever returned past the length a
//! header states exactly. AAC in MP4 is **not** gapless: symphonia 0.5 ignores the MP4 edit
//! list, so an AAC file starts with the encoder's priming frames (1024 for ffmpeg's encoder,
//! measured against ffmpeg in `tests/decode_matches_ffmpeg.rs`) and its length is the track's
//! duration (priming included, end padding excluded). Every Tandem listener decodes the same
//! way, so they stay together; only the song's first 23 ms is a little late.
//!
//! # Errors
//! Opening fails with a [`DecodeError`] whose kind says why: `empty` (0 bytes), `unsupported`
//! (not audio Tandem decodes, whatever the extension), `truncated` (ends inside the headers),
//! `corrupt` (no decodable audio), `no_audio_track`, `io`. While reading, single corrupt packets
//! are skipped; [`FrameSource::read`] fails with `corrupt` only after
//! [`MAX_CONSECUTIVE_CORRUPT`] bad packets in a row, and with `truncated` once when the data ends
//! well before the length the header declares (the frames before that point are returned first).

mod codec;
mod opus;

use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use symphonia::core::codecs::{CODEC_TYPE_NULL, CodecParameters};
use symphonia::core::errors::{Error as SymError, SeekErrorKind};
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo, Track};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::{MetadataOptions, MetadataRevision};
use symphonia::core::probe::Hint;
use symphonia::core::units::TimeBase;

pub use codec::Codec;
use codec::{PacketDecoder, PacketOutcome};
pub use symphonia::core::io::{MediaSource, ReadOnlySource};

use crate::source::{DecodeError, FrameSource};

/// Bad packets in a row after which a stream is declared corrupt instead of skipped over.
pub const MAX_CONSECUTIVE_CORRUPT: u32 = 64;

/// The longest run of missing frames (a skipped packet, a timestamp gap) filled with silence;
/// a larger jump in timestamps is taken as a broken timestamp and ignored.
const MAX_GAP_SECONDS: u64 = 10;

/// Opens the audio file at `path`.
///
/// The content decides the format; the extension is only a hint, so a FLAC file named `.mp3`
/// plays.
///
/// # Errors
/// See the [module docs](self#errors).
pub fn open(path: impl AsRef<Path>) -> Result<Decoder, DecodeError> {
    let path = path.as_ref();
    let file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Err(DecodeError::Empty);
    }
    let ext = path.extension().and_then(|e| e.to_str());
    open_reader(Box::new(file), ext)
}

/// Opens audio from any [`MediaSource`] (a file, a buffer, a download in progress).
///
/// `extension_hint` is a file extension without the dot (`"mp3"`), used only to try that format
/// first. A source that is not seekable ([`MediaSource::is_seekable`]) decodes, but seeks backwards
/// fail.
///
/// # Errors
/// See the [module docs](self#errors).
pub fn open_reader(
    source: Box<dyn MediaSource>,
    extension_hint: Option<&str>,
) -> Result<Decoder, DecodeError> {
    let probed = probe(source, extension_hint)?;
    Decoder::from_reader(probed.reader)
}

/// A container opened and its track chosen, before decoding.
pub(crate) struct Probed {
    pub(crate) reader: Box<dyn FormatReader>,
    /// Tags found before the container (an ID3v2 tag in front of an MP3 or FLAC).
    pub(crate) leading_metadata: Option<MetadataRevision>,
}

pub(crate) fn probe(
    source: Box<dyn MediaSource>,
    extension_hint: Option<&str>,
) -> Result<Probed, DecodeError> {
    if source.byte_len() == Some(0) {
        return Err(DecodeError::Empty);
    }
    let mss = MediaSourceStream::new(source, Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = extension_hint {
        hint.with_extension(ext);
    }
    let format_opts = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let mut probed = symphonia::default::get_probe()
        .format(&hint, mss, &format_opts, &MetadataOptions::default())
        .map_err(|e| match e {
            SymError::Unsupported(_) => DecodeError::Unsupported(
                "not a recognised audio file (tried MP3, FLAC, Ogg Vorbis/Opus, WAV, MP4/M4A)"
                    .to_string(),
            ),
            SymError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => {
                DecodeError::Truncated("the file ends inside its headers".to_string())
            }
            other => map_error(other),
        })?;
    let leading_metadata = probed
        .metadata
        .get()
        .and_then(|mut m| m.skip_to_latest().cloned());
    Ok(Probed {
        reader: probed.format,
        leading_metadata,
    })
}

/// Maps symphonia's errors to ours.
pub(crate) fn map_error(e: SymError) -> DecodeError {
    match e {
        SymError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => {
            DecodeError::Truncated("the file ends unexpectedly".to_string())
        }
        SymError::IoError(io) => DecodeError::Io(io),
        SymError::DecodeError(msg) => DecodeError::Corrupt(msg.to_string()),
        SymError::Unsupported(what) => DecodeError::Unsupported(what.to_string()),
        SymError::LimitError(what) => {
            DecodeError::Corrupt(format!("a safety limit was exceeded ({what})"))
        }
        SymError::SeekError(kind) => DecodeError::Corrupt(format!("seek failed: {kind:?}")),
        SymError::ResetRequired => {
            DecodeError::Unsupported("a stream whose format changes midway".to_string())
        }
    }
}

/// The chosen audio track.
pub(crate) fn pick_track(reader: &dyn FormatReader) -> Option<&Track> {
    let usable = |t: &&Track| t.codec_params.codec != CODEC_TYPE_NULL;
    reader
        .default_track()
        .filter(usable)
        .or_else(|| reader.tracks().iter().find(usable))
}

/// Facts about the decoded stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// The codec, named as in room-core's `LOCAL_CODECS`.
    pub codec: Codec,
    /// Frames per second of the decoded output.
    pub sample_rate: u32,
    /// Channels of the decoded output.
    pub channels: u16,
    /// Frames in the stream when the container says so (after gapless trimming).
    pub total_frames: Option<u64>,
    /// Whether `total_frames` is exact (from a header) rather than estimated (MP3 without a
    /// LAME/Xing tag).
    pub total_frames_exact: bool,
    /// Whether the encoder delay and padding are trimmed (see the module docs).
    pub gapless: bool,
}

/// What went wrong, quietly, while decoding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Packets that failed to decode and were replaced by silence.
    pub corrupt_packets: u64,
    /// Jumps in the timestamps (damaged data the demuxer resynchronised past, a missing
    /// packet), each filled with silence.
    pub gaps: u64,
    /// Frames of silence inserted for skipped packets and timestamp gaps.
    pub silence_frames: u64,
    /// Whether the data ended well before the length its header declares.
    pub truncated: bool,
}

/// A file being decoded: a [`FrameSource`] at the file's own rate and channel count.
pub struct Decoder {
    reader: Box<dyn FormatReader>,
    codec: PacketDecoder,
    track_id: u32,
    time_base: Option<TimeBase>,
    /// Frames at the start of the track's timeline that are not audio (Opus pre-skip, which
    /// symphonia 0.5 does not trim): timestamps are shifted down by this much.
    ts_offset: u64,
    info: StreamInfo,
    /// Decoded samples not yet returned; `pending[pending_off..]` starts at frame `next_frame`.
    pending: Vec<f32>,
    pending_off: usize,
    /// Frame index of the next frame `read` returns.
    next_frame: u64,
    /// Decode output of the current packet, before placement.
    scratch: Vec<f32>,
    consecutive_corrupt: u32,
    /// After a seek: packets that end before this frame are pre-roll, whose decode errors (a bit
    /// reservoir not yet filled) are expected and not counted.
    preroll_until: u64,
    /// Between a seek and the first frame placed after it: packets before the target are
    /// discarded by their timestamps. Otherwise a packet that claims to start before the end of
    /// what is decoded is taken as following on (timestamps of some short Ogg files overlap).
    seeking: bool,
    ended: bool,
    /// A truncation error to return once, after the frames before it.
    truncated_error: Option<DecodeError>,
    stats: DecodeStats,
}

impl Decoder {
    pub(crate) fn from_reader(reader: Box<dyn FormatReader>) -> Result<Decoder, DecodeError> {
        let track = pick_track(reader.as_ref()).ok_or(DecodeError::NoAudioTrack)?;
        let params: CodecParameters = track.codec_params.clone();
        let track_id = track.id;
        let codec = Codec::from_symphonia(params.codec).ok_or_else(|| {
            let name = symphonia::default::get_codecs()
                .get_codec(params.codec)
                .map_or_else(|| format!("{}", params.codec), |d| d.long_name.to_string());
            DecodeError::Unsupported(format!("the codec {name}"))
        })?;
        let packet_decoder = PacketDecoder::new(&params, codec)?;
        let sample_rate = params.sample_rate.unwrap_or(0);
        let channels = params.channels.map_or(0, |c| c.count());
        let total_frames_exact = match codec {
            // symphonia estimates the length of an MP3 without a LAME/Xing tag from its size.
            Codec::Mp3 => params.delay.is_some(),
            _ => params.n_frames.is_some(),
        };
        let gapless = match codec {
            Codec::Mp3 => params.delay.is_some(),
            // Ogg granule positions give the exact start and end; Opus pre-skip is ts_offset.
            Codec::Vorbis | Codec::Opus => true,
            Codec::Flac | Codec::Alac | Codec::Wav => true,
            Codec::Aac => false,
        };
        let ts_offset = match codec {
            Codec::Opus => u64::from(params.delay.unwrap_or(0)),
            _ => 0,
        };
        // In the track's time base for now; converted to frames below.
        let total_frames = params.n_frames;
        let mut decoder = Decoder {
            reader,
            codec: packet_decoder,
            track_id,
            time_base: params.time_base,
            ts_offset,
            info: StreamInfo {
                codec,
                sample_rate,
                channels: u16::try_from(channels).unwrap_or(0),
                total_frames,
                total_frames_exact,
                gapless,
            },
            pending: Vec::new(),
            pending_off: 0,
            next_frame: 0,
            scratch: Vec::new(),
            consecutive_corrupt: 0,
            preroll_until: 0,
            seeking: false,
            ended: false,
            truncated_error: None,
            stats: DecodeStats::default(),
        };
        decoder.info.total_frames =
            total_frames.map(|n| decoder.ts_to_frame(n).saturating_sub(decoder.ts_offset));
        // Decode up to the first audio so that a file that is not really audio fails here, and
        // so that the output's rate and channels are those the decoder produces.
        decoder.prime()?;
        Ok(decoder)
    }

    fn prime(&mut self) -> Result<(), DecodeError> {
        while self.pending_len_frames() == 0 && !self.ended {
            self.decode_next()?;
        }
        if let Some(err) = self.truncated_error.take()
            && self.pending_len_frames() == 0
        {
            return Err(err);
        }
        if self.info.sample_rate == 0 || self.info.channels == 0 {
            return Err(DecodeError::Corrupt(
                "the stream declares no sample rate or channel count".to_string(),
            ));
        }
        if self.pending_len_frames() == 0 {
            if self.stats.corrupt_packets > 0 {
                return Err(DecodeError::Corrupt(
                    "no audio frame in the file could be decoded".to_string(),
                ));
            }
            return Err(DecodeError::Empty);
        }
        Ok(())
    }

    /// Facts about the stream.
    #[must_use]
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// What went wrong quietly so far.
    #[must_use]
    pub fn stats(&self) -> DecodeStats {
        self.stats
    }

    /// Frame index of the next frame [`FrameSource::read`] returns.
    #[must_use]
    pub fn position(&self) -> u64 {
        self.next_frame
    }

    fn channels_usize(&self) -> usize {
        usize::from(self.info.channels.max(1))
    }

    fn pending_len_frames(&self) -> usize {
        (self.pending.len() - self.pending_off) / self.channels_usize()
    }

    /// The stream's length when a header states it exactly.
    fn exact_total(&self) -> Option<u64> {
        self.info
            .total_frames
            .filter(|_| self.info.total_frames_exact)
    }

    /// Whether container timestamps count frames (time base 1/sample rate).
    fn ts_in_frames(&self) -> bool {
        match self.time_base {
            Some(tb) => tb.numer == 1 && tb.denom == self.info.sample_rate,
            None => true,
        }
    }

    fn ts_to_frame(&self, ts: u64) -> u64 {
        match self.time_base {
            Some(tb) if !(tb.numer == 1 && tb.denom == self.info.sample_rate) && tb.denom > 0 => {
                let f = u128::from(ts) * u128::from(tb.numer) * u128::from(self.info.sample_rate)
                    / u128::from(tb.denom);
                u64::try_from(f).unwrap_or(u64::MAX)
            }
            _ => ts,
        }
    }

    fn frame_to_ts(&self, frame: u64) -> u64 {
        match self.time_base {
            Some(tb)
                if !(tb.numer == 1 && tb.denom == self.info.sample_rate)
                    && tb.numer > 0
                    && self.info.sample_rate > 0 =>
            {
                let t = u128::from(frame) * u128::from(tb.denom)
                    / (u128::from(tb.numer) * u128::from(self.info.sample_rate));
                u64::try_from(t).unwrap_or(u64::MAX)
            }
            _ => frame,
        }
    }

    /// The data ended: flags truncation when the header promised clearly more.
    fn on_end_of_data(&mut self) {
        self.ended = true;
        let Some(total) = self.exact_total() else {
            return;
        };
        let have = self
            .next_frame
            .saturating_add(self.pending_len_frames() as u64);
        // Allow one long packet of slack for containers whose last packet is rounded.
        let slack = u64::from(self.info.sample_rate / 10).max(4096);
        if have + slack < total && self.truncated_error.is_none() && !self.stats.truncated {
            self.stats.truncated = true;
            let rate = f64::from(self.info.sample_rate.max(1));
            self.truncated_error = Some(DecodeError::Truncated(format!(
                "the audio stops at {:.2} s of {:.2} s",
                have as f64 / rate,
                total as f64 / rate
            )));
        }
    }

    /// Decodes the next packet of our track into `pending`; sets `ended` at the end.
    fn decode_next(&mut self) -> Result<(), DecodeError> {
        let packet = match self.reader.next_packet() {
            Ok(p) => p,
            Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                self.on_end_of_data();
                return Ok(());
            }
            // A new chained Ogg stream or a changed format: Tandem plays the first one.
            Err(SymError::ResetRequired) => {
                self.ended = true;
                return Ok(());
            }
            Err(SymError::DecodeError(msg)) => return self.count_corrupt(msg),
            Err(e) => return Err(map_error(e)),
        };
        if packet.track_id() != self.track_id {
            return Ok(());
        }
        // Frames of this packet that lie before the start of the audio (Opus pre-skip).
        let ts_frame = self.ts_to_frame(packet.ts());
        let before_start = self.ts_offset.saturating_sub(ts_frame);
        let start = ts_frame.saturating_sub(self.ts_offset);
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let outcome = self.codec.decode(&packet, &mut scratch);
        let result = match outcome {
            Ok(PacketOutcome::Frames {
                frames,
                channels,
                rate,
            }) => {
                self.consecutive_corrupt = 0;
                if self.info.channels == 0 || self.info.sample_rate == 0 {
                    // Containers that do not declare them (some MP4s): learn from the decoder.
                    self.info.channels = u16::try_from(channels).unwrap_or(0);
                    self.info.sample_rate = rate;
                }
                if channels != usize::from(self.info.channels) {
                    Err(DecodeError::Unsupported(format!(
                        "a stream whose channel count changes midway ({} to {channels})",
                        self.info.channels
                    )))
                } else {
                    let skip = usize::try_from(before_start)
                        .unwrap_or(usize::MAX)
                        .min(frames);
                    self.place(start, &scratch[skip * channels..frames * channels]);
                    Ok(())
                }
            }
            Ok(PacketOutcome::Corrupt(_))
                if start.saturating_add(self.ts_to_frame(packet.dur())) <= self.preroll_until =>
            {
                Ok(())
            }
            Ok(PacketOutcome::Corrupt(msg)) => {
                self.consecutive_corrupt += 1;
                self.stats.corrupt_packets += 1;
                if self.consecutive_corrupt >= MAX_CONSECUTIVE_CORRUPT {
                    Err(DecodeError::Corrupt(format!(
                        "{} packets in a row failed to decode (last: {msg})",
                        self.consecutive_corrupt
                    )))
                } else {
                    Ok(())
                }
            }
            Err(e) => Err(e),
        };
        self.scratch = scratch;
        result
    }

    fn count_corrupt(&mut self, msg: &str) -> Result<(), DecodeError> {
        self.consecutive_corrupt += 1;
        self.stats.corrupt_packets += 1;
        if self.consecutive_corrupt >= MAX_CONSECUTIVE_CORRUPT {
            return Err(DecodeError::Corrupt(format!(
                "{} packets in a row could not be read (last: {msg})",
                self.consecutive_corrupt
            )));
        }
        Ok(())
    }

    /// Appends decoded samples that start at frame `start` to `pending`, aligning them with the
    /// frames already there: overlapping frames (before a seek target) are dropped, a gap is
    /// filled with silence.
    fn place(&mut self, start: u64, samples: &[f32]) {
        let ch = self.channels_usize();
        let frames = (samples.len() / ch) as u64;
        if frames == 0 {
            return;
        }
        if self.pending_off > 0 && self.pending_off == self.pending.len() {
            self.pending.clear();
            self.pending_off = 0;
        }
        let expected = self
            .next_frame
            .saturating_add(self.pending_len_frames() as u64);
        let start = if start < expected && !self.seeking {
            expected
        } else {
            start
        };
        // Never past the length the container states (drops AAC's end padding in MP4).
        let frames = match self.exact_total() {
            Some(total) if start.saturating_add(frames) > total => total.saturating_sub(start),
            _ => frames,
        };
        let samples = &samples[..usize::try_from(frames).unwrap_or(0) * ch];
        if frames == 0 {
            return;
        }
        if start >= expected {
            let gap = start - expected;
            let max_gap = MAX_GAP_SECONDS * u64::from(self.info.sample_rate);
            // Timestamps in a time base other than the sample rate (some MP4s) round; a frame
            // or two of difference is rounding, not missing audio.
            let rounding = if self.ts_in_frames() { 0 } else { 2 };
            if gap > rounding && gap <= max_gap {
                let gap_samples = usize::try_from(gap).unwrap_or(0) * ch;
                self.pending.resize(self.pending.len() + gap_samples, 0.0);
                self.stats.silence_frames += gap;
                self.stats.gaps += 1;
            }
            self.pending.extend_from_slice(samples);
        } else {
            let skip = expected - start;
            if skip < frames {
                let skip = usize::try_from(skip).unwrap_or(usize::MAX) * ch;
                self.pending.extend_from_slice(&samples[skip..]);
            }
        }
        if self.pending_len_frames() > 0 {
            self.seeking = false;
        }
    }

    fn clear_position(&mut self, frame: u64) {
        self.pending.clear();
        self.pending_off = 0;
        self.next_frame = frame;
        self.ended = false;
        self.truncated_error = None;
        self.consecutive_corrupt = 0;
        self.preroll_until = frame;
        self.seeking = true;
    }

    fn reposition(&mut self, frame: u64) -> Result<(), DecodeError> {
        if let Some(total) = self.exact_total()
            && frame >= total
        {
            self.clear_position(frame);
            self.ended = true;
            return Ok(());
        }
        let preroll = self.info.codec.preroll_frames();
        let ts = self.frame_to_ts(frame.saturating_sub(preroll).saturating_add(self.ts_offset));
        let to = SeekTo::TimeStamp {
            ts,
            track_id: self.track_id,
        };
        let result = self.reader.seek(SeekMode::Accurate, to);
        if let Err(SymError::SeekError(SeekErrorKind::ForwardOnly | SeekErrorKind::Unseekable)) =
            result
        {
            // Refused before anything moved: the stream goes on where it was.
            return Err(DecodeError::Unsupported(
                "this stream cannot seek backwards".to_string(),
            ));
        }
        self.clear_position(frame);
        match result {
            Ok(_) => {
                self.codec.reset();
                Ok(())
            }
            Err(SymError::SeekError(SeekErrorKind::OutOfRange)) => {
                self.ended = true;
                Ok(())
            }
            Err(SymError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => {
                self.on_end_of_data();
                Ok(())
            }
            Err(e) => {
                self.ended = true;
                Err(map_error(e))
            }
        }
    }
}

impl FrameSource for Decoder {
    fn sample_rate(&self) -> u32 {
        self.info.sample_rate
    }

    fn channels(&self) -> u16 {
        self.info.channels
    }

    fn read(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        let ch = self.channels_usize();
        let want = out.len() / ch;
        if want == 0 {
            return Ok(0);
        }
        loop {
            let have = self.pending_len_frames();
            if have > 0 {
                let n = have.min(want);
                let from = self.pending_off;
                out[..n * ch].copy_from_slice(&self.pending[from..from + n * ch]);
                self.pending_off += n * ch;
                self.next_frame += n as u64;
                if self.pending_off == self.pending.len() {
                    self.pending.clear();
                    self.pending_off = 0;
                }
                return Ok(n);
            }
            if let Some(err) = self.truncated_error.take() {
                return Err(err);
            }
            if self.ended {
                return Ok(0);
            }
            self.decode_next()?;
        }
    }

    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        // A short hop forward inside what is already decoded needs no demuxer seek.
        let have = self.pending_len_frames() as u64;
        if frame >= self.next_frame && frame < self.next_frame.saturating_add(have) {
            let skip =
                usize::try_from(frame - self.next_frame).unwrap_or(0) * self.channels_usize();
            self.pending_off += skip;
            self.next_frame = frame;
            return Ok(());
        }
        self.reposition(frame)
    }

    fn total_frames(&self) -> Option<u64> {
        self.info.total_frames
    }
}
