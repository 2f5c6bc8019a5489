//! Packet decoders behind one small interface: symphonia's codecs, and Opus (pure Rust).

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{self as sym_codecs, CodecParameters, CodecType, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::Packet;

use super::opus::OpusPacketDecoder;
use crate::source::DecodeError;

/// The codecs Tandem decodes; names are room-core's `LOCAL_CODECS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Codec {
    Mp3,
    Flac,
    Vorbis,
    Opus,
    /// Uncompressed PCM (in WAV), integer or float.
    Wav,
    /// AAC (LC) in MP4/M4A.
    Aac,
    Alac,
}

impl Codec {
    /// The codec's name as in room-core's `LOCAL_CODECS`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::Mp3 => "mp3",
            Codec::Flac => "flac",
            Codec::Vorbis => "vorbis",
            Codec::Opus => "opus",
            Codec::Wav => "wav",
            Codec::Aac => "aac",
            Codec::Alac => "alac",
        }
    }

    pub(crate) fn from_symphonia(codec: CodecType) -> Option<Codec> {
        use sym_codecs::*;
        Some(match codec {
            CODEC_TYPE_MP3 => Codec::Mp3,
            CODEC_TYPE_FLAC => Codec::Flac,
            CODEC_TYPE_VORBIS => Codec::Vorbis,
            CODEC_TYPE_OPUS => Codec::Opus,
            CODEC_TYPE_AAC => Codec::Aac,
            CODEC_TYPE_ALAC => Codec::Alac,
            CODEC_TYPE_PCM_S8 | CODEC_TYPE_PCM_S16LE | CODEC_TYPE_PCM_S16BE
            | CODEC_TYPE_PCM_S24LE | CODEC_TYPE_PCM_S24BE | CODEC_TYPE_PCM_S32LE
            | CODEC_TYPE_PCM_S32BE | CODEC_TYPE_PCM_U8 | CODEC_TYPE_PCM_U16LE
            | CODEC_TYPE_PCM_U16BE | CODEC_TYPE_PCM_U24LE | CODEC_TYPE_PCM_U24BE
            | CODEC_TYPE_PCM_U32LE | CODEC_TYPE_PCM_U32BE | CODEC_TYPE_PCM_F32LE
            | CODEC_TYPE_PCM_F32BE | CODEC_TYPE_PCM_F64LE | CODEC_TYPE_PCM_F64BE
            | CODEC_TYPE_PCM_ALAW | CODEC_TYPE_PCM_MULAW => Codec::Wav,
            _ => return None,
        })
    }

    /// Frames decoded and thrown away before a seek target, so that the decoder's state (bit
    /// reservoir, overlap, filter banks, predictors) is what it would be had it played from the
    /// start. Checked by `tests/decode_seek_exact.rs`:
    /// - MP3: the bit reservoir (up to 511 bytes back, which is 7 frames at 32 kbps; symphonia's
    ///   own seek backs up at most 3 frames, and not at all on a forward seek), then one frame
    ///   for the IMDCT overlap and one for the polyphase synthesis filter. Bit-exact.
    /// - AAC: two long blocks for the overlap. Bit-exact except noise-substituted (PNS) bands,
    ///   whose random generator cannot be replayed (differences below -60 dB).
    /// - Vorbis: two long blocks. Bit-exact.
    /// - Opus: 0.5 s. RFC 7845 suggests 80 ms, which leaves errors near -50 dB because CELT's
    ///   band energies are predicted from the previous frame and converge geometrically; after
    ///   0.5 s the output differs from a decode from the start by less than 1e-6 (-120 dB).
    /// - FLAC, ALAC, PCM: none.
    pub(crate) fn preroll_frames(self) -> u64 {
        match self {
            Codec::Mp3 => 12 * 1152,
            Codec::Aac => 2 * 1024,
            Codec::Vorbis => 2 * 2048,
            Codec::Opus => 24_000,
            Codec::Flac | Codec::Wav | Codec::Alac => 0,
        }
    }
}

/// Decodes one packet at a time into interleaved f32.
pub(crate) enum PacketDecoder {
    Symphonia {
        decoder: Box<dyn sym_codecs::Decoder>,
        buf: Option<SampleBuffer<f32>>,
    },
    Opus(Box<OpusPacketDecoder>),
}

/// What decoding one packet did.
pub(crate) enum PacketOutcome {
    /// Appended this many frames (maybe 0) of this many channels at this rate.
    Frames {
        frames: usize,
        channels: usize,
        rate: u32,
    },
    /// The packet was malformed; the caller skips it and counts it.
    Corrupt(String),
}

impl PacketDecoder {
    pub(crate) fn new(
        params: &CodecParameters,
        codec: Codec,
    ) -> Result<PacketDecoder, DecodeError> {
        if codec == Codec::Opus {
            return Ok(PacketDecoder::Opus(Box::new(OpusPacketDecoder::new(
                params,
            )?)));
        }
        let decoder = symphonia::default::get_codecs()
            .make(params, &DecoderOptions { verify: false })
            .map_err(|e| match e {
                SymError::Unsupported(what) => {
                    DecodeError::Unsupported(format!("{} ({what})", codec.as_str()))
                }
                other => super::map_error(other),
            })?;
        Ok(PacketDecoder::Symphonia { decoder, buf: None })
    }

    pub(crate) fn reset(&mut self) {
        match self {
            PacketDecoder::Symphonia { decoder, .. } => decoder.reset(),
            PacketDecoder::Opus(d) => d.reset(),
        }
    }

    /// Decodes `packet`, appending interleaved samples to `out`.
    pub(crate) fn decode(
        &mut self,
        packet: &Packet,
        out: &mut Vec<f32>,
    ) -> Result<PacketOutcome, DecodeError> {
        match self {
            PacketDecoder::Opus(d) => d.decode(packet, out),
            PacketDecoder::Symphonia { decoder, buf } => match decoder.decode(packet) {
                Ok(audio) => {
                    let spec = *audio.spec();
                    let frames = audio.frames();
                    let channels = spec.channels.count();
                    if frames == 0 || channels == 0 {
                        return Ok(PacketOutcome::Frames {
                            frames: 0,
                            channels,
                            rate: spec.rate,
                        });
                    }
                    let needed = frames * channels;
                    let fits = buf.as_ref().is_some_and(|b| b.capacity() >= needed);
                    if !fits {
                        let duration = audio.capacity().max(frames) as u64;
                        *buf = Some(SampleBuffer::new(duration, spec));
                    }
                    let Some(b) = buf.as_mut() else {
                        return Ok(PacketOutcome::Frames {
                            frames: 0,
                            channels,
                            rate: spec.rate,
                        });
                    };
                    b.copy_interleaved_ref(audio);
                    out.extend_from_slice(b.samples());
                    Ok(PacketOutcome::Frames {
                        frames,
                        channels,
                        rate: spec.rate,
                    })
                }
                Err(SymError::DecodeError(msg)) => Ok(PacketOutcome::Corrupt(msg.to_string())),
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    // A packet whose bitstream ends early (e.g. the last, cut-off frame).
                    Ok(PacketOutcome::Corrupt(format!("packet ends early: {e}")))
                }
                Err(SymError::ResetRequired) => {
                    decoder.reset();
                    Ok(PacketOutcome::Corrupt("decoder reset required".to_string()))
                }
                Err(other) => Err(super::map_error(other)),
            },
        }
    }
}
