//! Sans-IO clock synchronisation for a Tandem listener.
//!
//! Every listener must hear the same moment of the same song. The room's timeline is on the room
//! clock (the server's monotonic clock); this crate maps it onto a listener's local clock and
//! keeps the player on it:
//!
//! 1. [`ClockEstimator`] turns NTP-style pings into a local-to-room mapping (offset and skew,
//!    with an honest error bound) and says when to ping next.
//! 2. [`Timeline`] turns the room's playback state into "write this position now" or "start at
//!    this local instant", output latency included.
//! 3. [`DriftController`] turns "the player is here, it should be there" into a rate trim, a seek
//!    or nothing, with hysteresis and per-player thresholds.
//!
//! Nothing here does I/O or reads a clock: every instant is an argument, in microseconds (`i64`).
//! A driver (tokio task, audio thread) owns the socket and the clock and calls in; tests run on
//! synthetic time through the seeded network emulator ([`netem`]) and finish in milliseconds.
//!
//! # Layout
//! ```text
//! src/
//!   lib.rs                 this overview and the re-exports
//!   error.rs               SampleRejected (why a clock sample was refused), ConfigError
//!   clock.rs               RoomClock: local <-> room mapping as the timeline needs it; FixedOffset
//!   estimator.rs           ClockEstimator: outlier rejection, anchor choice, mapping, uncertainty
//!   estimator/sample.rs    Sample (t0..t3) and its offset/delay arithmetic
//!   estimator/config.rs    EstimatorConfig and its defaults
//!   estimator/skew.rs      weighted least-squares skew fit, combined with a prior
//!   estimator/mapping.rs   the line local -> room through the recent samples, its error bound
//!   estimator/schedule.rs  when to ping: burst after connecting, then steady
//!   timeline.rs            RoomPlayback, Timeline, Target: where the player should be, locally
//!   drift.rs               DriftController, Correction, DriftState
//!   drift/config.rs        DriftConfig with presets local_audio / youtube / spotify
//!   netem.rs               PathProfile presets, NetPath (two links, blackouts)
//!   netem/link.rs          one direction: delay, jitter, loss bursts, reordering
//!   netem/rng.rs           SplitMix64, so a run is reproduced by its seed
//!   netem/sim_clock.rs     SimClock: a drifting, offset listener clock
//!   sim.rs                 ClockSim: drives a ClockEstimator over a NetPath on synthetic time
//! tests/                   one file per behaviour, on synthetic time
//! ```
//!
//! # Driving it
//! ```
//! use sync_core::{ClockEstimator, EstimatorConfig, FixedOffset, RoomPlayback, Sample, Target,
//!                 Timeline};
//!
//! let mut clock = ClockEstimator::new(EstimatorConfig::default());
//! let now = 0; // the driver reads its monotonic clock
//! if clock.should_ping(now) {
//!     clock.on_ping_sent(now); // send `clock-ping { clientSendUs: now }`
//! }
//! // On `clock-pong`: add_sample(Sample::new(clientSendUs, serverRecvUs, serverSendUs, local now)).
//! clock.add_sample(Sample::new(0, 10_001_000, 10_001_020, 2_020))?;
//!
//! let timeline = Timeline::new(RoomPlayback::playing(7, 10_000_000)).with_output_latency_ms(40);
//! assert_eq!(
//!     timeline.target_at(&clock, 2_020),
//!     Some(Target::Playing { position_us: 42_020 })
//! );
//! # let _ = FixedOffset::new(0);
//! # Ok::<(), sync_core::SampleRejected>(())
//! ```

mod clock;
mod drift;
mod error;
mod estimator;
pub mod netem;
pub mod sim;
mod timeline;

pub use clock::{FixedOffset, RoomClock};
pub use drift::{Correction, DriftConfig, DriftController, DriftState};
pub use error::{ConfigError, SampleRejected};
pub use estimator::{ClockEstimator, EstimatorConfig, Measurement, Sample};
pub use timeline::{RoomPlayback, SongId, Target, Timeline};
