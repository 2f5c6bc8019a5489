//! LAN discovery of Tandem rooms with DNS-SD over multicast DNS (`_tandem._tcp.local.`).
//!
//! A host announces its room with an [`Announcer`]; the app lists the rooms of others with a
//! [`Browser`]. Both run on a [`Daemon`], a thread of the pure-Rust `mdns-sd` crate, checked at
//! start so that "no network" or "multicast not permitted" come back as a typed
//! [`DiscoveryError`] instead of silence.
//!
//! **Discovery is best-effort.** A firewall that drops UDP 5353, a Wi-Fi with client
//! isolation, a VPN, separate subnets or a missing "local network" permission hide rooms
//! without any error on either side. The app therefore always keeps the manual address field,
//! and treats an empty list as "none found", never as "none exist".
//!
//! ```no_run
//! # fn demo() -> Result<(), discovery::DiscoveryError> {
//! use discovery::{Announcer, Browser, Daemon, RoomAnnouncement};
//!
//! let daemon = Daemon::new()?;
//! let mut room = Announcer::start(
//!     &daemon,
//!     RoomAnnouncement {
//!         room_name: "Friday jazz".into(),
//!         host_name: "Ada".into(),
//!         code: "K7QM2D".into(),
//!         port: 7878,
//!         has_password: false,
//!         members: 1,
//!         protocol: 1,
//!     },
//! )?;
//! room.set_members(2)?;
//!
//! let browser = Browser::start(&daemon, 1)?;
//! let mut rooms = browser.subscribe(); // tokio::sync::watch::Receiver<Vec<DiscoveredRoom>>
//! for r in rooms.borrow_and_update().iter() {
//!     println!("{} by {} at {}", r.name, r.host_name, r.url);
//! }
//! room.stop()?; // goodbye packets: the room leaves other lists at once
//! # Ok(()) }
//! ```
//!
//! # What is on the wire
//! One service instance per room, named `"<room name> (<code>)"` ([`instance_name`]), with an
//! SRV record to `tandem-<code>.local.` on the room server's port, A/AAAA records of the
//! daemon's interfaces (kept current by mdns-sd), and a TXT record:
//!
//! | key | value |
//! | --- | --- |
//! | `code` | room code, 4–12 ASCII letters and digits |
//! | `name` | room name, ≤ 60 characters |
//! | `host` | host's display name, ≤ 60 characters |
//! | `pw` | `1` when a password is needed, else `0` |
//! | `members` | member count |
//! | `v` | protocol version |
//! | `path` | `/ws` |
//! | `rev` | a number that changes with every registration (mdns-sd sends identical records at most once a second, so without it a count going 1 → 2 → 1 quickly would stick at 2); ignored by browsers |
//!
//! A browser treats all of it as hostile: lengths are bounded, names may hold no control or
//! bidirectional-override characters, numbers are plain digits, and anything else, or another
//! protocol version, makes it skip the instance (logged at debug level). It keeps at most
//! [`MAX_ROOMS`].
//!
//! # Scopes and tests
//! [`Scope::Lan`] (the default) uses every non-loopback interface. [`Scope::Loopback`] uses
//! 127.0.0.1 only, so two daemons in one process find each other without touching the
//! network; the tests run that way, each in a network namespace of its own when they can
//! (see `tests/common/mod.rs`), and the LAN scope is tested over a veth pair inside one.
//!
//! # Layout
//! ```text
//! src/
//!   lib.rs        this overview and the re-exports
//!   daemon.rs     Daemon, DaemonConfig, Scope: the mdns-sd thread, its interfaces, the
//!                 start-up multicast check
//!   announce.rs   RoomAnnouncement, Announcer: register, update (new TXT), goodbye on stop/drop
//!   browse.rs     Browser, DiscoveredRoom: the event thread, the map by instance, the watch list
//!   txt.rs        TXT keys, the rules for names and codes, parsing hostile records, URL choice
//!   instance.rs   instance_name: sanitising a room name into a DNS-SD instance name
//!   error.rs      DiscoveryError with a stable kind()
//! tests/
//!   common/mod.rs              runs a test in its own network namespace (or skips loudly)
//!   room_found.rs              a room announced by one daemon is found by another's browser
//!   members_update.rs          a new member count (even one going back) and a rename reach
//!                              the browser
//!   stop_removes.rs            stop(), drop and daemon shutdown withdraw the room; a room
//!                              announced again right away is listed again
//!   lan_scope.rs               the app's LAN scope over a veth pair: LAN addresses, not loopback
//!   malformed_txt_skipped.rs   hostile or foreign TXT records are not listed
//!   instance_name.rs           instance-name sanitising
//!   daemon_errors.rs           typed errors: no interface, bad announcement, two browsers
//! ```

mod announce;
mod browse;
mod daemon;
mod error;
mod instance;
mod txt;

pub use announce::{Announcer, RoomAnnouncement};
pub use browse::{Browser, DiscoveredRoom, MAX_ROOMS};
pub use daemon::{Daemon, DaemonConfig, MDNS_PORT, SERVICE_TYPE, Scope};
pub use error::{DiscoveryError, Result};
pub use instance::{MAX_INSTANCE_BYTES, instance_name};
pub use txt::{MAX_CODE_LEN, MAX_NAME_CHARS, MIN_CODE_LEN, WS_PATH};
