//! How close a Spotify device gets to the room's timeline, and what it costs in API calls.
//!
//! For each round trip (default 30, 100, 250 ms, each half jittered by ±`jitter-pct` %), two
//! listeners follow the same scripted room at the same time, each with its own fake Spotify
//! (`spotify::fake`, on loopback) and its own simulated Connect device:
//!
//! - **Tandem**: `SpotifyPlayer` with `PlayerConfig::default()` (latency compensation, progress
//!   readings, learned device lag, one settling seek) under the real follower with
//!   `DriftConfig::spotify()`;
//! - **naive**: `PlayerConfig::naive()`: `play` with `position_ms` computed when the request
//!   is made, no compensation, no progress readings, so no drift correction (same follower).
//!
//! Both devices start `play-lag-ms` (seeks `seek-lag-ms`) after a command reaches them, ±20 %,
//! drift by `drift-ppm`, report progress with ±20 ms of noise, and stall once per song for
//! `stall-ms` (rebuffering) at a seeded random moment. The room plays songs of `song-seconds`:
//! each starts at 20 s (a song change / late join), seeks +30 s at 40 %, pauses at 70 % for 2 s.
//!
//! Each room change gets a fresh follower (see `spotify::fake::FollowLoop`: the follower
//! otherwise answers a room seek within its jump cooldown late); `--keep-follower` keeps one
//! follower for the whole run, as the app does today.
//!
//! The error is the device's true position (the fake's simulation) minus the room's, sampled
//! every 100 ms while the room plays: "after a start" from 1 s to 3 s after each start, seek or
//! resume; "steady" from 3 s on. Prints a markdown table (stdout); progress on stderr.
//!
//! ```sh
//! cargo run --release -p spotify --features fake --bin spotify-bench -- --seconds 180
//! ```

use std::error::Error;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use spotify::fake::{FakeConfig, FakeDevice, FakeSpotify, FakeTrack, FollowLoop, spotify_song};
use spotify::{MemoryStore, PlayerConfig, Spotify, SpotifyPlayer};
use sync_client::{LocalClock, MonotonicClock};
use sync_core::DriftConfig;

const S: i64 = 1_000_000;
const MS: i64 = 1_000;

#[derive(Debug, Clone)]
struct Args {
    seconds: u64,
    latencies_ms: Vec<u64>,
    jitter_pct: u64,
    play_lag_ms: u64,
    seek_lag_ms: u64,
    drift_ppm: f64,
    stall_ms: u64,
    song_seconds: u64,
    seed: u64,
    keep_follower: bool,
}

impl Args {
    fn parse() -> Result<Self, String> {
        let mut a = Self {
            seconds: 180,
            latencies_ms: vec![30, 100, 250],
            jitter_pct: 30,
            play_lag_ms: 150,
            seek_lag_ms: 50,
            drift_ppm: 200.0,
            stall_ms: 700,
            song_seconds: 60,
            seed: 1,
            keep_follower: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.to_owned());
            }
            if flag == "--keep-follower" {
                a.keep_follower = true;
                continue;
            }
            let value = it.next().ok_or(format!("{flag} needs a value\n{USAGE}"))?;
            let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
            match flag.as_str() {
                "--seconds" => a.seconds = num(&value)?,
                "--latencies" => {
                    a.latencies_ms = value.split(',').map(num).collect::<Result<_, _>>()?;
                }
                "--jitter-pct" => a.jitter_pct = num(&value)?,
                "--play-lag-ms" => a.play_lag_ms = num(&value)?,
                "--seek-lag-ms" => a.seek_lag_ms = num(&value)?,
                "--drift-ppm" => {
                    a.drift_ppm = value.parse().map_err(|e| format!("{flag}: {e}"))?;
                }
                "--stall-ms" => a.stall_ms = num(&value)?,
                "--song-seconds" => a.song_seconds = num(&value)?,
                "--seed" => a.seed = num(&value)?,
                _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
            }
        }
        if a.song_seconds < 15 || a.seconds < a.song_seconds {
            return Err("--song-seconds must be >= 15 and <= --seconds".to_owned());
        }
        Ok(a)
    }

    fn songs(&self) -> u64 {
        self.seconds / self.song_seconds
    }
}

const USAGE: &str = "spotify-bench [--seconds 180] [--latencies 30,100,250] [--jitter-pct 30] \
[--play-lag-ms 150] [--seek-lag-ms 50] [--drift-ppm 200] [--stall-ms 700] [--song-seconds 60] [--seed 1] \
[--keep-follower]";

/// xorshift64* for the script's random moments.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn bench_track(k: u64) -> FakeTrack {
    let id = format!("{:0>22}", format!("BenchTrack{k}"));
    FakeTrack::new(&id, &format!("Bench {k}"), &["Tandem"], "Bench", 3_600_000)
}

struct Listener {
    label: &'static str,
    latency_ms: u64,
    fake: Arc<FakeSpotify>,
    follow: FollowLoop<SpotifyPlayer>,
    /// Local instants of the room's starts, seeks and resumes.
    events: Arc<Mutex<Vec<i64>>>,
    after_start: Vec<i64>,
    steady: Vec<i64>,
    _spotify: Spotify,
}

async fn listener(
    args: &Args,
    clock: &Arc<dyn LocalClock>,
    latency_ms: u64,
    naive: bool,
) -> Result<Listener, Box<dyn Error>> {
    // Each one-way half of the round trip varies by ± jitter-pct % of itself.
    let jitter = latency_ms * args.jitter_pct / 100;
    let fake = FakeSpotify::start(
        FakeConfig::new(clock.clone())
            .latency(
                Duration::from_millis(latency_ms),
                Duration::from_millis(jitter),
            )
            .device_lag(
                Duration::from_millis(args.play_lag_ms),
                Duration::from_millis(args.seek_lag_ms),
                Duration::from_millis(args.play_lag_ms / 5),
            )
            .progress_noise(Duration::from_millis(20))
            .seed(args.seed ^ latency_ms),
    )
    .await?;
    fake.add_device(FakeDevice::new("pc", "Bench PC").drifting(args.drift_ppm));
    for k in 0..args.songs() {
        fake.add_track(bench_track(k));
    }
    let spotify = Spotify::new(fake.config()?, Arc::new(MemoryStore::new()))?;
    spotify.login(fake.browser()).await?;
    let config = if naive {
        PlayerConfig::naive()
    } else {
        PlayerConfig::default()
    };
    let player = spotify.player(clock.clone(), config);
    let follow = FollowLoop::spawn_with(
        player,
        clock.clone(),
        DriftConfig::spotify(),
        !args.keep_follower,
    );
    Ok(Listener {
        label: if naive { "naive" } else { "Tandem" },
        latency_ms,
        fake: Arc::new(fake),
        follow,
        events: Arc::default(),
        after_start: Vec::new(),
        steady: Vec::new(),
        _spotify: spotify,
    })
}

/// The room's script for one listener: songs, seeks, pauses, and the device's stalls.
async fn script(
    args: Args,
    clock: Arc<dyn LocalClock>,
    room: Arc<Mutex<spotify::fake::ScriptedRoom>>,
    fake: Arc<FakeSpotify>,
    events: Arc<Mutex<Vec<i64>>>,
    t0: i64,
    seed: u64,
) {
    let mut rng = Rng(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let song_us = i64::try_from(args.song_seconds).unwrap_or(60) * S;
    let mut plan: Vec<(i64, u8)> = Vec::new();
    for k in 0..i64::try_from(args.songs()).unwrap_or(0) {
        let base = t0 + k * song_us;
        plan.push((base, 0)); // song start
        plan.push((base + song_us * 4 / 10, 1)); // seek +30 s
        plan.push((base + song_us * 7 / 10, 2)); // pause
        plan.push((base + song_us * 7 / 10 + 2 * S, 3)); // resume
        let stall = base + ((0.1 + 0.8 * rng.unit()) * song_us as f64) as i64;
        plan.push((stall, 4));
    }
    plan.push((t0 + i64::try_from(args.songs()).unwrap_or(0) * song_us, 5)); // end
    plan.sort_unstable();
    let mut song = 0u64;
    for (at, what) in plan {
        let wait = at - clock.now_us();
        if wait > 0 {
            tokio::time::sleep(Duration::from_micros(u64::try_from(wait).unwrap_or(0))).await;
        }
        let now = clock.now_us();
        let mut r = room.lock().unwrap_or_else(PoisonError::into_inner);
        match what {
            0 => {
                let track = bench_track(song);
                r.play_song(spotify_song(song + 1, &track.id), now, 20 * S);
                song += 1;
            }
            1 => {
                let to = r.position_at(now) + 30 * S;
                r.seek(now, to);
            }
            2 => r.pause(now),
            3 => r.resume(now),
            4 => {
                drop(r);
                fake.stall_device("pc", Duration::from_millis(args.stall_ms));
                continue;
            }
            _ => r.clear(),
        }
        if matches!(what, 0 | 1 | 3) {
            events
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(now);
        }
    }
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(us: i64) -> String {
    format!("{:.0}", us as f64 / 1e3)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = match Args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let clock: Arc<dyn LocalClock> = Arc::new(MonotonicClock::new());
    let mut listeners = Vec::new();
    for &latency in &args.latencies_ms {
        listeners.push(listener(&args, &clock, latency, false).await?);
        listeners.push(listener(&args, &clock, latency, true).await?);
    }
    eprintln!(
        "spotify-bench: {} listeners, {} songs of {} s each, {} s of playback",
        listeners.len(),
        args.songs(),
        args.song_seconds,
        args.seconds
    );
    let t0 = clock.now_us() + 500 * MS;
    let mut scripts = Vec::new();
    for l in &listeners {
        scripts.push(tokio::spawn(script(
            args.clone(),
            clock.clone(),
            l.follow.room.clone(),
            l.fake.clone(),
            l.events.clone(),
            t0,
            args.seed ^ l.latency_ms,
        )));
    }
    let end = t0 + i64::try_from(args.songs() * args.song_seconds).unwrap_or(0) * S;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut next_progress = t0 + 30 * S;
    loop {
        tick.tick().await;
        let now = clock.now_us();
        if now >= end {
            break;
        }
        if now >= next_progress {
            eprintln!("  {} s of {}", (now - t0) / S, (end - t0) / S);
            next_progress += 30 * S;
        }
        for l in &mut listeners {
            let (playing, room_pos) = l.follow.with_room(|r| (r.is_playing(), r.position_at(now)));
            if !playing {
                continue;
            }
            let Some(last_event) = l
                .events
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .rev()
                .find(|&&e| e <= now)
                .copied()
            else {
                continue;
            };
            let Some(device) = l.fake.device_position_at("pc", now) else {
                continue;
            };
            let error = device - room_pos;
            let since = now - last_event;
            if since >= 3 * S {
                l.steady.push(error.abs());
            } else if since >= S {
                l.after_start.push(error.abs());
            }
        }
    }
    for s in scripts {
        let _ = s.await;
    }

    let songs = args.songs().max(1);
    println!(
        "Spotify sync against the fake: {} songs of {} s per listener ({} s), start at 20 s, seek +30 s at 40 %, \
         2 s pause at 70 %; device start lag {} ms (seek {} ms) ±20 %, drift {} ppm, one {} ms stall per song, \
         progress noise ±20 ms; each half of the round trip jittered ±{} %; {}. Error = device - room, |ms|.\n",
        songs,
        args.song_seconds,
        args.seconds,
        args.play_lag_ms,
        args.seek_lag_ms,
        args.drift_ppm,
        args.stall_ms,
        args.jitter_pct,
        if args.keep_follower {
            "one follower for the whole run"
        } else {
            "a fresh follower at each room change"
        }
    );
    println!(
        "| round trip | listener | after start p50 | after start p99 | steady p50 | steady p99 | steady max | steady time > 300 ms off | API calls / song | commands / song | progress reads / song |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for pair in listeners.chunks_mut(2) {
        let mut rows = Vec::new();
        for l in pair.iter_mut() {
            l.after_start.sort_unstable();
            l.steady.sort_unstable();
            let calls = l.fake.calls();
            let count = |paths: &[&str]| {
                calls
                    .iter()
                    .filter(|c| paths.contains(&c.path.as_str()))
                    .count() as f64
            };
            let commands = count(&[
                "/v1/me/player/play",
                "/v1/me/player/seek",
                "/v1/me/player/pause",
            ]);
            let polls = count(&["/v1/me/player"]);
            let all = calls.iter().filter(|c| c.path.starts_with("/v1/")).count() as f64;
            let per = |x: f64| format!("{:.1}", x / songs as f64);
            let p = |v: &[i64], q: f64| percentile(v, q);
            rows.push((
                p(&l.after_start, 0.5),
                p(&l.after_start, 0.99),
                p(&l.steady, 0.5),
                p(&l.steady, 0.99),
            ));
            let off = l.steady.iter().filter(|&&e| e > 300 * MS).count() as f64
                / l.steady.len().max(1) as f64;
            println!(
                "| {} ms | {} | {} | {} | {} | {} | {} | {:.1} % | {} | {} | {} |",
                l.latency_ms,
                l.label,
                ms(p(&l.after_start, 0.5)),
                ms(p(&l.after_start, 0.99)),
                ms(p(&l.steady, 0.5)),
                ms(p(&l.steady, 0.99)),
                ms(l.steady.last().copied().unwrap_or(0)),
                off * 100.0,
                per(all),
                per(commands),
                per(polls),
            );
        }
        if let [tandem, naive] = rows[..] {
            let r = |n: i64, t: i64| format!("{:.1}×", n as f64 / (t.max(1)) as f64);
            ratios.push(format!(
                "| {} ms | {} | {} | {} | {} |",
                pair[0].latency_ms,
                r(naive.0, tandem.0),
                r(naive.1, tandem.1),
                r(naive.2, tandem.2),
                r(naive.3, tandem.3),
            ));
        }
    }
    println!("\nnaive / Tandem (higher: Tandem closer to the room):\n");
    println!("| round trip | after start p50 | after start p99 | steady p50 | steady p99 |");
    println!("|---|---|---|---|---|");
    for r in ratios {
        println!("{r}");
    }
    Ok(())
}
