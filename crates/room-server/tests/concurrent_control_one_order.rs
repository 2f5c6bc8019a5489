//! Many members pressing pause, resume and seek at the same moment: the room applies the presses
//! in one order and every member sees the same sequence of playback events, each consistent with
//! the one before (no pause of a paused room, no resume of a playing one). Every press is
//! answered exactly once: by its event, or by an error to its sender alone.
#![allow(clippy::unwrap_used)]
mod common;
mod support;

use std::sync::Arc;

use common::{Client, TestServer};
use room_core::protocol::PlaybackEvent;
use room_core::{ErrorCode, ServerMessage};
use serde_json::json;
use support::{S, start_first_song};
use tokio::sync::Barrier;

const LISTENERS: usize = 15;
const PRESSES: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_control_one_order() {
    let server = TestServer::in_memory().await;
    let mut host = Client::connect(&server).await;
    let (code, _, _) = host.create_room("Crowd control", "everyone").await;
    // A song of unknown length: it never ends by itself during the test.
    start_first_song(&mut host, "dQw4w9WgXcQ", None).await;
    let mut members = vec![host];
    for i in 0..LISTENERS {
        let mut c = Client::connect(&server).await;
        c.join(&code, &format!("Member {i}")).await;
        members.push(c);
    }
    // Start from quiet sockets: let the presence batches of the joins go out and be read.
    futures_util::future::join_all(members.iter_mut().map(|c| c.drain())).await;
    let n = members.len();
    let start = Arc::new(Barrier::new(n));
    let answered = Arc::new(Barrier::new(n));

    let tasks: Vec<_> = members
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            let (start, answered) = (start.clone(), answered.clone());
            tokio::spawn(async move {
                // Learn our member id from our own chat message.
                c.send(json!({"type": "chat", "text": format!("id {i}")})).await;
                let me = loop {
                    if let ServerMessage::ChatMessage(m) = c.recv().await
                        && m.text == format!("id {i}")
                    {
                        break m.member_id;
                    }
                };
                start.wait().await;
                // Fire every press without waiting for answers.
                for j in 0..PRESSES {
                    let msg = match (i + j) % 3 {
                        0 => json!({"type": "pause-playback"}),
                        1 => json!({"type": "resume-playback"}),
                        _ => json!({"type": "seek-playback", "positionUs": ((i * PRESSES + j) as i64) * S}),
                    };
                    c.send(msg).await;
                }
                let mut events: Vec<(String, PlaybackEvent)> = Vec::new();
                let (mut mine, mut refused) = (0, 0);
                let mut done = false;
                loop {
                    if !done && mine + refused == PRESSES {
                        done = true;
                        answered.wait().await;
                        if i == 0 {
                            c.send(json!({"type": "chat", "text": "end"})).await;
                        }
                    }
                    match c.recv().await {
                        ServerMessage::PlaybackPaused(e) => events.push(("paused".into(), e)),
                        ServerMessage::PlaybackResumed(e) => events.push(("resumed".into(), e)),
                        ServerMessage::PlaybackSeeked(e) => events.push(("seeked".into(), e)),
                        ServerMessage::Error { code, request_type, .. } => {
                            assert!(
                                matches!(code, ErrorCode::AlreadyPaused | ErrorCode::AlreadyPlaying),
                                "member {i}: unexpected error {code:?} for {request_type:?}"
                            );
                            refused += 1;
                            continue;
                        }
                        ServerMessage::ChatMessage(m) if m.text == "end" => {
                            assert!(done, "member {i}: the end came before all answers");
                            return (me, events, refused);
                        }
                        ServerMessage::ChatMessage(_) | ServerMessage::Presence { .. } => continue,
                        other => panic!("member {i}: unexpected {other:?}"),
                    }
                    if events.last().unwrap().1.by == Some(me) {
                        mine += 1;
                    }
                }
            })
        })
        .collect();

    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let (_, reference, _) = &results[0];
    let refused: usize = results.iter().map(|r| r.2).sum();
    assert_eq!(
        reference.len() + refused,
        n * PRESSES,
        "a press was lost or answered twice"
    );
    for (me, events, _) in &results {
        assert_eq!(events, reference, "member {me} saw another sequence");
    }

    // The one sequence is consistent: it alternates pause and resume, seeks keep the state, and
    // the room clock never goes back.
    let mut playing = true;
    let mut clock = 0;
    for (kind, e) in reference {
        match kind.as_str() {
            "paused" => assert!(playing, "a paused room was paused again"),
            "resumed" => assert!(!playing, "a playing room was resumed again"),
            _ => {}
        }
        playing = match kind.as_str() {
            "paused" => false,
            "resumed" => true,
            _ => playing,
        };
        assert_eq!(e.playback.is_playing, playing, "{kind} says otherwise");
        assert!(e.room_clock_us >= clock, "the room clock went back");
        clock = e.room_clock_us;
    }
    assert!(reference.iter().any(|(k, _)| k == "paused"));
    assert!(reference.iter().any(|(k, _)| k == "seeked"));
    server.stop().await;
}
