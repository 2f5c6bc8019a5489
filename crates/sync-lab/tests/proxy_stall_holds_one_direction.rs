//! A stall holds one direction's bytes (in order, none lost) and leaves the other alone.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{connect, echo_server, one_way_delays};
use sync_lab::proxy::{self, Direction, Profile};

const MS: Duration = Duration::from_millis(1);

#[tokio::test]
async fn stall_holds_one_direction_only() {
    let (target, mut arrivals) = echo_server().await;
    let proxy = proxy::start(target, Profile::NONE, 1).await.unwrap();
    let mut sock = connect(proxy.addr()).await;
    one_way_delays(&mut sock, &mut arrivals).await;

    proxy.stall(Direction::ServerToClient, Duration::from_millis(500));
    let (up, down) = one_way_delays(&mut sock, &mut arrivals).await;
    assert!(up < 200 * MS, "up stalled too: {up:?}");
    assert!(down >= 400 * MS, "down not stalled: {down:?}");

    proxy.stall(Direction::ClientToServer, Duration::from_millis(500));
    let (up, down) = one_way_delays(&mut sock, &mut arrivals).await;
    assert!(up >= 450 * MS, "up not stalled: {up:?}");
    assert!(down < 200 * MS, "down stalled too: {down:?}");
}
