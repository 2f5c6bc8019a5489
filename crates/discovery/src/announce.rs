//! [`Announcer`]: publishes one room as a DNS-SD service instance and keeps it current.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use mdns_sd::{ServiceInfo, UnregisterStatus};
use serde::{Deserialize, Serialize};

use crate::daemon::{Daemon, SERVICE_TYPE};
use crate::error::{DiscoveryError, Result};
use crate::instance::instance_name;
use crate::txt;

/// How long [`Announcer::stop`] waits for the daemon to confirm the goodbye.
const STOP_WAIT: Duration = Duration::from_secs(2);

/// The next TXT revision ([`txt::KEY_REVISION`]): unique within the process for 2^32
/// registrations, so no announcement repeats an earlier one's TXT record, whichever
/// [`Announcer`] or [`Daemon`] sent it.
fn next_revision() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What a host tells the LAN about its room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomAnnouncement {
    /// The room's name: 1 to 60 characters, no control characters, no surrounding spaces.
    pub room_name: String,
    /// The host's display name, same rules.
    pub host_name: String,
    /// The room code: 4 to 12 ASCII letters and digits.
    pub code: String,
    /// The TCP port of the room server (its WebSocket is at `/ws`).
    pub port: u16,
    /// Whether joining needs a password.
    pub has_password: bool,
    /// How many members are in the room.
    pub members: u32,
    /// The protocol version the server speaks (`room_core::PROTOCOL_VERSION`); browsers list
    /// only rooms of their own version.
    pub protocol: u32,
}

impl RoomAnnouncement {
    /// Checks the rules every browser applies, so that what is announced is also listed.
    ///
    /// # Errors
    /// [`InvalidAnnouncement`](DiscoveryError::InvalidAnnouncement) naming the field.
    pub fn validate(&self) -> Result<()> {
        txt::check_name("room name", &self.room_name).map_err(DiscoveryError::invalid)?;
        txt::check_name("host name", &self.host_name).map_err(DiscoveryError::invalid)?;
        txt::check_code(&self.code).map_err(DiscoveryError::invalid)?;
        if self.port == 0 {
            return Err(DiscoveryError::invalid("port must not be 0"));
        }
        Ok(())
    }

    /// The DNS-SD instance name, see [`instance_name`](crate::instance_name).
    pub fn instance_name(&self) -> String {
        instance_name(&self.room_name, &self.code)
    }

    fn service_info(&self) -> Result<ServiceInfo> {
        let props = txt::build(
            &self.room_name,
            &self.host_name,
            &self.code,
            self.has_password,
            self.members,
            self.protocol,
            next_revision(),
        );
        // A host name of our own per room: never the machine's, which the OS's responder
        // (Avahi, Bonjour) owns.
        let host = format!("tandem-{}.local.", self.code.to_ascii_lowercase());
        let info = ServiceInfo::new(
            SERVICE_TYPE,
            &self.instance_name(),
            &host,
            (),
            self.port,
            &props[..],
        )?;
        // Addresses: those of the daemon's interfaces (the LAN's, or loopback), kept current
        // by mdns-sd as they come and go.
        Ok(info.enable_addr_auto())
    }
}

/// A room announced on the LAN until [`stop`](Self::stop) or drop, which send goodbye packets
/// so the room leaves other browsers' lists at once (not after the records' TTL).
#[derive(Debug)]
pub struct Announcer {
    daemon: Daemon,
    announcement: RoomAnnouncement,
    fullname: String,
    stopped: bool,
}

impl Announcer {
    /// Validates `announcement` and registers it. mdns-sd first probes the name (about 750 ms)
    /// then announces it; on a name conflict it renames the instance (`"… (2)"`).
    ///
    /// # Errors
    /// [`InvalidAnnouncement`](DiscoveryError::InvalidAnnouncement), or an mDNS error when the
    /// daemon is gone.
    pub fn start(daemon: &Daemon, announcement: RoomAnnouncement) -> Result<Self> {
        announcement.validate()?;
        let info = announcement.service_info()?;
        let fullname = info.get_fullname().to_owned();
        daemon.mdns().register(info)?;
        tracing::debug!(%fullname, port = announcement.port, "announcing room");
        Ok(Self {
            daemon: daemon.clone(),
            announcement,
            fullname,
            stopped: false,
        })
    }

    /// What is announced now.
    pub fn announcement(&self) -> &RoomAnnouncement {
        &self.announcement
    }

    /// The service instance's full name, e.g. `"Friday jazz (K7QM2D)._tandem._tcp.local."`.
    pub fn fullname(&self) -> &str {
        &self.fullname
    }

    /// Announces the new member count (re-registers with a new TXT record).
    ///
    /// # Errors
    /// As [`update`](Self::update).
    pub fn set_members(&mut self, members: u32) -> Result<()> {
        let next = RoomAnnouncement {
            members,
            ..self.announcement.clone()
        };
        self.update(next)
    }

    /// Replaces the announcement: a new TXT record under the same instance, or, when the room
    /// name or code changed the instance name, a goodbye for the old instance and a new one.
    /// Nothing is sent when nothing changed.
    ///
    /// # Errors
    /// [`InvalidAnnouncement`](DiscoveryError::InvalidAnnouncement) (the old announcement
    /// stays), or an mDNS error when the daemon is gone.
    pub fn update(&mut self, announcement: RoomAnnouncement) -> Result<()> {
        if announcement == self.announcement {
            return Ok(());
        }
        announcement.validate()?;
        let mut info = announcement.service_info()?;
        let fullname = info.get_fullname().to_owned();
        if fullname.eq_ignore_ascii_case(&self.fullname) {
            // Our own name already: announce the new records right away.
            info.set_requires_probe(false);
        } else {
            self.daemon.mdns().unregister(&self.fullname)?;
        }
        self.daemon.mdns().register(info)?;
        tracing::debug!(%fullname, members = announcement.members, "room announcement updated");
        self.fullname = fullname;
        self.announcement = announcement;
        Ok(())
    }

    /// Withdraws the room and waits (up to 2 s) until the daemon has sent the goodbye.
    ///
    /// # Errors
    /// An mDNS error when the daemon is gone or did not confirm.
    pub fn stop(mut self) -> Result<()> {
        self.stopped = true;
        let status = self.daemon.mdns().unregister(&self.fullname)?;
        match status.recv_timeout(STOP_WAIT) {
            Ok(UnregisterStatus::OK) => {
                tracing::debug!(fullname = %self.fullname, "room withdrawn");
                Ok(())
            }
            Ok(UnregisterStatus::NotFound) => Ok(()),
            Err(e) => Err(DiscoveryError::Mdns(mdns_sd::Error::Msg(format!(
                "no confirmation of the goodbye for {}: {e}",
                self.fullname
            )))),
        }
    }
}

impl Drop for Announcer {
    fn drop(&mut self) {
        if !self.stopped
            && let Err(e) = self.daemon.mdns().unregister(&self.fullname)
        {
            tracing::debug!(fullname = %self.fullname, error = %e, "could not withdraw room");
        }
    }
}
