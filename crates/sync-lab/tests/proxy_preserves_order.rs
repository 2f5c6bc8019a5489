//! Heavy jitter and spikes never reorder or lose bytes: a TCP stream stays a stream.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{WAIT, connect, echo_server};
use sync_lab::proxy::{self, LinkShape, Profile};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MS: Duration = Duration::from_millis(1);

#[tokio::test]
async fn bytes_arrive_in_order_under_jitter_and_spikes() {
    let (target, _arrivals) = echo_server().await;
    let shape = LinkShape::uniform(15 * MS, 15 * MS).with_spikes(0.2, 10 * MS, 40 * MS);
    let proxy = proxy::start(target, Profile::symmetric(shape), 42)
        .await
        .unwrap();
    let sock = connect(proxy.addr()).await;
    let (mut rd, mut wr) = sock.into_split();

    const N: u32 = 20_000;
    let writer = tokio::spawn(async move {
        for batch in 0..200_u32 {
            let mut buf = Vec::new();
            for i in 0..N / 200 {
                buf.extend_from_slice(&(batch * (N / 200) + i).to_be_bytes());
            }
            wr.write_all(&buf).await.unwrap();
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        wr.shutdown().await.unwrap();
    });

    let mut got = Vec::new();
    tokio::time::timeout(WAIT, rd.read_to_end(&mut got))
        .await
        .expect("echo did not finish")
        .unwrap();
    writer.await.unwrap();
    assert_eq!(got.len(), N as usize * 4);
    for (i, w) in got.chunks_exact(4).enumerate() {
        let v = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        assert_eq!(v, i as u32, "reordered at {i}");
    }
    let stats = proxy.stats();
    assert!(stats.chunks_up > 1, "{stats:?}");
    assert_eq!(stats.bytes_up, u64::from(N) * 4);
}
