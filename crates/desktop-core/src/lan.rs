//! Rooms on this network: browsing for others' rooms (sent to the UI as `discovery`) and
//! announcing the room this app hosts, through the `discovery` crate (DNS-SD over mDNS).
//!
//! Best-effort: a firewall or a Wi-Fi with client isolation hides rooms, so joining by address
//! stays. When multicast is unavailable the person is told once and the rest works.

use std::sync::Arc;
use std::time::Duration;

use discovery::{Announcer, Browser, Daemon, RoomAnnouncement};

use crate::app::App;
use crate::view::{Notice, NoticeLevel, UiEvent};

/// How often the announcement is checked against the hosted room (name, members).
const ANNOUNCE_EVERY: Duration = Duration::from_secs(2);

/// Starts browsing and announcing; runs until the app ends.
pub fn start(app: Arc<App>) {
    let daemon = match Daemon::new() {
        Ok(d) => d,
        Err(e) => {
            tracing::info!(error = %e, "LAN discovery off");
            app.emit(UiEvent::Notice(Notice {
                level: NoticeLevel::Info,
                code: "discovery-off".into(),
                message: format!("Rooms on this network cannot be listed ({e}). Join by code and address instead."),
            }));
            return;
        }
    };
    match Browser::start(&daemon, room_core::PROTOCOL_VERSION) {
        Ok(browser) => {
            let app = app.clone();
            tokio::spawn(async move {
                let mut rooms = browser.subscribe();
                loop {
                    let list = rooms.borrow_and_update().clone();
                    app.emit(UiEvent::Discovery { rooms: list });
                    if rooms.changed().await.is_err() {
                        break;
                    }
                }
                drop(browser);
            });
        }
        Err(e) => tracing::info!(error = %e, "not browsing for rooms"),
    }
    tokio::spawn(announce(app, daemon));
}

/// Keeps the hosted room announced while there is one.
async fn announce(app: Arc<App>, daemon: Daemon) {
    let mut announcer: Option<Announcer> = None;
    let mut every = tokio::time::interval(ANNOUNCE_EVERY);
    loop {
        every.tick().await;
        let wanted = app.hosted_room().await.map(|h| RoomAnnouncement {
            room_name: h.name,
            host_name: h.host_name,
            code: h.code,
            port: h.port,
            has_password: h.has_password,
            members: h.members,
            protocol: room_core::PROTOCOL_VERSION,
        });
        match (wanted, announcer.as_mut()) {
            (None, Some(_)) => {
                if let Some(a) = announcer.take() {
                    let _ = tokio::task::spawn_blocking(move || a.stop()).await;
                }
            }
            (Some(ann), Some(current)) => {
                if current.announcement() != &ann
                    && let Err(e) = current.update(ann)
                {
                    tracing::debug!(error = %e, "announcement not updated");
                }
            }
            (Some(ann), None) => match Announcer::start(&daemon, ann) {
                Ok(a) => announcer = Some(a),
                Err(e) => tracing::info!(error = %e, "room not announced on the LAN"),
            },
            (None, None) => {}
        }
    }
}
