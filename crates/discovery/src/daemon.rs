//! [`Daemon`]: one mdns-sd responder/querier thread, checked at start and limited to the
//! interfaces of a [`Scope`].

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mdns_sd::{IfKind, ServiceDaemon};
use socket2::{Domain, Protocol, Socket, Type};

use crate::error::{DiscoveryError, Result};

/// The DNS-SD service type of Tandem rooms.
pub const SERVICE_TYPE: &str = "_tandem._tcp.local.";

/// The standard mDNS port (RFC 6762).
pub const MDNS_PORT: u16 = 5353;

const GROUP_V4: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
const GROUP_V6: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0xfb);

/// How long dropping the last [`Daemon`] handle waits for the mDNS thread to send its goodbye
/// packets and exit.
const SHUTDOWN_WAIT: Duration = Duration::from_millis(500);

/// Which network interfaces a [`Daemon`] announces and browses on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every non-loopback interface that is up, IPv4 and IPv6: the LAN. What the app uses.
    #[default]
    Lan,
    /// The IPv4 loopback interface only (127.0.0.1): for tests, which then neither send to
    /// nor hear from the network.
    Loopback,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Lan => "LAN interfaces",
            Self::Loopback => "loopback interface",
        })
    }
}

/// Settings of a [`Daemon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaemonConfig {
    /// The interfaces to use.
    pub scope: Scope,
    /// The UDP port of mDNS; [`MDNS_PORT`] unless a test wants to keep to itself (announcer and
    /// browser must use the same one).
    pub port: u16,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        Self {
            scope: Scope::Lan,
            port: MDNS_PORT,
        }
    }
}

impl DaemonConfig {
    /// Loopback only, on the standard port.
    pub fn loopback() -> Self {
        Self {
            scope: Scope::Loopback,
            port: MDNS_PORT,
        }
    }

    /// The same settings on another UDP port.
    #[must_use]
    pub fn with_port(self, port: u16) -> Self {
        Self { port, ..self }
    }
}

/// A running mDNS daemon (a thread of mdns-sd), shared by [`Announcer`](crate::Announcer)s and
/// a [`Browser`](crate::Browser).
///
/// Cloning is cheap and shares the thread. It stops when the last clone, announcer and browser
/// are dropped, sending goodbye packets for the rooms still announced.
#[derive(Clone)]
pub struct Daemon {
    shared: Arc<Shared>,
}

struct Shared {
    mdns: ServiceDaemon,
    config: DaemonConfig,
    browsing: AtomicBool,
}

impl Drop for Shared {
    fn drop(&mut self) {
        match self.mdns.shutdown() {
            Ok(status) => {
                if let Err(e) = status.recv_timeout(SHUTDOWN_WAIT) {
                    tracing::debug!(error = %e, "mDNS daemon did not confirm its shutdown");
                }
            }
            Err(e) => tracing::debug!(error = %e, "mDNS daemon shutdown"),
        }
    }
}

impl fmt::Debug for Daemon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Daemon")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Daemon {
    /// Starts a daemon on the LAN interfaces and the standard port.
    ///
    /// # Errors
    /// See [`with_config`](Self::with_config).
    pub fn new() -> Result<Self> {
        Self::with_config(DaemonConfig::default())
    }

    /// Starts a daemon with `config`.
    ///
    /// Before starting mdns-sd (which would only log such failures at debug level and then
    /// stay silent) it checks that an interface of the scope is up and that a multicast socket
    /// can be bound to the port and join the mDNS group on at least one of them.
    ///
    /// # Errors
    /// [`NoInterface`](DiscoveryError::NoInterface), [`PermissionDenied`](DiscoveryError::PermissionDenied),
    /// [`PortInUse`](DiscoveryError::PortInUse) or
    /// [`MulticastUnavailable`](DiscoveryError::MulticastUnavailable) when the machine cannot do
    /// multicast DNS on that scope; [`Mdns`](DiscoveryError::Mdns) when the thread cannot start.
    pub fn with_config(config: DaemonConfig) -> Result<Self> {
        preflight(&config)?;
        let mdns = ServiceDaemon::new_with_port(config.port)?;
        let limited = match config.scope {
            Scope::Lan => mdns.disable_interface(vec![IfKind::LoopbackV4, IfKind::LoopbackV6]),
            Scope::Loopback => mdns
                .disable_interface(IfKind::All)
                .and_then(|()| mdns.enable_interface(IfKind::LoopbackV4)),
        };
        let shared = Arc::new(Shared {
            mdns,
            config,
            browsing: AtomicBool::new(false),
        });
        limited?;
        tracing::debug!(scope = %config.scope, port = config.port, "mDNS daemon started");
        Ok(Self { shared })
    }

    /// The settings it was started with.
    pub fn config(&self) -> DaemonConfig {
        self.shared.config
    }

    /// The underlying mdns-sd daemon, for what this crate does not wrap (tests use it to
    /// announce raw, malformed services).
    pub fn mdns(&self) -> &ServiceDaemon {
        &self.shared.mdns
    }

    /// Claims the one browser slot; false when a browser already holds it.
    pub(crate) fn claim_browsing(&self) -> bool {
        !self.shared.browsing.swap(true, Ordering::AcqRel)
    }

    pub(crate) fn release_browsing(&self) {
        self.shared.browsing.store(false, Ordering::Release);
    }
}

/// Checks what mdns-sd would otherwise fail at silently: an interface of the scope, a socket
/// bound to the port, membership of the mDNS group on one of those interfaces.
fn preflight(config: &DaemonConfig) -> Result<()> {
    let scope = config.scope;
    let port = config.port;
    let interfaces = if_addrs::get_if_addrs()
        .map_err(|e| DiscoveryError::from_socket("listing the network interfaces", port, e))?;
    let candidates: Vec<_> = interfaces
        .into_iter()
        .filter(|i| i.is_oper_up() && !i.is_p2p())
        .filter(|i| match scope {
            Scope::Lan => !i.is_loopback(),
            Scope::Loopback => i.is_loopback() && i.ip().is_ipv4(),
        })
        .collect();
    if candidates.is_empty() {
        return Err(DiscoveryError::NoInterface { scope });
    }

    let mut v4: Vec<Ipv4Addr> = Vec::new();
    let mut v6: Vec<u32> = Vec::new();
    for intf in &candidates {
        match intf.ip() {
            std::net::IpAddr::V4(ip) => v4.push(ip),
            std::net::IpAddr::V6(_) => v6.extend(intf.index),
        }
    }
    v6.sort_unstable();
    v6.dedup();

    let mut failure: Option<DiscoveryError> = None;
    if !v4.is_empty() {
        let bound = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port));
        match bind_shared(Domain::IPV4, bound) {
            Ok(sock) => {
                for ip in &v4 {
                    match sock.join_multicast_v4(&GROUP_V4, ip) {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            let what = format!("joining {GROUP_V4} on {ip}");
                            failure = Some(DiscoveryError::from_socket(what, port, e));
                        }
                    }
                }
            }
            Err(e) => failure = Some(e),
        }
    }
    if !v6.is_empty() {
        let bound = SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::UNSPECIFIED, port, 0, 0));
        match bind_shared(Domain::IPV6, bound) {
            Ok(sock) => {
                for index in &v6 {
                    match sock.join_multicast_v6(&GROUP_V6, *index) {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            let what = format!("joining {GROUP_V6} on interface #{index}");
                            failure = Some(DiscoveryError::from_socket(what, port, e));
                        }
                    }
                }
            }
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    Err(failure.unwrap_or(DiscoveryError::NoInterface { scope }))
}

/// A UDP socket bound to `addr` the way mdns-sd binds its own (address and port shared with
/// other mDNS programs), so the check fails only where mdns-sd would.
fn bind_shared(domain: Domain, addr: SocketAddr) -> Result<Socket> {
    let port = addr.port();
    let classify = |what: &str, e| DiscoveryError::from_socket(format!("{what} {addr}"), port, e);
    let sock = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| classify("creating a UDP socket for", e))?;
    sock.set_reuse_address(true)
        .map_err(|e| classify("sharing the address", e))?;
    #[cfg(unix)]
    if let Err(e) = sock.set_reuse_port(true) {
        tracing::debug!(error = %e, "SO_REUSEPORT unsupported");
    }
    sock.bind(&addr.into())
        .map_err(|e| classify("binding", e))?;
    Ok(sock)
}
