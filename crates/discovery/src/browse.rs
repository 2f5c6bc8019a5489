//! [`Browser`]: keeps the list of rooms announced on the LAN, published through a
//! `tokio::sync::watch` channel.

use std::collections::HashMap;
use std::thread;

use mdns_sd::{Receiver, ResolvedService, ServiceEvent};
use serde::Serialize;
use tokio::sync::watch;

use crate::daemon::{Daemon, SERVICE_TYPE};
use crate::error::{DiscoveryError, Result};
use crate::txt;

/// The most rooms a browser keeps; more (a flood) are ignored until some leave.
pub const MAX_ROOMS: usize = 256;

/// A room found on the LAN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveredRoom {
    /// The room's name.
    pub name: String,
    /// The host's display name.
    pub host_name: String,
    /// The room code.
    pub code: String,
    /// Where to connect: `ws://ADDR:PORT/ws`, IPv4 preferred, IPv6 in brackets.
    pub url: String,
    /// Whether joining needs a password.
    pub has_password: bool,
    /// How many members the host says are in the room.
    pub members: u32,
}

/// Browses for rooms until [`stop`](Self::stop) or drop.
///
/// A thread reads mdns-sd's events and keeps a map from service instance to room: a resolved
/// instance is added or replaced, a removed one (goodbye, or records expired) deleted. Each
/// change publishes the whole list, sorted by name (then code, then URL). Instances whose TXT
/// record is malformed, hostile or of another protocol version are skipped (logged at debug).
#[derive(Debug)]
pub struct Browser {
    daemon: Daemon,
    rooms: watch::Receiver<Vec<DiscoveredRoom>>,
    stopped: bool,
}

impl Browser {
    /// Starts browsing for rooms that speak `protocol` (`room_core::PROTOCOL_VERSION`).
    ///
    /// # Errors
    /// [`AlreadyBrowsing`](DiscoveryError::AlreadyBrowsing) when `daemon` has a browser
    /// already; an mDNS error when the daemon is gone or the thread cannot start.
    pub fn start(daemon: &Daemon, protocol: u32) -> Result<Self> {
        if !daemon.claim_browsing() {
            return Err(DiscoveryError::AlreadyBrowsing);
        }
        let events = match daemon.mdns().browse(SERVICE_TYPE) {
            Ok(events) => events,
            Err(e) => {
                daemon.release_browsing();
                return Err(e.into());
            }
        };
        let (tx, rx) = watch::channel(Vec::new());
        let spawned = thread::Builder::new()
            .name("tandem-discovery".into())
            .spawn(move || run(&events, &tx, protocol));
        if let Err(e) = spawned {
            let _ = daemon.mdns().stop_browse(SERVICE_TYPE);
            daemon.release_browsing();
            return Err(DiscoveryError::Mdns(mdns_sd::Error::Msg(format!(
                "cannot start the browser thread: {e}"
            ))));
        }
        tracing::debug!(protocol, "browsing for rooms");
        Ok(Self {
            daemon: daemon.clone(),
            rooms: rx,
            stopped: false,
        })
    }

    /// The rooms known now, sorted by name.
    pub fn rooms(&self) -> Vec<DiscoveredRoom> {
        self.rooms.borrow().clone()
    }

    /// A receiver of the room list, updated on every change.
    pub fn subscribe(&self) -> watch::Receiver<Vec<DiscoveredRoom>> {
        self.rooms.clone()
    }

    /// Stops browsing; the list keeps its last value and the thread ends.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        if let Err(e) = self.daemon.mdns().stop_browse(SERVICE_TYPE) {
            tracing::debug!(error = %e, "stop browsing");
        }
        self.daemon.release_browsing();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The browser thread: until the search stops or the daemon goes away.
fn run(events: &Receiver<ServiceEvent>, tx: &watch::Sender<Vec<DiscoveredRoom>>, protocol: u32) {
    let mut rooms: HashMap<String, DiscoveredRoom> = HashMap::new();
    while let Ok(event) = events.recv() {
        match event {
            ServiceEvent::ServiceResolved(service) => {
                let key = service.fullname.to_ascii_lowercase();
                match room_of(&service, protocol) {
                    Ok(room) => {
                        if rooms.len() >= MAX_ROOMS && !rooms.contains_key(&key) {
                            tracing::debug!(fullname = %service.fullname, "too many rooms; skipped");
                            continue;
                        }
                        rooms.insert(key, room);
                    }
                    Err(reason) => {
                        tracing::debug!(fullname = %service.fullname, %reason, "room skipped");
                        rooms.remove(&key);
                    }
                }
            }
            ServiceEvent::ServiceRemoved(_, fullname) => {
                rooms.remove(&fullname.to_ascii_lowercase());
            }
            ServiceEvent::SearchStopped(_) => break,
            _ => continue,
        }
        publish(tx, &rooms);
    }
    tracing::debug!("room browser stopped");
}

fn publish(tx: &watch::Sender<Vec<DiscoveredRoom>>, rooms: &HashMap<String, DiscoveredRoom>) {
    let mut list: Vec<DiscoveredRoom> = rooms.values().cloned().collect();
    list.sort_by(|a, b| (&a.name, &a.code, &a.url).cmp(&(&b.name, &b.code, &b.url)));
    tx.send_if_modified(|current| {
        if *current == list {
            false
        } else {
            *current = list;
            true
        }
    });
}

/// The room a resolved instance describes, or why it is skipped.
fn room_of(service: &ResolvedService, protocol: u32) -> Result<DiscoveredRoom, String> {
    let txt = txt::parse(&service.txt_properties)?;
    if txt.protocol != protocol {
        return Err(format!(
            "protocol version {} (this app speaks {protocol})",
            txt.protocol
        ));
    }
    if service.port == 0 {
        return Err("port 0".into());
    }
    let addrs = service.addresses.iter().map(mdns_sd::ScopedIp::to_ip_addr);
    let url =
        txt::url(addrs, service.port, &txt.path).ok_or_else(|| "no usable address".to_owned())?;
    Ok(DiscoveredRoom {
        name: txt.name,
        host_name: txt.host_name,
        code: txt.code,
        url,
        has_password: txt.has_password,
        members: txt.members,
    })
}
