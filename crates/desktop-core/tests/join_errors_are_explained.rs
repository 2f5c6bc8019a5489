//! Joining fails in ways a person can act on: a wrong code, a wrong password, a host that is
//! not there. Each ends (or keeps retrying) with a message that says what to do.

mod common;

use common::{TestApp, wait};
use desktop_core::view::{HostRequest, JoinRequest, SessionStatus, UiEvent};
use room_core::ControlPolicy;

fn last_session(app: &TestApp) -> Option<desktop_core::view::SessionView> {
    app.events().into_iter().rev().find_map(|e| match e {
        UiEvent::Session(s) => Some(s),
        _ => None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_errors_are_explained() {
    let host = TestApp::new("Ada").await;
    host.app
        .host_room(HostRequest {
            name: "Secret".into(),
            policy: ControlPolicy::HostOnly,
            password: Some("lo-fi beats".into()),
        })
        .await
        .expect("host");
    let room = host.wait_room("hosted", |r| r.hosting).await;
    assert!(room.has_password);
    let address = room.share.expect("share").addresses[0].clone();

    let guest = TestApp::new("Ben").await;
    // A code nobody uses.
    guest
        .app
        .join_room(JoinRequest {
            address: address.clone(),
            code: "ZZZZ99".into(),
            password: None,
        })
        .await
        .expect("started");
    let s = wait("room-not-found", || {
        last_session(&guest).filter(|s| s.status == SessionStatus::Failed)
    })
    .await;
    assert_eq!(s.error_kind.as_deref(), Some("room-not-found"));
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains("no room with that code")),
        "{s:?}"
    );

    // The right code, the wrong password (a failed session does not block the next try).
    guest
        .app
        .join_room(JoinRequest {
            address: address.clone(),
            code: room.code.clone(),
            password: Some("jazz".into()),
        })
        .await
        .expect("started");
    let s = wait("wrong-password", || {
        last_session(&guest).filter(|s| s.error_kind.as_deref() == Some("wrong-password"))
    })
    .await;
    assert_eq!(s.status, SessionStatus::Failed);
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains("Wrong password"))
    );

    // The right password gets in.
    guest
        .app
        .join_room(JoinRequest {
            address,
            code: room.code.clone(),
            password: Some("lo-fi beats".into()),
        })
        .await
        .expect("started");
    guest
        .wait_room("in the room", |r| r.code == room.code)
        .await;
    // Joining again while in a room is refused with a code.
    let e = guest
        .app
        .join_room(JoinRequest {
            address: "127.0.0.1:1".into(),
            code: "ABCD".into(),
            password: None,
        })
        .await
        .expect_err("already in a room");
    assert_eq!(e.kind(), "already-in-room");
    guest.app.leave_room().await;

    // Nobody at that address: it keeps retrying and says why.
    guest
        .app
        .join_room(JoinRequest {
            address: "127.0.0.1:9".into(),
            code: "ABCD12".into(),
            password: None,
        })
        .await
        .expect("started");
    let s = wait("unreachable", || {
        last_session(&guest).filter(|s| s.error_kind.as_deref() == Some("unreachable"))
    })
    .await;
    assert_eq!(s.status, SessionStatus::Reconnecting);
    assert!(
        s.message
            .as_deref()
            .is_some_and(|m| m.contains("Cannot reach the host")),
        "{s:?}"
    );
    guest.app.leave_room().await;

    // Typos are refused before any connection.
    let e = guest
        .app
        .join_room(JoinRequest {
            address: "h:99999".into(),
            code: "K7QM2D".into(),
            password: None,
        })
        .await
        .expect_err("bad address");
    assert_eq!(e.kind(), "invalid-input");
    host.app.shutdown().await;
}
