//! Chat text is trimmed, bounded and free of control characters (newlines allowed); messages go
//! to everyone, and newcomers get the most recent ones, oldest first.

mod common;

use common::*;
use room_core::protocol::ChatView;
use room_core::{ClientMessage, ControlPolicy, ErrorCode, Recipient, RoomConfig, ServerMessage};

fn chat(text: &str) -> ClientMessage {
    ClientMessage::Chat { text: text.into() }
}

#[test]
fn a_chat_message_goes_to_everyone_trimmed_and_attributed() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostOnly, 2);
    let at = T0 + 3 * S;
    let effects = h.send(at, l[1], chat("  hello\nthere  "));
    assert_eq!(
        effects,
        vec![room_core::Effect::Send(
            Recipient::All,
            ServerMessage::ChatMessage(ChatView {
                id: 1,
                member_id: l[1],
                name: "l2".into(),
                text: "hello\nthere".into(),
                at_us: at,
            })
        )]
    );
    // Chat is not stored.
    assert!(stores(&effects).is_empty());
    let effects = h.send(at, l[0], chat("second"));
    assert!(matches!(
        sends(&effects)[0].1,
        ServerMessage::ChatMessage(c) if c.id == 2
    ));
}

#[test]
fn bad_chat_is_refused() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    for (text, what) in [
        (String::new(), "empty"),
        ("   \n ".to_owned(), "blank"),
        ("x".repeat(1_001), "too long"),
        ("ding\u{7}".to_owned(), "bell"),
        ("a\rb".to_owned(), "carriage return"),
        ("nul\0".to_owned(), "nul"),
    ] {
        assert_eq!(
            h.reject(T0, l[0], ClientMessage::Chat { text }),
            ErrorCode::InvalidField,
            "{what}"
        );
    }
    h.send(
        T0,
        l[0],
        ClientMessage::Chat {
            text: "é".repeat(1_000),
        },
    );
    // The refusals did not reach the history.
    let (late, effects) = h.join(T0 + S, "late");
    let history = &room_joined(&effects, late).chat;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].id, 1);
}

#[test]
fn newcomers_get_the_recent_history_oldest_first() {
    let config = RoomConfig {
        chat_history: 3,
        ..RoomConfig::default()
    };
    let mut h = Harness::with(ControlPolicy::HostAndDjs, None, config);
    let (host, _) = h.join_host(T0, "host");
    for i in 1..=5 {
        h.send(T0 + i * S, host, chat(&format!("message {i}")));
    }
    let (late, effects) = h.join(T0 + 10 * S, "late");
    let history: Vec<(u64, String, i64)> = room_joined(&effects, late)
        .chat
        .iter()
        .map(|c| (c.id, c.text.clone(), c.at_us))
        .collect();
    assert_eq!(
        history,
        vec![
            (3, "message 3".into(), T0 + 3 * S),
            (4, "message 4".into(), T0 + 4 * S),
            (5, "message 5".into(), T0 + 5 * S),
        ]
    );
}
