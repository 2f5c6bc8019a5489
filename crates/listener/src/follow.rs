//! Followers: each tick, turn what the sync client knows into commands for the [`Player`].
//!
//! - [`SyncedFollower`]: Tandem's way. The room timeline mapped through the clock estimate
//!   (scheduled changes honoured), the drift controller trimming the rate for small errors and
//!   jumping for large ones.
//! - [`NaiveFollower`]: the original design, the sync lab's baseline. No clock estimate: each
//!   playback event sets `positionUs + (wall clock now - roomClockUs)`, trusting the local wall
//!   clock to agree with the server's; the player then runs freely, resynced only when off that
//!   formula by more than 3 s.

mod naive;
mod synced;

use room_core::protocol::{SongId, SongView};
use sync_client::{ClientState, PlaybackArrival, SongTarget};

use crate::player::Player;

pub use naive::NaiveFollower;
pub use synced::SyncedFollower;

/// What a follower sees of the room at one local instant.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// What should be playing now (the timeline through the clock estimate).
    pub target: Option<SongTarget>,
    /// The clock estimate has enough samples since the last (re)connect.
    pub synced: bool,
    /// How many ppm faster than the room clock the local clock runs (the estimate's skew).
    pub skew_ppm: f64,
    /// Clock samples the estimate rests on (since the last (re)connect).
    pub clock_samples: usize,
    /// The room's current song, and what is known of it.
    pub song_id: Option<SongId>,
    pub song: Option<SongView>,
    /// The room waits for players to report `player-ready` for the current song.
    pub waiting: bool,
    /// The last playback message as it arrived.
    pub arrival: Option<PlaybackArrival>,
}

impl Snapshot {
    /// Reads what a follower needs from the client's state at local instant `now_us`.
    pub fn of(state: &ClientState, now_us: i64) -> Self {
        let room = state.room.as_ref();
        Self {
            target: state.target_at(now_us),
            synced: state.clock.synced,
            skew_ppm: state.clock.skew_ppm,
            clock_samples: state.clock.samples,
            song_id: state.song_id(),
            song: room.and_then(|r| r.song.clone()),
            waiting: state.waiting(),
            arrival: state.last_playback.clone(),
        }
    }

    /// What is known of `song_id`, if it is the current song.
    fn song_info(&self, song_id: SongId) -> Option<&SongView> {
        self.song.as_ref().filter(|s| s.id == song_id)
    }
}

/// What the listener is doing, for telemetry and the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Playing,
    Paused,
    /// A song is loaded but not started: the room waits for players, a start is scheduled, or
    /// the clock is not known yet.
    Waiting,
    /// Nothing current, or not in a room.
    Idle,
}

impl Activity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Playing => "playing",
            Self::Paused => "paused",
            Self::Waiting => "waiting",
            Self::Idle => "idle",
        }
    }
}

/// What the follower did to the player this tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CorrectionKind {
    #[default]
    None,
    /// Playing at a trimmed rate.
    Trim,
    /// Moved the position (a start, a seek, a resync).
    Jump,
}

impl CorrectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Trim => "trim",
            Self::Jump => "jump",
        }
    }
}

/// One tick's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub activity: Activity,
    pub song_id: Option<SongId>,
    /// The position that should be written now (`None` when there is none).
    pub target_us: Option<i64>,
    pub correction: CorrectionKind,
    /// Tell the room this player is ready for that song.
    pub send_ready: Option<SongId>,
    /// The follower's smoothed tracking error (rendered - target), when it measures one.
    pub error_us: Option<i64>,
}

impl TickReport {
    fn idle() -> Self {
        Self {
            activity: Activity::Idle,
            song_id: None,
            target_us: None,
            correction: CorrectionKind::None,
            send_ready: None,
            error_us: None,
        }
    }
}

/// Either way of following.
#[derive(Debug)]
pub enum Follower {
    /// Boxed: it holds the drift controller, the naive one next to nothing.
    Synced(Box<SyncedFollower>),
    Naive(NaiveFollower),
}

impl Follower {
    pub fn tick(&mut self, now_us: i64, room: &Snapshot, player: &mut dyn Player) -> TickReport {
        match self {
            Self::Synced(f) => f.tick(now_us, room, player),
            Self::Naive(f) => f.tick(now_us, room, player),
        }
    }
}

/// Loads the current song when the room waits for players, and says when to report ready
/// (once per song). Shared by both followers: being waited for is about the room, not about
/// how one follows it.
#[derive(Debug, Default)]
struct ReadyReporter {
    reported: Option<SongId>,
}

impl ReadyReporter {
    fn check(&mut self, room: &Snapshot, player: &mut dyn Player) -> Option<SongId> {
        let song_id = room.song_id.filter(|_| room.waiting)?;
        if self.reported == Some(song_id) {
            return None;
        }
        let loaded = if player.loaded() == Some(song_id) {
            true
        } else {
            player.load(song_id, room.song_info(song_id))
        };
        loaded.then(|| {
            self.reported = Some(song_id);
            song_id
        })
    }
}
