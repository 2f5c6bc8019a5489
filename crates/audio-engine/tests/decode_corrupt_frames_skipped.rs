//! A corrupt frame in the middle is skipped, counted and replaced by silence of its length: the
//! stream keeps its full length and the audio after the damage stays at its place in time.

mod decode_common;
use audio_engine::source::FrameSource;
use decode_common::*;

#[test]
fn flac_with_corrupt_frames_keeps_its_length_and_timing() {
    let (_, ch, clean) = decode_file("tone44s.flac");
    let mut d = audio_engine::decode::open(fixture("corrupt_middle.flac")).expect("open");
    let damaged = read_all(&mut d, 4096);
    let stats = d.stats();
    // symphonia's FLAC reader checks frame CRCs and resynchronises past bad frames itself, so
    // the damage shows as gaps in the timestamps rather than as packets that fail to decode.
    assert!(
        stats.corrupt_packets + stats.gaps >= 1,
        "no damage counted: {stats:?}"
    );
    assert!(
        stats.silence_frames > 0,
        "nothing replaced by silence: {stats:?}"
    );
    assert!(!stats.truncated);
    assert_eq!(damaged.len(), clean.len(), "length changed");
    // Outside the damaged frames every sample is the clean one; inside, silence.
    let mut differing_frames = 0;
    for (f, (a, b)) in damaged
        .chunks_exact(ch)
        .zip(clean.chunks_exact(ch))
        .enumerate()
    {
        if a != b {
            differing_frames += 1;
            assert!(
                a.iter().all(|&x| x == 0.0),
                "frame {f} is neither clean nor silent"
            );
        }
    }
    // (The clean signal itself is exactly zero on both channels every 4410 frames.)
    let differing_frames = differing_frames as u64;
    assert!(
        differing_frames <= stats.silence_frames && stats.silence_frames - differing_frames < 8,
        "{differing_frames} frames differ, {stats:?}"
    );
    // FLAC blocks are 4096 frames; two damaged places hit at most two blocks each.
    assert!(
        differing_frames <= 4 * 4096,
        "{differing_frames} frames lost"
    );
}

#[test]
fn a_corrupt_stream_seeks_and_reads_without_error() {
    let mut d = audio_engine::decode::open(fixture("corrupt_middle.flac")).expect("open");
    let (_, ch, clean) = decode_file("tone44s.flac");
    // After the damage, a seek lands exactly as in the clean file.
    let n = 120_000;
    d.seek(n as u64).expect("seek");
    let got = read_frames(&mut d, 4000);
    assert!(
        got[..] == clean[n * ch..(n + 4000) * ch],
        "samples after a seek past the damage"
    );
}
