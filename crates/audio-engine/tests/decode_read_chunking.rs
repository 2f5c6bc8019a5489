//! The samples a decoder returns do not depend on the buffer sizes `read` is called with, and a
//! buffer that holds no whole frame reads nothing (it is not taken as the end).

mod decode_common;
use audio_engine::source::FrameSource;
use decode_common::*;

#[test]
fn any_buffer_size_gives_the_same_samples() {
    for name in [
        "tone44s_vbr.mp3",
        "tone44s.ogg",
        "tone44s_aac.m4a",
        "tone48m.flac",
    ] {
        let (_, ch, reference) = decode_file(name);
        for chunk in [1usize, 7, 333, 1152, 10_000] {
            let mut d = audio_engine::decode::open(fixture(name)).expect("open");
            let got = read_all(&mut d, chunk);
            assert!(
                got == reference,
                "{name}: reading {chunk} frames at a time differs"
            );
            assert_eq!(
                d.position() as usize,
                reference.len() / ch,
                "{name}: final position"
            );
        }
    }
}

#[test]
fn a_buffer_smaller_than_a_frame_reads_nothing() {
    let mut d = audio_engine::decode::open(fixture("tone44s.flac")).expect("open");
    let mut one = [0.0f32; 1];
    assert_eq!(d.read(&mut one).expect("read"), 0);
    assert_eq!(d.position(), 0);
    let mut two = [0.0f32; 2];
    assert_eq!(d.read(&mut two).expect("read"), 1);
}
