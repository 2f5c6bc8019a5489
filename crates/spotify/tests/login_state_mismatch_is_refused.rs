//! A callback whose `state` is not the login's is refused, and the login ends: no code is
//! exchanged, nothing is stored, the listener closes.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use spotify::LoginError;
use spotify::fake::{Consent, FakeConfig};

#[tokio::test]
async fn a_redirect_with_another_state_is_refused() {
    let fake = fake(FakeConfig::new(clock())).await;
    fake.set_consent(Consent::ForgeState);
    let (spotify, store) = spotify(&fake);
    let result = spotify.login(fake.browser()).await;
    assert_eq!(result.err(), Some(LoginError::StateMismatch));
    assert!(!spotify.is_connected());
    assert!(store.get().is_none());
    assert_eq!(
        fake.count("POST", "/api/token"),
        0,
        "a forged code was exchanged"
    );
    eventually("the browser's page", Duration::from_secs(2), || {
        !fake.browser_pages().is_empty()
    })
    .await;
    let (status, body) = fake.browser_pages()[0].clone();
    assert_eq!(status, 400);
    assert!(body.contains("does not belong"), "{body}");
}

#[tokio::test]
async fn a_forged_callback_first_ends_the_login_and_the_real_one_finds_it_closed() {
    let fake = fake(FakeConfig::new(clock())).await;
    let (spotify, store) = spotify(&fake);
    let real_browser = fake.browser();
    let result = spotify
        .login(move |url| {
            let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
            let redirect = url::Url::parse(&q["redirect_uri"]).unwrap();
            let mut forged = redirect.clone();
            forged.set_query(Some("code=attacker-code&state=not-yours"));
            let url = url.clone();
            tokio::spawn(async move {
                let (status, _) = spotify::fake::browse(forged).await;
                assert_eq!(status, 400);
                // The user's real consent arrives after: too late, the login is over.
                real_browser(&url).unwrap();
            });
            Ok(())
        })
        .await;
    assert_eq!(result.err(), Some(LoginError::StateMismatch));
    assert!(store.get().is_none());
    assert!(!spotify.is_connected());
    eventually("the real browser's page", Duration::from_secs(3), || {
        !fake.browser_pages().is_empty()
    })
    .await;
    // The real callback found no listener (or a closed login): never a token exchange.
    let (status, _) = fake.browser_pages()[0].clone();
    assert_ne!(status, 200);
    assert_eq!(fake.count("POST", "/api/token"), 0);
}
