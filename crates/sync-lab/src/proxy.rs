//! A userspace TCP impairment proxy: delay, jitter, asymmetry, stalls and cuts on loopback.
//!
//! [`start`] listens on `127.0.0.1:0` and forwards every accepted connection to a target
//! address. Each direction has its own [`LinkShape`] (so asymmetry is simply two different base
//! delays), drawn from a seeded SplitMix64 ([`sync_core::netem::Rng`]) so a run is reproduced by
//! its seed (given the same order of connections and chunks). The [`ProxyHandle`] changes the
//! [`Profile`] on the fly, stalls one direction, or cuts the path.
//!
//! # Jitter on TCP is head-of-line delay
//! The proxy forwards a TCP byte stream, which cannot reorder: bytes must reach the peer in the
//! order they were sent. Each chunk read from one side gets a release time `arrival + delay`,
//! and release times are forced to be monotonic within a direction of a connection:
//! `release = max(arrival + delay, previous release)`. So a chunk that draws a small delay right
//! behind one that drew a spike waits for it, exactly as a real TCP receiver holds back segments
//! behind a lost one. Jitter therefore shows up as head-of-line delay: the delays the peer sees
//! are correlated and skewed upward, never reordered. (A clock estimator that picks the sample
//! with the smallest round trip is unaffected by the upward skew: it only needs *some* samples
//! that went through at the base delay.)
//!
//! "Chunk" is whatever one `read` returned: several small messages written back-to-back may be
//! coalesced into one chunk and delayed together, as on a real path.
//!
//! # Timer resolution
//! Tokio's timer wheel has a 1 ms granularity, as coarse as the LAN profile's whole jitter. So
//! the proxy sleeps on tokio's timer only to within 2 ms of a release, and the rest with the
//! OS's high-resolution sleep on tokio's blocking pool: chunks leave typically 50-150 µs after
//! their release time (timer slack and a thread hand-off), the same in both directions, so it
//! adds no asymmetry. The cost is a blocking-pool hand-off per delayed chunk, fine for the
//! lab's traffic (pings and room events), not meant for bulk transfers.
//!
//! # Cuts and stalls
//! - [`ProxyHandle::stall`] holds one direction's bytes for a while (nothing is lost; they flow
//!   again, in order, afterwards), like a Wi-Fi power-save hiccup.
//! - [`ProxyHandle::cut`] ([`CutMode::Blackhole`]) holds both directions of every connection,
//!   and new connections are accepted but not connected to the target, until the cut ends: a
//!   network outage that TCP survives if it is short enough and the peers are patient.
//! - [`CutMode::Reset`] also resets every open connection (RST) when the cut starts and refuses
//!   new ones (accept, then RST) until it ends: the outage a listener sees after a network change.

mod profile;

pub use profile::{Direction, LinkShape, Profile};

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sync_core::netem::Rng;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;

/// The last stretch of a chunk's wait is slept with the OS's high-resolution sleep.
const PRECISE_WINDOW: Duration = Duration::from_millis(2);
/// Largest chunk read at once.
const CHUNK_BYTES: usize = 16 * 1024;
/// Chunks waiting for release per direction of a connection; when full the proxy stops reading,
/// and TCP's own flow control pushes back on the sender.
const QUEUED_CHUNKS: usize = 1024;

/// What a cut does to connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutMode {
    /// Hold every byte (and new connections) until the cut ends; nothing is lost.
    Blackhole,
    /// Reset every open connection now, and refuse new ones until the cut ends.
    Reset,
}

/// Counters since the proxy started. `active` is a gauge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    pub accepted: u64,
    pub active: u64,
    /// Connections accepted during a [`CutMode::Reset`] cut and closed at once.
    pub refused: u64,
    /// Open connections reset by a [`CutMode::Reset`] cut.
    pub reset: u64,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub chunks_up: u64,
    pub chunks_down: u64,
}

#[derive(Default)]
struct Counters {
    accepted: AtomicU64,
    active: AtomicU64,
    refused: AtomicU64,
    reset: AtomicU64,
    bytes: [AtomicU64; 2],
    chunks: [AtomicU64; 2],
}

#[derive(Debug, Default)]
struct Holds {
    cut_until: Option<(Instant, CutMode)>,
    stall_until: [Option<Instant>; 2],
}

impl Holds {
    /// The instant before which nothing may be released in `dir` (`None`: no hold).
    fn until(&self, dir: Direction, now: Instant) -> Option<Instant> {
        let cut = self.cut_until.map(|(t, _)| t);
        let stall = self.stall_until[dir.index()];
        [cut, stall]
            .into_iter()
            .flatten()
            .filter(|&t| t > now)
            .max()
    }

    fn cut(&self, now: Instant) -> Option<(Instant, CutMode)> {
        self.cut_until.filter(|&(t, _)| t > now)
    }
}

struct Shared {
    target: SocketAddr,
    profile: Mutex<Profile>,
    rng: Mutex<Rng>,
    holds: Mutex<Holds>,
    /// Bumped by every reset cut; connections watch it.
    reset_epoch: watch::Sender<u64>,
    counters: Counters,
}

/// A poisoned lock only means another task panicked mid-update of plain data: keep going.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn profile(&self) -> Profile {
        *lock(&self.profile)
    }

    /// Waits until `release` and until any hold on `dir` (cut or stall) has ended. Holds are
    /// re-read after every sleep, so a cut that starts while a chunk waits holds it too.
    async fn wait_release(&self, dir: Direction, release: Instant) {
        loop {
            let now = Instant::now();
            let hold = lock(&self.holds).until(dir, now);
            let until = hold.map_or(release, |h| h.max(release));
            if until <= now {
                return;
            }
            let remaining = until - now;
            if remaining > PRECISE_WINDOW {
                // Coarse: tokio's timer (1 ms ticks) to within the precise window.
                tokio::time::sleep_until(until - PRECISE_WINDOW).await;
            } else {
                // Fine: the OS's high-resolution sleep on a blocking thread, tens of µs late
                // instead of up to a millisecond.
                let _ = tokio::task::spawn_blocking(move || std::thread::sleep(remaining)).await;
            }
        }
    }

    /// Waits until no cut is in force (a SYN would not get through a blackhole).
    async fn wait_cut_over(&self) {
        loop {
            let now = Instant::now();
            let Some((until, _)) = lock(&self.holds).cut(now) else {
                return;
            };
            tokio::time::sleep_until(until).await;
        }
    }
}

/// Control of a running proxy. Dropping it stops the proxy and closes every connection.
pub struct ProxyHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: AbortHandle,
}

impl std::fmt::Debug for ProxyHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyHandle")
            .field("addr", &self.addr)
            .field("target", &self.shared.target)
            .finish_non_exhaustive()
    }
}

/// Starts a proxy on `127.0.0.1:0` forwarding to `target` through `profile`, its random draws
/// seeded by `seed`. Must be called within a tokio runtime.
///
/// # Errors
/// When the loopback listener cannot be bound.
pub async fn start(target: SocketAddr, profile: Profile, seed: u64) -> io::Result<ProxyHandle> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (reset_epoch, _) = watch::channel(0);
    let shared = Arc::new(Shared {
        target,
        profile: Mutex::new(profile),
        rng: Mutex::new(Rng::new(seed)),
        holds: Mutex::new(Holds::default()),
        reset_epoch,
        counters: Counters::default(),
    });
    let accept_task = tokio::spawn(accept_loop(listener, Arc::clone(&shared))).abort_handle();
    Ok(ProxyHandle {
        addr,
        shared,
        accept_task,
    })
}

impl ProxyHandle {
    /// Where clients connect (loopback).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the proxy forwards to.
    pub fn target(&self) -> SocketAddr {
        self.shared.target
    }

    pub fn profile(&self) -> Profile {
        self.shared.profile()
    }

    /// Applies to chunks read from now on (chunks already queued keep their release time).
    pub fn set_profile(&self, profile: Profile) {
        *lock(&self.shared.profile) = profile;
    }

    /// Blocks all traffic for `duration` ([`CutMode::Blackhole`]), then restores it.
    pub fn cut(&self, duration: Duration) {
        self.cut_with(duration, CutMode::Blackhole);
    }

    /// Blocks all traffic for `duration`, resetting connections when `mode` says so.
    pub fn cut_with(&self, duration: Duration, mode: CutMode) {
        let until = Instant::now() + duration;
        lock(&self.shared.holds).cut_until = Some((until, mode));
        if mode == CutMode::Reset {
            self.shared.reset_epoch.send_modify(|e| *e += 1);
        }
    }

    /// Ends a cut and every stall now.
    pub fn restore(&self) {
        let mut holds = lock(&self.shared.holds);
        holds.cut_until = None;
        holds.stall_until = [None, None];
    }

    /// Holds `dir`'s bytes for `duration` (in order, nothing lost).
    pub fn stall(&self, dir: Direction, duration: Duration) {
        lock(&self.shared.holds).stall_until[dir.index()] = Some(Instant::now() + duration);
    }

    /// Whether a cut is in force.
    pub fn is_cut(&self) -> bool {
        lock(&self.shared.holds).cut(Instant::now()).is_some()
    }

    pub fn stats(&self) -> ProxyStats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ProxyStats {
            accepted: get(&c.accepted),
            active: get(&c.active),
            refused: get(&c.refused),
            reset: get(&c.reset),
            bytes_up: get(&c.bytes[0]),
            bytes_down: get(&c.bytes[1]),
            chunks_up: get(&c.chunks[0]),
            chunks_down: get(&c.chunks[1]),
        }
    }
}

impl Drop for ProxyHandle {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task.
        self.accept_task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let client = match listener.accept().await {
            Ok((client, _)) => client,
            Err(_) => {
                // Out of descriptors or a connection aborted before accept: try again shortly.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        shared.counters.accepted.fetch_add(1, Ordering::Relaxed);
        let cut = lock(&shared.holds).cut(Instant::now());
        if matches!(cut, Some((_, CutMode::Reset))) {
            shared.counters.refused.fetch_add(1, Ordering::Relaxed);
            let _ = client.set_zero_linger();
            drop(client);
            continue;
        }
        let rng = lock(&shared.rng).fork();
        conns.spawn(serve(client, Arc::clone(&shared), rng));
    }
}

/// Decrements the active gauge however a connection ends (finished, failed, aborted).
struct ActiveGuard<'a>(&'a Counters);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn serve(client: TcpStream, shared: Arc<Shared>, mut rng: Rng) {
    let mut reset = shared.reset_epoch.subscribe();
    shared.counters.active.fetch_add(1, Ordering::Relaxed);
    let _active = ActiveGuard(&shared.counters);
    let _ = client.set_nodelay(true);
    shared.wait_cut_over().await;
    if reset.has_changed().unwrap_or(false) {
        // A reset cut started while this connection waited for a blackhole to end.
        let _ = client.set_zero_linger();
        return;
    }
    let Ok(server) = TcpStream::connect(shared.target).await else {
        return;
    };
    let _ = server.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let (up_rng, down_rng) = (rng.fork(), rng.fork());
    let forward = async {
        tokio::try_join!(
            pump(
                &mut client_read,
                &mut server_write,
                Direction::ClientToServer,
                &shared,
                up_rng
            ),
            pump(
                &mut server_read,
                &mut client_write,
                Direction::ServerToClient,
                &shared,
                down_rng
            ),
        )
    };
    let was_reset = tokio::select! {
        _ = forward => false,
        changed = reset.changed() => changed.is_ok(),
    };
    if was_reset {
        shared.counters.reset.fetch_add(1, Ordering::Relaxed);
        let _ = client_read.as_ref().set_zero_linger();
        let _ = server_read.as_ref().set_zero_linger();
    }
}

struct Chunk {
    release: Instant,
    /// `None`: the sender closed its side; shut down the write side after the data before it.
    data: Option<Vec<u8>>,
}

/// Forwards one direction: reads chunks as they come, stamps each with its release time, and
/// writes them in order once released. Returns when the sender closed and everything was
/// delivered; an I/O error on either side ends the whole connection.
async fn pump<R, W>(
    reader: &mut R,
    writer: &mut W,
    dir: Direction,
    shared: &Shared,
    mut rng: Rng,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (tx, mut rx) = mpsc::channel::<Chunk>(QUEUED_CHUNKS);
    let read = async move {
        let mut last_release = Instant::now();
        loop {
            let mut buf = vec![0_u8; CHUNK_BYTES];
            let n = reader.read(&mut buf).await?;
            let arrival = Instant::now();
            let delay = shared.profile().link(dir).sample(&mut rng);
            // In order: never before the chunk ahead (head-of-line, see the module docs).
            let release = (arrival + delay).max(last_release);
            last_release = release;
            let data = (n > 0).then(|| {
                buf.truncate(n);
                buf
            });
            let done = data.is_none();
            if tx.send(Chunk { release, data }).await.is_err() || done {
                return Ok::<(), io::Error>(());
            }
        }
    };
    let counters = &shared.counters;
    let write = async move {
        while let Some(chunk) = rx.recv().await {
            shared.wait_release(dir, chunk.release).await;
            match chunk.data {
                Some(data) => {
                    writer.write_all(&data).await?;
                    let i = dir.index();
                    counters.bytes[i].fetch_add(data.len() as u64, Ordering::Relaxed);
                    counters.chunks[i].fetch_add(1, Ordering::Relaxed);
                }
                None => {
                    writer.shutdown().await?;
                    return Ok::<(), io::Error>(());
                }
            }
        }
        Ok(())
    };
    tokio::try_join!(read, write)?;
    Ok(())
}
