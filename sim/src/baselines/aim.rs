//! The analog iterative machine (Kalinin et al. 2023; seed 000 App. B.2, eq. 19):
//! ```text
//! z_i(t+1) = z_i + dt·[−α(t)·(J·tanh z − l/2)_i − β·z_i + γ·(z_i − z_i(t−1))] + σ·η_i
//! ```
//! with the coupling annealed linearly `α(t) = α·(t+1)/T`, a small exploration noise `σ`, and
//! `z(0) = z(1)` uniform in `±0.01`.

use super::{bounded, euler_step, require, spin, Baseline, BestTracker};
use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::Rng;
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// AIM parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AimParams {
    /// Final coupling `α`.
    pub alpha: f64,
    /// Decay `β`.
    pub beta: f64,
    /// Momentum `γ`.
    pub gamma: f64,
    /// Euler step.
    pub dt: f64,
    /// Noise amplitude per step.
    pub noise: f64,
}

impl AimParams {
    /// `α = 2/(RMS row norm of J)`, `β = 1`, `γ = 0.5`, `dt = 0.5`, `σ = 0.02`.
    pub fn for_instance(ising: &Ising) -> Self {
        AimParams {
            alpha: 2.0 / crate::npim::params::field_scale(ising),
            beta: 1.0,
            gamma: 0.5,
            dt: 0.5,
            noise: 0.02,
        }
    }
}

/// One iteration at coupling `alpha_t`; `z_prev` holds `z(t−1)` and becomes `z(t)`.
pub fn step(
    ising: &Ising,
    p: &AimParams,
    alpha_t: f64,
    z: &mut [f64],
    z_prev: &mut [f64],
    buf: &mut [f64],
    rng: &mut Rng,
) {
    let th: Vec<f64> = z.iter().map(|v| v.tanh()).collect();
    ising.couplings().matvec(&th, buf);
    let lin = ising.linear();
    for i in 0..z.len() {
        let eta: f64 = rng.sample(StandardNormal);
        let next = z[i]
            + p.dt
                * (-alpha_t * (buf[i] - 0.5 * lin[i]) - p.beta * z[i]
                    + p.gamma * (z[i] - z_prev[i]))
            + p.noise * eta;
        z_prev[i] = z[i];
        z[i] = next;
    }
}

impl Baseline for AimParams {
    fn check(&self) -> Result<(), String> {
        bounded("alpha", self.alpha)?;
        bounded("beta", self.beta)?;
        bounded("gamma", self.gamma)?;
        euler_step("dt", self.dt)?;
        require(
            "noise",
            self.noise,
            self.noise >= 0.0,
            "a noise amplitude: 0 or more",
        )
    }

    fn name(&self) -> &'static str {
        "aim"
    }

    fn run(
        &self,
        ising: &Ising,
        steps: usize,
        mut rng: Rng,
        mut tracker: BestTracker,
    ) -> RunResult {
        let n = ising.n();
        let mut z: Vec<f64> = (0..n).map(|_| 0.02 * rng.gen::<f64>() - 0.01).collect();
        let mut z_prev = z.clone();
        let (mut buf, mut s) = (vec![0.0; n], vec![1i8; n]);
        for t in 0..steps {
            let alpha_t = self.alpha * (t + 1) as f64 / steps as f64;
            step(
                ising,
                self,
                alpha_t,
                &mut z,
                &mut z_prev,
                &mut buf,
                &mut rng,
            );
            for (si, &zi) in s.iter_mut().zip(&z) {
                *si = spin(zi);
            }
            tracker.record(t, ising.energy(&s), &s);
        }
        tracker.finish()
    }
}
