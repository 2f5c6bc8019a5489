//! The listener's main loop: every 20 ms read the client's state, tick the follower, write
//! telemetry; a status line every few seconds; leave cleanly on Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use audio_engine::engine::{Engine, EngineError, Event as EngineEvent, FnClock};
use audio_engine::output::{CpalConfig, CpalOutput, NullOutput, OutputFormat};
use sync_client::{
    ClientConfig, ClientError, ConnectionStatus, FileCache, Join, LocalClock, MonotonicClock,
    SkewedClock, SyncClient, TlsOptions, http_base_url,
};
use sync_core::DriftConfig;
use tokio::time::{Instant, MissedTickBehavior};

use crate::args::Args;
use crate::status;
use crate::telemetry::{Record, TelemetryWriter, true_time_ns};
use listener::follow::{Activity, Follower, NaiveFollower, Snapshot, SyncedFollower};
use listener::player::{AudioPlayer, FileSource, Player, VirtualPlayer};

/// How often the player is driven and telemetry written.
pub const TICK: Duration = Duration::from_millis(20);

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Left the room on a signal.
    Left,
    /// The room was closed by its host.
    RoomClosed(String),
    /// Joining cannot succeed (wrong code or password...): the message says why.
    Refused(String),
}

/// Runs the listener until a signal, a refusal or the room's end.
///
/// # Errors
/// Bad arguments (address, certificate), or a telemetry file that cannot be written.
pub async fn run(args: Args) -> anyhow::Result<Outcome> {
    let offset_us = (args.clock_offset_ms * 1_000.0).round() as i64;
    let clock: Arc<dyn LocalClock> = if args.naive {
        // The original design compared wall clocks: this machine's Unix time, made as wrong as
        // asked (read once, then advanced monotonically, like the room clock).
        Arc::new(SkewedClock::new(
            unix_now_us().saturating_add(offset_us),
            args.clock_drift_ppm,
        ))
    } else if offset_us == 0 && args.clock_drift_ppm == 0.0 {
        Arc::new(MonotonicClock::new())
    } else {
        Arc::new(SkewedClock::new(offset_us, args.clock_drift_ppm))
    };
    // A real output's latency is the engine's business: it schedules what is *heard*.
    let latency_us = if args.audio {
        0
    } else {
        (args.output_latency_ms * 1_000.0).round() as i64
    };
    let mut join = Join::new(args.code.clone(), args.name.clone());
    join.password = args.password.clone();
    // A speaker needs a moment to fetch and buffer a song: the room waits for it.
    join.wait_for_me = args.audio || !args.no_wait;
    let mut config = ClientConfig::new(args.url.clone(), join).with_clock(clock.clone());
    config.tls = TlsOptions {
        extra_ca_pem: args.ca_cert.clone(),
    };
    // The baseline trusts the local clock and knows nothing of output latency.
    config.clock_sync = !args.naive;
    config.output_latency_us = if args.naive { 0 } else { latency_us };
    let handle = SyncClient::spawn(config)
        .map_err(|e| anyhow::anyhow!(status::explain(&e, &args.code, &args.url)))?;

    let mut telemetry = args
        .telemetry
        .as_deref()
        .map(TelemetryWriter::create)
        .transpose()?;
    let mut virtual_player = VirtualPlayer::new();
    let mut audio_player = if args.audio {
        Some(speaker(&args, &clock)?)
    } else {
        None
    };
    let mut follower = if args.naive {
        Follower::Naive(NaiveFollower::new())
    } else if args.audio {
        // A real device drifts against the local clock: the controller learns that drift.
        Follower::Synced(Box::new(SyncedFollower::new(DriftConfig::local_audio())))
    } else {
        // The virtual player runs on the local clock itself: it has no device drift to learn,
        // and the local clock's skew is fed forward from the estimate. Learning would only
        // absorb the early error of the skew estimate into a base rate that is then wrong.
        Follower::Synced(Box::new(SyncedFollower::new(DriftConfig {
            drift_learning_gain: 0.0,
            ..DriftConfig::local_audio()
        })))
    };
    eprintln!(
        "tandem-listen: joining room {} at {}{}",
        args.code,
        args.url,
        if args.naive { " (naive baseline)" } else { "" }
    );

    let status_every = Duration::from_secs_f64(args.status_every.max(0.1));
    let mut next_status = Instant::now() + status_every;
    let mut reported_problem: Option<ClientError> = None;
    let mut was_in_room = false;
    let watch = handle.watch();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);

    loop {
        tokio::select! {
            () = &mut shutdown => {
                eprintln!("tandem-listen: leaving the room");
                let _ = handle.leave().await;
                return Ok(Outcome::Left);
            }
            _ = ticker.tick() => {}
        }
        let local_us = clock.now_us();
        let t_ns = true_time_ns();
        let (snapshot, clock_status, status, last_error) = {
            let state = watch.borrow();
            (
                Snapshot::of(&state, local_us),
                state.clock,
                state.status.clone(),
                state.last_error.clone(),
            )
        };
        let player: &mut dyn Player = match audio_player.as_mut() {
            Some(audio) => {
                audio.set_token(handle.resume_token());
                audio
            }
            None => &mut virtual_player,
        };
        let report = follower.tick(local_us, &snapshot, player);
        if let Some(audio) = audio_player.as_mut() {
            for notice in audio.take_notices() {
                eprintln!("tandem-listen: {notice}");
            }
        }
        let player: &dyn Player = match audio_player.as_ref() {
            Some(audio) => audio,
            None => &virtual_player,
        };
        if let Some(song) = report.send_ready {
            let _ = handle.player_ready(song);
        }

        if let Some(out) = telemetry.as_mut() {
            // What is heard now was written one output latency ago.
            let heard = |p: i64| {
                if report.activity == Activity::Playing {
                    p - latency_us
                } else {
                    p
                }
            };
            let rendered = player.rendered_position(local_us).map(heard);
            let target = if args.naive {
                report.target_us
            } else {
                report.target_us.map(heard)
            };
            out.write(&Record {
                t_ns,
                local_us,
                song_id: report.song_id,
                position_us: rendered,
                target_us: target,
                offset_us: clock_status.offset_us,
                rtt_us: clock_status.rtt_us,
                uncertainty_us: clock_status.uncertainty_us,
                state: report.activity.as_str(),
                correction: report.correction.as_str(),
                rate_ppm: player.rate_ppm(),
            })?;
        }

        match status {
            ConnectionStatus::Failed => {
                let why = last_error.map_or_else(
                    || "the server refused to let this listener in".to_owned(),
                    |e| status::explain(&e, &args.code, &args.url),
                );
                return Ok(Outcome::Refused(why));
            }
            ConnectionStatus::Closed => {
                let why = last_error
                    .map_or_else(|| "the connection closed".to_owned(), |e| e.to_string());
                return Ok(Outcome::RoomClosed(why));
            }
            ConnectionStatus::InRoom => {
                if !was_in_room {
                    eprintln!("tandem-listen: in room {}", args.code);
                }
                was_in_room = true;
                reported_problem = None;
            }
            ConnectionStatus::Reconnecting { retry_in, .. } => {
                was_in_room = false;
                if let Some(e) = last_error.filter(|e| reported_problem.as_ref() != Some(e)) {
                    eprintln!(
                        "tandem-listen: {}; retrying in {:.1} s",
                        status::explain(&e, &args.code, &args.url),
                        retry_in.as_secs_f64()
                    );
                    reported_problem = Some(e);
                }
            }
            ConnectionStatus::Connecting { .. } | ConnectionStatus::Joining => {}
        }
        if Instant::now() >= next_status {
            next_status += status_every;
            let audio = audio_player
                .as_ref()
                .map_or(String::new(), |a| format!(" · audio {}", a.status()));
            eprintln!(
                "tandem-listen: {}{audio}",
                status::line(&handle.state(), &report, args.naive)
            );
        }
    }
}

/// Speaker mode's player: the audio engine on the chosen output (the null output for `null`,
/// and the engine's own fallback when the device is missing), fetching into the file cache.
fn speaker(args: &Args, clock: &Arc<dyn LocalClock>) -> anyhow::Result<AudioPlayer> {
    let engine_clock = {
        let clock = clock.clone();
        Arc::new(FnClock(move || clock.now_us()))
    };
    let null = args.audio_device.as_deref() == Some("null");
    let engine = if null {
        Engine::spawn(NullOutput::new(OutputFormat::DEFAULT), engine_clock)?
    } else {
        Engine::spawn(
            CpalOutput::new(CpalConfig {
                device: args.audio_device.clone(),
                ..CpalConfig::default()
            }),
            engine_clock,
        )?
    };
    // Open the output now (a fresh stream takes a while to start consuming), and say plainly
    // when there is none.
    let format = engine.output_format()?;
    let mut silent = null;
    let mut output_name = String::new();
    while let Ok(event) = engine.events().try_recv() {
        match event {
            EngineEvent::Error {
                error: EngineError::Output(e),
                ..
            } => {
                eprintln!("tandem-listen: {e}");
                silent = true;
            }
            EngineEvent::OutputReady { name, .. } => output_name = name,
            _ => {}
        }
    }
    if silent {
        eprintln!("tandem-listen: no audio output: following the room silently");
    } else {
        eprintln!(
            "tandem-listen: audio output {output_name} ({} Hz, {} channels)",
            format.sample_rate, format.channels
        );
    }
    let dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("tandem-listen-cache"));
    let cache = FileCache::new(&dir)?.with_tls(TlsOptions {
        extra_ca_pem: args.ca_cert.clone(),
    });
    let files = FileSource {
        cache,
        base_url: http_base_url(&args.url)?,
        code: args.code.clone(),
        token: None,
    };
    Ok(AudioPlayer::new(engine, format, files))
}

/// This machine's wall clock, µs since the Unix epoch.
fn unix_now_us() -> i64 {
    i64::try_from(true_time_ns().div_euclid(1_000)).unwrap_or(i64::MAX / 4)
}

/// Resolves on Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
