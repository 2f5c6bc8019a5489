//! What every connection and room task shares.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::RoomClock;
use crate::config::ServerConfig;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::store::StoreHandle;

pub type Shared = Arc<ServerState>;

#[derive(Debug)]
pub struct ServerState {
    pub clock: RoomClock,
    pub config: ServerConfig,
    pub metrics: Metrics,
    pub registry: Registry,
    pub store: Option<StoreHandle>,
    /// Every connection and room task, so shutdown can wait for them.
    pub tracker: TaskTracker,
    pub shutdown: CancellationToken,
    pub next_conn_id: AtomicU64,
}
