//! A client that floods gets its burst served, then `rate-limited` errors (not one per dropped
//! message), then a close with 1008; the room and the other members carry on, the flooder's
//! identity can be resumed, and the store is intact.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use futures_util::SinkExt;
use room_core::{ErrorCode, ServerMessage};
use room_server::Limits;
use serde_json::json;
use support::{Fixture, Setup, chat, expect_presence_connected, metric, resume};
use tokio_tungstenite::tungstenite::Message;

const BURST: usize = 20;
const CLOSE_AFTER: u32 = 30;
const SENT: usize = 300;

#[tokio::test]
async fn a_flood_is_refused_then_closed_with_1008() {
    let mut f = Fixture::start(Setup {
        limits: Limits {
            rate_per_sec: 2.0,
            rate_burst: BURST as f64,
            flood_close_after: CLOSE_AFTER,
            ..Limits::default()
        },
        ..Setup::default()
    })
    .await;
    let (mut flooder, joined) = f.join("Flooder").await;
    let me = joined.you.member_id;

    // Fire the whole flood without waiting for answers (a send may fail once the server hangs up).
    // Clock pings are answered by the connection itself, in order, before any refusal.
    for i in 0..SENT {
        let frame = Message::text(json!({"type": "clock-ping", "clientSendUs": i}).to_string());
        if flooder.ws.feed(frame).await.is_err() {
            break;
        }
    }
    let _ = flooder.ws.flush().await;

    // Read what came back: served answers, rate-limited errors, then the close.
    let (mut served, mut refused) = (0usize, 0usize);
    let close = loop {
        use futures_util::StreamExt;
        let frame = tokio::time::timeout(common::WAIT, flooder.ws.next())
            .await
            .expect("the server neither answered nor closed");
        match frame {
            Some(Ok(Message::Text(t))) => match serde_json::from_str(&t).unwrap() {
                ServerMessage::ClockPong { client_send_us, .. } => {
                    // The burst (less the join's token) is answered in order; later answers come
                    // from refilled tokens.
                    if served < BURST - 1 {
                        assert_eq!(client_send_us, served as i64);
                        assert_eq!(refused, 0, "refused before the burst was spent");
                    }
                    served += 1;
                }
                ServerMessage::Error {
                    code: ErrorCode::RateLimited,
                    ..
                } => refused += 1,
                ServerMessage::Presence { .. } => {}
                other => panic!("unexpected {other:?}"),
            },
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("socket error before the close frame: {e}"),
            None => break None,
        }
    };
    assert_eq!(close, Some(1008), "a flood is closed as a policy violation");
    // The burst was served in full; refusals are reported, but not one error per message.
    assert!(served >= BURST - 1, "served {served}");
    assert!(refused >= 1, "no rate-limited error before the close");
    assert!(
        refused < CLOSE_AFTER as usize,
        "{refused} rate-limited errors: one per dropped message"
    );
    assert!(
        served < SENT - CLOSE_AFTER as usize,
        "served {served} of {SENT}"
    );
    assert_eq!(
        metric(f.server.addr, "tandem_flood_closed_total").await,
        1.0
    );
    assert!(metric(f.server.addr, "tandem_rate_limited_total").await > f64::from(CLOSE_AFTER));

    // The others see it drop and carry on.
    expect_presence_connected(&mut f.bystander, me, false).await;
    f.carries_on(&mut []).await;

    // A fresh connection gets a fresh allowance and the same identity.
    let mut back = common::Client::connect(&f.server).await;
    let again = resume(&mut back, &f.code, &joined.you.resume_token).await;
    assert_eq!(again.you.member_id, me);
    assert_eq!(again.queue, f.expected.queue);
    chat(&mut back, "calm now").await;
    support::expect_chat(&mut f.host, "calm now").await;
    support::expect_chat(&mut f.bystander, "calm now").await;
    f.carries_on(&mut [&mut back]).await;
    f.restart_and_check().await;
}
