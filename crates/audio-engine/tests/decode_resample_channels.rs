//! Channel mapping: mono → both sides, stereo → mono as the mean, 5.1 → stereo with centre and
//! surrounds at -3 dB and no LFE, never clipping; with or without a rate change.

mod decode_common;
use audio_engine::resample::Resampled;
use audio_engine::source::FrameSource;
use decode_common::*;

fn frames(rate: u32, ch: u16, frame: &[f32], n: usize) -> VecSource {
    VecSource::new(
        rate,
        ch,
        frame
            .iter()
            .copied()
            .cycle()
            .take(frame.len() * n)
            .collect(),
    )
}

#[test]
fn mono_to_stereo_duplicates() {
    let (_, _, mono) = decode_file("tone48m.flac");
    let d = audio_engine::decode::open(fixture("tone48m.flac")).expect("open");
    let mut r = Resampled::new(d, 48_000, 2).expect("resampler");
    assert_eq!(r.channels(), 2);
    let st = read_all(&mut r, 1000);
    assert_eq!(st.len(), mono.len() * 2);
    for (f, m) in st.chunks_exact(2).zip(&mono) {
        assert_eq!((f[0], f[1]), (*m, *m));
    }
}

#[test]
fn stereo_to_mono_is_the_mean() {
    let mut r = Resampled::new(frames(44_100, 2, &[0.5, -0.25], 100), 44_100, 1).expect("r");
    let out = read_all(&mut r, 64);
    assert_eq!(out.len(), 100);
    assert!(out.iter().all(|&x| (x - 0.125).abs() < 1e-7));
}

#[test]
fn five_one_to_stereo() {
    // FL FR FC LFE BL BR
    let frame = [1.0, 0.0, 1.0, 1.0, 1.0, 0.0];
    let mut r = Resampled::new(frames(48_000, 6, &frame, 100), 48_000, 2).expect("r");
    let out = read_all(&mut r, 64);
    let norm = 1.0 + 2.0 * std::f32::consts::FRAC_1_SQRT_2;
    let left = (1.0 + 2.0 * std::f32::consts::FRAC_1_SQRT_2) / norm;
    let right = std::f32::consts::FRAC_1_SQRT_2 / norm;
    for f in out.chunks_exact(2) {
        assert!(
            (f[0] - left).abs() < 1e-6 && (f[1] - right).abs() < 1e-6,
            "{f:?}"
        );
    }
    // All channels at full scale cannot clip.
    let mut r = Resampled::new(frames(48_000, 6, &[1.0; 6], 10), 48_000, 2).expect("r");
    assert!(read_all(&mut r, 64).iter().all(|&x| x <= 1.0 + 1e-6));
}

#[test]
fn mono_44k1_to_stereo_48k() {
    let src = VecSource::sine(44_100, 1, 1000.0, 0.5, 44_100);
    let mut r = Resampled::new(src, 48_000, 2).expect("r");
    assert_eq!((r.sample_rate(), r.channels()), (48_000, 2));
    let out = read_all(&mut r, 1000);
    assert_eq!(out.len(), 48_000 * 2);
    assert!(out.chunks_exact(2).all(|f| f[0] == f[1]));
    let (amp, _) = fit_sine(&channel(&out, 2, 1)[4800..43_200], 48_000, 1000.0);
    assert!((amp - 0.5).abs() < 1e-3, "amplitude {amp}");
}

#[test]
fn zero_rate_or_channels_are_refused() {
    assert!(Resampled::new(VecSource::new(44_100, 1, vec![0.0; 10]), 0, 2).is_err());
    assert!(Resampled::new(VecSource::new(44_100, 1, vec![0.0; 10]), 48_000, 0).is_err());
    assert!(Resampled::new(VecSource::new(0, 1, vec![0.0; 10]), 48_000, 2).is_err());
}
