//! The resampler is transparent: a sine at 44.1 kHz resampled to 48 kHz (and back) comes out at
//! the same frequency and amplitude with THD+N far below audibility, frequencies above the new
//! Nyquist are removed, and the click marker lands at the same instant.

mod decode_common;
use audio_engine::resample::Resampled;
use audio_engine::source::FrameSource;
use decode_common::*;

/// Resamples a 2 s sine and returns (amplitude, THD+N in dB, zero-crossing frequency).
fn measure(in_rate: u32, out_rate: u32, freq: f64) -> (f64, f64, f64) {
    let src = VecSource::sine(in_rate, 1, freq, 0.5, 2 * in_rate as usize);
    let mut r = Resampled::new(src, out_rate, 1).expect("resampler");
    let out = read_all(&mut r, 1000);
    assert_eq!(
        out.len() as u64,
        r.total_frames().expect("length"),
        "length as announced"
    );
    // Skip the edges (the input starts and stops abruptly).
    let mid = &out[out_rate as usize / 4..out.len() - out_rate as usize / 4];
    let (amp, resid) = fit_sine(mid, out_rate, freq);
    // Frequency from rising zero crossings, interpolated.
    let mut crossings = Vec::new();
    for i in 1..mid.len() {
        if mid[i - 1] < 0.0 && mid[i] >= 0.0 {
            let t = f64::from(mid[i - 1]) / f64::from(mid[i - 1] - mid[i]);
            crossings.push(i as f64 - 1.0 + t);
        }
    }
    let periods = (crossings.len() - 1) as f64;
    let measured = periods * f64::from(out_rate) / (crossings[crossings.len() - 1] - crossings[0]);
    (amp, db(resid / (amp / 2f64.sqrt())), measured)
}

#[test]
fn sine_44k1_to_48k_keeps_frequency_amplitude_and_purity() {
    for freq in [440.0, 1000.0, 5000.0, 15_000.0, 19_000.0] {
        let (amp, thdn, measured) = measure(44_100, 48_000, freq);
        eprintln!("44.1k->48k {freq} Hz: amplitude {amp:.6}, THD+N {thdn:.1} dB, {measured:.4} Hz");
        assert!(
            (measured - freq).abs() < freq * 1e-5,
            "{freq} Hz came out at {measured} Hz"
        );
        assert!(
            (db(amp / 0.5)).abs() < 0.01,
            "{freq} Hz: gain {} dB",
            db(amp / 0.5)
        );
        assert!(thdn < -90.0, "{freq} Hz: THD+N {thdn:.1} dB");
    }
}

#[test]
fn sine_48k_to_44k1_keeps_frequency_amplitude_and_purity() {
    for freq in [440.0, 1000.0, 10_000.0, 19_000.0] {
        let (amp, thdn, measured) = measure(48_000, 44_100, freq);
        eprintln!("48k->44.1k {freq} Hz: amplitude {amp:.6}, THD+N {thdn:.1} dB, {measured:.4} Hz");
        assert!(
            (measured - freq).abs() < freq * 1e-5,
            "{freq} Hz came out at {measured} Hz"
        );
        assert!(
            (db(amp / 0.5)).abs() < 0.01,
            "{freq} Hz: gain {} dB",
            db(amp / 0.5)
        );
        assert!(thdn < -90.0, "{freq} Hz: THD+N {thdn:.1} dB");
    }
}

#[test]
fn odd_ratios_use_interpolated_phases_and_stay_clean() {
    // 44 056 Hz → 48 000 Hz reduces to 6000/5507: more phases than are tabulated.
    let (amp, thdn, measured) = measure(44_056, 48_000, 1000.0);
    eprintln!("44.056k->48k: amplitude {amp:.6}, THD+N {thdn:.1} dB, {measured:.4} Hz");
    assert!((measured - 1000.0).abs() < 0.01);
    assert!(thdn < -85.0, "THD+N {thdn:.1} dB");
}

#[test]
fn content_above_the_new_nyquist_is_removed() {
    // 23 kHz at 48 kHz would alias to 21.1 kHz at 44.1 kHz.
    let src = VecSource::sine(48_000, 1, 23_000.0, 0.5, 96_000);
    let mut r = Resampled::new(src, 44_100, 1).expect("resampler");
    let out = read_all(&mut r, 1000);
    let level = db(rms(&out[11_025..out.len() - 11_025]) / (0.5 / 2f64.sqrt()));
    eprintln!("23 kHz after 48k->44.1k: {level:.1} dB");
    assert!(level < -80.0, "alias at {level:.1} dB");
}

#[test]
fn decoded_file_click_lands_at_the_same_instant() {
    // The click at 1.000 s of the 44.1 kHz fixture is at frame 48000 after resampling.
    let d = audio_engine::decode::open(fixture("tone44s.flac")).expect("open");
    let mut r = Resampled::new(d, 48_000, 2).expect("resampler");
    assert_eq!(r.total_frames(), Some(144_000));
    let out = read_all(&mut r, 4096);
    assert_eq!(out.len(), 144_000 * 2);
    let left = channel(&out, 2, 0);
    let peak = (1..left.len() - 1)
        .max_by(|&a, &b| {
            let da = (left[a] - 0.5 * (left[a - 1] + left[a + 1])).abs();
            let db = (left[b] - 0.5 * (left[b - 1] + left[b + 1])).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(0);
    assert!(peak.abs_diff(48_000) <= 1, "click at {peak}");
}
