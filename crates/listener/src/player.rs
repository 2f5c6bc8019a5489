//! The player the listener drives: a small trait so the audio engine ([`AudioPlayer`], speaker
//! mode) and the virtual player are driven by the same follower.

mod audio_player;
mod virtual_player;

use room_core::protocol::{SongId, SongView};

pub use audio_player::{AudioPlayer, AudioStatus, FileSource};
pub use virtual_player::VirtualPlayer;

/// What a follower needs from a player. Every instant is on the listener's local clock (µs);
/// positions are song positions (µs) *as written to the output*, i.e. before the device's
/// output latency.
pub trait Player {
    /// Loads `song_id` (with what is known of it) and holds it at 0, not playing. Returns
    /// whether it can start at once (a player still buffering returns false and is asked again).
    fn load(&mut self, song_id: SongId, song: Option<&SongView>) -> bool;
    /// The loaded song.
    fn loaded(&self) -> Option<SongId>;
    /// Plays from `position_us` at local instant `local_us` (now, or later: it holds until then).
    fn start_at(&mut self, local_us: i64, position_us: i64);
    /// Stops advancing, holding the position rendered at `now_us`.
    fn pause(&mut self, now_us: i64);
    /// Moves to `position_us` at `now_us`, playing on if it was playing.
    fn seek(&mut self, now_us: i64, position_us: i64);
    /// Plays at `1 + ppm / 1e6` times the nominal rate from `now_us` on.
    fn set_rate_ppm(&mut self, now_us: i64, ppm: i32);
    /// The rate last set, in ppm.
    fn rate_ppm(&self) -> i32;
    /// The position being written at `now_us`; `None` with nothing loaded.
    fn rendered_position(&self, now_us: i64) -> Option<i64>;
    /// Whether it is playing or set to start.
    fn is_playing(&self) -> bool;
    /// Unloads.
    fn stop(&mut self);
}
