//! Tags, format facts and cover art read from every fixture (tags as tests/fixtures/make.sh
//! sets them); the file name stands in for a missing title.

mod decode_common;
use audio_engine::metadata;
use decode_common::*;

/// (fixture, title, codec, rate, channels, duration µs, has cover)
const CASES: &[(&str, &str, &str, u32, u16, u64, bool)] = &[
    (
        "tone44s_cbr.mp3",
        "Tone Forty-Four",
        "mp3",
        44_100,
        2,
        3_000_000,
        true,
    ),
    (
        "tone44s_vbr.mp3",
        "Tone Forty-Four VBR",
        "mp3",
        44_100,
        2,
        3_000_000,
        false,
    ),
    (
        "tone48m.mp3",
        "Tone Forty-Eight",
        "mp3",
        48_000,
        1,
        2_000_000,
        false,
    ),
    (
        "tone44s.flac",
        "Tone Forty-Four",
        "flac",
        44_100,
        2,
        3_000_000,
        true,
    ),
    (
        "tone48m.flac",
        "Tone Forty-Eight",
        "flac",
        48_000,
        1,
        2_000_000,
        false,
    ),
    (
        "tone44s.ogg",
        "Tone Forty-Four",
        "vorbis",
        44_100,
        2,
        3_000_000,
        false,
    ),
    (
        "tone44s.opus",
        "Tone Forty-Four",
        "opus",
        48_000,
        2,
        3_000_000,
        false,
    ),
    (
        "tone44s_aac.m4a",
        "Tone Forty-Four",
        "aac",
        44_100,
        2,
        3_023_219,
        true,
    ),
    (
        "tone48m_alac.m4a",
        "Tone Forty-Eight",
        "alac",
        48_000,
        1,
        2_000_000,
        false,
    ),
    // No tags in these: the file name is the title.
    (
        "tone48m_s16.wav",
        "tone48m_s16",
        "wav",
        48_000,
        1,
        2_000_000,
        false,
    ),
    (
        "tone48m_f32.wav",
        "tone48m_f32",
        "wav",
        48_000,
        1,
        2_000_000,
        false,
    ),
];

#[test]
fn tags_and_format_of_every_fixture() {
    for &(name, title, codec, rate, channels, duration_us, has_cover) in CASES {
        let m = metadata::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.title, title, "{name}: title");
        let tagged = !name.ends_with(".wav");
        let expect = |s: &str| tagged.then(|| s.to_string());
        assert_eq!(m.artist, expect("Tandem Test"), "{name}: artist");
        assert_eq!(m.album, expect("Fixtures"), "{name}: album");
        assert_eq!(m.codec, codec, "{name}: codec");
        assert_eq!(
            (m.sample_rate, m.channels),
            (rate, channels),
            "{name}: format"
        );
        assert_eq!(m.duration_us, Some(duration_us), "{name}: duration");
        assert_eq!(m.cover.is_some(), has_cover, "{name}: cover {:?}", m.cover);
    }
}

#[test]
fn cover_art_is_the_embedded_png() {
    let png = std::fs::read(fixture("cover.png")).expect("cover.png");
    for name in ["tone44s_cbr.mp3", "tone44s.flac", "tone44s_aac.m4a"] {
        let m = metadata::read(fixture(name)).expect("read");
        let cover = m.cover.unwrap_or_else(|| panic!("{name}: no cover"));
        assert!(
            cover.data == png,
            "{name}: cover bytes differ from cover.png"
        );
        assert_eq!(cover.mime, "image/png", "{name}: mime");
    }
}

#[test]
fn codec_names_are_room_cores_local_codecs() {
    // room-core's LOCAL_CODECS, restated (audio-engine does not depend on room-core).
    const LOCAL_CODECS: &[&str] = &["mp3", "flac", "vorbis", "opus", "wav", "aac", "alac"];
    for name in GOOD_FIXTURES {
        let m = metadata::read(fixture(name)).expect("read");
        assert!(LOCAL_CODECS.contains(&m.codec), "{name}: {}", m.codec);
    }
}
