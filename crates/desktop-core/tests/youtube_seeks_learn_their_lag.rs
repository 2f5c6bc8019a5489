//! YouTube's starts and seeks land late (buffering): the player measures by how much on the
//! first playing report after each, and asks for that much further ahead next time, so a seek
//! lands where the room is by the time it completes.

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
fn youtube_seeks_learn_their_lag() {
    let clock = Arc::new(ManualClock::default());
    clock.0.store(1_000_000, Ordering::SeqCst);
    let sent: Arc<Mutex<Vec<YoutubeCommand>>> = Arc::default();
    let sink = {
        let sent = sent.clone();
        Arc::new(move |c| sent.lock().unwrap_or_else(PoisonError::into_inner).push(c))
    };
    let (mut player, reports) = YoutubePlayer::new(sink, clock.clone());
    let take = || std::mem::take(&mut *sent.lock().unwrap_or_else(PoisonError::into_inner));
    reports.report(YoutubeReport::Ready);
    player.load(7, Some(&song("dQw4w9WgXcQ")));
    player.start_at(1_000_000, 10_000_000);
    take();
    // It plays from 150 ms after it was told to: the report at 1.5 s says 10.35 s.
    clock.0.store(1_500_000, Ordering::SeqCst);
    reports.report(position(10.35, 1));
    player.observe();
    assert_eq!(player.lead_us(), 150_000);
    // The next seek asks for 150 ms further on than the room's position.
    player.seek(1_600_000, 40_000_000);
    assert_eq!(take(), vec![YoutubeCommand::Seek { position_s: 40.15 }]);
    // It landed right: the lead holds.
    clock.0.store(2_100_000, Ordering::SeqCst);
    reports.report(position(40.5, 1));
    player.observe();
    assert_eq!(player.lead_us(), 150_000);
    assert_eq!(player.rendered_position(2_100_000), Some(40_500_000));
    // A seek while paused lands exactly (nothing plays while it buffers).
    player.pause(2_200_000);
    player.seek(2_200_000, 60_000_000);
    assert_eq!(
        take(),
        vec![
            YoutubeCommand::Pause,
            YoutubeCommand::Seek { position_s: 60.0 }
        ]
    );
    // A lag too large to be buffering (an ad, a stall) is not learned.
    player.start_at(2_300_000, 60_000_000);
    clock.0.store(2_400_000, Ordering::SeqCst);
    reports.report(position(50.0, 1));
    player.observe();
    assert_eq!(player.lead_us(), 150_000);
}
