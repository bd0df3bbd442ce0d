//! Parallel (synchronous) simulated annealing, seed 004's first primal heuristic (eqs. 7-9).
//!
//! The seed's equations did not survive its text extraction; this is the reading its prose
//! supports, stated here so it can be checked. The flip probability of spin `i` is a Boltzmann
//! weight normalised over the spins (eq. 7 with the quasi-equilibrium normaliser):
//! ```text
//! ΔE_i = −2·s_i·h_i          (eq. 8 in this crate's sign; h = J·s − l/2)
//! P_i  = exp(−ΔE_i/T) / Σ_j exp(−ΔE_j/T)
//! ```
//! and the synchronous update flips every spin independently with probability `P_i`, all drawn
//! from the same old state. About one spin flips per epoch (the seed: "the number of spins
//! allowed to be flipped is limited"; a 10 × 10 lattice from all spins up needs 50 flips and the
//! seed reports 79 epochs), which is why the seed finds this SA slow in epochs.
//!
//! Temperature (eq. 9, the seed's prose): `T` starts at `t0`, rises by `heat` per epoch for
//! `heat_epochs`, falls by `quench` per epoch for `quench_epochs`, then decays by `decay` per
//! epoch. Temperatures are in units of the instance's largest `|J|`. One iteration is one epoch
//! (one `J·s`, updated incrementally). The seed starts from all spins up.

use super::{require, Baseline, BestTracker};
use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::Rng;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// Parallel SA parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PsaParams {
    /// Initial temperature (the seed: 1), in units of the largest `|J|`.
    pub t0: f64,
    /// Factor per epoch while heating.
    pub heat: f64,
    /// Epochs of heating.
    pub heat_epochs: usize,
    /// Factor per epoch while quenching.
    pub quench: f64,
    /// Epochs of quenching.
    pub quench_epochs: usize,
    /// Factor per epoch afterwards (the gradual decay).
    pub decay: f64,
    /// Start from all spins up (the seed) instead of random spins.
    pub all_up: bool,
}

impl Default for PsaParams {
    /// `T` 1 → 8 in three epochs, → 0.25 in five, then × 0.95 per epoch; all spins up.
    fn default() -> Self {
        PsaParams {
            t0: 1.0,
            heat: 2.0,
            heat_epochs: 3,
            quench: 0.5,
            quench_epochs: 5,
            decay: 0.95,
            all_up: true,
        }
    }
}

impl PsaParams {
    /// The defaults; the temperature scale comes from the instance at run time.
    pub fn for_instance(_ising: &Ising) -> Self {
        PsaParams::default()
    }

    /// Temperature of epoch `t` in units of the largest `|J|`.
    pub fn temperature(&self, t: usize) -> f64 {
        let heat = t.min(self.heat_epochs);
        let quench = t.saturating_sub(self.heat_epochs).min(self.quench_epochs);
        let decay = t.saturating_sub(self.heat_epochs + self.quench_epochs);
        self.t0
            * self.heat.powi(heat as i32)
            * self.quench.powi(quench as i32)
            * self.decay.powi(decay as i32)
    }
}

/// The flip probabilities `P_i = softmax_i(−ΔE/T)` of state `s` with fields `h`, into `p`.
pub fn flip_probabilities(s: &[i8], h: &[f64], temperature: f64, p: &mut [f64]) {
    let t = temperature.max(1e-300);
    let mut top = f64::NEG_INFINITY;
    for ((pi, &si), &hi) in p.iter_mut().zip(s).zip(h) {
        // −ΔE/T = 2·s·h/T
        *pi = 2.0 * f64::from(si) * hi / t;
        top = top.max(*pi);
    }
    let mut z = 0.0;
    for pi in p.iter_mut() {
        *pi = (*pi - top).exp();
        z += *pi;
    }
    for pi in p.iter_mut() {
        *pi /= z;
    }
}

/// Flips spin `i` of `s` and keeps `h = J·s − l/2`; returns `ΔE`.
pub fn flip(ising: &Ising, s: &mut [i8], h: &mut [f64], i: usize) -> f64 {
    let de = -2.0 * f64::from(s[i]) * h[i];
    s[i] = -s[i];
    let delta = 2.0 * f64::from(s[i]);
    ising
        .couplings()
        .for_each_in_row(i, |j, w| h[j] += delta * w);
    de
}

/// One synchronous epoch at `temperature` (absolute units): every spin flips with probability
/// `P_i` of the old state. Returns the energy change.
pub fn epoch(
    ising: &Ising,
    s: &mut [i8],
    h: &mut [f64],
    temperature: f64,
    p: &mut [f64],
    flips: &mut Vec<usize>,
    rng: &mut Rng,
) -> f64 {
    flip_probabilities(s, h, temperature, p);
    flips.clear();
    flips.extend((0..s.len()).filter(|&i| rng.gen::<f64>() < p[i]));
    let mut de = 0.0;
    for &i in flips.iter() {
        de += flip(ising, s, h, i);
    }
    de
}

impl Baseline for PsaParams {
    fn check(&self) -> Result<(), String> {
        require("t0", self.t0, self.t0 > 0.0, "a temperature: more than 0")?;
        for (name, v) in [
            ("heat", self.heat),
            ("quench", self.quench),
            ("decay", self.decay),
        ] {
            require(name, v, v > 0.0, "a factor per epoch: more than 0")?;
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "psa"
    }

    fn run(
        &self,
        ising: &Ising,
        steps: usize,
        mut rng: Rng,
        mut tracker: BestTracker,
    ) -> RunResult {
        let n = ising.n();
        let scale = ising.max_abs_weight().max(1e-12);
        let mut s: Vec<i8> = if self.all_up {
            vec![1; n]
        } else {
            (0..n)
                .map(|_| if rng.gen::<bool>() { 1 } else { -1 })
                .collect()
        };
        let x: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
        let mut h = ising.fields(&x);
        let mut e = ising.energy(&s);
        let (mut p, mut flips) = (vec![0.0; n], Vec::new());
        for t in 0..steps {
            let temperature = self.temperature(t) * scale;
            e += epoch(
                ising,
                &mut s,
                &mut h,
                temperature,
                &mut p,
                &mut flips,
                &mut rng,
            );
            tracker.record(t, e, &s);
        }
        tracker.finish()
    }
}
