//! `metadata::sha256_file` is the SHA-256 `sha256sum` prints: 64 lowercase hex characters.

mod decode_common;
use std::process::Command;

use audio_engine::metadata::sha256_file;
use decode_common::*;

#[test]
fn matches_sha256sum() {
    if Command::new("sha256sum").arg("--version").output().is_err() {
        skip("sha256sum not installed (Debian: coreutils)");
        return;
    }
    for name in GOOD_FIXTURES.iter().chain(&["empty.mp3", "random.mp3"]) {
        let path = fixture(name);
        let ours = sha256_file(&path).expect("hash");
        let out = Command::new("sha256sum")
            .arg(&path)
            .output()
            .expect("run sha256sum");
        let theirs = String::from_utf8_lossy(&out.stdout);
        let theirs = theirs.split_whitespace().next().unwrap_or_default();
        assert_eq!(ours, theirs, "{name}");
        assert_eq!(ours.len(), 64);
        assert!(
            ours.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
}

#[test]
fn known_vectors_and_files_larger_than_the_read_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, b"").expect("write");
    assert_eq!(
        sha256_file(&empty).expect("hash"),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let abc = dir.path().join("abc");
    std::fs::write(&abc, b"abc").expect("write");
    assert_eq!(
        sha256_file(&abc).expect("hash"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // One million 'a's (FIPS 180-2 test vector), spanning many 64 KiB blocks.
    let million = dir.path().join("million");
    std::fs::write(&million, vec![b'a'; 1_000_000]).expect("write");
    assert_eq!(
        sha256_file(&million).expect("hash"),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
    assert!(sha256_file(dir.path().join("missing")).is_err());
}
