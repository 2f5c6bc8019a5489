//! No code, token, refresh token or PKCE verifier reaches a log line (at any level, the HTTP
//! client's included) or a `Debug` output, through a login, refreshes, playback, errors and a
//! revocation.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use listener::Player;
use spotify::fake::{FakeConfig, FakeDevice, TRACK_LONG_MIX, spotify_song};
use spotify::{KeyringStore, PlayerConfig};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_appear_in_no_log_and_no_debug() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();

    let clock = clock();
    let fake = fake(
        FakeConfig::new(clock.clone()).latency(Duration::from_millis(10), Duration::from_millis(2)),
    )
    .await;
    fake.add_device(FakeDevice::new("pc", "Desk PC"));
    let (spotify, store) = connected(&fake).await;
    let mut debug = Vec::new();
    debug.push(format!("{spotify:?} {:?} {:?}", store, store.get()));

    // Playback, a refresh on a 401, a failing call, a rate limit.
    let mut player = spotify.player(clock.clone(), PlayerConfig::default());
    player.load(1, Some(&spotify_song(1, TRACK_LONG_MIX)));
    player.start_at(clock.now_us(), 0);
    eventually("the device to play", Duration::from_secs(3), || {
        fake.device("pc").is_some_and(|d| d.playing)
    })
    .await;
    fake.expire_access_tokens();
    debug.push(format!("{:?}", spotify.devices().await));
    debug.push(format!(
        "{:?}",
        spotify.track("0000000000000000000000").await
    ));
    fake.throttle_next(1, 1);
    debug.push(format!("{:?}", spotify.profile().await));
    sleep_ms(1_600).await;
    debug.push(format!(
        "{player:?} {:?} {:?}",
        player.take_notices(),
        store.get()
    ));
    debug.push(format!("{:?}", KeyringStore::new("client")));

    // A revoked login.
    fake.revoke_refresh_tokens();
    fake.expire_access_tokens();
    sleep_ms(1_100).await;
    debug.push(format!("{:?}", spotify.devices().await));
    debug.push(format!("{spotify:?} {player:?}"));
    drop(player);
    sleep_ms(100).await;

    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).to_string();
    assert!(
        logs.contains("spotify"),
        "nothing was logged: the check would be empty"
    );
    let secrets = fake.issued_secrets();
    assert!(secrets.len() >= 6, "{} secrets", secrets.len());
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
        for d in &debug {
            assert!(!d.contains(secret.as_str()), "a secret reached Debug: {d}");
        }
    }
    assert!(debug.iter().any(|d| d.contains("<redacted>")));
}
