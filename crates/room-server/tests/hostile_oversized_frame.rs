//! A frame larger than `max_frame_bytes` closes that socket with 1009; the member is shown as
//! disconnected, can resume, and the room and its store carry on.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ServerMessage;
use room_server::Limits;
use serde_json::json;
use support::{Fixture, Setup, chat, expect_chat, expect_presence_connected, metric, resume};

const MAX: usize = 4 * 1024;

#[tokio::test]
async fn an_oversized_frame_closes_with_1009_and_nothing_else() {
    let mut f = Fixture::start(Setup {
        limits: Limits {
            max_frame_bytes: MAX,
            ..Limits::default()
        },
        ..Setup::default()
    })
    .await;
    let (mut offender, joined) = f.join("Offender").await;
    let me = joined.you.member_id;

    // Just under the limit is fine (unknown fields are ignored).
    let pad = "p".repeat(MAX - 100);
    offender
        .send(json!({"type": "chat", "text": "big but fine", "pad": pad}))
        .await;
    expect_chat(&mut offender, "big but fine").await;
    expect_chat(&mut f.bystander, "big but fine").await;
    expect_chat(&mut f.host, "big but fine").await;

    let pad = "p".repeat(MAX + 1);
    offender
        .send(json!({"type": "chat", "text": "too big", "pad": pad}))
        .await;
    assert_eq!(offender.expect_close().await, Some(1009));
    assert_eq!(
        metric(f.server.addr, "tandem_oversize_closed_total").await,
        1.0
    );

    // The others see the member drop, and never see its chat.
    expect_presence_connected(&mut f.bystander, me, false).await;
    f.carries_on(&mut []).await;

    // The identity survives: the same member comes back with its resume token.
    let mut back = common::Client::connect(&f.server).await;
    let again = resume(&mut back, &f.code, &joined.you.resume_token).await;
    assert_eq!(again.you.member_id, me);
    assert_eq!(
        again.members.iter().filter(|m| m.id == me).count(),
        1,
        "one member, not two"
    );
    chat(&mut back, "back again").await;
    f.bystander
        .recv_until(|m| matches!(m, ServerMessage::ChatMessage(c) if c.text == "back again"))
        .await;
    f.host
        .recv_until(|m| matches!(m, ServerMessage::ChatMessage(c) if c.text == "back again"))
        .await;

    f.carries_on(&mut [&mut back]).await;
    f.restart_and_check().await;
}
