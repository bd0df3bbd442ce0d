//! The simulated poor man's CIM (Böhm et al. 2019; seed 004 eqs. 10-11), coupling sign for this
//! crate's energy:
//! ```text
//! x_i ← cos²(α·x_i − β·h_i(x) + σ(t)·η_i − π/4) − 1/2       h = J·x − l/2,  η ~ N(0,1)
//! ```
//! with the noise `σ(t) = σ0·(1 − t/T)` annealed to zero; `x(0) = 0` (the vacuum state).

use super::{bounded, require, spin, Baseline, BestTracker};
use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::Rng;
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::f64::consts::FRAC_PI_4;

/// Poor man's CIM parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PmcimParams {
    /// Feedback gain `α`.
    pub alpha: f64,
    /// Coupling gain `β`.
    pub beta: f64,
    /// Initial noise `σ0`.
    pub noise: f64,
}

impl PmcimParams {
    /// `α = 0.9`, `β = 0.3·N/Σ|J|` (0.3 per unit of mean degree·weight, after Böhm et al.'s
    /// `β ≈ 0.3` on unit-weight graphs of small degree), `σ0 = 0.1`.
    pub fn for_instance(ising: &Ising) -> Self {
        let n = ising.n() as f64;
        let mean_row = super::abs_sum(ising) / n;
        PmcimParams {
            alpha: 0.9,
            beta: 0.3 * 3.0 / mean_row.max(1e-12),
            noise: 0.1,
        }
    }
}

/// The poor man's CIM map `cos²(α·x − β·(h − l/2) + inner − π/4) − 1/2` of one amplitude with
/// field `h = (J·x)_i`, linear term `l`, and `inner` added inside the cosine (the noise here;
/// CITS adds its noise outside).
#[inline]
pub fn cos2_map(alpha: f64, beta: f64, x: f64, h: f64, l: f64, inner: f64) -> f64 {
    (alpha * x - beta * (h - 0.5 * l) + inner - FRAC_PI_4)
        .cos()
        .powi(2)
        - 0.5
}

/// One iteration with noise amplitude `sigma`; `h` receives `J·x − l/2` of the old `x`.
pub fn step(
    ising: &Ising,
    p: &PmcimParams,
    sigma: f64,
    x: &mut [f64],
    h: &mut [f64],
    rng: &mut Rng,
) {
    ising.couplings().matvec(x, h);
    let lin = ising.linear();
    for i in 0..x.len() {
        let eta: f64 = rng.sample(StandardNormal);
        x[i] = cos2_map(p.alpha, p.beta, x[i], h[i], lin[i], sigma * eta);
    }
}

impl Baseline for PmcimParams {
    fn check(&self) -> Result<(), String> {
        check_feedback(self.alpha, self.beta, self.noise)
    }

    fn name(&self) -> &'static str {
        "pmcim"
    }

    fn run(
        &self,
        ising: &Ising,
        steps: usize,
        mut rng: Rng,
        mut tracker: BestTracker,
    ) -> RunResult {
        let n = ising.n();
        let (mut x, mut h, mut s) = (vec![0.0; n], vec![0.0; n], vec![1i8; n]);
        for t in 0..steps {
            let sigma = self.noise * (1.0 - t as f64 / steps as f64);
            step(ising, self, sigma, &mut x, &mut h, &mut rng);
            for (si, &xi) in s.iter_mut().zip(&x) {
                *si = spin(xi);
            }
            tracker.record(t, ising.energy(&s), &s);
        }
        tracker.finish()
    }
}

/// The rules of the poor man's CIM feedback's three parameters, which CITS's reset dynamics
/// share: `alpha` and `beta` finite and within the parameter bound, `noise` 0 or more.
pub(super) fn check_feedback(alpha: f64, beta: f64, noise: f64) -> Result<(), String> {
    bounded("alpha", alpha)?;
    bounded("beta", beta)?;
    require("noise", noise, noise >= 0.0, "a noise amplitude: 0 or more")
}
