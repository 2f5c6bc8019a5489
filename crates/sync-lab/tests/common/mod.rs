//! Shared by the proxy tests: a loopback echo server that timestamps what it receives.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Generous ceiling for any single wait in these tests.
pub const WAIT: Duration = Duration::from_secs(10);

/// An echo server: every chunk it reads is written straight back, and its arrival instant is
/// reported on the channel.
pub async fn echo_server() -> (SocketAddr, mpsc::UnboundedReceiver<Instant>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let _ = sock.set_nodelay(true);
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = vec![0_u8; 64 * 1024];
                loop {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            let _ = tx.send(Instant::now());
                            if sock.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (addr, rx)
}

pub async fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    s
}

/// Sends one byte and waits for its echo; returns (server arrival - send, echo - server arrival).
pub async fn one_way_delays(
    sock: &mut TcpStream,
    arrivals: &mut mpsc::UnboundedReceiver<Instant>,
) -> (Duration, Duration) {
    let sent = Instant::now();
    sock.write_all(&[7]).await.unwrap();
    let mut b = [0_u8; 1];
    tokio::time::timeout(WAIT, sock.read_exact(&mut b))
        .await
        .expect("echo timed out")
        .unwrap();
    let back = Instant::now();
    let at_server = arrivals.recv().await.unwrap();
    (at_server - sent, back - at_server)
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
