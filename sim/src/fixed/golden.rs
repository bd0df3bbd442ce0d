//! The bit-exact golden model: `docs/fixed-point.md` in integers, no floating point in a step.

use super::image::{CoreImage, JMemory};
use super::noise::{run_seed, SpinNoise};
use super::phase::RunStart;
use super::run_loop::FastLoop;

/// A core image prepared for simulation (`J` as CSR of `i32`, zeros skipped: they add nothing).
#[derive(Clone, Debug)]
pub struct GoldenCore {
    pub(super) n: usize,
    pub(super) steps: usize,
    pub(super) tc: usize,
    pub(super) d: usize,
    pub(super) shift: u8,
    pub(super) exponents: [i8; 3],
    pub(super) act_frac: u8,
    pub(super) z_bits: u8,
    pub(super) table_bits: u8,
    pub(super) table: Vec<i64>,
    pub(super) schedule: Vec<i64>,
    pub(super) linear: Vec<i32>,
    pub(super) row_ptr: Vec<usize>,
    pub(super) col: Vec<u32>,
    pub(super) w: Vec<i32>,
    pub(super) j_scale: f64,
    pub(super) seed: u64,
    /// The fast run loop's constants (`None`: whole runs step the reference model).
    fast: Option<FastLoop>,
}

/// The outcome of one golden run.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldenResult {
    /// Run index.
    pub run: usize,
    /// Its 32-bit run seed.
    pub run_seed: u32,
    /// Lowest `E4 = Σ σ_i (f_i − l_i) = 4·H_q` over the run.
    pub best_e4: i64,
    /// `j_scale · best_e4 / 4`: the energy of the best spins on the original instance when the
    /// instance is represented exactly.
    pub best_energy: f64,
    /// First step reaching it.
    pub best_step: usize,
    /// The best spins.
    pub best_spins: Vec<i8>,
    /// `E4` at the last step.
    pub final_e4: i64,
}

/// The shifts that align the update's three weight classes (`docs/fixed-point.md`), from the
/// image's exponents `e0, e1, e2` and activation fraction `A`: one rule for the golden model, its
/// fast loop, the RTL harnesses and the fit check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shifts {
    /// `e2 − A`: from a `W²·f` sum to `z` (right when positive, left when negative).
    pub z: i32,
    /// `E − e0` with `E = max(e0, e1 + A)`: aligns the noise term `W⁰·η`.
    pub y0: u32,
    /// `E − e1 − A`: aligns the `W¹·f_nl(z)` sum.
    pub y1: u32,
}

impl Shifts {
    /// The shifts of an image with these exponents and activation fraction bits.
    pub fn of(exponents: [i8; 3], act_frac: u8) -> Self {
        let [e0, e1, e2] = exponents.map(i32::from);
        let a = i32::from(act_frac);
        let e = e0.max(e1 + a);
        Shifts {
            z: e2 - a,
            y0: (e - e0) as u32,
            y1: (e - e1 - a) as u32,
        }
    }

    /// The right and left parts of [`Shifts::z`] (`e2 − A` and `A − e2`, each at least 0), as
    /// the RTL's two shifters take them.
    pub fn z_right_left(&self) -> (u32, u32) {
        (self.z.max(0) as u32, (-self.z).max(0) as u32)
    }
}

/// `x · 2^(−sh)` rounded half up (arithmetic shift), or `x · 2^(−sh)` exactly when `sh ≤ 0`,
/// saturated to the `i64` range (callers clamp further; a core caps its shifters where the
/// clamped result no longer changes, so the two agree for every shift).
#[inline]
pub fn round_shift(x: i64, sh: i32) -> i64 {
    if (1..63).contains(&sh) {
        (x + (1i64 << (sh - 1))) >> sh
    } else if sh > 0 {
        ((i128::from(x) + (1i128 << (sh.min(100) - 1))) >> sh.min(100)) as i64
    } else if sh >= -28 && x.unsigned_abs() < 1 << 34 {
        x << (-sh)
    } else {
        (i128::from(x) << (-sh).min(64)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }
}

impl GoldenCore {
    /// Prepares an image.
    pub fn new(image: &CoreImage) -> Self {
        let n = image.n;
        let (mut row_ptr, mut col, mut w) = (vec![0usize], Vec::new(), Vec::new());
        match &image.j {
            JMemory::Dense(v) => {
                for i in 0..n {
                    for j in 0..n {
                        if v[i * n + j] != 0 {
                            col.push(j as u32);
                            w.push(i32::from(v[i * n + j]));
                        }
                    }
                    row_ptr.push(col.len());
                }
            }
            JMemory::Sparse {
                row_ptr: rp,
                col: c,
                w: wv,
            } => {
                row_ptr = rp.iter().map(|&p| p as usize).collect();
                col = c.clone();
                w = wv.iter().map(|&x| i32::from(x)).collect();
            }
        }
        let mut core = GoldenCore {
            n,
            steps: image.steps,
            tc: image.tc,
            d: image.d,
            shift: image.knot_shift,
            exponents: image.exponents,
            act_frac: image.act_frac,
            z_bits: image.z_bits,
            table_bits: image.table_bits,
            table: image.table.iter().map(|&t| i64::from(t)).collect(),
            schedule: image.schedule.iter().map(|&s| i64::from(s)).collect(),
            linear: image.linear.clone(),
            row_ptr,
            col,
            w,
            j_scale: image.j_scale,
            seed: image.seed,
            fast: None,
        };
        core.fast = FastLoop::new(&core);
        core
    }

    /// Spins.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Steps per run.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The image's master seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The energy `E4` stands for: `j_scale · E4 / 4`.
    pub fn energy(&self, e4: i64) -> f64 {
        self.j_scale * e4 as f64 / 4.0
    }

    /// Interpolated schedule weights at step `t`: with `k = t >> s`, `r = t mod 2^s`,
    /// `q(t) = (q_k·2^s + (q_{k+1} − q_k)·r) >> s` (floor).
    pub fn weights_at(&self, t: usize, out: &mut [i64]) {
        let per = 1 + self.d + self.d * self.tc;
        let k = t >> self.shift;
        let r = (t & ((1usize << self.shift) - 1)) as i64;
        let (a, b) = (
            &self.schedule[k * per..(k + 1) * per],
            &self.schedule[(k + 1) * per..(k + 2) * per],
        );
        for ((o, &qa), &qb) in out.iter_mut().zip(a).zip(b) {
            *o = ((qa << self.shift) + (qb - qa) * r) >> self.shift;
        }
    }

    /// `f_nl(z)` in the activation domain: `z + sign(z)·TABLE[min(|z| >> (A + 2 − tb), 2^tb − 1)]`.
    #[inline]
    pub fn f_nl(&self, z: i64) -> i64 {
        let m = z.abs();
        let sh = i32::from(self.act_frac) + 2 - i32::from(self.table_bits);
        let idx = if sh >= 0 { m >> sh } else { m << (-sh) };
        let idx = idx.min((1i64 << self.table_bits) - 1) as usize;
        z + z.signum() * self.table[idx]
    }

    /// `E4` of any spins: `Σ σ_i·(f_i − l_i)` with `f = 2·J_q·σ − l_q` (what a step reports).
    pub fn e4_of(&self, spins: &[i8]) -> i64 {
        (0..self.n)
            .map(|i| {
                let js: i64 = (self.row_ptr[i]..self.row_ptr[i + 1])
                    .map(|k| i64::from(self.w[k]) * i64::from(spins[self.col[k] as usize]))
                    .sum();
                i64::from(spins[i]) * (2 * js - 2 * i64::from(self.linear[i]))
            })
            .sum()
    }

    /// One run with run seed `run_seed` (the fast loop of `run_loop.rs`; equal to
    /// [`GoldenCore::run_reference`]).
    pub fn run(&self, run: usize, run_seed: u32) -> GoldenResult {
        match &self.fast {
            Some(fast) => fast.run(self, run, run_seed),
            None => self.run_reference(run, run_seed),
        }
    }

    /// One run stepped through [`GoldenState`], the model the RTL is compared with.
    pub fn run_reference(&self, run: usize, run_seed: u32) -> GoldenResult {
        let mut state = GoldenState::new(self, run_seed);
        let mut best = GoldenResult {
            run,
            run_seed,
            best_e4: i64::MAX,
            best_energy: f64::INFINITY,
            best_step: 0,
            best_spins: Vec::new(),
            final_e4: 0,
        };
        for t in 0..self.steps {
            let e4 = state.step();
            if e4 < best.best_e4 {
                best.best_e4 = e4;
                best.best_step = t;
                best.best_spins.clear();
                best.best_spins.extend_from_slice(state.spins());
            }
            best.final_e4 = e4;
        }
        best.best_energy = self.energy(best.best_e4);
        best
    }

    /// `runs` runs in parallel, run `r` seeded with `run_seed(seed, r)`; results in run order,
    /// the same for any number of threads.
    pub fn solve(&self, runs: usize, seed: u64, on_done: &(dyn Fn() + Sync)) -> Vec<GoldenResult> {
        crate::cancel::runs(runs, |r| {
            let result = self.run(r, run_seed(seed, r));
            on_done();
            result
        })
    }
}

/// One golden run, step by step (for traces and the RTL comparison).
pub struct GoldenState<'a> {
    core: &'a GoldenCore,
    t: usize,
    spins: Vec<i8>,
    /// `J_q · σ`.
    jsigma: Vec<i64>,
    /// Fields `f = 2·J_q·σ − l_q`, history `hist[i·Tc + (time mod Tc)]`.
    hist: Vec<i64>,
    noise: SpinNoise,
    eta: Vec<i32>,
    q: Vec<i64>,
    /// This run's linear terms `l_q` (the image's unless the run set its own).
    linear: Vec<i32>,
}

impl<'a> GoldenState<'a> {
    /// A run at step 0.
    pub fn new(core: &'a GoldenCore, run_seed: u32) -> Self {
        let n = core.n;
        GoldenState {
            core,
            t: 0,
            spins: vec![1; n],
            jsigma: vec![0; n],
            hist: vec![0; n * core.tc],
            noise: SpinNoise::new(run_seed, n),
            eta: vec![0; n],
            q: vec![0; 1 + core.d + core.d * core.tc],
            linear: core.linear.clone(),
        }
    }

    /// A run at step 0 with its own linear terms and start state ([`RunStart`],
    /// `docs/fixed-point.md`, Runs with their own linear terms and start): with start spins
    /// `σ(−1) = s`, every history slot holds `f(s) = 2·J_q·s − l_q`, as if the spins had sat at
    /// `s` for `Tc` steps. `start` must have been checked against the image
    /// ([`RunStart::check`]).
    pub fn start(core: &'a GoldenCore, run_seed: u32, start: &RunStart) -> Self {
        let mut state = GoldenState::new(core, run_seed);
        if let Some(l) = &start.linear {
            state.linear.clone_from(l);
        }
        if let Some(s) = &start.spins {
            let tc = core.tc;
            for (dst, &v) in state.spins.iter_mut().zip(s) {
                *dst = if v >= 0 { 1 } else { -1 };
            }
            for i in 0..core.n {
                let js: i64 = (core.row_ptr[i]..core.row_ptr[i + 1])
                    .map(|k| i64::from(core.w[k]) * i64::from(state.spins[core.col[k] as usize]))
                    .sum();
                let f = 2 * js - i64::from(state.linear[i]);
                state.hist[i * tc..(i + 1) * tc].fill(f);
            }
        }
        state
    }

    /// `σ(t−1)`.
    pub fn spins(&self) -> &[i8] {
        &self.spins
    }

    /// `f(t−1)`.
    pub fn fields(&self) -> Vec<i64> {
        let slot = (self.t + self.core.tc - 1) % self.core.tc;
        (0..self.core.n)
            .map(|i| self.hist[i * self.core.tc + slot])
            .collect()
    }

    /// Spin `i`'s field history `f(t−Tc) … f(t−1)`, oldest first (0 before the run began).
    pub fn history_of(&self, i: usize) -> Vec<i64> {
        let tc = self.core.tc;
        (0..tc)
            .map(|s| self.hist[i * tc + (self.t + s) % tc])
            .collect()
    }

    /// The per-spin noise generator states (before the next step).
    pub fn noise_states(&self) -> &[u32] {
        self.noise.states()
    }

    /// The noise integers drawn at the last step.
    pub fn noise(&self) -> &[i32] {
        &self.eta
    }

    /// Steps taken.
    pub fn time(&self) -> usize {
        self.t
    }

    /// Computes `σ(t)` and `f(t)`, advances `t`, returns `E4` of `σ(t)`.
    pub fn step(&mut self) -> i64 {
        let y = self.pre_sign();
        let spins: Vec<i8> = y.iter().map(|&v| if v >= 0 { 1 } else { -1 }).collect();
        self.apply(&spins)
    }

    /// The update unit's pre-sign outputs `y_i(t)` (aligned integers; `σ_i = +1` iff
    /// `y_i ≥ 0`), drawing this step's noise. In external mode these drive the oscillators and
    /// [`GoldenState::apply`] takes the spins measured back; [`GoldenState::step`] is the two
    /// with the core's own sign in between.
    pub fn pre_sign(&mut self) -> Vec<i128> {
        let c = self.core;
        let (n, tc, d) = (c.n, c.tc, c.d);
        c.weights_at(self.t, &mut self.q);
        let sh = Shifts::of(c.exponents, c.act_frac);
        let zlim = (1i64 << (c.z_bits - 1)) - 1;
        let order: Vec<usize> = (0..tc).map(|s| (self.t + s) % tc).collect();
        let (q0, q1, q2) = (self.q[0], &self.q[1..1 + d], &self.q[1 + d..]);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let eta = self.noise.next(i);
            self.eta[i] = eta;
            let h = &self.hist[i * tc..(i + 1) * tc];
            let mut w1u: i128 = 0;
            for k in 0..d {
                let row = &q2[k * tc..(k + 1) * tc];
                let acc: i64 = row.iter().zip(&order).map(|(w, &slot)| w * h[slot]).sum();
                let z = round_shift(acc, sh.z).clamp(-zlim, zlim);
                w1u += i128::from(q1[k]) * i128::from(c.f_nl(z));
            }
            out.push(((i128::from(q0) * i128::from(eta)) << sh.y0) + (w1u << sh.y1));
        }
        out
    }

    /// Takes `σ(t)` (the core's own signs, or spins measured from outside), computes `f(t)`
    /// into the history, advances `t` and returns `E4` of `σ(t)`.
    pub fn apply(&mut self, spins: &[i8]) -> i64 {
        let c = self.core;
        let (n, tc) = (c.n, c.tc);
        assert_eq!(spins.len(), n, "one spin per index");
        let first = self.t == 0;
        let mut flipped = Vec::new();
        for (i, &s) in spins.iter().enumerate() {
            let s: i8 = if s >= 0 { 1 } else { -1 };
            if first || s != self.spins[i] {
                flipped.push(i);
            }
            self.spins[i] = s;
        }
        if first {
            for i in 0..n {
                self.jsigma[i] = (c.row_ptr[i]..c.row_ptr[i + 1])
                    .map(|k| i64::from(c.w[k]) * i64::from(self.spins[c.col[k] as usize]))
                    .sum();
            }
        } else {
            for &j in &flipped {
                let delta = 2 * i64::from(self.spins[j]);
                for k in c.row_ptr[j]..c.row_ptr[j + 1] {
                    self.jsigma[c.col[k] as usize] += delta * i64::from(c.w[k]);
                }
            }
        }
        let slot = self.t % tc;
        let mut e4 = 0i64;
        for i in 0..n {
            let l = i64::from(self.linear[i]);
            let f = 2 * self.jsigma[i] - l;
            self.hist[i * tc + slot] = f;
            e4 += i64::from(self.spins[i]) * (f - l);
        }
        self.t += 1;
        e4
    }
}
