//! Broken files give the expected [`DecodeError`] kind and never panic; a valid file with the
//! wrong extension plays.

mod decode_common;
use std::io::Write;

use audio_engine::decode::{self, Decoder};
use audio_engine::source::{DecodeError, DecodeErrorKind, FrameSource};
use decode_common::*;

/// Opens and reads to the end; the first error, and the frames read before it.
fn open_and_read(path: &std::path::Path) -> (Result<(), DecodeError>, usize, Option<Decoder>) {
    let mut d = match decode::open(path) {
        Ok(d) => d,
        Err(e) => return (Err(e), 0, None),
    };
    let ch = usize::from(d.channels());
    let mut buf = vec![0.0f32; 4096 * ch];
    let mut frames = 0;
    loop {
        match d.read(&mut buf) {
            Ok(0) => return (Ok(()), frames, Some(d)),
            Ok(n) => frames += n,
            Err(e) => return (Err(e), frames, Some(d)),
        }
    }
}

fn kind(r: &Result<(), DecodeError>) -> Option<DecodeErrorKind> {
    r.as_ref().err().map(DecodeError::kind)
}

#[test]
fn zero_length_file_is_empty() {
    let (r, _, _) = open_and_read(&fixture("empty.mp3"));
    assert_eq!(kind(&r), Some(DecodeErrorKind::Empty), "{r:?}");
    let msg = r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("empty"), "message: {msg}");
}

#[test]
fn random_bytes_named_mp3_are_unsupported_or_corrupt() {
    let (r, frames, _) = open_and_read(&fixture("random.mp3"));
    let k = kind(&r);
    assert!(
        matches!(
            k,
            Some(DecodeErrorKind::Unsupported | DecodeErrorKind::Corrupt)
        ),
        "random bytes gave {r:?} after {frames} frames"
    );
}

#[test]
fn truncated_mp3_plays_what_is_there_then_reports_truncation() {
    let (r, frames, d) = open_and_read(&fixture("truncated.mp3"));
    assert_eq!(kind(&r), Some(DecodeErrorKind::Truncated), "{r:?}");
    // 24000 of 49405 bytes: a bit under half of the 3 s.
    assert!(
        (55_000..70_000).contains(&frames),
        "decoded {frames} frames before the cut"
    );
    let d = d.expect("opened");
    assert!(d.stats().truncated);
    // After the error the stream is at its end.
    let mut d = d;
    let mut buf = [0.0f32; 64];
    assert_eq!(d.read(&mut buf).expect("read after the error"), 0);
}

#[test]
fn truncated_flac_plays_what_is_there_then_reports_truncation() {
    let (r, frames, _) = open_and_read(&fixture("truncated.flac"));
    assert_eq!(kind(&r), Some(DecodeErrorKind::Truncated), "{r:?}");
    assert!(
        (50_000..80_000).contains(&frames),
        "decoded {frames} frames before the cut"
    );
}

#[test]
fn wav_header_claiming_more_data_than_present_is_truncated() {
    let (r, frames, _) = open_and_read(&fixture("bad_header_short.wav"));
    assert_eq!(kind(&r), Some(DecodeErrorKind::Truncated), "{r:?}");
    assert_eq!(frames, 22_050, "the half second that is present");
}

#[test]
fn truncated_headers_are_truncated() {
    // Only the first 30 bytes of a FLAC: inside STREAMINFO.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("head.flac");
    let bytes = std::fs::read(fixture("tone44s.flac")).expect("read fixture");
    std::fs::write(&path, &bytes[..30]).expect("write");
    let (r, _, _) = open_and_read(&path);
    assert!(
        matches!(
            kind(&r),
            Some(DecodeErrorKind::Truncated | DecodeErrorKind::Corrupt)
        ),
        "{r:?}"
    );
}

#[test]
fn missing_file_is_io() {
    let (r, _, _) = open_and_read(&fixture("no-such-file.mp3"));
    assert_eq!(kind(&r), Some(DecodeErrorKind::Io), "{r:?}");
}

#[test]
fn a_text_file_is_unsupported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.mp3");
    std::fs::write(
        &path,
        "these are not the droids you are looking for\n".repeat(100),
    )
    .expect("write");
    let (r, _, _) = open_and_read(&path);
    assert_eq!(kind(&r), Some(DecodeErrorKind::Unsupported), "{r:?}");
}

#[test]
fn wrong_extension_is_fine_when_the_content_is_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, _, reference) = decode_file("tone44s.flac");
    for (from, to) in [
        ("tone44s.flac", "song.mp3"),
        ("tone44s.flac", "song"),
        ("tone44s.flac", "song.m4a"),
    ] {
        let path = dir.path().join(to);
        std::fs::copy(fixture(from), &path).expect("copy");
        let mut d = decode::open(&path).expect("a FLAC named .mp3 opens");
        assert_eq!(d.info().codec.as_str(), "flac");
        assert!(read_all(&mut d, 4096) == reference, "{to}: samples differ");
    }
    let path = dir.path().join("song.flac");
    std::fs::copy(fixture("tone44s_vbr.mp3"), &path).expect("copy");
    let d = decode::open(&path).expect("an MP3 named .flac opens");
    assert_eq!(d.info().codec.as_str(), "mp3");
}

#[test]
fn mp3_behind_a_huge_id3_tag_plays() {
    // A 5 MB ID3v2.3 tag (a title frame, then padding) in front of the CBR fixture; made here
    // so that the committed fixtures stay small.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge-tag.mp3");
    let size: u32 = 5 * 1024 * 1024;
    let mut tag = Vec::with_capacity(size as usize + 10);
    tag.extend_from_slice(b"ID3\x03\x00\x00");
    // Sync-safe size: 7 bits per byte.
    tag.extend_from_slice(&[
        ((size >> 21) & 0x7f) as u8,
        ((size >> 14) & 0x7f) as u8,
        ((size >> 7) & 0x7f) as u8,
        (size & 0x7f) as u8,
    ]);
    let title = b"\x00Huge Tag";
    tag.extend_from_slice(b"TIT2");
    tag.extend_from_slice(&(title.len() as u32).to_be_bytes());
    tag.extend_from_slice(&[0, 0]);
    tag.extend_from_slice(title);
    tag.resize(size as usize + 10, 0);
    let mut f = std::fs::File::create(&path).expect("create");
    f.write_all(&tag).expect("write tag");
    f.write_all(&std::fs::read(fixture("tone44s_cbr.mp3")).expect("read"))
        .expect("write");
    drop(f);

    let (_, _, reference) = decode_file("tone44s_cbr.mp3");
    let mut d = decode::open(&path).expect("open");
    assert!(
        read_all(&mut d, 4096) == reference,
        "samples differ behind the big tag"
    );
    // The fixture has its own ID3v2 tag behind ours; the one nearest the audio wins.
    let meta = audio_engine::metadata::read(&path).expect("metadata");
    assert_eq!(meta.title, "Tone Forty-Four");
}

#[test]
fn every_bad_file_never_panics_on_any_operation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths: Vec<std::path::PathBuf> = [
        "empty.mp3",
        "random.mp3",
        "truncated.mp3",
        "truncated.flac",
        "bad_header_short.wav",
        "corrupt_middle.flac",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    // Every fixture cut at several lengths.
    for name in GOOD_FIXTURES {
        let bytes = std::fs::read(fixture(name)).expect("read");
        for cut in [1, 4, 12, 100, 1000, bytes.len() / 3] {
            let p = dir.path().join(format!("cut{cut}-{name}"));
            std::fs::write(&p, &bytes[..cut.min(bytes.len())]).expect("write");
            paths.push(p);
        }
    }
    for p in &paths {
        let _ = audio_engine::metadata::read(p);
        let _ = audio_engine::metadata::sha256_file(p);
        let Ok(mut d) = decode::open(p) else { continue };
        let ch = usize::from(d.channels());
        let mut buf = vec![0.0f32; 1000 * ch];
        for target in [0u64, 5000, 1, 1_000_000, u64::MAX, 30_000] {
            let _ = d.seek(target);
            for _ in 0..200 {
                match d.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    }
}

#[test]
fn truncation_passes_through_the_resampler() {
    let d = decode::open(fixture("truncated.flac")).expect("open");
    let mut r = audio_engine::resample::Resampled::new(d, 48_000, 2).expect("resampler");
    let mut buf = vec![0.0f32; 4096 * 2];
    let mut frames = 0;
    let mut errors = Vec::new();
    for _ in 0..1000 {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => frames += n,
            Err(e) => errors.push(e.kind()),
        }
    }
    assert_eq!(
        errors,
        vec![DecodeErrorKind::Truncated],
        "one truncation error, then the end"
    );
    assert!(
        (50_000..90_000).contains(&frames),
        "{frames} frames at 48 kHz"
    );
}
