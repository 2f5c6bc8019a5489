//! Speaker mode end to end: the room server shares a FLAC file, the host adds it as a local
//! song, and `tandem-listen --audio` (on the null output: no sound card needed) fetches it from
//! the server, decodes it while it downloads, makes the room wait until it is ready, and plays
//! it through the audio engine so that the heard position follows the room's timeline.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Host, Listener, MS, TestServer, quantile_abs, telemetry, wait_telemetry};
use room_core::ServerMessage;
use room_server::ServerConfig;
use room_server::files::FileRegistry;
use serde_json::json;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../audio-engine/tests/fixtures/tone44s.flac")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speaker_mode_plays_shared_file() {
    let files = Arc::new(FileRegistry::new());
    let shared = files.share(fixture()).expect("share the fixture");
    let server = TestServer::start_with(ServerConfig {
        files: files.clone(),
        ..ServerConfig::default()
    })
    .await;
    let mut host = Host::create(&server).await;

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("speaker.jsonl");
    let cache = dir.path().join("cache");
    let (path_arg, cache_arg) = (
        path.to_string_lossy().into_owned(),
        cache.to_string_lossy().into_owned(),
    );
    let mut listener = Listener::spawn(&[
        &server.url(),
        "--code",
        &host.code,
        "--name",
        "Speaker",
        "--telemetry",
        &path_arg,
        "--audio",
        "--audio-device",
        "null",
        "--cache-dir",
        &cache_arg,
        "--status-every",
        "0.5",
    ]);
    listener
        .wait_for_stderr("no audio output: following the room silently")
        .await;
    listener.wait_for_stderr("in room").await;
    let deadline = Instant::now() + common::WAIT;
    let has_estimate = |r: &serde_json::Value| r["uncertaintyUs"].as_i64().is_some();
    while telemetry(&path).last().is_none_or(|r| !has_estimate(r)) {
        assert!(Instant::now() < deadline, "no clock estimate");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // 3 s of 44.1 kHz stereo: the engine resamples it to the output's 48 kHz.
    host.send(json!({"type": "add-song", "song": {
        "kind": "local",
        "sha256": shared.sha256,
        "codec": "flac",
        "title": "Tone",
        "durationUs": 3_000_000,
    }}))
    .await;
    let mut song_id = None;
    let started = loop {
        match host.recv().await {
            ServerMessage::PlaybackPaused(ev)
            | ServerMessage::PlaybackResumed(ev)
            | ServerMessage::PlaybackSeeked(ev)
            | ServerMessage::PlaybackStateUpdate(ev) => {
                song_id = song_id.or(ev.playback.song_id);
                if ev.playback.is_playing && ev.playback.song_id.is_some() {
                    break ev.playback;
                }
            }
            _ => {}
        }
    };

    let records = wait_telemetry(&path, "playing", Duration::from_millis(1_500), &listener).await;
    let mut errors = Vec::new();
    for r in records.iter().filter(|r| r["state"] == "playing") {
        let t_ns = r["tNs"].as_i64().expect("tNs");
        let room_position = t_ns / 1_000 - started.started_at_us;
        // Only while the song is on (it is 3 s long).
        if (0..2_900 * MS).contains(&room_position) {
            errors.push(r["positionUs"].as_i64().expect("position") - room_position);
        }
    }
    assert!(errors.len() > 50, "{} playing records", errors.len());
    let (p95, max) = (quantile_abs(&errors, 0.95), quantile_abs(&errors, 1.0));
    eprintln!(
        "speaker: {} playing records; heard - room |error| p95 {p95} us, max {max} us",
        errors.len()
    );
    // The engine was heard playing it (not a silent fallback).
    listener.wait_for_stderr("audio playing").await;
    assert!(p95 <= 3 * MS, "p95 error {p95} us");
    assert!(max <= 10 * MS, "max error {max} us");

    // The file came from the server, complete and verified, into the cache by its hash.
    let cached = cache.join(&shared.sha256);
    let deadline = Instant::now() + common::WAIT;
    while !cached.is_file() {
        assert!(
            Instant::now() < deadline,
            "{} not in the cache; stderr:\n{}",
            shared.sha256,
            listener.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        std::fs::read(&cached).expect("read the cached file"),
        std::fs::read(fixture()).expect("read the fixture")
    );

    eprintln!("{}", listener.stderr());
    listener.terminate();
    assert!(listener.wait_exit().await.success());
    server.stop().await;
}
