//! The local-to-room mapping drawn from the recent samples: a line through a reference instant
//! with the fitted skew as its slope.
//!
//! The offset at the reference instant is an inverse-variance weighted mean of the recent
//! samples, each projected to that instant along the skew. A sample's variance is that of its
//! path asymmetry (uniform within ± its excess delay, plus the unknown excess of the minimum,
//! over 2) plus the skew's variance over its age. The sample with the smallest round trip
//! dominates, as in Jellyfin's "pick the smallest delay", but several equally good samples are
//! averaged instead of one being picked by luck; and an old excellent sample can outweigh a
//! fresh mediocre one once the skew is known.

use super::sample::Measurement;
use super::skew::SlopeEstimate;

/// `room - local = offset_us + slope * (local - ref_local_us)`, with a worst-case error bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Mapping {
    pub ref_local_us: i64,
    pub offset_us: i64,
    pub slope: f64,
    /// Round trip of the single best sample (smallest half-delay plus expected skew error).
    pub best_delay_us: i64,
    /// Worst-case error at `ref_local_us`: the weighted mean of the samples' bounds (half the
    /// delay, plus the skew bound over the distance to the reference).
    pub bound_at_ref_us: f64,
    /// Worst-case error growth per µs away from the reference (skew bound).
    pub bound_rate: f64,
}

/// What the mapping needs to know beyond the samples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MappingInputs {
    pub skew: SlopeEstimate,
    /// Smallest delay among the kept samples.
    pub min_delay_us: i64,
    /// How far that minimum may be above the path's floor (µs): every sample's error scale.
    pub floor_gap_us: f64,
    /// Worst-case skew error rate (for the bound).
    pub bound_rate: f64,
    /// Expected skew error rate (to choose the best sample).
    pub choice_rate: f64,
}

impl Mapping {
    /// Builds the mapping from `window` (any order) through reference instant `ref_local_us`.
    pub fn build<'a>(
        window: impl Iterator<Item = &'a Measurement> + Clone,
        ref_local_us: i64,
        inputs: MappingInputs,
    ) -> Option<Self> {
        let age = |m: &Measurement| ref_local_us.saturating_sub(m.mid_local_us) as f64;
        let best = window.clone().min_by(|a, b| {
            let score =
                |m: &Measurement| m.delay_us as f64 / 2.0 + age(m).abs() * inputs.choice_rate;
            score(a).total_cmp(&score(b))
        })?;
        let reference_offset = best.offset_us;

        let (mut sw, mut swy, mut swb) = (0.0, 0.0, 0.0);
        for m in window {
            let scale = m.delay_us.saturating_sub(inputs.min_delay_us) as f64 + inputs.floor_gap_us;
            let asymmetry_var = scale * scale / 12.0;
            let skew_dev = inputs.skew.sigma * age(m);
            let w = 1.0 / (asymmetry_var + skew_dev * skew_dev).max(1e-6);
            // This sample's offset carried to the reference instant along the skew.
            let projected =
                m.offset_us.saturating_sub(reference_offset) as f64 + inputs.skew.slope * age(m);
            let bound = m.delay_us as f64 / 2.0 + age(m).abs() * inputs.bound_rate;
            sw += w;
            swy += w * projected;
            swb += w * bound;
        }
        if !(sw.is_finite() && sw > 0.0) {
            return None;
        }
        Some(Self {
            ref_local_us,
            offset_us: reference_offset.saturating_add((swy / sw).round() as i64),
            slope: inputs.skew.slope,
            best_delay_us: best.delay_us,
            // The weighted bound is a valid worst case; never report less than the best
            // sample's own, so the bound reads as "at least half the chosen round trip".
            bound_at_ref_us: (swb / sw)
                .max(best.delay_us as f64 / 2.0 + age(best).abs() * inputs.bound_rate),
            bound_rate: inputs.bound_rate,
        })
    }

    pub fn offset_at(&self, local_us: i64) -> i64 {
        let since = local_us.saturating_sub(self.ref_local_us) as f64;
        self.offset_us
            .saturating_add((self.slope * since).round() as i64)
    }

    pub fn local_time(&self, room_us: i64) -> i64 {
        let ref_room = self.ref_local_us.saturating_add(self.offset_us);
        let since_room = room_us.saturating_sub(ref_room) as f64;
        self.ref_local_us
            .saturating_add((since_room / (1.0 + self.slope)).round() as i64)
    }

    pub fn bound_at(&self, local_us: i64) -> f64 {
        let distance = local_us.saturating_sub(self.ref_local_us).unsigned_abs() as f64;
        self.bound_at_ref_us + distance * self.bound_rate
    }
}
