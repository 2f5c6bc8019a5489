//! A stored row that no longer decodes costs only itself (or, for a room row, its room): the
//! other rooms, and the rest of the damaged room, still load.

mod store_common;

use std::path::{Path, PathBuf};

use room_core::persist::RoomSnapshot;
use store_common::{Driven, load, party, raw, spawn_writer};
use tempfile::TempDir;

/// Rooms `PARTYA` and `PARTYB` (see `party`) stored in a fresh file.
async fn two_rooms() -> (TempDir, PathBuf, RoomSnapshot, RoomSnapshot) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rooms.sqlite3");
    let store = spawn_writer(&path);
    let mut a: Driven = party("PARTYA");
    let mut b: Driven = party("PARTYB");
    a.submit_to(&store);
    b.submit_to(&store);
    store.close().await;
    let (a, b) = (a.room.snapshot(), b.room.snapshot());
    assert_eq!(
        load(&path),
        vec![a.clone(), b.clone()],
        "both load before the damage"
    );
    (dir, path, a, b)
}

fn damage(path: &Path, sql: &str) {
    let changed = raw(path).execute(sql, []).expect(sql);
    assert_eq!(changed, 1, "{sql}");
}

#[tokio::test]
async fn a_corrupt_song_skips_that_song_only() {
    let (_dir, path, mut a, b) = two_rooms().await;
    // A queued song that has votes, so they must go with it.
    let (song, _, _) = *a.votes.first().expect("room A has votes");
    damage(
        &path,
        &format!(
            "UPDATE queue SET song_json = '{{\"id\": {song}, \"title\": tru' \
             WHERE room_code = 'PARTYA' AND song_id = {song}"
        ),
    );

    let loaded = load(&path);
    a.queue.retain(|q| q.song.id != song);
    a.votes.retain(|&(s, _, _)| s != song);
    assert_eq!(loaded, vec![a, b]);
}

#[tokio::test]
async fn a_corrupt_current_song_leaves_the_room_idle() {
    let (_dir, path, a, b) = two_rooms().await;
    damage(
        &path,
        "UPDATE playback SET current_song_json = '[1, 2' WHERE room_code = 'PARTYB'",
    );

    let loaded = load(&path);
    assert_eq!(loaded.len(), 2);
    assert_eq!(loaded[0], a);
    let b2 = &loaded[1];
    assert_eq!(b2.playback.current, None, "B loads idle");
    assert!(!b2.playback.is_playing);
    assert_eq!(
        (&b2.room, &b2.members, &b2.queue, &b2.votes),
        (&b.room, &b.members, &b.queue, &b.votes),
        "the rest of B is intact"
    );
}

#[tokio::test]
async fn a_corrupt_room_row_skips_that_room_and_a_corrupt_member_itself() {
    let (_dir, path, mut a, _b) = two_rooms().await;
    damage(
        &path,
        "UPDATE rooms SET policy = 'anarchy' WHERE code = 'PARTYB'",
    );
    let member = a.members.last().expect("members").id;
    damage(
        &path,
        &format!(
            "UPDATE members SET role = 'emperor' WHERE room_code = 'PARTYA' AND id = {member}"
        ),
    );

    let loaded = load(&path);
    a.members.retain(|m| m.id != member);
    assert_eq!(
        loaded,
        vec![a],
        "B is skipped, A loads without the bad member"
    );
}
