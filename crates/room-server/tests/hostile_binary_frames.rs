//! Binary frames are not part of the protocol: each gets a `malformed-json` error and changes
//! nothing, from a member or a stranger, and the socket stays usable. A flood of binary frames is
//! rate-limited and closed like any other flood.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use futures_util::{SinkExt, StreamExt};
use room_core::{ErrorCode, ServerMessage};
use room_server::Limits;
use support::{Fixture, Setup, chat, expect_chat, expect_error, playback_state};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn binary_frames_get_an_error_and_change_nothing() {
    let mut f = Fixture::start(Setup::default()).await;
    let (mut offender, _) = f.join("Offender").await;
    let mut stranger = common::Client::connect(&f.server).await;

    let payloads: [Vec<u8>; 4] = [
        // Even a valid request is refused when sent as binary.
        br#"{"type":"resume-playback"}"#.to_vec(),
        br#"{"type":"chat","text":"binary"}"#.to_vec(),
        Vec::new(),
        vec![0xff, 0xfe, 0x00, 0x80, 0x81],
    ];
    for c in [&mut f.host, &mut offender, &mut stranger] {
        for p in &payloads {
            c.ws.send(Message::binary(p.clone())).await.unwrap();
            expect_error(c, ErrorCode::MalformedJson, None).await;
        }
    }
    // The host's binary resume did not resume.
    let state = playback_state(&mut f.host).await;
    assert_eq!(state.playback, f.expected.playback);

    chat(&mut offender, "text works").await;
    expect_chat(&mut f.bystander, "text works").await;
    expect_chat(&mut f.host, "text works").await;
    let joined = stranger.join(&f.code, "Stranger").await;
    assert_eq!(joined.queue, f.expected.queue);

    f.carries_on(&mut [&mut offender, &mut stranger]).await;
    f.restart_and_check().await;
}

#[tokio::test]
async fn a_binary_flood_is_rate_limited_and_closed() {
    let limits = Limits {
        rate_per_sec: 2.0,
        rate_burst: 10.0,
        flood_close_after: 20,
        ..Limits::default()
    };
    let mut f = Fixture::start(Setup {
        limits,
        ..Setup::default()
    })
    .await;
    let (mut flooder, _) = f.join("Flooder").await;
    for _ in 0..200 {
        if flooder
            .ws
            .feed(Message::binary(vec![1u8; 16]))
            .await
            .is_err()
        {
            break;
        }
    }
    let _ = flooder.ws.flush().await;
    let (mut malformed, mut limited) = (0, 0);
    let close = loop {
        // A server that never closes leaves the socket quiet once it answered everything.
        let Ok(frame) = tokio::time::timeout(common::WAIT, flooder.ws.next()).await else {
            break None;
        };
        match frame {
            Some(Ok(Message::Text(t))) => match serde_json::from_str(&t).unwrap() {
                ServerMessage::Error {
                    code: ErrorCode::MalformedJson,
                    ..
                } => malformed += 1,
                ServerMessage::Error {
                    code: ErrorCode::RateLimited,
                    ..
                } => limited += 1,
                _ => {}
            },
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("socket error before the close frame: {e}"),
            None => break None,
        }
    };
    assert_eq!(
        close,
        Some(1008),
        "answered {malformed} binary frames and {limited} rate-limited errors without closing"
    );
    assert!(limited >= 1);
    assert!(malformed < 200);
    f.carries_on(&mut []).await;
    f.restart_and_check().await;
}
