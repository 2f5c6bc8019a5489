//! The whole PKCE login against the fake: authorize URL → the fake's consent → the loopback
//! callback → code exchange with the verifier → tokens stored; then the listener is gone, the
//! tokens work, survive a restart, and disconnect forgets them.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use spotify::fake::FakeConfig;
use spotify::{Spotify, SpotifyError};

#[tokio::test]
async fn login_stores_tokens_and_stops_listening() {
    let fake =
        fake(FakeConfig::new(clock()).latency(Duration::from_millis(10), Duration::from_millis(2)))
            .await;
    let (spotify, store) = spotify(&fake);
    assert!(!spotify.is_connected());
    assert_eq!(spotify.devices().await, Err(SpotifyError::NotConnected));

    let seen = Arc::new(Mutex::new(None));
    let browser = fake.browser();
    let seen_in = seen.clone();
    let profile = spotify
        .login(move |url| {
            *seen_in.lock().unwrap() = Some(url.clone());
            browser(url)
        })
        .await
        .unwrap();
    assert_eq!(profile.display_name.as_deref(), Some("Tandem Tester"));
    assert!(profile.can_control_playback());

    // The authorize URL: PKCE S256, a state, the loopback redirect, the scopes.
    let url = seen.lock().unwrap().clone().unwrap();
    assert_eq!(url.path(), "/authorize");
    let q: HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert_eq!(q["state"].len(), 32);
    assert!(q["scope"].contains("user-modify-playback-state"));
    let redirect = url::Url::parse(&q["redirect_uri"]).unwrap();
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert_eq!(redirect.path(), "/callback");
    let port = redirect.port().unwrap();

    // Tokens in the store, issued by the fake, exchanged exactly once.
    let stored = store.get().unwrap();
    let issued = fake.issued_secrets();
    assert!(issued.contains(&stored.access_token.expose().to_owned()));
    assert!(stored.refresh_token.is_some());
    assert_eq!(fake.count("POST", "/api/token"), 1);
    assert!(spotify.is_connected());

    // The browser was told it worked; the callback listener is closed.
    eventually("the browser's page", Duration::from_secs(2), || {
        !fake.browser_pages().is_empty()
    })
    .await;
    let (status, body) = fake.browser_pages()[0].clone();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Spotify is connected"), "{body}");
    let mut closed = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        sleep_ms(20).await;
    }
    assert!(closed, "the callback listener on port {port} is still open");

    // The tokens work, and a restart finds them.
    assert_eq!(spotify.devices().await, Ok(Vec::new()));
    let again = Spotify::new(fake.config().unwrap(), Arc::new(store.clone())).unwrap();
    assert!(again.is_connected());
    assert_eq!(again.profile().await.unwrap().id, "tandemtester");

    // Disconnect forgets them here and in the store.
    spotify.disconnect().await.unwrap();
    assert!(!spotify.is_connected());
    assert!(store.get().is_none());
    assert_eq!(spotify.devices().await, Err(SpotifyError::NotConnected));
}
