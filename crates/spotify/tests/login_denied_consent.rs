//! "Cancel" on Spotify's consent page (`?error=access_denied`) ends the login with
//! `LoginError::Denied` and a page that says so.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use spotify::LoginError;
use spotify::fake::{Consent, FakeConfig};

#[tokio::test]
async fn denied_consent_is_reported_and_nothing_is_stored() {
    let fake = fake(FakeConfig::new(clock())).await;
    fake.set_consent(Consent::Deny);
    let (spotify, store) = spotify(&fake);
    let err = spotify.login(fake.browser()).await.err().unwrap();
    assert_eq!(err, LoginError::Denied);
    assert_eq!(err.kind(), "denied");
    assert!(err.to_string().contains("not granted"));
    assert!(store.get().is_none());
    assert_eq!(fake.count("POST", "/api/token"), 0);
    eventually("the browser's page", Duration::from_secs(2), || {
        !fake.browser_pages().is_empty()
    })
    .await;
    let (status, body) = fake.browser_pages()[0].clone();
    assert_eq!(status, 200);
    assert!(body.contains("not granted"), "{body}");

    // Changing their mind works.
    fake.set_consent(Consent::Approve);
    spotify.login(fake.browser()).await.unwrap();
    assert!(spotify.is_connected());
}

#[tokio::test]
async fn a_login_nobody_answers_times_out_and_stops_listening() {
    let fake = fake(FakeConfig::new(clock())).await;
    let mut config = fake.config().unwrap();
    config.login_timeout = Duration::from_millis(300);
    let store = spotify::MemoryStore::new();
    let spotify = spotify::Spotify::new(config, std::sync::Arc::new(store.clone())).unwrap();
    let port = std::sync::Arc::new(std::sync::Mutex::new(0u16));
    let port_in = port.clone();
    let result = spotify
        .login(move |url| {
            let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
            *port_in.lock().unwrap() = url::Url::parse(&q["redirect_uri"]).unwrap().port().unwrap();
            Ok(()) // the user never comes back
        })
        .await;
    assert_eq!(result.err(), Some(LoginError::TimedOut));
    let port = *port.lock().unwrap();
    sleep_ms(100).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "still listening on {port}"
    );
    // A browser that cannot open is its own error.
    let err = spotify.login(|_| Err("no browser".to_owned())).await.err();
    assert_eq!(err, Some(LoginError::Browser("no browser".to_owned())));
}
