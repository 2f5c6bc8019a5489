//! Playback: an actor on its own OS thread that schedules songs onto an [`Output`] to the frame.
//!
//! [`Engine::spawn`] starts the thread ("tandem-audio") and returns an [`EngineHandle`]:
//! [`Command`]s go in, [`Event`]s come out, and the frame being *heard* right now is published
//! through atomics ([`EngineHandle::heard_position`]): that is what a drift controller compares
//! with the room's timeline.
//!
//! # Layout
//! - `mod.rs` (this file): the public types: commands, events, errors, the handle.
//! - [`clock`]: the injected [`LocalClock`], a monotonic one and a simulated one.
//! - `actor`: the thread that owns the sources and the output; decodes ahead of the device.
//! - `render`: the device callback's side: copy, gain, rate trim, start-at-instant, publish.
//! - `chunk`: what travels between them through lock-free rings.
//! - `shared`: the atomics (heard position seqlock, volume, trim, statistics).
//! - [`testing`]: synthetic sources and a simulated rig for tests and benches.
//!
//! # How it keeps time
//! The output tells the callback when the first frame of each buffer will be heard, on the
//! local clock (device timestamp + latency, mapped). The callback pads silence until the frame
//! scheduled by [`Command::PlayAt`] falls due, so it starts on the exact frame; if the instant
//! is already past it skips frames so the song is where the timeline says. It publishes, per
//! buffer, "frame F of song S is heard at local instant T". Drift between the device clock and
//! the local clock shows in that mapping; [`Command::SetRateTrim`] corrects it by dropping or
//! repeating single frames, spread evenly (at most [`MAX_TRIM_PPM`]), and [`Command::Jump`]
//! re-schedules for large errors.
//!
//! # Order of events
//! - `OutputReady` (or `Error` with an output error, then `OutputReady` for the null fallback)
//!   before the first `Loaded`.
//! - For a song: `Loaded` (or `Queued`), then `Started` each time it starts being heard (after a
//!   `PlayAt`, `Resume`, `Seek` while playing, `Jump`), `Paused` after a `Pause`, and one
//!   `Ended` when its last frame has been rendered. A gapless change emits `Ended { A }` then
//!   `Started { B }` from the same buffer.
//! - A decode failure: `Error { id }` when it happens, then `Ended { id, reason: Failed }` once
//!   the frames decoded before it have played. The engine stays alive.
//! - `DeviceLost` when the device goes away; playback goes on, silently, on a null output.
//!
//! Commands are applied in the order sent. Seek clears the queued audio and resets the position
//! in one step (a new generation, see `chunk`); a seek while paused stays paused.

mod actor;
mod chunk;
pub mod clock;
mod render;
mod shared;
pub mod testing;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use crate::output::{Output, OutputError, OutputFormat};
use crate::source::{DecodeError, DecodeErrorKind, FrameSource};
pub use clock::{FnClock, LocalClock, MonotonicClock, SimClock};

use actor::{Actor, Msg};
use shared::Shared;

/// The room's id of a song (room-core's `SongId`).
pub type SongId = u64;

/// The largest rate trim, in ppm either way (Snapcast's soft sync uses the same bound): one
/// frame in 2,000 dropped or repeated, inaudible.
pub const MAX_TRIM_PPM: i32 = 500;

/// A position in a song, in source frames (at the output rate) or in µs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Frame(u64),
    Us(i64),
}

impl Position {
    /// The frame at `rate` (µs rounded to the nearest frame; negative is frame 0).
    pub fn to_frames(self, rate: u32) -> u64 {
        match self {
            Position::Frame(f) => f,
            Position::Us(us) => shared::us_to_frames(us, rate),
        }
    }
}

/// What the engine is told to do. Applied in the order sent.
pub enum Command {
    /// Replace everything with this song, held at frame 0 (decoded ahead, silent) until a
    /// `PlayAt`. The source must be at the output's rate ([`EngineHandle::output_format`]);
    /// channels are mapped.
    Load {
        id: SongId,
        source: Box<dyn FrameSource>,
    },
    /// Play this song right after the current one ends, without a gap.
    QueueNext {
        id: SongId,
        source: Box<dyn FrameSource>,
    },
    /// Make the frame at `position` of song `id` (loaded or queued) be heard at the local
    /// instant `at_local_us`: silence is padded until then. If that instant has passed, the song
    /// starts where the timeline is now. A negative `Position::Us` (the song starts later) puts
    /// frame 0 that much after `at_local_us`.
    PlayAt {
        id: SongId,
        position: Position,
        at_local_us: i64,
    },
    /// A `PlayAt` on the song being heard: the correction for a large error.
    Jump {
        position: Position,
        at_local_us: i64,
    },
    /// Stop being heard; the queued audio and the position are kept.
    Pause,
    /// Go on from the paused frame, heard at `at_local_us` (or as soon as possible).
    Resume { at_local_us: Option<i64> },
    /// Go to `position` of the song being heard, sample-accurate: clears the queued audio. Plays
    /// at once if playing, stays paused if paused.
    Seek { position: Position },
    /// Forget every song; silence.
    Stop,
    /// Linear gain, 0.0 to 4.0 (1.0: unchanged), ramped over one buffer.
    SetVolume { volume: f32 },
    /// Play `1 + ppm / 1e6` times as fast (negative: slower), by dropping or repeating single
    /// frames spread evenly. Clamped to ±[`MAX_TRIM_PPM`]. Stays until changed.
    SetRateTrim { ppm: i32 },
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Load { id, .. } => write!(f, "Load {{ id: {id} }}"),
            Command::QueueNext { id, .. } => write!(f, "QueueNext {{ id: {id} }}"),
            Command::PlayAt {
                id,
                position,
                at_local_us,
            } => write!(
                f,
                "PlayAt {{ id: {id}, position: {position:?}, at_local_us: {at_local_us} }}"
            ),
            Command::Jump {
                position,
                at_local_us,
            } => write!(
                f,
                "Jump {{ position: {position:?}, at_local_us: {at_local_us} }}"
            ),
            Command::Pause => f.write_str("Pause"),
            Command::Resume { at_local_us } => {
                write!(f, "Resume {{ at_local_us: {at_local_us:?} }}")
            }
            Command::Seek { position } => write!(f, "Seek {{ position: {position:?} }}"),
            Command::Stop => f.write_str("Stop"),
            Command::SetVolume { volume } => write!(f, "SetVolume {{ volume: {volume} }}"),
            Command::SetRateTrim { ppm } => write!(f, "SetRateTrim {{ ppm: {ppm} }}"),
        }
    }
}

/// Why a song stopped being heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// Its last frame was played.
    Finished,
    /// Its source failed (an `Error` event came first). Not the room's end of the song.
    Failed,
}

/// What the engine reports. See the module documentation for their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The output is open and rendering.
    OutputReady {
        name: String,
        format: OutputFormat,
        latency_us: Option<i64>,
    },
    Loaded {
        id: SongId,
        total_frames: Option<u64>,
    },
    Queued {
        id: SongId,
    },
    /// Frame `position_frames` of `id` is heard at `at_local_us` (exact, from the device
    /// timing): a start, a resume, a seek, a jump or a gapless change.
    Started {
        id: SongId,
        position_frames: u64,
        position_us: i64,
        at_local_us: i64,
    },
    /// Paused before frame `position_frames`.
    Paused {
        id: SongId,
        position_frames: u64,
        position_us: i64,
    },
    Ended {
        id: SongId,
        reason: EndReason,
    },
    Stopped,
    Error {
        id: Option<SongId>,
        error: EngineError,
    },
    /// The device went away; the engine goes on silently (null output) on the same timeline.
    DeviceLost {
        error: OutputError,
    },
}

/// Errors reported by the engine (in `Event::Error` or from handle calls).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("song {id}: {message}")]
    Decode {
        id: SongId,
        kind: DecodeErrorKind,
        message: String,
    },
    #[error("song {id}: its decoder panicked")]
    SourcePanicked { id: SongId },
    #[error("song {id} is not loaded")]
    NotLoaded { id: SongId },
    #[error("no song is loaded")]
    NothingLoaded,
    #[error(
        "song {id} is {source_rate} Hz ({source_channels} channels) but the output runs at \
         {output_rate} Hz: adapt it first (resample::Resampled)"
    )]
    FormatMismatch {
        id: SongId,
        source_rate: u32,
        source_channels: u16,
        output_rate: u32,
    },
    #[error("could not start the audio thread: {0}")]
    Spawn(String),
    #[error("the audio engine has stopped")]
    EngineGone,
}

impl EngineError {
    fn decode(id: SongId, e: &DecodeError) -> Self {
        EngineError::Decode {
            id,
            kind: e.kind(),
            message: e.to_string(),
        }
    }

    /// A stable snake_case name for the UI and logs.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            EngineError::Output(e) => e.kind(),
            EngineError::Decode { .. } => "decode_failed",
            EngineError::SourcePanicked { .. } => "decoder_panicked",
            EngineError::NotLoaded { .. } => "not_loaded",
            EngineError::NothingLoaded => "nothing_loaded",
            EngineError::FormatMismatch { .. } => "format_mismatch",
            EngineError::Spawn(_) => "engine_spawn_failed",
            EngineError::EngineGone => "engine_gone",
        }
    }
}

/// Which frame is being heard: frame `position_frames` of `id` leaves the speaker at local
/// instant `at_local_us` (updated once per device buffer; between updates, the position moves
/// on at the output rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeardPosition {
    pub id: SongId,
    pub position_frames: u64,
    pub position_us: i64,
    pub at_local_us: i64,
    /// False while loaded-but-not-started, paused, or after an underrun: the position is the
    /// next frame to be heard, not one being heard.
    pub playing: bool,
}

/// Counters of the render path (all since the output opened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub callbacks: u64,
    pub frames_rendered: u64,
    /// Frames of silence rendered because decoded audio was not there in time.
    pub underrun_frames: u64,
    /// Frames repeated / dropped by the rate trim.
    pub frames_inserted: u64,
    pub frames_dropped: u64,
    /// Frames skipped because a scheduled start was already late.
    pub late_start_frames_skipped: u64,
    /// Time spent in the render callback (ns), total and longest call.
    pub render_ns_total: u64,
    pub render_ns_max: u64,
    pub events_dropped: u64,
}

/// The engine's entry point.
#[derive(Debug)]
pub struct Engine;

impl Engine {
    /// Starts the engine's thread with `output` (opened lazily, on the first `Load` or
    /// [`EngineHandle::output_format`]) and the local clock every instant is measured on.
    ///
    /// # Errors
    /// [`EngineError::Spawn`] if the OS refuses a thread.
    pub fn spawn(
        output: impl Output + 'static,
        clock: Arc<dyn LocalClock>,
    ) -> Result<EngineHandle, EngineError> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (ev_tx, ev_rx) = crossbeam_channel::unbounded();
        let shared = Arc::new(Shared::new());
        let actor = Actor::new(
            rx,
            tx.clone(),
            ev_tx,
            clock,
            shared.clone(),
            Box::new(output),
        );
        let thread = std::thread::Builder::new()
            .name("tandem-audio".into())
            .spawn(move || actor.run())
            .map_err(|e| EngineError::Spawn(e.to_string()))?;
        Ok(EngineHandle {
            inner: Arc::new(Inner {
                tx,
                events: ev_rx,
                shared,
                thread: Mutex::new(Some(thread)),
            }),
        })
    }
}

/// Talks to the engine. Cloning shares the engine; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct EngineHandle {
    inner: Arc<Inner>,
}

struct Inner {
    tx: Sender<Msg>,
    events: Receiver<Event>,
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Shutdown);
        let thread = match self.thread.lock() {
            Ok(mut t) => t.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

impl fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EngineHandle").finish_non_exhaustive()
    }
}

impl EngineHandle {
    /// Sends a command (applied in order, asynchronously).
    ///
    /// # Errors
    /// [`EngineError::EngineGone`] if the engine's thread has ended.
    pub fn send(&self, command: Command) -> Result<(), EngineError> {
        self.inner
            .tx
            .send(Msg::Command(command))
            .map_err(|_| EngineError::EngineGone)
    }

    /// `Command::Load`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn load(&self, id: SongId, source: Box<dyn FrameSource>) -> Result<(), EngineError> {
        self.send(Command::Load { id, source })
    }

    /// `Command::QueueNext`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn queue_next(&self, id: SongId, source: Box<dyn FrameSource>) -> Result<(), EngineError> {
        self.send(Command::QueueNext { id, source })
    }

    /// `Command::PlayAt`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn play_at(
        &self,
        id: SongId,
        position: Position,
        at_local_us: i64,
    ) -> Result<(), EngineError> {
        self.send(Command::PlayAt {
            id,
            position,
            at_local_us,
        })
    }

    /// `Command::Pause`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn pause(&self) -> Result<(), EngineError> {
        self.send(Command::Pause)
    }

    /// `Command::Resume`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn resume(&self, at_local_us: Option<i64>) -> Result<(), EngineError> {
        self.send(Command::Resume { at_local_us })
    }

    /// `Command::Seek`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn seek(&self, position: Position) -> Result<(), EngineError> {
        self.send(Command::Seek { position })
    }

    /// `Command::SetRateTrim`.
    ///
    /// # Errors
    /// See [`EngineHandle::send`].
    pub fn set_rate_trim(&self, ppm: i32) -> Result<(), EngineError> {
        self.send(Command::SetRateTrim { ppm })
    }

    /// The engine's events. Cloning the receiver shares the stream (each event goes to one
    /// receiver).
    pub fn events(&self) -> &Receiver<Event> {
        &self.inner.events
    }

    /// Which frame is heard now, by the device's clock (lock-free read).
    pub fn heard_position(&self) -> Option<HeardPosition> {
        self.inner.shared.heard_position()
    }

    /// Counters of the render path.
    pub fn stats(&self) -> EngineStats {
        self.inner.shared.stats()
    }

    /// The output's format, opening the output if needed (a missing device gives the null
    /// fallback's format, with an `Error` event). Sources must be at this rate.
    ///
    /// # Errors
    /// [`EngineError::EngineGone`], or an output error if even the fallback cannot start.
    pub fn output_format(&self) -> Result<OutputFormat, EngineError> {
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.inner
            .tx
            .send(Msg::Format(tx))
            .map_err(|_| EngineError::EngineGone)?;
        rx.recv().map_err(|_| EngineError::EngineGone)?
    }

    /// Returns once every command sent before is applied, the decoded audio topped up and the
    /// callback's events relayed. For tests driving a simulated output; cheap.
    ///
    /// # Errors
    /// [`EngineError::EngineGone`].
    pub fn sync(&self) -> Result<(), EngineError> {
        let (tx, rx) = crossbeam_channel::bounded(1);
        self.inner
            .tx
            .send(Msg::Sync(tx))
            .map_err(|_| EngineError::EngineGone)?;
        rx.recv().map_err(|_| EngineError::EngineGone)
    }
}
