//! Decoded samples match ffmpeg's decode of the same file (ffmpeg is the reference decoder).
//!
//! Tolerances per codec, from what the fixtures measure (max |difference| per sample):
//! lossless FLAC/ALAC/WAV bit-exact; MP3 7e-7 and Vorbis 1.2e-7 (float rounding); Opus 1.2e-4
//! (the pure-Rust decoder outputs 16-bit); AAC 2.1e-7 after a fixed offset: symphonia does not
//! apply the MP4 edit list, so its output keeps the encoder's 1024 priming frames that ffmpeg
//! drops (see `decode` module docs); at the end we stop at the track's stated duration while
//! ffmpeg 5.1 keeps the encoder's padding.

mod decode_common;
use decode_common::*;

/// Compares our decode with ffmpeg's: `lead` extra frames at our start, then `max_diff`;
/// `ffmpeg_tail` frames at the end that ffmpeg keeps and we drop.
fn check(name: &str, max_diff: f32, lead: usize, ffmpeg_tail: usize) {
    let (rate, ch, ours) = decode_file(name);
    let Some(reference) = ffmpeg_decode(&fixture(name), ch, rate) else {
        return;
    };
    let ours = &ours[lead * ch..];
    assert_eq!(
        ours.len() + ffmpeg_tail * ch,
        reference.len(),
        "{name}: length differs from ffmpeg's"
    );
    let mut worst = 0.0f32;
    let mut at = 0;
    for (i, (a, b)) in ours.iter().zip(&reference).enumerate() {
        let d = (a - b).abs();
        if d > worst {
            worst = d;
            at = i;
        }
    }
    assert!(
        worst <= max_diff,
        "{name}: max difference {worst:e} at frame {} channel {} exceeds {max_diff:e}",
        at / ch,
        at % ch
    );
    // And the best alignment is the one we assumed (no hidden offset).
    let a = channel(ours, ch, 0);
    let b = channel(&reference, ch, 0);
    let click = if rate == 44100 {
        44100
    } else if name.contains("opus") {
        48000
    } else {
        24000
    };
    assert_eq!(
        best_lag(&a, &b, 1200, click),
        0,
        "{name}: ffmpeg's output is offset from ours"
    );
}

#[test]
fn mp3_cbr() {
    check("tone44s_cbr.mp3", 2e-6, 0, 0);
}

#[test]
fn mp3_vbr() {
    check("tone44s_vbr.mp3", 2e-6, 0, 0);
}

#[test]
fn mp3_mono_48k() {
    check("tone48m.mp3", 2e-6, 0, 0);
}

#[test]
fn flac_is_bit_exact() {
    check("tone44s.flac", 0.0, 0, 0);
    check("tone48m.flac", 0.0, 0, 0);
}

#[test]
fn vorbis() {
    check("tone44s.ogg", 1e-6, 0, 0);
}

#[test]
fn opus() {
    check("tone44s.opus", 5e-4, 0, 0);
}

#[test]
fn wav_is_bit_exact() {
    check("tone48m_s16.wav", 0.0, 0, 0);
    check("tone48m_f32.wav", 0.0, 0, 0);
}

#[test]
fn alac_is_bit_exact() {
    check("tone48m_alac.m4a", 0.0, 0, 0);
}

#[test]
fn aac_after_the_priming_frames() {
    // ffmpeg 5.1 keeps the end padding (820 frames) that the MP4 track duration excludes.
    check("tone44s_aac.m4a", 1e-6, 1024, 820);
}
