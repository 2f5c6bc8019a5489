//! What follows a Tandem room: a [`Player`] and the [`Follower`] that drives it.
//!
//! Each tick, a follower reads what the sync client knows ([`Snapshot`]) and turns it into
//! commands for a player: load, start at an instant, pause, seek, trim the rate. The players
//! are a [`VirtualPlayer`] (a position on the local clock, the sync lab's probe) and an
//! [`AudioPlayer`] (local-file songs through the audio engine). `tandem-listen` and the desktop
//! app drive them the same way; the app adds its own players (the YouTube bridge) behind the
//! same trait.
//!
//! # Layout
//! ```text
//! src/
//!   player.rs                  the Player trait (load, start_at, pause, seek, set_rate_ppm,
//!                              rendered_position)
//!   player/virtual_player.rs   VirtualPlayer: position on the local clock, exact seeks
//!   player/audio_player.rs     AudioPlayer: local-file songs fetched through sync-client's
//!                              FileCache, decoded while they download, resampled and played by
//!                              audio-engine (PlayAt / Jump / SetRateTrim); its position is the
//!                              engine's heard position
//!   follow.rs                  Snapshot (what a follower sees), TickReport, Follower, player-ready
//!   follow/synced.rs           SyncedFollower: timeline + clock estimate + drift control
//!   follow/naive.rs            NaiveFollower: the original design's arithmetic on the wall
//!                              clock, the sync lab's baseline
//! ```

pub mod follow;
pub mod player;

pub use follow::{
    Activity, CorrectionKind, Follower, NaiveFollower, Snapshot, SyncedFollower, TickReport,
};
pub use player::{AudioPlayer, AudioStatus, FileSource, Player, VirtualPlayer};
