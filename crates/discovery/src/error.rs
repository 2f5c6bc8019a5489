//! [`DiscoveryError`]: why announcing or browsing could not start, with a stable
//! [`kind`](DiscoveryError::kind) for the UI.

use std::io;

use crate::daemon::Scope;

/// Why discovery could not be set up or a room could not be announced.
///
/// Every variant that comes from the machine (no network, no permission) is worth showing to
/// the user next to the manual address field: discovery is best-effort, joining by address
/// always works without it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// No usable network interface: the machine is offline (LAN scope), or the loopback
    /// interface is down (loopback scope).
    #[error(
        "no network interface to look for rooms on ({scope}): connect to a network, or join a room by its address"
    )]
    NoInterface {
        /// The interfaces that were looked for.
        scope: Scope,
    },
    /// The operating system refused the multicast socket (a sandbox, a policy, or a missing
    /// "local network" permission).
    #[error(
        "multicast is not permitted on this machine ({context}: {source}); rooms on the LAN cannot be listed, join by address instead"
    )]
    PermissionDenied {
        /// What was being done.
        context: String,
        /// The OS error.
        source: io::Error,
    },
    /// Another program holds the mDNS port without sharing it.
    #[error("the mDNS port {port} is taken by another program that does not share it: {source}")]
    PortInUse {
        /// The UDP port (5353 unless configured).
        port: u16,
        /// The OS error.
        source: io::Error,
    },
    /// Multicast sockets cannot be set up for another reason (no multicast route, unsupported).
    #[error("multicast is unavailable ({context}: {source}); join a room by its address instead")]
    MulticastUnavailable {
        /// What was being done.
        context: String,
        /// The OS error.
        source: io::Error,
    },
    /// The announcement breaks the rules every browser applies (so no one would list it).
    #[error("invalid room announcement: {reason}")]
    InvalidAnnouncement {
        /// Which field and why.
        reason: String,
    },
    /// [`Browser::start`](crate::Browser::start) was called while another browser of the same
    /// [`Daemon`](crate::Daemon) is running (mdns-sd keeps one listener per service type).
    #[error("a room browser is already running on this discovery daemon")]
    AlreadyBrowsing,
    /// The mDNS daemon thread has stopped.
    #[error("the mDNS daemon has shut down")]
    DaemonShutdown,
    /// Any other error from the mDNS library.
    #[error("mDNS error: {0}")]
    Mdns(mdns_sd::Error),
}

impl DiscoveryError {
    /// A stable machine-readable kind, e.g. `"no-interface"`, `"permission-denied"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoInterface { .. } => "no-interface",
            Self::PermissionDenied { .. } => "permission-denied",
            Self::PortInUse { .. } => "port-in-use",
            Self::MulticastUnavailable { .. } => "multicast-unavailable",
            Self::InvalidAnnouncement { .. } => "invalid-announcement",
            Self::AlreadyBrowsing => "already-browsing",
            Self::DaemonShutdown => "daemon-shutdown",
            Self::Mdns(_) => "mdns",
        }
    }

    /// True when the machine cannot do multicast discovery at all (as opposed to a bad
    /// argument): the UI hides the room list and keeps only the manual address.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::NoInterface { .. }
                | Self::PermissionDenied { .. }
                | Self::PortInUse { .. }
                | Self::MulticastUnavailable { .. }
                | Self::DaemonShutdown
        )
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidAnnouncement {
            reason: reason.into(),
        }
    }

    /// Classifies an OS error from setting up a multicast socket.
    pub(crate) fn from_socket(context: impl Into<String>, port: u16, source: io::Error) -> Self {
        let context = context.into();
        match source.kind() {
            io::ErrorKind::PermissionDenied => Self::PermissionDenied { context, source },
            io::ErrorKind::AddrInUse => Self::PortInUse { port, source },
            _ => Self::MulticastUnavailable { context, source },
        }
    }
}

impl From<mdns_sd::Error> for DiscoveryError {
    fn from(e: mdns_sd::Error) -> Self {
        match e {
            mdns_sd::Error::DaemonShutdown => Self::DaemonShutdown,
            other => Self::Mdns(other),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = DiscoveryError> = std::result::Result<T, E>;
