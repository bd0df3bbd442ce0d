//! Trajectories of the floating-point NPIM, one at a time or many in parallel.

pub use super::params::Variant;
use super::params::{NpimParams, StepWeights};
use crate::instance::Ising;
use crate::rng::{stream, stream_seed, Rng};
use rand::Rng as _;
use rand_distr::StandardNormal;

/// `f_nl(z) = z + tanh z` (seed 000 eq. 4).
pub fn f_nl(z: f64) -> f64 {
    z + z.tanh()
}

/// What a run does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunOptions {
    /// dNPIM or cNPIM.
    pub variant: Variant,
    /// Steps `T` per trajectory.
    pub steps: usize,
    /// Keep the energy of every step (for traces and plots).
    pub record_energies: bool,
}

/// The outcome of one trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    /// Run index.
    pub run: usize,
    /// The seed of this run's random stream.
    pub seed: u64,
    /// Lowest energy of `sign(x(t))` over the trajectory.
    pub best_energy: f64,
    /// First step at which it was reached.
    pub best_step: usize,
    /// The spins that reached it.
    pub best_spins: Vec<i8>,
    /// Energy at the last step.
    pub final_energy: f64,
    /// Energy at every step, if asked for.
    pub energies: Vec<f64>,
}

/// The state of one NPIM trajectory, advanced one step at a time.
pub struct NpimState<'a> {
    ising: &'a Ising,
    params: &'a NpimParams,
    variant: Variant,
    steps: usize,
    t: usize,
    /// `x(t−1)`.
    x: Vec<f64>,
    /// `sign(x(t−1))`.
    spins: Vec<i8>,
    /// `J · x(t−1)`.
    jx: Vec<f64>,
    /// Field history, `hist[i·Tc + (time mod Tc)]`.
    hist: Vec<f64>,
    basis: Vec<f64>,
    rng: Rng,
}

impl<'a> NpimState<'a> {
    /// A trajectory of `steps` steps at time 0 (no history, no spins yet).
    pub fn new(
        ising: &'a Ising,
        params: &'a NpimParams,
        variant: Variant,
        steps: usize,
        rng: Rng,
    ) -> Self {
        let n = ising.n();
        let tc = params.architecture.tc;
        NpimState {
            ising,
            params,
            variant,
            steps: steps.max(1),
            t: 0,
            x: vec![0.0; n],
            spins: vec![1; n],
            jx: vec![0.0; n],
            hist: vec![0.0; n * tc],
            basis: vec![0.0; params.architecture.m],
            rng,
        }
    }

    /// Steps taken so far.
    pub fn time(&self) -> usize {
        self.t
    }

    /// `x(t−1)`, the amplitudes of the last step.
    pub fn amplitudes(&self) -> &[f64] {
        &self.x
    }

    /// `sign(x(t−1))`.
    pub fn spins(&self) -> &[i8] {
        &self.spins
    }

    /// `h(t−1) = J·x(t−1) − l/2`.
    pub fn fields(&self) -> Vec<f64> {
        self.jx
            .iter()
            .zip(self.ising.linear())
            .map(|(g, l)| g - 0.5 * l)
            .collect()
    }

    /// The weights used at step `t`.
    pub fn weights(&mut self, t: usize) -> StepWeights {
        let tau = t as f64 / self.steps as f64;
        self.params
            .architecture
            .basis
            .eval_all(tau, &mut self.basis);
        self.params.weights_from_basis(&self.basis)
    }

    /// Computes `x(t)` and `h(t)`, advances `t`, and returns the energy of `sign(x(t))`.
    pub fn step(&mut self) -> f64 {
        let n = self.ising.n();
        let tc = self.params.architecture.tc;
        let d = self.params.architecture.d;
        let w = self.weights(self.t);
        let first = self.t == 0;
        let mut flipped: Vec<usize> = Vec::new();
        // The slot of time t − Tc + s is (t + s) mod Tc.
        let order: Vec<usize> = (0..tc).map(|s| (self.t + s) % tc).collect();
        for i in 0..n {
            let eta: f64 = self.rng.sample(StandardNormal);
            let h = &self.hist[i * tc..(i + 1) * tc];
            let mut y = w.w0 * eta;
            for k in 0..d {
                let row = &w.w2[k * tc..(k + 1) * tc];
                let z: f64 = row.iter().zip(&order).map(|(wk, &slot)| wk * h[slot]).sum();
                y += w.w1[k] * f_nl(z);
            }
            let spin: i8 = if y >= 0.0 { 1 } else { -1 };
            match self.variant {
                Variant::Dnpim => {
                    if first || spin != self.spins[i] {
                        flipped.push(i);
                    }
                    self.x[i] = f64::from(spin);
                }
                Variant::Cnpim => self.x[i] = y.tanh(),
            }
            self.spins[i] = spin;
        }
        let couplings = self.ising.couplings();
        match self.variant {
            Variant::Dnpim if !first => {
                for &j in &flipped {
                    couplings.add_column(j, 2.0 * self.x[j], &mut self.jx);
                }
            }
            _ => couplings.matvec(&self.x, &mut self.jx),
        }
        let slot = self.t % tc;
        for (i, (g, l)) in self.jx.iter().zip(self.ising.linear()).enumerate() {
            self.hist[i * tc + slot] = g - 0.5 * l;
        }
        self.t += 1;
        match self.variant {
            Variant::Dnpim => {
                let (mut pair, mut lin) = (0.0, 0.0);
                for ((&s, g), l) in self.spins.iter().zip(&self.jx).zip(self.ising.linear()) {
                    pair += f64::from(s) * g;
                    lin += f64::from(s) * l;
                }
                0.5 * pair - 0.5 * lin
            }
            Variant::Cnpim => self.ising.energy(&self.spins),
        }
    }
}

/// Runs one trajectory with its own random stream `stream(seed, run)`.
pub fn run_trajectory(
    ising: &Ising,
    params: &NpimParams,
    options: &RunOptions,
    seed: u64,
    run: usize,
) -> RunResult {
    let mut state = NpimState::new(
        ising,
        params,
        options.variant,
        options.steps,
        stream(seed, run as u64),
    );
    let mut best = RunResult {
        run,
        seed: stream_seed(seed, run as u64),
        best_energy: f64::INFINITY,
        best_step: 0,
        best_spins: Vec::new(),
        final_energy: f64::INFINITY,
        energies: Vec::new(),
    };
    for t in 0..options.steps {
        let e = state.step();
        if e < best.best_energy {
            best.best_energy = e;
            best.best_step = t;
            best.best_spins.clear();
            best.best_spins.extend_from_slice(state.spins());
        }
        if options.record_energies {
            best.energies.push(e);
        }
        best.final_energy = e;
    }
    best
}

/// Runs `runs` independent trajectories in parallel; `on_done` is called after each one (for a
/// progress bar). Results are in run order and do not depend on the number of threads.
pub fn solve(
    ising: &Ising,
    params: &NpimParams,
    options: &RunOptions,
    runs: usize,
    seed: u64,
    on_done: &(dyn Fn() + Sync),
) -> Vec<RunResult> {
    crate::cancel::runs(runs, |r| {
        let result = run_trajectory(ising, params, options, seed, r);
        on_done();
        result
    })
}
