//! Seeks to a negative position, past the song's end, to a float, a string or a huge number are
//! refused with `invalid-field`; the timeline does not move and nobody hears of them. A valid
//! seek afterwards is the next playback event everyone sees.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use room_core::ErrorCode;
use serde_json::json;
use support::{Fixture, S, Setup, expect_error, expect_playback, playback_state};

#[tokio::test]
async fn bad_seeks_are_refused_and_move_nothing() {
    let mut f = Fixture::start(Setup::default()).await;
    let duration = f.expected.song.as_ref().unwrap().duration_us.unwrap();
    assert_eq!(duration, 200 * S);

    // Out of range for the song: refused by the room, for the sender alone.
    for pos in [
        json!(-1),
        json!(-S),
        json!(i64::MIN),
        json!(duration + 1),
        json!(i64::MAX),
    ] {
        f.host
            .send(json!({"type": "seek-playback", "positionUs": pos}))
            .await;
        expect_error(&mut f.host, ErrorCode::InvalidField, Some("seek-playback")).await;
    }
    // Not an integer of microseconds: refused when decoding.
    for pos in [
        json!(1.5),
        json!(42_000_000.0),
        json!(-0.0),
        json!(1e30),
        json!(u64::MAX),
        json!("42000000"),
        json!("42s"),
        json!(null),
        json!([42]),
        json!({"us": 42}),
    ] {
        f.host
            .send(json!({"type": "seek-playback", "positionUs": pos}))
            .await;
        expect_error(&mut f.host, ErrorCode::InvalidField, Some("seek-playback")).await;
    }
    // The bound itself is inside the song.
    let state = playback_state(&mut f.host).await;
    assert_eq!(
        state.playback, f.expected.playback,
        "a refused seek moved the timeline"
    );
    assert_eq!(state.position_us, f.expected.position_us);

    // A valid seek is the next playback event the bystander sees: none of the bad ones was
    // broadcast. The room stays paused.
    f.host
        .send(json!({"type": "seek-playback", "positionUs": 42 * S}))
        .await;
    for c in [&mut f.host, &mut f.bystander] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!(kind, "playback-seeked");
        assert_eq!(e.position_us, 42 * S);
        assert!(!e.playback.is_playing);
    }
    f.host
        .send(json!({"type": "seek-playback", "positionUs": duration}))
        .await;
    for c in [&mut f.host, &mut f.bystander] {
        let (kind, e) = expect_playback(c).await;
        assert_eq!((kind, e.position_us), ("playback-seeked", duration));
    }
    f.host
        .send(json!({"type": "seek-playback", "positionUs": 42 * S}))
        .await;
    for c in [&mut f.host, &mut f.bystander] {
        assert_eq!(expect_playback(c).await.1.position_us, 42 * S);
    }
    f.refresh_expected().await;
    assert_eq!(f.expected.position_us, 42 * S);

    f.carries_on(&mut []).await;
    f.restart_and_check().await;
}
