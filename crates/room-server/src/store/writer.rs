//! The writer thread: the only user of the [`SqliteStore`] while the server runs.
//!
//! Why a thread and not `spawn_blocking` per write: SQLite writes are serial anyway, one owner
//! needs no lock around the connection, and a queue in front of it is what turns a burst of
//! small ops into a few large transactions. Room tasks only push onto an unbounded channel,
//! which never blocks and never awaits.
//!
//! Order: ops are applied in the order they were submitted (per handle, and in channel order
//! across handles). A [`StoreHandle::flush`] resolves once everything submitted before it is
//! committed (or has failed and been logged).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};

use room_core::persist::StoreOp;
use tokio::sync::oneshot;

use super::{SqliteStore, StoreError};

/// Most ops one transaction takes before it commits and starts the next, so a flood of ops is
/// never held back (or held in memory twice) by one endless drain.
const MAX_BATCH_OPS: usize = 10_000;

enum Msg {
    Ops(String, Vec<StoreOp>),
    Flush(oneshot::Sender<()>),
    Close(oneshot::Sender<()>),
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the ops themselves: records carry secret digests.
        match self {
            Msg::Ops(code, ops) => write!(f, "Ops({code}, {} ops)", ops.len()),
            Msg::Flush(_) => f.write_str("Flush"),
            Msg::Close(_) => f.write_str("Close"),
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    submitted_ops: AtomicU64,
    applied_ops: AtomicU64,
    failed_ops: AtomicU64,
    transactions: AtomicU64,
}

/// Counters of the store's work since it was spawned, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Ops handed to [`StoreHandle::submit`].
    pub submitted_ops: u64,
    /// Ops committed.
    pub applied_ops: u64,
    /// Ops dropped: their transaction failed, or they came after the writer stopped.
    pub failed_ops: u64,
    /// Transactions committed.
    pub transactions: u64,
}

impl StoreStats {
    /// Ops submitted but not yet committed or dropped (the writer's backlog).
    pub fn pending_ops(&self) -> u64 {
        self.submitted_ops
            .saturating_sub(self.applied_ops)
            .saturating_sub(self.failed_ops)
    }
}

/// A cheap, cloneable way for room tasks to reach the writer thread.
///
/// When the last handle is dropped, the thread applies what is queued and stops;
/// [`StoreHandle::close`] does the same and waits for it.
#[derive(Debug, Clone)]
pub struct StoreHandle {
    tx: Sender<Msg>,
    counters: Arc<Counters>,
}

impl StoreHandle {
    /// Queue `ops` for room `room`. Never blocks; an empty `ops` is a no-op. After the writer
    /// has stopped the ops are dropped, with a warning and in [`StoreStats::failed_ops`].
    pub fn submit(&self, room: &str, ops: Vec<StoreOp>) {
        if ops.is_empty() {
            return;
        }
        let n = ops.len() as u64;
        self.counters.submitted_ops.fetch_add(n, Ordering::Relaxed);
        if self.tx.send(Msg::Ops(room.to_owned(), ops)).is_err() {
            self.counters.failed_ops.fetch_add(n, Ordering::Relaxed);
            tracing::warn!(%room, ops = n, "store writer has stopped; ops dropped");
        }
    }

    /// Wait until everything submitted before this call is committed (or failed and logged).
    ///
    /// # Errors
    /// [`StoreError::Closed`] when the writer has stopped.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Msg::Flush(done))
            .map_err(|_| StoreError::Closed)?;
        wait.await.map_err(|_| StoreError::Closed)
    }

    /// Stop the writer: it applies everything queued, closes the database and ends its thread;
    /// this resolves after that. Other handles' later submits are dropped.
    pub async fn close(self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Close(done)).is_ok() {
            // An error means the thread is already gone, which is what we wait for.
            let _ = wait.await;
        }
    }

    /// The writer's counters.
    pub fn stats(&self) -> StoreStats {
        let c = &self.counters;
        StoreStats {
            submitted_ops: c.submitted_ops.load(Ordering::Relaxed),
            applied_ops: c.applied_ops.load(Ordering::Relaxed),
            failed_ops: c.failed_ops.load(Ordering::Relaxed),
            transactions: c.transactions.load(Ordering::Relaxed),
        }
    }
}

/// The writer thread's state: the store, its inbox and the counters it shares with the handles.
pub struct StoreWriter {
    store: SqliteStore,
    rx: Receiver<Msg>,
    counters: Arc<Counters>,
    batch: Vec<(String, StoreOp)>,
    flushed: Vec<oneshot::Sender<()>>,
    closed: Vec<oneshot::Sender<()>>,
}

impl StoreWriter {
    /// Move `store` onto a new thread named `tandem-store` and return the first handle to it.
    ///
    /// # Errors
    /// [`StoreError::Spawn`] when the OS refuses a new thread.
    pub fn spawn(store: SqliteStore) -> Result<StoreHandle, StoreError> {
        let (tx, rx) = mpsc::channel();
        let counters = Arc::new(Counters::default());
        let writer = Self {
            store,
            rx,
            counters: Arc::clone(&counters),
            batch: Vec::new(),
            flushed: Vec::new(),
            closed: Vec::new(),
        };
        std::thread::Builder::new()
            .name("tandem-store".into())
            .spawn(move || writer.run())
            .map_err(StoreError::Spawn)?;
        Ok(StoreHandle { tx, counters })
    }

    fn run(mut self) {
        // `recv` fails only once every handle is gone and the channel is empty.
        while let Ok(msg) = self.rx.recv() {
            self.take(msg);
            loop {
                // Drain what else is already queued into the same transaction.
                let mut drained = false;
                while self.batch.len() < MAX_BATCH_OPS {
                    match self.rx.try_recv() {
                        Ok(msg) => self.take(msg),
                        Err(_) => {
                            drained = true;
                            break;
                        }
                    }
                }
                self.commit();
                for done in self.flushed.drain(..) {
                    let _ = done.send(());
                }
                // Closing: go on until the queue is empty, still in bounded transactions.
                if drained || self.closed.is_empty() {
                    break;
                }
            }
            if !self.closed.is_empty() {
                break;
            }
        }
        let Self {
            store,
            rx,
            counters,
            closed,
            ..
        } = self;
        // Close the connection (checkpointing the WAL) before telling anyone we are done.
        drop(store);
        // Whatever raced in behind a close is not applied; count it, and stop the channel.
        let late: usize = rx
            .try_iter()
            .map(|msg| match msg {
                Msg::Ops(_, ops) => ops.len(),
                Msg::Flush(_) | Msg::Close(_) => 0,
            })
            .sum();
        drop(rx);
        if late > 0 {
            counters
                .failed_ops
                .fetch_add(late as u64, Ordering::Relaxed);
            tracing::warn!(ops = late, "store ops submitted after close were dropped");
        }
        tracing::debug!("store writer stopped");
        for done in closed {
            let _ = done.send(());
        }
    }

    fn take(&mut self, msg: Msg) {
        match msg {
            Msg::Ops(code, ops) => self
                .batch
                .extend(ops.into_iter().map(|op| (code.clone(), op))),
            Msg::Flush(done) => self.flushed.push(done),
            Msg::Close(done) => self.closed.push(done),
        }
    }

    /// Apply the drained batch in one transaction. If it fails, retry room by room, so one
    /// room's bad op (or a transient error) costs only that room's ops.
    fn commit(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        let Err(error) = self.store.apply(&batch) else {
            self.committed(batch.len());
            return;
        };
        tracing::warn!(%error, ops = batch.len(), "store batch failed; retrying room by room");
        let mut failed_rooms = 0_usize;
        for (room, ops) in by_room(batch) {
            match self.store.apply(&ops) {
                Ok(()) => self.committed(ops.len()),
                Err(error) => {
                    failed_rooms += 1;
                    self.counters
                        .failed_ops
                        .fetch_add(ops.len() as u64, Ordering::Relaxed);
                    tracing::error!(%room, %error, ops = ops.len(), "store ops dropped");
                }
            }
        }
        if failed_rooms > 0 {
            tracing::error!(
                rooms = failed_rooms,
                "stored state of some rooms is now behind"
            );
        }
    }

    fn committed(&self, ops: usize) {
        self.counters.transactions.fetch_add(1, Ordering::Relaxed);
        self.counters
            .applied_ops
            .fetch_add(ops as u64, Ordering::Relaxed);
    }
}

/// Split a batch per room, keeping each room's ops in order.
fn by_room(batch: Vec<(String, StoreOp)>) -> Vec<(String, Vec<(String, StoreOp)>)> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(String, Vec<(String, StoreOp)>)> = Vec::new();
    for (code, op) in batch {
        let i = *index.entry(code.clone()).or_insert_with(|| {
            groups.push((code.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push((code, op));
    }
    groups
}
