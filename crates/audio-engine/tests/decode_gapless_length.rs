//! Gapless: the decoded stream is exactly as long as the audio that was encoded, and the click
//! marker written at a known frame comes out at that frame (no encoder delay left in front).
//!
//! Holds for MP3 (LAME tag), FLAC, Vorbis, Opus (pre-skip), WAV and ALAC. AAC in MP4 is not
//! gapless here: symphonia 0.5 ignores the edit list, so the 1024 priming frames stay in front
//! (the test pins that offset, so a change in symphonia's behaviour shows up).

mod decode_common;
use audio_engine::source::FrameSource;
use decode_common::*;

/// (fixture, frames encoded, click frame in the output, output rate)
const CASES: &[(&str, usize, usize, u32)] = &[
    ("tone44s_cbr.mp3", 132_300, 44_100, 44_100),
    ("tone44s_vbr.mp3", 132_300, 44_100, 44_100),
    ("tone48m.mp3", 96_000, 24_000, 48_000),
    ("tone44s.flac", 132_300, 44_100, 44_100),
    ("tone48m.flac", 96_000, 24_000, 48_000),
    ("tone44s.ogg", 132_300, 44_100, 44_100),
    // Opus encodes at 48 kHz: 3 s is 144000 frames, the click at 1 s is frame 48000.
    ("tone44s.opus", 144_000, 48_000, 48_000),
    ("tone48m_s16.wav", 96_000, 24_000, 48_000),
    ("tone48m_f32.wav", 96_000, 24_000, 48_000),
    ("tone48m_alac.m4a", 96_000, 24_000, 48_000),
    ("tone44s_aac.m4a", 132_300 + 1024, 44_100 + 1024, 44_100),
];

/// The frame where the signal departs most from its smooth neighbourhood (the click).
fn click_frame(x: &[f32]) -> usize {
    let mut best = (0.0f32, 0);
    for i in 2..x.len() - 2 {
        let smooth = (x[i - 2] + x[i + 2]) * 0.5;
        let d = (x[i] - smooth).abs();
        if d > best.0 {
            best = (d, i);
        }
    }
    best.1
}

#[test]
fn decoded_length_and_click_position_match_the_source() {
    for &(name, frames, click, rate) in CASES {
        let mut d = audio_engine::decode::open(fixture(name)).expect("open");
        assert_eq!(d.sample_rate(), rate, "{name}: rate");
        assert_eq!(
            d.total_frames(),
            Some(frames as u64),
            "{name}: stated length"
        );
        let ch = usize::from(d.channels());
        let all = read_all(&mut d, 4096);
        assert_eq!(all.len() / ch, frames, "{name}: decoded length");
        let left = channel(&all, ch, 0);
        let found = click_frame(&left);
        // Lossy codecs smear a one-sample click over a few samples; the peak stays within 2.
        assert!(
            found.abs_diff(click) <= 2,
            "{name}: click marker at frame {found}, expected {click}"
        );
        let gapless = d.info().gapless;
        assert_eq!(gapless, !name.ends_with("_aac.m4a"), "{name}: gapless flag");
    }
}
