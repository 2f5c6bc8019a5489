//! A resampled stream is a function of position: `seek(n)` then `read` gives exactly the
//! samples that reading from the start gives at output frame `n`, and equal rates pass samples
//! through untouched.

mod decode_common;
use audio_engine::resample::Resampled;
use audio_engine::source::FrameSource;
use decode_common::*;

#[test]
fn seek_lands_on_the_exact_output_frame() {
    for (name, out_rate) in [
        ("tone44s.flac", 48_000),
        ("tone48m.flac", 44_100),
        ("tone44s_vbr.mp3", 48_000),
    ] {
        let d = audio_engine::decode::open(fixture(name)).expect("open");
        let mut r = Resampled::new(d, out_rate, 2).expect("resampler");
        let full = read_all(&mut r, 1000);
        let total = full.len() / 2;
        let mut targets = vec![
            0,
            1,
            2,
            63,
            64,
            65,
            159,
            160,
            161,
            48_000,
            total - 100,
            total - 1,
        ];
        let mut x: u64 = 42;
        for _ in 0..20 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            targets.push((x >> 33) as usize % total);
        }
        for n in targets {
            r.seek(n as u64).expect("seek");
            let got = read_frames(&mut r, 1500);
            let want = &full[n * 2..(n * 2 + 3000).min(full.len())];
            assert!(
                got[..] == want[..],
                "{name} → {out_rate}: seek to {n} differs"
            );
        }
        r.seek(total as u64).expect("seek to the end");
        assert!(
            read_frames(&mut r, 10).is_empty(),
            "{name}: frames after the end"
        );
    }
}

#[test]
fn equal_rates_pass_samples_through() {
    let (_, _, reference) = decode_file("tone44s.flac");
    let d = audio_engine::decode::open(fixture("tone44s.flac")).expect("open");
    let mut r = Resampled::new(d, 44_100, 2).expect("resampler");
    assert!(read_all(&mut r, 777) == reference);
}
