//! The YouTube player as the follower sees it: commands go to the page with delays instead of
//! instants; the position read back is the page's report extrapolated while it plays, and what
//! it was told while a (slow) seek buffers, so a slow seek is never answered with another.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use desktop_core::view::{YoutubeCommand, YoutubeReport};
use desktop_core::youtube::YoutubePlayer;
use listener::Player;
use room_core::SongSource;
use room_core::protocol::SongView;

#[derive(Debug, Default)]
struct ManualClock(AtomicI64);

impl sync_client::LocalClock for ManualClock {
    fn now_us(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn song(video_id: &str) -> SongView {
    SongView {
        id: 7,
        source: SongSource::Youtube {
            video_id: video_id.into(),
        },
        url: None,
        title: "t".into(),
        artist: None,
        album: None,
        duration_us: Some(200_000_000),
        added_by: 1,
        added_by_name: "Ada".into(),
        added_at_us: 0,
    }
}

fn position(position_s: f64, state: i32) -> YoutubeReport {
    YoutubeReport::Position {
        video_id: "dQw4w9WgXcQ".into(),
        position_s,
        state,
        rate: 1.0,
    }
}

#[test]
fn youtube_player_follows_the_page() {
    let clock = Arc::new(ManualClock::default());
    clock.0.store(1_000_000, Ordering::SeqCst);
    let sent: Arc<Mutex<Vec<YoutubeCommand>>> = Arc::default();
    let sink = {
        let sent = sent.clone();
        Arc::new(move |c| sent.lock().unwrap_or_else(PoisonError::into_inner).push(c))
    };
    let (mut player, reports) = YoutubePlayer::new(sink, clock.clone());
    let take = || std::mem::take(&mut *sent.lock().unwrap_or_else(PoisonError::into_inner));

    // Not ready until the page says its API is loaded.
    assert!(!player.load(7, Some(&song("dQw4w9WgXcQ"))));
    assert_eq!(
        take(),
        vec![YoutubeCommand::Load {
            video_id: "dQw4w9WgXcQ".into(),
            position_s: 0.0
        }]
    );
    reports.report(YoutubeReport::Ready);
    assert!(player.load(7, Some(&song("dQw4w9WgXcQ"))));
    assert!(
        take().is_empty(),
        "loading the loaded song again sent a command"
    );

    // A start 250 ms from now at 10 s.
    player.start_at(1_250_000, 10_000_000);
    assert_eq!(
        take(),
        vec![YoutubeCommand::Play {
            position_s: 10.0,
            in_ms: 250.0
        }]
    );
    // Before any fresh report: what it was told.
    clock.0.store(1_500_000, Ordering::SeqCst);
    assert_eq!(player.rendered_position(1_500_000), Some(10_250_000));

    // The page plays, 30 ms behind: the report, extrapolated, is what counts.
    reports.report(position(10.22, 1));
    clock.0.store(1_600_000, Ordering::SeqCst);
    assert_eq!(player.rendered_position(1_600_000), Some(10_320_000));

    // A seek: while the page buffers, the position is the seek target moving on, not the
    // stale playing report.
    player.seek(1_600_000, 60_000_000);
    assert_eq!(take(), vec![YoutubeCommand::Seek { position_s: 60.0 }]);
    clock.0.store(1_700_000, Ordering::SeqCst);
    reports.report(position(10.3, 3));
    clock.0.store(1_800_000, Ordering::SeqCst);
    assert_eq!(player.rendered_position(1_800_000), Some(60_200_000));

    // Rate trims are sent once per change.
    player.set_rate_ppm(1_800_000, 20_000);
    player.set_rate_ppm(1_810_000, 20_000);
    assert_eq!(take(), vec![YoutubeCommand::Rate { rate: 1.02 }]);

    // The end is seen once; hostile reports are ignored.
    reports.report(YoutubeReport::Position {
        video_id: "x".repeat(500),
        position_s: f64::NAN,
        state: 1,
        rate: 1.0,
    });
    reports.report(position(200.0, 0));
    assert!(player.take_ended());
    assert!(!player.take_ended());
    reports.report(YoutubeReport::Error { code: 150 });
    assert_eq!(player.take_error(), Some(150));

    player.stop();
    assert_eq!(take().last(), Some(&YoutubeCommand::Stop));
    assert_eq!(player.loaded(), None);
}
