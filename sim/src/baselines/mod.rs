//! Classical Ising machines in the same harness as the NPIM: each algorithm has a parameter
//! struct (serde, documented defaults, instance-scaled where the literature scales them), a
//! state that advances one iteration at a time (one `J·x` product per iteration, so TTS in
//! iterations compares across algorithms), and a run function returning the common
//! [`RunResult`].
//!
//! Sign convention: every algorithm minimises this crate's `H(s) = Σ_{i<j} J s s − Σ (l/2) s`;
//! where a paper writes its model for `H = −Σ J s s` the coupling term's sign is flipped here.

// Numerical kernels index several arrays with the same spin index; explicit loops read best.
#![allow(clippy::needless_range_loop)]

pub mod aim;
pub mod cac;
pub mod cits;
pub mod dsbm;
pub mod gw;
pub mod pmcim;
pub mod psa;
pub mod sa;

use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::{stream, stream_seed, Rng};

/// `sign(x)` with `sign(0) = +1`.
#[inline]
pub fn spin(x: f64) -> i8 {
    if x >= 0.0 {
        1
    } else {
        -1
    }
}

/// Keeps the best energy of a run and the spins that reached it.
pub struct BestTracker {
    result: RunResult,
}

impl BestTracker {
    /// An empty record for run `run` under `seed`.
    pub fn new(run: usize, seed: u64) -> Self {
        BestTracker {
            result: RunResult {
                run,
                seed: stream_seed(seed, run as u64),
                best_energy: f64::INFINITY,
                best_step: 0,
                best_spins: Vec::new(),
                final_energy: f64::INFINITY,
                energies: Vec::new(),
            },
        }
    }

    /// Records the state after iteration `t`.
    pub fn record(&mut self, t: usize, energy: f64, spins: &[i8]) {
        if energy < self.result.best_energy {
            self.result.best_energy = energy;
            self.result.best_step = t;
            self.result.best_spins.clear();
            self.result.best_spins.extend_from_slice(spins);
        }
        self.result.final_energy = energy;
    }

    /// The finished record.
    pub fn finish(self) -> RunResult {
        self.result
    }
}

/// A baseline algorithm with its parameters.
pub trait Baseline: Sync {
    /// Short name (`cac`, `sa`, …).
    fn name(&self) -> &'static str;
    /// One run of `steps` iterations with random stream `rng`.
    fn run(&self, ising: &Ising, steps: usize, rng: Rng, tracker: BestTracker) -> RunResult;
    /// Refuses parameters a run cannot use (a zero time constant, a step that overflows the
    /// dynamics), naming the first parameter out of range. Every number must also be finite
    /// and at most [`MAX_PARAMETER`] in size.
    fn check(&self) -> Result<(), String>;
}

/// The largest size any baseline parameter may have: beyond it the dynamics overflow `f64`
/// within a few steps and a run reports garbage instead of failing.
pub const MAX_PARAMETER: f64 = 1e9;

/// One parameter's rule: `name = value` must satisfy `ok`, described by `rule`; every value
/// must also be finite and at most [`MAX_PARAMETER`] in size.
pub fn require(name: &str, value: f64, ok: bool, rule: &str) -> Result<(), String> {
    let shown = if value != 0.0 && !(1e-3..1e6).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        format!("{value}")
    };
    if !value.is_finite() || value.abs() > MAX_PARAMETER {
        return Err(format!(
            "{name} = {shown}: must be finite and at most {MAX_PARAMETER:e} in size"
        ));
    }
    if !ok {
        return Err(format!("{name} = {shown}: {rule}"));
    }
    Ok(())
}

/// [`require`] with only the finiteness and size rule.
pub fn bounded(name: &str, value: f64) -> Result<(), String> {
    require(name, value, true, "")
}

/// An Euler step: more than 0 and at most 10 (dSBM's published step is 1.25; beyond a few
/// units every model here diverges in a handful of steps).
pub fn euler_step(name: &str, value: f64) -> Result<(), String> {
    require(
        name,
        value,
        value > 0.0 && value <= 10.0,
        "an Euler step must be in (0, 10]",
    )
}

/// `runs` independent runs in parallel, run `r` on stream `(seed, r)`.
pub fn solve(
    algo: &dyn Baseline,
    ising: &Ising,
    steps: usize,
    runs: usize,
    seed: u64,
    on_done: &(dyn Fn() + Sync),
) -> Vec<RunResult> {
    crate::cancel::runs(runs, |r| {
        let result = algo.run(
            ising,
            steps,
            stream(seed, r as u64),
            BestTracker::new(r, seed),
        );
        on_done();
        result
    })
}

/// `sqrt(Σ_{i,j} J_ij²)` over both triangles.
pub fn frobenius(ising: &Ising) -> f64 {
    (2.0 * ising.edges().iter().map(|e| e.w * e.w).sum::<f64>()).sqrt()
}

/// `Σ_{i,j} |J_ij|` over both triangles.
pub fn abs_sum(ising: &Ising) -> f64 {
    2.0 * ising.edges().iter().map(|e| e.w.abs()).sum::<f64>()
}
