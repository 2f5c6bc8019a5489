//! Metadata for a Spotify link's track: title, artists, album, album art, duration.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use spotify::fake::{FakeConfig, TRACK_UNDER_PRESSURE};
use spotify::{SpotifyError, track_of};

#[tokio::test]
async fn a_track_id_gives_its_metadata() {
    let fake = fake(FakeConfig::new(clock())).await;
    let (spotify, _store) = spotify(&fake);
    assert_eq!(
        spotify.track(TRACK_UNDER_PRESSURE).await.err(),
        Some(SpotifyError::NotConnected)
    );
    spotify.login(fake.browser()).await.unwrap();

    // From a pasted link, as the room parses it.
    let source = room_core::SongSource::from_link(&format!(
        "https://open.spotify.com/track/{TRACK_UNDER_PRESSURE}?si=abc"
    ))
    .unwrap();
    let song = spotify::fake::spotify_song(1, TRACK_UNDER_PRESSURE);
    assert_eq!(song.source, source);
    let id = track_of(Some(&song)).unwrap();

    let t = spotify.track(&id).await.unwrap();
    assert_eq!(t.title, "Under Pressure");
    assert_eq!(
        t.artists,
        vec!["Queen".to_owned(), "David Bowie".to_owned()]
    );
    assert_eq!(t.artist_line().as_deref(), Some("Queen, David Bowie"));
    assert_eq!(t.album.as_deref(), Some("Hot Space"));
    assert_eq!(
        t.album_art_url.as_deref(),
        Some(format!("https://i.scdn.co/image/{TRACK_UNDER_PRESSURE}640").as_str()),
        "not the largest image"
    );
    assert_eq!(t.duration_ms, 248_440);
    assert_eq!(t.duration_us(), 248_440_000);
    assert_eq!(
        fake.count("GET", &format!("/v1/tracks/{TRACK_UNDER_PRESSURE}")),
        1
    );

    // Unknown and malformed ids.
    assert!(matches!(
        spotify.track("0000000000000000000000").await,
        Err(SpotifyError::NotFound(_))
    ));
    let calls = fake.api_calls();
    assert!(matches!(
        spotify.track("../me/player").await,
        Err(SpotifyError::BadRequest(_))
    ));
    assert_eq!(fake.api_calls(), calls, "a malformed id was sent");
}
