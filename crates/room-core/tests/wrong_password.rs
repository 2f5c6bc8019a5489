//! A room with a password admits only those who give it; a member already admitted comes back by
//! resume token without it. Passwords are stored only as digests.

mod common;

use common::*;
use room_core::{ControlPolicy, CreateParams, ErrorCode, JoinParams, Room, RoomConfig};

const PASSWORD: &str = "s3cret pass";

fn join_with_password(
    h: &mut Harness,
    name: &str,
    password: Option<&str>,
) -> Result<u64, ErrorCode> {
    h.try_join(
        T0 + S,
        JoinParams {
            display_name: name,
            password,
            ..JoinParams::default()
        },
        &token(name),
    )
    .map(|(id, _)| id)
    .map_err(|e| e.code)
}

#[test]
fn only_the_right_password_gets_in() {
    let mut h = Harness::with(
        ControlPolicy::HostAndDjs,
        Some(PASSWORD),
        RoomConfig::default(),
    );
    let before = fingerprint(&h.room);
    for wrong in [
        None,
        Some(""),
        Some("s3cret"),
        Some("S3CRET PASS"),
        Some("s3cret pass "),
    ] {
        assert_eq!(
            join_with_password(&mut h, "eve", wrong),
            Err(ErrorCode::WrongPassword),
            "{wrong:?}"
        );
    }
    assert_eq!(fingerprint(&h.room), before);
    assert_eq!(h.room.member_count(), 0);

    let id = join_with_password(&mut h, "ada", Some(PASSWORD)).expect("right password");
    assert_eq!(h.room.member_count(), 1);

    // Nothing stored holds the password itself.
    let stored = format!("{:?}", h.store.snapshot());
    assert!(!stored.contains(PASSWORD));
    assert!(h.store.snapshot().room.password_digest.is_some());

    // Back after a drop: the resume token is enough.
    h.disconnect(T0 + 2 * S, id);
    let (back, effects) = h.resume(T0 + 3 * S, "ada");
    assert_eq!(back, id);
    assert!(room_joined(&effects, back).room.has_password);
}

#[test]
fn a_room_without_password_ignores_one() {
    let mut h = Harness::new(ControlPolicy::HostAndDjs);
    let id = join_with_password(&mut h, "ada", Some("whatever")).expect("no password needed");
    assert_eq!(h.room.role_of(id), Some(room_core::Role::Host));
    // An empty password at creation means no password.
    let mut h = Harness::with(ControlPolicy::HostAndDjs, Some(""), RoomConfig::default());
    let (id, effects) = h.join(T0, "ada");
    assert!(!room_joined(&effects, id).room.has_password);
}

#[test]
fn bad_room_names_and_passwords_are_refused_at_creation() {
    let create = |name: &str, password: Option<&str>| {
        Room::create(
            CODE.into(),
            CreateParams {
                name,
                policy: ControlPolicy::HostAndDjs,
                password,
            },
            HOST_SECRET,
            T0,
            RoomConfig::default(),
        )
        .map(|_| ())
        .map_err(|e| e.code)
    };
    let too_long_password = "p".repeat(129);
    assert_eq!(create("", None), Err(ErrorCode::InvalidField));
    assert_eq!(create(&"n".repeat(61), None), Err(ErrorCode::InvalidField));
    assert_eq!(
        create("ok", Some(&too_long_password)),
        Err(ErrorCode::InvalidField)
    );
    assert_eq!(create(&"n".repeat(60), Some(&"p".repeat(128))), Ok(()));
}
