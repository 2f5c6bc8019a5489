//! Joining with a code no room has gets `room-not-found`; the socket can then join with the
//! right code (typed loosely: lower case, with a dash and spaces) and the room is untouched.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ErrorCode;
use serde_json::json;
use support::{Fixture, Setup, expect_error};

#[tokio::test]
async fn unknown_codes_get_room_not_found() {
    let mut f = Fixture::start(Setup::default()).await;
    let mut stranger = common::Client::connect(&f.server).await;
    // Codes use no 0/O/1/I/L, so none of these can exist.
    let long = "Q".repeat(10_000);
    let mut wrong = vec![
        "OOOOOO".to_owned(),
        "000000".to_owned(),
        String::new(),
        " - ".to_owned(),
        "ＡＢＣＤＥＦ".to_owned(),
        format!("{}0", f.code),
        f.code[..5].to_owned(),
        long,
    ];
    // The right code with one character changed to a look-alike that codes never use.
    wrong.push(format!("{}O", &f.code[..5]));
    for code in &wrong {
        stranger
            .send(json!({"type": "join-room", "code": code, "displayName": "Lost"}))
            .await;
        let message = expect_error(&mut stranger, ErrorCode::RoomNotFound, Some("join-room")).await;
        assert!(message.len() < 200, "the error echoes the code");
    }

    let loose = format!(
        " {}-{} ",
        f.code[..3].to_lowercase(),
        f.code[3..].to_lowercase()
    );
    let joined = stranger.join(&loose, "Found").await;
    assert_eq!(joined.room.code, f.code);
    assert_eq!(joined.queue, f.expected.queue);
    assert_eq!(joined.playback, f.expected.playback);

    f.carries_on(&mut [&mut stranger]).await;
    f.restart_and_check().await;
}
