//! A cut holds (or resets) everything for its duration, then traffic flows again.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{WAIT, connect, echo_server, one_way_delays};
use sync_lab::proxy::{self, CutMode, Profile};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

const MS: Duration = Duration::from_millis(1);

#[tokio::test]
async fn blackhole_cut_holds_bytes_and_new_connections_until_restored() {
    let (target, mut arrivals) = echo_server().await;
    let proxy = proxy::start(target, Profile::NONE, 1).await.unwrap();
    let mut sock = connect(proxy.addr()).await;
    let (up, down) = one_way_delays(&mut sock, &mut arrivals).await;
    assert!(up + down < 200 * MS);

    let started = Instant::now();
    proxy.cut(Duration::from_millis(800));
    assert!(proxy.is_cut());
    // Sent during the cut: held, not lost.
    sock.write_all(&[1]).await.unwrap();
    // A connection opened during the cut gets nowhere until it ends.
    let mut late = connect(proxy.addr()).await;
    late.write_all(&[2]).await.unwrap();

    let mut b = [0_u8; 1];
    tokio::time::timeout(WAIT, sock.read_exact(&mut b))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b[0], 1);
    assert!(started.elapsed() >= 790 * MS, "{:?}", started.elapsed());
    tokio::time::timeout(WAIT, late.read_exact(&mut b))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b[0], 2);
    assert!(!proxy.is_cut());
    while arrivals.try_recv().is_ok() {}

    // Restored: prompt again.
    let (up, down) = one_way_delays(&mut sock, &mut arrivals).await;
    assert!(up + down < 200 * MS, "{:?}", up + down);
}

#[tokio::test]
async fn reset_cut_drops_connections_and_refuses_new_ones_until_restored() {
    let (target, mut arrivals) = echo_server().await;
    let proxy = proxy::start(target, Profile::NONE, 1).await.unwrap();
    let mut sock = connect(proxy.addr()).await;
    one_way_delays(&mut sock, &mut arrivals).await;

    proxy.cut_with(Duration::from_millis(800), CutMode::Reset);
    // The open connection ends (reset or EOF) at once.
    let mut b = [0_u8; 1];
    let r = tokio::time::timeout(Duration::from_secs(2), sock.read(&mut b))
        .await
        .expect("connection not reset");
    assert!(matches!(r, Ok(0) | Err(_)), "{r:?}");

    // A new connection during the cut is closed straight away.
    let mut during = connect(proxy.addr()).await;
    let r = tokio::time::timeout(Duration::from_secs(2), during.read(&mut b))
        .await
        .expect("connection during the cut not closed");
    assert!(matches!(r, Ok(0) | Err(_)), "{r:?}");

    tokio::time::sleep(Duration::from_millis(900)).await;
    let mut after = connect(proxy.addr()).await;
    let (up, down) = one_way_delays(&mut after, &mut arrivals).await;
    assert!(up + down < 200 * MS);
    let stats = proxy.stats();
    assert_eq!(stats.reset, 1, "{stats:?}");
    assert_eq!(stats.refused, 1, "{stats:?}");
}
