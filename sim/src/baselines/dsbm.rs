//! Discrete simulated bifurcation (Goto et al. 2021), with the coupling sign for this crate's
//! energy:
//! ```text
//! y_i ← y_i + dt·[−(a0 − p(t))·x_i − c0·h_i(sign x)]      h = J·s − l/2
//! x_i ← x_i + dt·a0·y_i
//! |x_i| > 1  →  x_i = sign(x_i), y_i = 0                   (inelastic walls)
//! ```
//! `p` ramps linearly from 0 to 1 over the run; `c0 = 0.5·sqrt(N−1)/sqrt(Σ_{i,j} J_ij²)`; `x`, `y`
//! start uniform in `±0.1`.

use super::{bounded, euler_step, spin, Baseline, BestTracker};
use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::Rng;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// dSBM parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DsbmParams {
    /// Detuning `a0`.
    pub a0: f64,
    /// Coupling `c0`.
    pub c0: f64,
    /// Euler step.
    pub dt: f64,
}

impl DsbmParams {
    /// `a0 = 1`, `c0 = 0.5·sqrt(N−1)/‖J‖_F`, `dt = 1.25` (Goto et al.'s dSB step).
    pub fn for_instance(ising: &Ising) -> Self {
        let n = ising.n() as f64;
        DsbmParams {
            a0: 1.0,
            c0: 0.5 * (n - 1.0).max(1.0).sqrt() / super::frobenius(ising).max(1e-12),
            dt: 1.25,
        }
    }
}

/// One dSBM iteration at pump `p`; `s` receives `sign(x)` before the update.
pub fn step(
    ising: &Ising,
    par: &DsbmParams,
    p: f64,
    x: &mut [f64],
    y: &mut [f64],
    s: &mut [i8],
    h: &mut [f64],
) {
    for (si, &xi) in s.iter_mut().zip(x.iter()) {
        *si = spin(xi);
    }
    let sx: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
    ising.couplings().matvec(&sx, h);
    let lin = ising.linear();
    for i in 0..x.len() {
        y[i] += par.dt * (-(par.a0 - p) * x[i] - par.c0 * (h[i] - 0.5 * lin[i]));
        x[i] += par.dt * par.a0 * y[i];
        if x[i].abs() > 1.0 {
            x[i] = x[i].signum();
            y[i] = 0.0;
        }
    }
}

impl Baseline for DsbmParams {
    fn check(&self) -> Result<(), String> {
        bounded("a0", self.a0)?;
        bounded("c0", self.c0)?;
        euler_step("dt", self.dt)
    }

    fn name(&self) -> &'static str {
        "dsbm"
    }

    fn run(
        &self,
        ising: &Ising,
        steps: usize,
        mut rng: Rng,
        mut tracker: BestTracker,
    ) -> RunResult {
        let n = ising.n();
        let mut x: Vec<f64> = (0..n).map(|_| 0.2 * rng.gen::<f64>() - 0.1).collect();
        let mut y: Vec<f64> = (0..n).map(|_| 0.2 * rng.gen::<f64>() - 0.1).collect();
        let (mut s, mut h) = (vec![1i8; n], vec![0.0; n]);
        for t in 0..steps {
            let p = t as f64 / steps.max(1) as f64;
            step(ising, self, p, &mut x, &mut y, &mut s, &mut h);
            let e = ising.energy(&s);
            tracker.record(t, e, &s);
        }
        // the state after the last update
        for (si, &xi) in s.iter_mut().zip(&x) {
            *si = spin(xi);
        }
        tracker.record(steps.saturating_sub(1), ising.energy(&s), &s);
        tracker.finish()
    }
}
