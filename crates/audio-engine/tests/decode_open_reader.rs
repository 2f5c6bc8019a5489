//! `decode::open_reader` decodes from any `MediaSource`: an in-memory buffer (seekable) and a
//! plain `Read` with no seeking (a download in progress), where forward seeks still work and a
//! backward seek is refused with a clear error instead of wrong audio.

mod decode_common;
use std::io::Cursor;

use audio_engine::decode::{self, ReadOnlySource};
use audio_engine::source::{DecodeErrorKind, FrameSource};
use decode_common::*;

#[test]
fn from_memory_matches_the_file() {
    for name in GOOD_FIXTURES {
        let (_, _, reference) = decode_file(name);
        let bytes = std::fs::read(fixture(name)).expect("read");
        // No hint at all: the content decides.
        let mut d = decode::open_reader(Box::new(Cursor::new(bytes)), None).expect("open");
        assert!(read_all(&mut d, 4096) == reference, "{name}");
    }
}

#[test]
fn from_an_unseekable_reader() {
    let (_, ch, reference) = decode_file("tone44s_vbr.mp3");
    let file = std::fs::File::open(fixture("tone44s_vbr.mp3")).expect("open");
    let src = ReadOnlySource::new(file);
    let mut d = decode::open_reader(Box::new(src), Some("mp3")).expect("open");
    // Forward seek: parses ahead.
    d.seek(50_000).expect("forward seek");
    let got = read_frames(&mut d, 1000);
    assert!(
        got[..] == reference[50_000 * ch..51_000 * ch],
        "forward seek on a stream"
    );
    // Backward: refused.
    let err = d.seek(1_000).expect_err("backward seek on a stream");
    assert_eq!(err.kind(), DecodeErrorKind::Unsupported, "{err}");
    // The stream goes on where it was.
    let got = read_frames(&mut d, 1000);
    assert!(
        got[..] == reference[51_000 * ch..52_000 * ch],
        "after a refused seek"
    );
}
