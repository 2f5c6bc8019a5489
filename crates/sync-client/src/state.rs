//! What the client publishes through its `watch` channel: connection status, the room, the
//! clock estimate and everything needed to answer "what should be playing now".

use std::sync::Arc;
use std::time::Duration;

use room_core::Role;
use room_core::protocol::{MemberId, SongId};
use sync_core::{ClockEstimator, RoomClock, RoomPlayback, Target, Timeline};

use crate::error::ClientError;
use crate::room_state::RoomState;

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// Opening the socket (TCP, TLS, WebSocket handshake). `attempt` counts failed tries since the
    /// client was last in the room.
    Connecting { attempt: u32 },
    /// The socket is open and `join-room` sent.
    Joining,
    /// In the room: broadcasts arrive and commands are sent.
    InRoom,
    /// The last try failed or the connection dropped; the next try is in `retry_in`.
    Reconnecting { attempt: u32, retry_in: Duration },
    /// Stopped for good: joining cannot succeed (wrong code or password, see `last_error`).
    Failed,
    /// Stopped for good: left the room, the room was closed, or the handle was dropped.
    Closed,
}

impl ConnectionStatus {
    /// Whether the client task has stopped.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Failed | Self::Closed)
    }
}

/// This member, as the room knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Me {
    pub member_id: MemberId,
    pub role: Role,
}

/// The clock estimate, for display and telemetry.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ClockStatus {
    /// Enough samples since the last (re)connect to play in sync.
    pub synced: bool,
    /// `room - local`, µs.
    pub offset_us: Option<i64>,
    /// Round trip of the best recent sample, µs.
    pub rtt_us: Option<i64>,
    /// Worst-case error of the mapping, µs.
    pub uncertainty_us: Option<i64>,
    /// How much faster than the room clock the local clock runs.
    pub skew_ppm: f64,
    /// Samples held since the last (re)connect.
    pub samples: usize,
}

/// The last playback message as it arrived, for a player that follows events on arrival (the
/// naive baseline) rather than the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybackArrival {
    /// Grows by one per playback message (and `room-joined`).
    pub seq: u64,
    pub song_id: Option<SongId>,
    pub is_playing: bool,
    pub waiting: bool,
    /// The song position at `room_clock_us`, as the message says.
    pub position_us: i64,
    pub room_clock_us: i64,
    /// Local clock reading when the message was read off the socket.
    pub arrived_local_us: i64,
}

/// What should be playing: which song, and where (see [`Target`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SongTarget {
    pub song_id: SongId,
    pub target: Target,
}

/// Everything the client knows, published on every change.
#[derive(Debug, Clone)]
pub struct ClientState {
    pub status: ConnectionStatus,
    /// The room, once joined (kept through reconnects; replaced by each `room-joined`).
    pub room: Option<RoomState>,
    pub me: Option<Me>,
    pub clock: ClockStatus,
    /// The most recent error (a refusal from the server, a failed connection), if any. Kept until
    /// the next error replaces it.
    pub last_error: Option<ClientError>,
    pub last_playback: Option<PlaybackArrival>,
    /// The server's name and version from its `hello`.
    pub server: Option<String>,
    /// Times the client got back into the room after a drop.
    pub rejoins: u32,
    /// The room this client created ([`Join::create`](crate::Join::create)): its code and the
    /// host secret that reclaims the host role. Keep the secret private.
    pub created: Option<CreatedRoom>,
    pub(crate) sync: SyncSnapshot,
}

/// A room created by this client.
#[derive(Clone, PartialEq, Eq)]
pub struct CreatedRoom {
    pub code: String,
    pub host_secret: String,
}

impl std::fmt::Debug for CreatedRoom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedRoom")
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// The clock mapping and the timeline the targets are computed from.
#[derive(Debug, Clone, Default)]
pub(crate) struct SyncSnapshot {
    pub clock: Option<Arc<ClockEstimator>>,
    /// `None` while nothing is current.
    pub timeline: Option<Timeline>,
}

impl ClientState {
    pub(crate) fn new() -> Self {
        Self {
            status: ConnectionStatus::Connecting { attempt: 0 },
            room: None,
            me: None,
            clock: ClockStatus::default(),
            last_error: None,
            last_playback: None,
            server: None,
            rejoins: 0,
            created: None,
            sync: SyncSnapshot::default(),
        }
    }

    /// What should be playing at local instant `local_us`: the song and its [`Target`], output
    /// latency included. `None` when nothing is current, or the room is playing and the clock
    /// mapping is not known yet.
    pub fn target_at(&self, local_us: i64) -> Option<SongTarget> {
        let timeline = self.sync.timeline.as_ref()?;
        let (state, target) = match &self.sync.clock {
            Some(clock) => timeline.in_force_at(clock.as_ref(), local_us)?,
            None => timeline.in_force_at(&NoClock, local_us)?,
        };
        Some(SongTarget {
            song_id: state.song_id,
            target,
        })
    }

    /// The room instant at local instant `local_us`, once a clock sample has arrived.
    pub fn room_time_of(&self, local_us: i64) -> Option<i64> {
        self.sync.clock.as_ref()?.room_time(local_us)
    }

    /// The local instant of room instant `room_us`, once a clock sample has arrived.
    pub fn local_time_of(&self, room_us: i64) -> Option<i64> {
        self.sync.clock.as_ref()?.local_time(room_us)
    }

    /// The room's newest timeline on the room clock (it may take effect later, see
    /// [`RoomPlayback::effective_at_us`]); `None` while nothing is current.
    pub fn playback(&self) -> Option<&RoomPlayback> {
        self.sync.timeline.as_ref().map(Timeline::playback)
    }

    /// The current song's id, if any.
    pub fn song_id(&self) -> Option<SongId> {
        self.room.as_ref()?.playback.song_id
    }

    /// Whether the room waits for players to report ready before starting the current song.
    pub fn waiting(&self) -> bool {
        self.room.as_ref().is_some_and(|r| r.playback.waiting)
    }
}

/// A mapping that is not known yet.
struct NoClock;

impl RoomClock for NoClock {
    fn room_time(&self, _local_us: i64) -> Option<i64> {
        None
    }

    fn local_time(&self, _room_us: i64) -> Option<i64> {
        None
    }
}
