//! Each direction gets its own delay (asymmetry), and a new profile applies to later chunks.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{connect, echo_server, median, one_way_delays};
use sync_lab::proxy::{self, LinkShape, Profile};

const MS: Duration = Duration::from_millis(1);

#[tokio::test]
async fn delays_are_applied_per_direction() {
    let (target, mut arrivals) = echo_server().await;
    let profile = Profile {
        up: LinkShape::fixed(40 * MS),
        down: LinkShape::fixed(10 * MS),
    };
    let proxy = proxy::start(target, profile, 1).await.unwrap();
    let mut sock = connect(proxy.addr()).await;

    let (mut ups, mut downs) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let (up, down) = one_way_delays(&mut sock, &mut arrivals).await;
        ups.push(up);
        downs.push(down);
    }
    // Lower bounds are hard (a chunk is never released early); upper bounds are generous for a
    // loaded machine.
    assert!(ups.iter().all(|&d| d >= 40 * MS), "up {ups:?}");
    assert!(downs.iter().all(|&d| d >= 10 * MS), "down {downs:?}");
    assert!(median(ups.clone()) < 70 * MS, "up {ups:?}");
    assert!(median(downs.clone()) < 40 * MS, "down {downs:?}");

    // Swap the asymmetry: later chunks follow the new profile.
    proxy.set_profile(Profile {
        up: LinkShape::fixed(5 * MS),
        down: LinkShape::fixed(45 * MS),
    });
    let (mut ups, mut downs) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let (up, down) = one_way_delays(&mut sock, &mut arrivals).await;
        ups.push(up);
        downs.push(down);
    }
    assert!(ups.iter().all(|&d| d >= 5 * MS), "up {ups:?}");
    assert!(downs.iter().all(|&d| d >= 45 * MS), "down {downs:?}");
    assert!(median(ups.clone()) < 35 * MS, "up {ups:?}");
    assert!(median(downs.clone()) < 75 * MS, "down {downs:?}");

    let stats = proxy.stats();
    assert_eq!(stats.accepted, 1);
    assert_eq!(stats.bytes_up, 14);
    assert_eq!(stats.bytes_down, 14);
}

#[tokio::test]
async fn jitter_stays_within_its_shape() {
    let (target, mut arrivals) = echo_server().await;
    let shape = LinkShape::uniform(20 * MS, 10 * MS);
    let proxy = proxy::start(target, Profile::symmetric(shape), 9)
        .await
        .unwrap();
    let mut sock = connect(proxy.addr()).await;
    let mut ups = Vec::new();
    for _ in 0..20 {
        let (up, _) = one_way_delays(&mut sock, &mut arrivals).await;
        ups.push(up);
    }
    // One echo at a time, so no head-of-line effect: every delay is 10..=30 ms (+ timer slack).
    assert!(ups.iter().all(|&d| d >= 10 * MS), "{ups:?}");
    let spread = *ups.iter().max().unwrap() - *ups.iter().min().unwrap();
    assert!(spread >= 4 * MS, "jitter not applied: {ups:?}");
    assert!(median(ups.clone()) < 50 * MS, "{ups:?}");
}
