//! From telemetry and truth to figures: spread between listeners, error against the room,
//! convergence time, corrections.
//!
//! # Method
//! Every listener's telemetry is a series of (wall instant, rendered position) every ~20 ms.
//! Positions are compared at the same true instants: a grid every `step` (10 ms by default) of
//! the wall clock, each listener's position linearly interpolated between its two samples
//! around the instant. A position is heard `output latency` after it is rendered, so a listener
//! with output latency `L` is looked up at `t - L`. An instant counts for a listener only when
//! both samples around it are `playing` the same song, at most [`MAX_GAP_US`] apart, and the
//! position advanced like the clock between them (within [`MAX_STEP_US`]): a jump between two
//! samples has no meaningful interpolation, so such instants are left out (and counted).
//!
//! - **spread** at an instant = max - min of the listeners' positions, over the instants where
//!   every listener of the group counts and the room is playing;
//! - **error** = |position - the room's position| ([`crate::truth`]), over the same instants;
//! - **convergence** = from a listener's start until its error stays under a threshold.

use serde::Serialize;

use crate::telemetry::{Correction, PlayerState, Sample, Telemetry};
use crate::truth::Truth;

/// Samples further apart than this are not interpolated (the listener restarted, or stalled
/// for long). Shorter gaps happen on a loaded machine (the listener's 20 ms tick is late); a
/// virtual player's position is a straight line between corrections, so interpolating across
/// them is exact within the trim (at most 500 ppm of the gap).
pub const MAX_GAP_US: i64 = 250_000;
/// Between two samples the position must advance like the wall clock within this much; more
/// means a jump (seek, hard correction) happened between them.
pub const MAX_STEP_US: i64 = 2_000;

/// p50 / p99 / max of a set of values, in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Summary {
    /// Of `values_us` (µs); all zero when empty.
    pub fn of(mut values_us: Vec<i64>) -> Self {
        if values_us.is_empty() {
            return Self::default();
        }
        values_us.sort_unstable();
        let n = values_us.len();
        let at = |q: f64| {
            let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
            values_us[i] as f64 / 1_000.0
        };
        Self {
            n,
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: values_us[n - 1] as f64 / 1_000.0,
        }
    }
}

/// One listener's telemetry.
#[derive(Debug, Clone, Copy)]
pub struct Track<'a> {
    pub telemetry: &'a Telemetry,
}

impl Track<'_> {
    /// (song, position) heard at wall instant `wall_us`, if it can be told and the listener
    /// is playing (see the module docs).
    pub fn heard_at(&self, wall_us: i64) -> Option<(u64, i64)> {
        match self.heard(wall_us) {
            Heard::Playing {
                song_id,
                position_us,
            } => Some((song_id, position_us)),
            Heard::NotPlaying | Heard::Unknown => None,
        }
    }

    /// What the listener plays at `wall_us`.
    pub fn heard(&self, wall_us: i64) -> Heard {
        interpolate(&self.telemetry.samples, wall_us)
    }
}

/// What a listener plays at an instant, as far as its telemetry tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Playing {
        song_id: u64,
        position_us: i64,
    },
    /// Paused, waiting, idle, or between two songs.
    NotPlaying,
    /// No samples around the instant, too far apart, or a jump between them.
    Unknown,
}

fn playing(s: &Sample) -> Option<(u64, i64)> {
    match (s.state, s.song_id, s.position_us) {
        (PlayerState::Playing, Some(song), Some(pos)) => Some((song, pos)),
        _ => None,
    }
}

/// Heard position at `wall_us`, interpolated between the samples around it.
pub fn interpolate(samples: &[Sample], wall_us: i64) -> Heard {
    let i = samples.partition_point(|s| s.wall_us() <= wall_us);
    let (Some(a), Some(b)) = (
        i.checked_sub(1).and_then(|k| samples.get(k)),
        samples.get(i),
    ) else {
        return Heard::Unknown;
    };
    let (ta, tb) = (a.wall_us(), b.wall_us());
    let dt = tb - ta;
    if dt <= 0 || dt > MAX_GAP_US {
        return Heard::Unknown;
    }
    let (Some((song_a, pa)), Some((song_b, pb))) = (playing(a), playing(b)) else {
        return Heard::NotPlaying;
    };
    if song_a != song_b {
        return Heard::NotPlaying;
    }
    if ((pb - pa) - dt).abs() > MAX_STEP_US {
        return Heard::Unknown;
    }
    let frac = (wall_us - ta) as f64 / dt as f64;
    Heard::Playing {
        song_id: song_a,
        position_us: pa + ((pb - pa) as f64 * frac).round() as i64,
    }
}

/// Spread and error of a group over a stretch of time.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WindowStats {
    /// max - min of the listeners' positions.
    pub spread: Summary,
    /// |position - room position|, every listener at every used instant.
    pub error: Summary,
    /// Signed mean of position - room position, ms (a shared bias, such as path asymmetry).
    pub mean_error_ms: f64,
    /// Grid instants at which the room was playing.
    pub instants_playing: usize,
    /// ...of which every listener could be read (the others are left out).
    pub instants_used: usize,
}

/// Grid instants `from..to` every `step_us`.
pub fn grid(from_us: i64, to_us: i64, step_us: i64) -> impl Iterator<Item = i64> {
    let step = step_us.max(1);
    (0..)
        .map(move |k| from_us + k * step)
        .take_while(move |&t| t < to_us)
}

/// Spread and error of `tracks` over the wall-clock ranges `ranges`, on a grid of `step_us`.
pub fn window(
    tracks: &[Track<'_>],
    truth: &Truth,
    ranges: &[(i64, i64)],
    step_us: i64,
) -> WindowStats {
    let mut spreads = Vec::new();
    let mut errors = Vec::new();
    let mut signed_sum = 0_i128;
    let mut stats = WindowStats::default();
    let mut positions = Vec::with_capacity(tracks.len());
    for &(from, to) in ranges {
        for t in grid(from, to, step_us) {
            let Some((song, truth_pos)) = truth.at_wall(t).playing() else {
                continue;
            };
            stats.instants_playing += 1;
            positions.clear();
            positions.extend(
                tracks
                    .iter()
                    .map_while(|tr| tr.heard_at(t).filter(|&(s, _)| s == song).map(|(_, p)| p)),
            );
            if positions.len() != tracks.len() || positions.is_empty() {
                continue;
            }
            stats.instants_used += 1;
            let (lo, hi) = positions
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &p| (lo.min(p), hi.max(p)));
            spreads.push(hi - lo);
            for &p in &positions {
                errors.push((p - truth_pos).abs());
                signed_sum += i128::from(p - truth_pos);
            }
        }
    }
    if !errors.is_empty() {
        stats.mean_error_ms = signed_sum as f64 / errors.len() as f64 / 1_000.0;
    }
    stats.spread = Summary::of(spreads);
    stats.error = Summary::of(errors);
    stats
}

/// How long after `from_us` the listener's error came under `threshold_us` for good, judged on
/// `from_us..to_us` (a stretch with no room changes). `None` when it was still over the
/// threshold (or not playing) within the last `hold_us` of the stretch. Instants its telemetry
/// cannot tell (a gap, a jump between samples) count neither way.
pub fn convergence(
    track: &Track<'_>,
    truth: &Truth,
    from_us: i64,
    to_us: i64,
    step_us: i64,
    threshold_us: i64,
    hold_us: i64,
) -> Option<i64> {
    let mut last_bad = None;
    let mut any = false;
    for t in grid(from_us, to_us, step_us) {
        let Some((song, truth_pos)) = truth.at_wall(t).playing() else {
            continue;
        };
        let good = match track.heard(t) {
            // Cannot be told (a gap in the telemetry): neither good nor bad.
            Heard::Unknown => continue,
            Heard::NotPlaying => false,
            Heard::Playing {
                song_id,
                position_us,
            } => song_id == song && (position_us - truth_pos).abs() < threshold_us,
        };
        any = true;
        if !good {
            last_bad = Some(t);
        }
    }
    if !any {
        return None;
    }
    let converged_at = last_bad.map_or(from_us, |t| t + step_us);
    (to_us - converged_at >= hold_us).then_some(converged_at - from_us)
}

/// Corrections a listener made within a stretch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Corrections {
    /// Samples reporting a jump (a seek or skip to correct an error), counted once per run of
    /// consecutive samples.
    pub jumps: usize,
    /// Runs of samples reporting a rate trim.
    pub trims: usize,
    /// How often the direction of the trim changed (from `ratePpm` when the listener reports
    /// it, otherwise from the position's slope over each run of trim samples).
    pub trim_sign_flips: usize,
}

/// Counts corrections in samples `from_us..to_us`.
pub fn corrections(telemetry: &Telemetry, from_us: i64, to_us: i64) -> Corrections {
    let samples: Vec<&Sample> = telemetry
        .samples
        .iter()
        .filter(|s| (from_us..to_us).contains(&s.wall_us()))
        .collect();
    let mut c = Corrections::default();
    let mut prev = Correction::None;
    let mut last_sign = 0_i8;
    let mut run_start: Option<&Sample> = None;
    for (i, s) in samples.iter().enumerate() {
        if s.correction == Correction::Jump && prev != Correction::Jump {
            c.jumps += 1;
        }
        if s.correction == Correction::Trim {
            if prev != Correction::Trim {
                c.trims += 1;
                run_start = Some(s);
            }
            let sign = match s.rate_ppm {
                Some(r) if r > 0.0 => 1,
                Some(r) if r < 0.0 => -1,
                Some(_) => 0,
                None => {
                    // Slope over the run so far: faster than the clock = speeding up.
                    let end_of_run = samples
                        .get(i + 1)
                        .is_none_or(|n| n.correction != Correction::Trim);
                    match (run_start, end_of_run) {
                        (Some(a), true) => slope_sign(a, s),
                        _ => 0,
                    }
                }
            };
            if sign != 0 {
                if last_sign != 0 && sign != last_sign {
                    c.trim_sign_flips += 1;
                }
                last_sign = sign;
            }
        }
        prev = s.correction;
    }
    c
}

fn slope_sign(a: &Sample, b: &Sample) -> i8 {
    let (Some(pa), Some(pb)) = (a.position_us, b.position_us) else {
        return 0;
    };
    let drift = (pb - pa) - (b.wall_us() - a.wall_us());
    match drift {
        d if d > 0 => 1,
        d if d < 0 => -1,
        _ => 0,
    }
}

/// Per listener: where its error comes from, over samples in `ranges`.
///
/// `position - truth = (position - target) + (target - truth)`: the listener's own `targetUs`
/// is the room's timeline seen through its clock estimate, so the second term is the clock
/// mapping's error (estimator, plus anything wrong in the timeline), the first the player's
/// tracking error (drift control, jumps not yet made).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ErrorSources {
    /// |target - room position|: the clock mapping's error.
    pub mapping: Summary,
    /// |heard position - target|: the player's tracking error.
    pub player: Summary,
    /// Reported uncertainty of the clock estimate.
    pub uncertainty: Summary,
    /// Reported round trip of the best recent clock sample.
    pub rtt: Summary,
}

/// Splits a listener's error into clock mapping and player tracking, from its own telemetry.
pub fn error_sources(telemetry: &Telemetry, truth: &Truth, ranges: &[(i64, i64)]) -> ErrorSources {
    let (mut mapping, mut player, mut unc, mut rtt) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in &telemetry.samples {
        let t = s.wall_us();
        if !ranges.iter().any(|&(a, b)| (a..b).contains(&t)) {
            continue;
        }
        if let (Some((song, p)), Some(target)) = (playing(s), s.target_us) {
            player.push((p - target).abs());
            if let Some((truth_song, truth_pos)) = truth.at_wall(t).playing()
                && truth_song == song
            {
                mapping.push((target - truth_pos).abs());
            }
        }
        if let Some(u) = s.uncertainty_us {
            unc.push(u.abs());
        }
        if let Some(r) = s.rtt_us {
            rtt.push(r);
        }
    }
    ErrorSources {
        mapping: Summary::of(mapping),
        player: Summary::of(player),
        uncertainty: Summary::of(unc),
        rtt: Summary::of(rtt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t_us: i64, pos: i64, state: PlayerState) -> Sample {
        Sample {
            t_ns: t_us * 1_000,
            local_us: None,
            song_id: Some(1),
            position_us: Some(pos),
            target_us: None,
            offset_us: None,
            rtt_us: None,
            uncertainty_us: None,
            state,
            correction: Correction::None,
            rate_ppm: None,
        }
    }

    #[test]
    fn interpolates_and_refuses_across_jumps_and_gaps() {
        let p = PlayerState::Playing;
        let samples = vec![
            s(0, 1_000, p),
            s(20_000, 21_000, p),
            s(40_000, 900_000, p),
            s(60_000, 920_000, p),
            s(400_000, 1_260_000, p),
        ];
        let at = |song_id, position_us| Heard::Playing {
            song_id,
            position_us,
        };
        assert_eq!(interpolate(&samples, 10_000), at(1, 11_000));
        assert_eq!(
            interpolate(&samples, 30_000),
            Heard::Unknown,
            "jump between"
        );
        assert_eq!(interpolate(&samples, 50_000), at(1, 910_000));
        assert_eq!(interpolate(&samples, 100_000), Heard::Unknown, "gap");
        assert_eq!(interpolate(&samples, -5), Heard::Unknown);
        assert_eq!(interpolate(&samples, 500_000), Heard::Unknown);
        let paused = vec![s(0, 1_000, p), s(20_000, 1_000, PlayerState::Paused)];
        assert_eq!(interpolate(&paused, 10_000), Heard::NotPlaying);
    }

    #[test]
    fn percentiles() {
        let v: Vec<i64> = (1..=100).map(|x| x * 1_000).collect();
        let sm = Summary::of(v);
        assert_eq!(sm.n, 100);
        assert_eq!(sm.p50_ms, 50.0);
        assert_eq!(sm.p99_ms, 99.0);
        assert_eq!(sm.max_ms, 100.0);
    }
}
