//! Anything a member adds is validated before it reaches the queue: only YouTube videos, Spotify
//! tracks and well-formed local-file entries, bounded metadata and durations, and a bounded queue.
//! A refused song changes nothing (no id is used up, an idle room does not start).

mod common;

use common::*;
use room_core::persist::StoreOp;
use room_core::playback::MAX_POSITION_US;
use room_core::protocol::{PlaybackReason, SongInput};
use room_core::{
    ClientMessage, ControlPolicy, ErrorCode, Recipient, RoomConfig, ServerMessage, SongSource,
};

fn link(url: &str) -> SongInput {
    SongInput::Link {
        url: url.into(),
        title: None,
        artist: None,
        album: None,
        duration_us: None,
    }
}

fn link_with(title: Option<String>, artist: Option<String>, duration_us: Option<i64>) -> SongInput {
    SongInput::Link {
        url: video_id(7),
        title,
        artist,
        album: None,
        duration_us,
    }
}

fn file(sha256: &str, codec: &str, title: &str, duration_us: i64) -> SongInput {
    SongInput::Local {
        sha256: sha256.into(),
        codec: codec.into(),
        title: title.into(),
        artist: None,
        album: None,
        duration_us,
    }
}

fn bad_inputs() -> Vec<(SongInput, ErrorCode)> {
    let hash = "ab".repeat(32);
    let long = "x".repeat(201);
    vec![
        (link(""), ErrorCode::UnsupportedSource),
        (link("hello"), ErrorCode::UnsupportedSource),
        (
            link("https://evil.example/watch?v=dQw4w9WgXcQ"),
            ErrorCode::UnsupportedSource,
        ),
        (
            link("https://www.youtube.com/playlist?list=PL0123"),
            ErrorCode::UnsupportedSource,
        ),
        (
            link("https://open.spotify.com/album/4uLU6hMCjMI75M1A2tKUQC"),
            ErrorCode::UnsupportedSource,
        ),
        (link("javascript:alert(1)"), ErrorCode::UnsupportedSource),
        (link("file:///etc/passwd"), ErrorCode::UnsupportedSource),
        (
            link(&format!(
                "https://youtu.be/dQw4w9WgXcQ?{}",
                "a".repeat(3000)
            )),
            ErrorCode::InvalidField,
        ),
        (
            link_with(Some(long.clone()), None, None),
            ErrorCode::InvalidField,
        ),
        (
            link_with(Some("red\u{1b}[31m".into()), None, None),
            ErrorCode::InvalidField,
        ),
        (
            link_with(None, Some(long.clone()), None),
            ErrorCode::InvalidField,
        ),
        (
            SongInput::Link {
                url: video_id(7),
                title: None,
                artist: None,
                album: Some(long.clone()),
                duration_us: None,
            },
            ErrorCode::InvalidField,
        ),
        (link_with(None, None, Some(0)), ErrorCode::InvalidField),
        (link_with(None, None, Some(-S)), ErrorCode::InvalidField),
        (
            link_with(None, None, Some(MAX_POSITION_US + 1)),
            ErrorCode::InvalidField,
        ),
        (file("abc", "flac", "t", S), ErrorCode::InvalidField),
        (
            file(&"g".repeat(64), "flac", "t", S),
            ErrorCode::InvalidField,
        ),
        (
            file(&"a".repeat(65), "flac", "t", S),
            ErrorCode::InvalidField,
        ),
        (file(&hash, "exe", "t", S), ErrorCode::UnsupportedSource),
        (file(&hash, "", "t", S), ErrorCode::UnsupportedSource),
        (file(&hash, "flac", "   ", S), ErrorCode::InvalidField),
        (file(&hash, "flac", &long, S), ErrorCode::InvalidField),
        (file(&hash, "flac", "t", 0), ErrorCode::InvalidField),
        (file(&hash, "flac", "t", -1), ErrorCode::InvalidField),
        (
            file(&hash, "flac", "t", MAX_POSITION_US + 1),
            ErrorCode::InvalidField,
        ),
    ]
}

#[test]
fn bad_songs_are_refused_with_their_code_in_a_playing_room() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    h.add(T0, host, yt(2, 100));
    for (song, code) in bad_inputs() {
        let what = format!("{song:?}");
        assert_eq!(
            h.reject(T0 + S, l[0], ClientMessage::AddSong { song }),
            code,
            "{what}"
        );
    }
    // No id was used up by the refusals.
    let next = h.add(T0 + 2 * S, l[0], yt(3, 100));
    assert_eq!(next, 3);
}

#[test]
fn bad_songs_do_not_start_an_idle_room() {
    let (mut h, _, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    for (song, code) in bad_inputs() {
        assert_eq!(
            h.reject(T0 + S, l[0], ClientMessage::AddSong { song }),
            code
        );
        assert_eq!(h.current_song(), None);
    }
}

#[test]
fn good_links_are_normalised_and_attributed() {
    let (mut h, host, l) = Harness::party(ControlPolicy::HostAndDjs, 1);
    h.add(T0, host, yt(1, 100));
    let at = T0 + 5 * S;
    let effects = h.send(
        at,
        l[0],
        ClientMessage::AddSong {
            song: link("  https://youtu.be/dQw4w9WgXcQ?si=tracking  "),
        },
    );
    let entry = match sends(&effects)[..] {
        [(Recipient::All, ServerMessage::SongAdded { entry, order })] => {
            assert_eq!(order, &vec![entry.song.id]);
            entry
        }
        _ => panic!("one song-added to everyone: {effects:?}"),
    };
    let song = &entry.song;
    assert_eq!(
        song.source,
        SongSource::Youtube {
            video_id: "dQw4w9WgXcQ".into()
        }
    );
    assert_eq!(
        song.url.as_deref(),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
    assert_eq!(song.title, "YouTube video dQw4w9WgXcQ");
    assert_eq!(song.duration_us, None);
    assert_eq!(song.added_by, l[0]);
    assert_eq!(song.added_by_name, "l1");
    assert_eq!(song.added_at_us, at);
    // The new id counter and the song are stored.
    let ops = stores(&effects);
    assert_eq!(ops.len(), 2);
    assert!(matches!(ops[0], StoreOp::Room(r) if r.next_song_id == song.id + 1));
    assert!(matches!(ops[1], StoreOp::Song(q) if &q.song == song && q.pin.is_none()));

    let effects = h.send(
        at,
        l[0],
        ClientMessage::AddSong {
            song: SongInput::Link {
                url: "spotify:track:4uLU6hMCjMI75M1A2tKUQC".into(),
                title: Some("  Tune ".into()),
                artist: Some(" ".into()),
                album: Some("LP".into()),
                duration_us: Some(MAX_POSITION_US),
            },
        },
    );
    let song = match sends(&effects)[..] {
        [(_, ServerMessage::SongAdded { entry, .. })] => &entry.song,
        _ => panic!("song-added: {effects:?}"),
    };
    assert_eq!(
        song.url.as_deref(),
        Some("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC")
    );
    assert_eq!(song.title, "Tune");
    assert_eq!(song.artist, None);
    assert_eq!(song.album.as_deref(), Some("LP"));
    assert_eq!(song.duration_us, Some(MAX_POSITION_US));
}

#[test]
fn good_local_files_are_normalised() {
    let (mut h, host, _) = Harness::party(ControlPolicy::HostAndDjs, 0);
    let title = "t".repeat(200);
    let at = T0 + S;
    let effects = h.send(
        at,
        host,
        ClientMessage::AddSong {
            song: file(&"AB".repeat(32), " FLAC ", &title, 1),
        },
    );
    // An idle room starts the first song it is given.
    let (_, ev) = playback_event(&effects);
    assert_eq!(ev.reason, PlaybackReason::Started);
    assert_eq!(ev.by, Some(host));
    assert_eq!(ev.playback.started_at_us, at);
    let song = ev.song.as_ref().expect("started");
    assert_eq!(
        song.source,
        SongSource::Local {
            sha256: "ab".repeat(32),
            codec: "flac".into()
        }
    );
    assert_eq!(song.url, None);
    assert_eq!(song.title, title);
    assert_eq!(song.duration_us, Some(1));
    assert!(h.order().is_empty());
    h.assert_store_matches();
}

#[test]
fn a_full_queue_refuses_more_until_a_song_leaves() {
    let config = RoomConfig {
        max_queue: 2,
        ..RoomConfig::default()
    };
    let mut h = Harness::with(ControlPolicy::HostAndDjs, None, config);
    let (host, _) = h.join_host(T0, "host");
    h.add(T0, host, yt(1, 100)); // plays at once: not in the queue
    h.add(T0, host, yt(2, 100));
    h.add(T0, host, yt(3, 100));
    assert_eq!(
        h.reject(T0, host, ClientMessage::AddSong { song: yt(4, 100) }),
        ErrorCode::QueueFull
    );
    h.timeout(T0 + 100 * S);
    assert_eq!(h.order().len(), 1);
    h.add(T0 + 101 * S, host, yt(4, 100));
    assert_eq!(h.order().len(), 2);
}
