//! Simulated annealing: single-spin Metropolis sweeps in index order with incremental fields and
//! a geometric inverse-temperature schedule from `beta_start` to `beta_end`. One iteration is
//! one sweep (`N` proposals, the cost of one `J·x`). The best state is taken at sweep ends.

use super::{require, Baseline, BestTracker};
use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::Rng;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// SA parameters; temperatures in units of the instance's largest field change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaParams {
    /// Inverse temperature of the first sweep.
    pub beta_start: f64,
    /// Inverse temperature of the last sweep.
    pub beta_end: f64,
}

impl SaParams {
    /// `β` from 0.1 to 3 for unit weights (dwave-samplers' usual range on ±1 instances),
    /// divided by the largest `|J|` for other scales.
    pub fn for_instance(ising: &Ising) -> Self {
        let w = ising.max_abs_weight().max(1e-12);
        SaParams {
            beta_start: 0.1 / w,
            beta_end: 3.0 / w,
        }
    }

    /// `β` at sweep `t` of `steps`.
    pub fn beta(&self, t: usize, steps: usize) -> f64 {
        if steps <= 1 {
            return self.beta_end;
        }
        let f = t as f64 / (steps - 1) as f64;
        self.beta_start * (self.beta_end / self.beta_start).powf(f)
    }
}

/// One Metropolis sweep at inverse temperature `beta`: spin `i` flips when
/// `ΔE = −2 s_i h_i ≤ 0` or `u < exp(−β ΔE)`; `h` is kept equal to `J·s − l/2`; returns the
/// energy change.
pub fn sweep(ising: &Ising, s: &mut [i8], h: &mut [f64], beta: f64, rng: &mut Rng) -> f64 {
    let mut de_total = 0.0;
    for i in 0..s.len() {
        let de = -2.0 * f64::from(s[i]) * h[i];
        if de <= 0.0 || rng.gen::<f64>() < (-beta * de).exp() {
            s[i] = -s[i];
            let delta = 2.0 * f64::from(s[i]);
            ising
                .couplings()
                .for_each_in_row(i, |j, w| h[j] += delta * w);
            de_total += de;
        }
    }
    de_total
}

impl Baseline for SaParams {
    fn check(&self) -> Result<(), String> {
        require(
            "beta_start",
            self.beta_start,
            self.beta_start >= 0.0,
            "an inverse temperature: 0 or more",
        )?;
        require(
            "beta_end",
            self.beta_end,
            self.beta_end >= 0.0,
            "an inverse temperature: 0 or more",
        )
    }

    fn name(&self) -> &'static str {
        "sa"
    }

    fn run(
        &self,
        ising: &Ising,
        steps: usize,
        mut rng: Rng,
        mut tracker: BestTracker,
    ) -> RunResult {
        let mut s: Vec<i8> = (0..ising.n())
            .map(|_| if rng.gen::<bool>() { 1 } else { -1 })
            .collect();
        let x: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
        let mut h = ising.fields(&x);
        let mut e = ising.energy(&s);
        for t in 0..steps {
            e += sweep(ising, &mut s, &mut h, self.beta(t, steps), &mut rng);
            tracker.record(t, e, &s);
        }
        tracker.finish()
    }
}
