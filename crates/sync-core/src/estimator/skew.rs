//! Skew: the rate at which `room - local` changes, fitted by weighted least squares.
//!
//! Each sample's offset is wrong by at most half its delay; what the fit can least trust is the
//! part of the delay above the window's minimum (queueing, which is rarely symmetric). So each
//! point is weighted by `1 / (excess + noise_floor)^2`, the inverse of its error variance up to a
//! common factor, and the fit's own residuals tell how large that factor is. The fit is then
//! combined with a prior (zero, or the skew kept across a reconnect) by inverse variance, so a
//! short burst of samples barely moves a well-known skew and a long series overrides a guess.

/// A slope of `room - local` against local time (µs per µs), with its standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SlopeEstimate {
    pub slope: f64,
    pub sigma: f64,
}

/// One sample as the fit sees it, relative to a reference sample so the numbers stay small.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FitPoint {
    /// Local µs relative to the reference.
    pub x: f64,
    /// Offset µs relative to the reference's.
    pub y: f64,
    /// Delay above the minimum delay of the points, µs.
    pub excess: f64,
}

/// Residual variance of a unit-weight point is never taken below this: a sample whose error is
/// uniform within ±(excess + floor)/2 has exactly this variance per unit weight.
const MIN_UNIT_VARIANCE: f64 = 1.0 / 12.0;

impl SlopeEstimate {
    /// Slope of `room - local` for a local clock running `skew_ppm` fast.
    pub fn from_skew_ppm(skew_ppm: f64, sigma_ppm: f64) -> Self {
        let k = skew_ppm * 1e-6;
        Self {
            slope: -k / (1.0 + k),
            sigma: sigma_ppm * 1e-6,
        }
    }

    /// How many ppm faster than the room clock the local clock runs.
    pub fn skew_ppm(&self) -> f64 {
        -self.slope / (1.0 + self.slope) * 1e6
    }

    /// Inverse-variance combination of two independent estimates.
    pub fn combine(self, other: Self) -> Self {
        let wa = 1.0 / (self.sigma * self.sigma);
        let wb = 1.0 / (other.sigma * other.sigma);
        if !(wa.is_finite() && wb.is_finite()) {
            // A zero sigma means certainty; keep the certain one.
            return if self.sigma <= other.sigma {
                self
            } else {
                other
            };
        }
        let w = wa + wb;
        Self {
            slope: (self.slope * wa + other.slope * wb) / w,
            sigma: (1.0 / w).sqrt(),
        }
    }

    /// The same estimate with its slope clamped to ±`max_ppm` of skew.
    pub fn clamped(self, max_ppm: f64) -> Self {
        let skew = self.skew_ppm().clamp(-max_ppm, max_ppm);
        if skew == self.skew_ppm() {
            self
        } else {
            Self::from_skew_ppm(skew, self.sigma * 1e6)
        }
    }
}

/// Weighted least-squares slope of the points, or `None` with fewer than three points or no
/// spread in time.
pub(crate) fn fit(points: &[FitPoint], noise_floor_us: f64) -> Option<SlopeEstimate> {
    if points.len() < 3 {
        return None;
    }
    let weight = |p: &FitPoint| {
        let scale = p.excess.max(0.0) + noise_floor_us;
        1.0 / (scale * scale)
    };
    let (mut sw, mut swx, mut swy) = (0.0, 0.0, 0.0);
    for p in points {
        let w = weight(p);
        sw += w;
        swx += w * p.x;
        swy += w * p.y;
    }
    let (mx, my) = (swx / sw, swy / sw);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for p in points {
        let w = weight(p);
        sxx += w * (p.x - mx) * (p.x - mx);
        sxy += w * (p.x - mx) * (p.y - my);
    }
    if !(sxx.is_finite() && sxx > 0.0) {
        return None;
    }
    let slope = sxy / sxx;
    let mut ssr = 0.0;
    for p in points {
        let r = p.y - my - slope * (p.x - mx);
        ssr += weight(p) * r * r;
    }
    // usize -> f64 is exact for any realistic count.
    let dof = (points.len() - 2) as f64;
    let unit_variance = (ssr / dof).max(MIN_UNIT_VARIANCE);
    let sigma = (unit_variance / sxx).sqrt();
    (slope.is_finite() && sigma.is_finite()).then_some(SlopeEstimate { slope, sigma })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_an_exact_line() {
        let pts: Vec<FitPoint> = (0..10)
            .map(|i| FitPoint {
                x: f64::from(i) * 1e6,
                y: -200e-6 * f64::from(i) * 1e6,
                excess: 0.0,
            })
            .collect();
        let est = fit(&pts, 50.0);
        let Some(est) = est else {
            panic!("fit refused an exact line")
        };
        assert!((est.slope + 200e-6).abs() < 1e-12, "{est:?}");
        assert!((est.skew_ppm() - 200.04).abs() < 0.01, "{}", est.skew_ppm());
    }

    #[test]
    fn delayed_points_barely_count() {
        let mut pts: Vec<FitPoint> = (0..10)
            .map(|i| FitPoint {
                x: f64::from(i) * 1e6,
                y: 0.0,
                excess: 0.0,
            })
            .collect();
        // One point 20 ms off, with a 40 ms excess delay.
        pts.push(FitPoint {
            x: 10e6,
            y: 20_000.0,
            excess: 40_000.0,
        });
        let est = fit(&pts, 50.0).map(|e| e.slope.abs());
        assert!(est.is_some_and(|s| s < 1e-8), "{est:?}");
    }

    #[test]
    fn combine_weighs_by_inverse_variance() {
        let a = SlopeEstimate {
            slope: 0.0,
            sigma: 1e-4,
        };
        let b = SlopeEstimate {
            slope: 1e-4,
            sigma: 1e-6,
        };
        let c = a.combine(b);
        assert!((c.slope - 1e-4).abs() < 1e-7, "{c:?}");
        assert!(c.sigma < 1e-6);
    }
}
