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
    /// summed in `k` order. The whole step is compiled twice, for AVX2 (chosen at run time) and
    /// for the SSE2 every x86-64 has: the same operations in the same order, so the same
    /// results, four lanes wide instead of two.
    pub fn step(&mut self) -> f64 {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.step_avx2() };
        }
        self.step_body()
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn step_avx2(&mut self) -> f64 {
        self.step_body()
    }

    #[inline(always)]
    fn step_body(&mut self) -> f64 {
        let n = self.ising.n();
        let tc = self.params.architecture.tc;
        let w = self.weights(self.t);
        let first = self.t == 0;
        let mut flipped = std::mem::take(&mut self.flipped);
        flipped.clear();
        flipped.resize(n, 0);
        let mut flips = 0;
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
            block.pre_sign_loops(&mut self.z, &mut self.eta, &self.hist, &w);
            let spins = &mut self.spins[b0..b0 + len];
            let x = &mut self.x[b0..b0 + len];
            match self.variant {
                Variant::Dnpim => {
                    for (j, ((&y, s), x)) in self.eta[..len].iter().zip(spins).zip(x).enumerate() {
                        let spin: i8 = if y >= 0.0 { 1 } else { -1 };
                        // every index is written, the count advances only on a flip (no branch
                        // on the flip itself, which the CPU could not predict)
                        flipped[flips] = b0 + j;
                        flips += usize::from(first || spin != *s);
                        *x = f64::from(spin);
                        *s = spin;
                    }
                }
                Variant::Cnpim => {
                    for ((&y, s), x) in self.eta[..len].iter().zip(spins).zip(x) {
                        *s = if y >= 0.0 { 1 } else { -1 };
                        *x = y.tanh();
                    }
                }
            }
        }
        flipped.truncate(flips);
        let couplings = self.ising.couplings();
        match self.variant {
            Variant::Dnpim if !first => {
                for &j in &flipped {
                    couplings.add_column(j, 2.0 * self.x[j], &mut self.jx);
                }
            }
            _ => couplings.matvec(&self.x, &mut self.jx),
        }
        self.flipped = flipped;
        let slot = self.t % tc;
        self.t += 1;
        // the fields into the history, and (dNPIM) the energy from them in the same pass
        let (pair, lin) = {
            let (lower, upper) = self.hist.split_at_mut((slot + tc) * n);
            let now = &mut lower[slot * n..(slot + 1) * n];
            let later = &mut upper[..n];
            let (mut pair, mut lin) = (0.0, 0.0);
            for (((now, later), (&g, &l)), &s) in now
                .iter_mut()
                .zip(later)
                .zip(self.jx.iter().zip(self.ising.linear()))
                .zip(&self.spins)
            {
                let f = g - 0.5 * l;
                *now = f;
                *later = f;
                pair += f64::from(s) * g;
                lin += f64::from(s) * l;
            }
            (pair, lin)
        };
        match self.variant {
            Variant::Dnpim => 0.5 * pair - 0.5 * lin,
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
    /// vectorise (inlined into the step, and so four lanes wide where the step runs with AVX2).
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
