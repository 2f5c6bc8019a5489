//! What a [`SyncClient`](crate::SyncClient) connects to, as whom, and how it behaves.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sync_core::EstimatorConfig;

use crate::clock::{LocalClock, MonotonicClock};

/// Everything [`SyncClient::spawn`](crate::SyncClient::spawn) needs.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `ws://host:port/ws` or `wss://host:port/ws`. The host in it is the one connected to and
    /// named in the handshake (and checked against the certificate): a proxy in between is fine.
    pub url: String,
    pub join: Join,
    /// The clock for everything: ping timestamps, pong arrival, targets, scheduling.
    pub clock: Arc<dyn LocalClock>,
    pub tls: TlsOptions,
    pub reconnect: ReconnectPolicy,
    pub estimator: EstimatorConfig,
    /// Measure the clock offset with `clock-ping`. Off only for the naive baseline, which
    /// trusts the local clock as the original design did.
    pub clock_sync: bool,
    /// Positive when the output device is heard this long after it is written (Bluetooth:
    /// 100-300 ms): targets are that much ahead.
    pub output_latency_us: i64,
    /// No frame at all from the server for this long (pongs come every second) means the link
    /// is dead even if TCP has not noticed: drop it and reconnect.
    pub dead_after: Duration,
    /// Longest wait for TCP, TLS and the WebSocket handshake together.
    pub connect_timeout: Duration,
    /// Sent in `hello`, for the server's logs.
    pub client_name: String,
}

impl ClientConfig {
    /// A config with the defaults: the machine's monotonic clock, system CAs, clock sync on.
    pub fn new(url: impl Into<String>, join: Join) -> Self {
        Self {
            url: url.into(),
            join,
            clock: Arc::new(MonotonicClock::new()),
            tls: TlsOptions::default(),
            reconnect: ReconnectPolicy::default(),
            estimator: EstimatorConfig::default(),
            clock_sync: true,
            output_latency_us: 0,
            dead_after: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(10),
            client_name: concat!("tandem-sync-client/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn LocalClock>) -> Self {
        self.clock = clock;
        self
    }
}

/// Which room to join, as whom.
#[derive(Clone, PartialEq, Eq)]
pub struct Join {
    pub code: String,
    pub display_name: String,
    pub password: Option<String>,
    /// Reclaims the host role (from `room-created`).
    pub host_secret: Option<String>,
    /// Whether the room should wait for this listener's player before starting a song.
    pub wait_for_me: bool,
    /// Create the room instead of joining one: the first connection sends `create-room`, and
    /// from its `room-created` on, `code` and `host_secret` are the new room's (reconnects join
    /// it back as host). `code` is ignored until then.
    pub create: Option<CreateRoom>,
}

/// A room to create (see [`Join::create`]).
#[derive(Clone, PartialEq, Eq)]
pub struct CreateRoom {
    pub name: String,
    pub policy: room_core::ControlPolicy,
}

impl std::fmt::Debug for CreateRoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateRoom")
            .field("name", &self.name)
            .field("policy", &self.policy)
            .finish()
    }
}

impl Join {
    pub fn new(code: impl Into<String>, display_name: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            display_name: display_name.into(),
            password: None,
            host_secret: None,
            wait_for_me: true,
            create: None,
        }
    }

    /// Creates a room named `name` with `policy` (and the join's password, if set) as its host.
    pub fn create(
        name: impl Into<String>,
        policy: room_core::ControlPolicy,
        display_name: impl Into<String>,
    ) -> Self {
        Self {
            create: Some(CreateRoom {
                name: name.into(),
                policy,
            }),
            ..Self::new("", display_name)
        }
    }
}

impl std::fmt::Debug for Join {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Join")
            .field("code", &self.code)
            .field("display_name", &self.display_name)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("host_secret", &self.host_secret.as_ref().map(|_| "…"))
            .field("wait_for_me", &self.wait_for_me)
            .field("create", &self.create)
            .finish()
    }
}

/// Certificates trusted for `wss://`: the system's, plus optionally one more CA.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// A PEM file of CA certificates to trust besides the system's (a self-signed server's own
    /// certificate works too).
    pub extra_ca_pem: Option<PathBuf>,
}

/// When to try again after a drop: exponential backoff with jitter, so a restarted server is
/// not hit by every listener in the same millisecond.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    /// Wait before the first retry (before jitter).
    pub initial_delay: Duration,
    /// The wait doubles per failed attempt up to this.
    pub max_delay: Duration,
    /// Fraction of the wait that is random: the wait is uniform in
    /// `[delay * (1 - jitter), delay]`.
    pub jitter: f64,
}

impl Default for ReconnectPolicy {
    /// 200 ms doubling to 2 s, each wait uniform in its upper half.
    ///
    /// The cap is what a listener loses after an outage: once the path is back it may still be
    /// waiting out its last backoff, and the whole room hears it rejoin late. With a 10 s cap
    /// the sync lab's 10 s cut with resets kept a listener away for up to 8.6 s after the path
    /// returned; with 2 s the wait after a cut is at most 2 s whatever its length. The cost is
    /// a retry every 1-2 s per listener while a server is unreachable (a WebSocket handshake
    /// each, nothing for a server to notice), and the 50 % jitter still spreads a restarted
    /// server's listeners over a second instead of one millisecond.
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
            jitter: 0.5,
        }
    }
}
