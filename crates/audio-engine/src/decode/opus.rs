//! Opus in Ogg, decoded by the pure-Rust `opus-rs` crate (a port of libopus 1.6; no C library,
//! no build script).
//!
//! symphonia 0.5 demuxes Ogg Opus (it reads `OpusHead` and assigns packet timestamps from the
//! granule positions) but has no Opus decoder; this module fills that gap. The pre-skip is
//! removed by the `Decoder` (`ts_offset`), because symphonia 0.5 does not trim it. Only channel
//! mapping family 0 (mono, stereo) is decoded; multichannel files are reported as unsupported.
//!
//! Why `opus-rs` and not `opus-decoder` (also pure Rust, `forbid(unsafe_code)`): the latter
//! decoded at 2× real time here (its FFT computes its twiddles with `sincos` on every call),
//! `opus-rs` at about 500×; both match ffmpeg within 1.2e-4.

use opus_rs::OpusDecoder;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::formats::Packet;

use super::codec::PacketOutcome;
use crate::source::DecodeError;

/// Opus always decodes at 48 kHz here (its native rate).
const OPUS_RATE: u32 = 48_000;
/// The longest Opus packet: 120 ms at 48 kHz.
const MAX_PACKET_FRAMES: usize = 5760;

fn new_decoder(channels: usize) -> Result<Box<OpusDecoder>, DecodeError> {
    OpusDecoder::new(OPUS_RATE as i32, channels)
        .map(Box::new)
        .map_err(|e| DecodeError::Corrupt(format!("Opus decoder setup failed: {e}")))
}

pub(crate) struct OpusPacketDecoder {
    decoder: Box<OpusDecoder>,
    channels: usize,
    /// Linear output gain from the `OpusHead` (RFC 7845 §5.1), applied to every sample.
    gain: f32,
    scratch: Vec<f32>,
}

impl OpusPacketDecoder {
    pub(crate) fn new(params: &CodecParameters) -> Result<OpusPacketDecoder, DecodeError> {
        let head = params.extra_data.as_deref().unwrap_or(&[]);
        // OpusHead: magic(8) version(1) channels(1) pre_skip(2) rate(4) gain(2, Q7.8 dB) family(1)
        let (channels, gain_q78, family) = match head {
            [
                b'O',
                b'p',
                b'u',
                b's',
                b'H',
                b'e',
                b'a',
                b'd',
                _v,
                ch,
                _,
                _,
                _,
                _,
                _,
                _,
                g0,
                g1,
                fam,
                ..,
            ] => (usize::from(*ch), i16::from_le_bytes([*g0, *g1]), *fam),
            _ => match params.channels {
                Some(c) => (c.count(), 0, 0),
                None => {
                    return Err(DecodeError::Corrupt(
                        "Opus stream without an OpusHead".into(),
                    ));
                }
            },
        };
        if family != 0 || !(1..=2).contains(&channels) {
            return Err(DecodeError::Unsupported(format!(
                "multichannel Opus ({channels} channels, mapping family {family}); only mono and stereo are decoded"
            )));
        }
        let decoder = new_decoder(channels)?;
        let gain = 10f32.powf(f32::from(gain_q78) / (20.0 * 256.0));
        Ok(OpusPacketDecoder {
            decoder,
            channels,
            gain,
            scratch: vec![0.0; MAX_PACKET_FRAMES * channels],
        })
    }

    pub(crate) fn reset(&mut self) {
        // opus-rs has no reset; a fresh decoder is the reset state (a few allocations, on seeks).
        if let Ok(d) = new_decoder(self.channels) {
            self.decoder = d;
        }
    }

    pub(crate) fn decode(
        &mut self,
        packet: &Packet,
        out: &mut Vec<f32>,
    ) -> Result<PacketOutcome, DecodeError> {
        let frames = match self
            .decoder
            .decode(packet.buf(), MAX_PACKET_FRAMES, &mut self.scratch)
        {
            Ok(n) => n.min(MAX_PACKET_FRAMES),
            Err(e) => return Ok(PacketOutcome::Corrupt(format!("Opus packet: {e}"))),
        };
        let start = (packet.trim_start() as usize).min(frames);
        let end = frames.saturating_sub(packet.trim_end() as usize).max(start);
        let samples = &self.scratch[start * self.channels..end * self.channels];
        if (self.gain - 1.0).abs() > f32::EPSILON {
            out.extend(samples.iter().map(|s| s * self.gain));
        } else {
            out.extend_from_slice(samples);
        }
        Ok(PacketOutcome::Frames {
            frames: end - start,
            channels: self.channels,
            rate: OPUS_RATE,
        })
    }
}
