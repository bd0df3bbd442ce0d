//! Trajectories of the floating-point NPIM, one at a time or many in parallel.

pub use super::params::Variant;
use super::params::{NpimParams, StepWeights};
use super::tanh;
use crate::instance::Ising;
use crate::rng::{stream, stream_seed, Rng};
use rand::Rng as _;
use rand_distr::StandardNormal;

/// `f_nl(z) = z + tanh z` (seed 000 eq. 4), with the model's `tanh` ([`tanh::tanh`]).
pub fn f_nl(z: f64) -> f64 {
    z + tanh::tanh(z)
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
    /// Field history by slot: `hist[slot·N + i]`, each field written in two slots, `time mod Tc`
    /// and `Tc` later, so that the window `h(t − Tc) … h(t − 1)` is slots `t mod Tc` onwards,
    /// oldest first, and each slot holds one time's fields of every spin side by side.
    hist: Vec<f64>,
    basis: Vec<f64>,
    /// A block's `z_k` (then `f_nl(z_k)`), `z[k·BLOCK + j]` for spin `j` of the block, and its
    /// noise draws.
    z: Vec<f64>,
    eta: Vec<f64>,
    /// Spins that changed sign this step.
    flipped: Vec<usize>,
    rng: Rng,
}

/// Spins whose `z` are computed before their `f_nl` are taken together (a loop the compiler
/// vectorises; see `tanh`).
const BLOCK: usize = 64;

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
            hist: vec![0.0; n * 2 * tc],
            basis: vec![0.0; params.architecture.m],
            z: vec![0.0; BLOCK * params.architecture.d],
            eta: vec![0.0; BLOCK],
            flipped: Vec::new(),
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
    ///
    /// Spins go in blocks: the block's noise draws (in index order, as one stream), its `z_k`
    /// (each a sum over the window, oldest first; the loops run over the block's spins, so they
    /// vectorise), `f_nl` over all of them, then each spin's `y = W⁰·η + Σ_k W¹_k·f_nl(z_k)`,
    /// summed in `k` order.
    pub fn step(&mut self) -> f64 {
        let n = self.ising.n();
        let tc = self.params.architecture.tc;
        let w = self.weights(self.t);
        let first = self.t == 0;
        let mut flipped = std::mem::take(&mut self.flipped);
        flipped.clear();
        // the slot of time t − Tc + s is (t + s) mod Tc: the window starts at t mod Tc
        let start = self.t % tc;
        for b0 in (0..n).step_by(BLOCK) {
            let len = BLOCK.min(n - b0);
            for e in &mut self.eta[..len] {
                *e = self.rng.sample(StandardNormal);
            }
            let block = Block {
                start,
                b0,
                len,
                n,
                tc,
            };
            block.pre_sign(&mut self.z, &mut self.eta, &self.hist, &w);
            for j in 0..len {
                let i = b0 + j;
                let y = self.eta[j];
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
            let f = g - 0.5 * l;
            self.hist[slot * n + i] = f;
            self.hist[(slot + tc) * n + i] = f;
        }
        self.flipped = flipped;
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

/// A block of spins `b0..b0 + len` of `n` at one step, its window at history slots
/// `start..start + Tc`.
struct Block {
    start: usize,
    b0: usize,
    len: usize,
    n: usize,
    tc: usize,
}

impl Block {
    /// The block's pre-sign outputs: `eta` (the noise draws) becomes `y`. `z` holds the
    /// `z_k` and then `f_nl(z_k)`, `z[k·BLOCK + j]`. Each `z_k` is summed over the window oldest
    /// first and each `y` in `k` order; the loops run over the block's spins, so they
    /// vectorise, four lanes wide where the CPU has AVX2 (chosen at run time; the same
    /// operations, so the same results, as the SSE2 path every x86-64 has).
    fn pre_sign(&self, z: &mut [f64], eta: &mut [f64], hist: &[f64], w: &StepWeights) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { self.pre_sign_avx2(z, eta, hist, w) };
            return;
        }
        self.pre_sign_loops(z, eta, hist, w);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn pre_sign_avx2(&self, z: &mut [f64], eta: &mut [f64], hist: &[f64], w: &StepWeights) {
        self.pre_sign_loops(z, eta, hist, w);
    }

    #[inline(always)]
    fn pre_sign_loops(&self, z: &mut [f64], eta: &mut [f64], hist: &[f64], w: &StepWeights) {
        let (len, n) = (self.len, self.n);
        let y = &mut eta[..len];
        for v in y.iter_mut() {
            *v *= w.w0;
        }
        for (k, row) in w.w2.chunks_exact(self.tc).enumerate() {
            let zk = &mut z[k * BLOCK..k * BLOCK + len];
            zk.fill(0.0);
            for (s, &wks) in row.iter().enumerate() {
                let slot = &hist[(self.start + s) * n + self.b0..][..len];
                for (z, h) in zk.iter_mut().zip(slot) {
                    *z += wks * h;
                }
            }
            tanh::f_nl_loop(zk);
            for (v, f) in y.iter_mut().zip(zk.iter()) {
                *v += w.w1[k] * f;
            }
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
