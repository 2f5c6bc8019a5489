//! A YouTube player under test: a clock the test moves by hand, and the commands it sent.

#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use desktop_core::view::{YoutubeCommand, YoutubeReport};
use desktop_core::youtube::{YoutubePlayer, YoutubeReports};
use room_core::SongSource;
use room_core::protocol::SongView;

#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn set(&self, us: i64) {
        self.0.store(us, Ordering::SeqCst);
    }
}

impl sync_client::LocalClock for ManualClock {
    fn now_us(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct Rig {
    pub clock: Arc<ManualClock>,
    pub player: YoutubePlayer,
    pub reports: YoutubeReports,
    sent: Arc<Mutex<Vec<YoutubeCommand>>>,
}

impl Rig {
    /// A player whose clock reads 1 s.
    pub fn new() -> Self {
        let clock = Arc::new(ManualClock::default());
        clock.set(1_000_000);
        let sent: Arc<Mutex<Vec<YoutubeCommand>>> = Arc::default();
        let sink = {
            let sent = sent.clone();
            Arc::new(move |c| sent.lock().unwrap_or_else(PoisonError::into_inner).push(c))
        };
        let (player, reports) = YoutubePlayer::new(sink, clock.clone());
        Self {
            clock,
            player,
            reports,
            sent,
        }
    }

    /// The commands sent since the last call.
    pub fn take(&self) -> Vec<YoutubeCommand> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The song, a YouTube video.
pub fn song(video_id: &str) -> SongView {
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

/// The page's report: `dQw4w9WgXcQ` at `position_s` in YouTube's `state`, at rate 1.
pub fn position(position_s: f64, state: i32) -> YoutubeReport {
    YoutubeReport::Position {
        video_id: "dQw4w9WgXcQ".into(),
        position_s,
        state,
        rate: 1.0,
    }
}
