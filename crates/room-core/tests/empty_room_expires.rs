//! A room nobody has been connected to for a day is closed and deleted from the store; any member
//! being connected keeps it alive indefinitely.

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::{ControlPolicy, Effect, Room, RoomConfig};

const DAY: i64 = 24 * 3_600 * S;

#[test]
fn a_room_nobody_joined_expires_a_day_after_creation() {
    assert_eq!(RoomConfig::default().empty_room_ttl_us, DAY);
    let mut h = Harness::new(ControlPolicy::HostAndDjs);
    assert_eq!(h.room.next_timeout(), Some(T0 + DAY));
    assert!(h.timeout(T0 + DAY - 1).is_empty());
    assert_eq!(
        h.timeout(T0 + DAY),
        vec![Effect::Store(StoreOp::RoomGone), Effect::Closed]
    );
    assert!(h.store.gone);
}

#[test]
fn a_room_everyone_left_expires_a_day_after_the_last_one_went() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt_unknown(1));
    // Connected members keep it alive, however long.
    assert_eq!(h.room.next_timeout(), None);
    let gone = T0 + 3 * DAY;
    h.disconnect(gone - S, host);
    h.disconnect(gone, l[0]);
    h.presence_after(gone);
    h.timeout(gone + 60 * S);
    h.presence_after(gone + 60 * S);
    assert_eq!(h.room.member_count(), 0);
    assert_eq!(h.room.next_timeout(), Some(gone + DAY));
    let effects = h.timeout(gone + DAY);
    assert!(effects.ends_with(&[Effect::Store(StoreOp::RoomGone), Effect::Closed]));
}

#[test]
fn coming_back_in_time_keeps_the_room() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.disconnect(T0, host);
    h.disconnect(T0, l[0]);
    assert_eq!(h.room.connected_count(), 0);
    h.resume(T0 + 10 * S, "l1");
    h.presence_after(T0 + 10 * S);
    // The host's grace runs out; the room lives on with l1 as host and no expiry pending.
    h.timeout(T0 + 60 * S);
    h.presence_after(T0 + 60 * S);
    assert_eq!(h.room.member_count(), 1);
    assert_eq!(h.room.next_timeout(), None);
    assert!(h.timeout(T0 + 2 * DAY).is_empty());
    assert!(!h.store.gone);
}

#[test]
fn a_restored_room_nobody_returns_to_expires_a_day_after_the_restart() {
    let (h, _, _) = Harness::party(ControlPolicy::HostAndDjs, 2);
    let up = T0 + 100 * S;
    let room = Room::restore(h.store.snapshot(), up, RoomConfig::default());
    let mut h = Harness::restored(room, h.store);
    h.timeout(up + 60 * S);
    h.presence_after(up + 60 * S);
    assert_eq!(h.room.member_count(), 0);
    assert_eq!(h.room.next_timeout(), Some(up + DAY));
    assert!(
        h.timeout(up + DAY)
            .ends_with(&[Effect::Store(StoreOp::RoomGone), Effect::Closed])
    );
}
