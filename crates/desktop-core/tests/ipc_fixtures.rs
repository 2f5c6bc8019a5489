//! The UI's TypeScript types (`ui/src/ipc/types.ts`) are kept by hand; this test writes an
//! example of every event the UI is sent to `ui/src/ipc/fixtures/`, exactly as serde writes it,
//! and the UI's own tests check each fixture against its interface. A fixture that differs from
//! what Rust writes now is rewritten and the test fails, so a change of the contract on either
//! side shows up in both test suites until the two agree (commit the rewritten fixtures).

use std::path::PathBuf;

use desktop_core::Settings;
use desktop_core::view::{
    Correction, DiscoveredRoom, MeView, Notice, NoticeLevel, NowPlayingView, PlayerKind,
    PlayerView, QueueItemView, RoomUiView, SessionStatus, SessionView, ShareView, SyncState,
    SyncView, TickView, UiEvent, YoutubeCommand,
};
use room_core::protocol::{ChatView, MemberView, QueueEntryView, SongView};
use room_core::{ControlPolicy, Role, SongSource};

fn song(id: u64, source: SongSource, title: &str, by: (u64, &str)) -> SongView {
    SongView {
        id,
        url: source.canonical_url(),
        source,
        title: title.into(),
        artist: Some("Artist".into()),
        album: None,
        duration_us: Some(213_000_000),
        added_by: by.0,
        added_by_name: by.1.into(),
        added_at_us: 1_767_225_550_000_000,
    }
}

fn examples() -> Vec<(&'static str, serde_json::Value)> {
    let ada = (1, "Ada");
    let ben = (2, "Ben");
    let youtube = song(
        7,
        SongSource::Youtube {
            video_id: "dQw4w9WgXcQ".into(),
        },
        "Never Gonna Give You Up",
        ada,
    );
    let queue = vec![
        QueueItemView {
            entry: QueueEntryView {
                song: song(
                    8,
                    SongSource::Spotify {
                        track_id: "4uLU6hMCjMI75M1A2tKUQC".into(),
                    },
                    "Midnight City",
                    ben,
                ),
                score: 2,
                upvotes: 2,
                downvotes: 0,
                pinned: false,
            },
            my_vote: 1,
        },
        QueueItemView {
            entry: QueueEntryView {
                song: song(
                    9,
                    SongSource::Local {
                        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                            .into(),
                        codec: "flac".into(),
                    },
                    "Field Recording 3",
                    ada,
                ),
                score: -1,
                upvotes: 0,
                downvotes: 1,
                pinned: true,
            },
            my_vote: -1,
        },
    ];
    let room = RoomUiView {
        code: "K7QM2D".into(),
        name: "Friday listening".into(),
        policy: ControlPolicy::HostAndDjs,
        has_password: false,
        me: MeView {
            member_id: 1,
            role: Role::Host,
            name: "Ada".into(),
        },
        members: vec![
            MemberView {
                id: 1,
                name: "Ada".into(),
                role: Role::Host,
                connected: true,
            },
            MemberView {
                id: 2,
                name: "Ben".into(),
                role: Role::Dj,
                connected: true,
            },
            MemberView {
                id: 3,
                name: "Cleo".into(),
                role: Role::Listener,
                connected: false,
            },
        ],
        member_count: 3,
        queue,
        now_playing: Some(NowPlayingView {
            song: youtube,
            cover: None,
            is_playing: true,
            waiting: false,
        }),
        chat: vec![ChatView {
            id: 1,
            member_id: 2,
            name: "Ben".into(),
            text: "this one!".into(),
            at_us: 1_767_225_555_000_000,
        }],
        can_control: true,
        control_reason: None,
        hosting: true,
        share: Some(ShareView {
            link: "tandem://join/K7QM2D?server=192.168.1.20:7878".into(),
            addresses: vec!["192.168.1.20:7878".into()],
            qr_svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>".into(),
        }),
    };
    let events = [
        (
            "session",
            UiEvent::Session(SessionView {
                status: SessionStatus::Reconnecting,
                message: Some("The connection to the room dropped; reconnecting.".into()),
                error_kind: Some("dropped".into()),
                retry_in_ms: Some(1200),
            }),
        ),
        ("room", UiEvent::Room(Box::new(room))),
        (
            "tick",
            UiEvent::Tick(TickView {
                song_id: Some(7),
                position_us: 42_500_000,
                duration_us: Some(213_000_000),
                is_playing: true,
                sync: SyncView {
                    state: SyncState::InSync,
                    offset_us: Some(-1_234),
                    uncertainty_us: Some(412),
                    rtt_us: Some(900),
                    error_us: Some(80),
                    correction: Correction::None,
                    label: "in sync ±0.4 ms".into(),
                },
                player: PlayerView {
                    kind: PlayerKind::Youtube,
                    note: None,
                },
            }),
        ),
        (
            "discovery",
            UiEvent::Discovery {
                rooms: vec![DiscoveredRoom {
                    name: "Friday listening".into(),
                    host_name: "Ada".into(),
                    code: "K7QM2D".into(),
                    url: "ws://192.168.1.20:7878/ws".into(),
                    has_password: false,
                    members: 3,
                }],
            },
        ),
        (
            "notice",
            UiEvent::Notice(Notice {
                level: NoticeLevel::Info,
                code: "file-added".into(),
                message: "Added “Field Recording 3”".into(),
            }),
        ),
        (
            "youtube",
            UiEvent::Youtube(YoutubeCommand::Play {
                position_s: 42.5,
                in_ms: 120.0,
            }),
        ),
    ];
    let mut out: Vec<_> = events
        .into_iter()
        .map(|(name, e)| (name, serde_json::to_value(e).expect("serialize")))
        .collect();
    out.push((
        "settings",
        serde_json::to_value(Settings {
            display_name: "Ada".into(),
            ..Settings::default()
        })
        .expect("serialize"),
    ));
    out
}

#[test]
fn ipc_fixtures_match_what_rust_sends() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/ipc/fixtures");
    std::fs::create_dir_all(&dir).expect("fixtures dir");
    let mut stale = Vec::new();
    for (name, value) in examples() {
        let path = dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&value).expect("json") + "\n";
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, &text).expect("write fixture");
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "IPC fixtures {stale:?} differed from what Rust sends and were rewritten in {}: run the UI's tests (npm --prefix ui test) and commit them",
        dir.display()
    );
}
