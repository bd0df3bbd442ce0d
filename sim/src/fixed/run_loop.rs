//! [`GoldenCore::run`]'s loop: the same integers as [`GoldenState`], arranged for speed.
//!
//! [`GoldenState`] is the specification read line by line (the RTL is compared with it step by
//! step); it allocates per step, walks each spin's field history through a ring index and keeps
//! fields in `i64`. Whole runs (solves, benchmarks, the host's checks of a board's results) only
//! need each run's best and final energies and best spins, so this loop keeps one scratch set
//! per run and:
//! - holds the field history slot-major in `i32` (every image the quantizer can write fits;
//!   [`FastLoop::new`] checks the bound and declines otherwise), pairing each `W²` weight with
//!   the ring slot it meets instead of rotating the history;
//! - sums `W²·f` for 16 spins at a time in registers, and evaluates `f_nl` in passes the
//!   compiler can vectorize (all but the table reads);
//! - adds a flipped spin's whole `2·J` row to the fields when `J` is dense, scatters its
//!   nonzeros otherwise;
//! - is compiled a second time for AVX2, chosen at run time.
//!
//! Equality with [`GoldenState`] is tested run for run on random images of every shape
//! (`tests/topics/fixed_point.rs`) and, without AVX2, in this module's test.
//!
//! [`GoldenState`]: super::GoldenState

use super::golden::{round_shift, GoldenCore, GoldenResult, Shifts};
use super::noise::{noise_of, spin_state, xorshift32};

/// What one image needs beyond [`GoldenCore`] for the fast loop.
#[derive(Clone, Debug)]
pub(super) struct FastLoop {
    /// `e2 − A`: the shift from a `W²·f` sum to `z`.
    z_shift: i32,
    /// `z` saturates at `±zlim`.
    zlim: i64,
    /// Left shifts aligning the `W⁰·η` and `W¹·f_nl(z)` terms.
    y_shift0: u32,
    y_shift1: u32,
    /// `|z|` shifted left by `index_left`, then right by `index_right`, indexes the table:
    /// together a shift right by `A + 2 − table_bits` (`|z| < 2^23` and the left shift is at
    /// most 8, so the `u32` never overflows).
    index_left: u32,
    index_right: u32,
    /// The tanh table, padded with its last entry to [`TABLE_MAX`] so a masked index needs no
    /// bounds check.
    table: Box<[i32; TABLE_MAX]>,
    /// The last real table index.
    index_max: u32,
    /// Whether the aligned sum `y` fits `i64` for every weight and noise value (else `i128`).
    y_in_i64: bool,
    /// `2·J_q` row-major when `J` is dense enough that a flipped spin's whole row is cheaper to
    /// add than its nonzeros to scatter (a contiguous add the compiler vectorizes).
    dense_2j: Option<Vec<i32>>,
}

/// Spins whose `W²` sums are computed together (in vector registers).
const BLOCK: usize = 16;

/// The largest tanh table the spec allows (`table_bits ≤ 12`).
const TABLE_MAX: usize = 1 << 12;

/// Above this fraction of nonzeros a dense row beats the CSR scatter.
const DENSE_FILL: f64 = 0.25;

impl FastLoop {
    /// The loop's constants, or `None` when a field could leave `i32` (the reference handles
    /// such images; the quantizer never writes one).
    pub(super) fn new(core: &GoldenCore) -> Option<FastLoop> {
        let row_sum = (0..core.n)
            .map(|i| {
                (core.row_ptr[i]..core.row_ptr[i + 1])
                    .map(|k| i64::from(core.w[k]).abs())
                    .sum::<i64>()
            })
            .max()
            .unwrap_or(0);
        let l_max = core
            .linear
            .iter()
            .map(|&l| i64::from(l).abs())
            .max()
            .unwrap_or(0);
        if 2 * row_sum + 2 * l_max > i64::from(i32::MAX) {
            return None;
        }
        let sh = Shifts::of(core.exponents, core.act_frac);
        let a = i32::from(core.act_frac);
        // Schedule weights are 16-bit; `|f_nl(z)| ≤ zlim + max TABLE`; `|η| ≤ 510`.
        let zlim = (1i64 << (core.z_bits - 1)) - 1;
        let f_nl_max = zlim + core.table.iter().copied().max().unwrap_or(0);
        let w1u_max = (core.d as i128) * (1 << 15) * i128::from(f_nl_max);
        if w1u_max >= 1 << 62 {
            return None;
        }
        let w0_max: i128 = (1 << 15) * 510;
        let fits = |x: i128, sh: i32| sh < 62 && (x << sh) < 1 << 61;
        let y_in_i64 = fits(w0_max, sh.y0 as i32) && fits(w1u_max, sh.y1 as i32);
        let table_shift = a + 2 - i32::from(core.table_bits);
        if core.z_bits > 24 || table_shift < -8 || core.table.len() > TABLE_MAX {
            return None;
        }
        let nnz = core.row_ptr[core.n];
        let dense_2j = (nnz as f64 > DENSE_FILL * (core.n * core.n) as f64).then(|| {
            let mut m = vec![0i32; core.n * core.n];
            for i in 0..core.n {
                for k in core.row_ptr[i]..core.row_ptr[i + 1] {
                    m[i * core.n + core.col[k] as usize] = 2 * core.w[k];
                }
            }
            m
        });
        Some(FastLoop {
            dense_2j,
            z_shift: sh.z,
            zlim,
            y_in_i64,
            index_left: (-table_shift).max(0) as u32,
            index_right: table_shift.max(0) as u32,
            table: Box::new(std::array::from_fn(|k| {
                core.table[k.min(core.table.len() - 1)] as i32
            })),
            index_max: core.table.len() as u32 - 1,
            y_shift0: sh.y0,
            y_shift1: sh.y1,
        })
    }

    /// `z = round_shift(acc, e2 − A)` saturated to `±zlim` (which fits `i32`: `z_bits ≤ 24`).
    #[inline(always)]
    fn z_of(&self, acc: i64) -> i32 {
        let z = if (1..63).contains(&self.z_shift) {
            (acc + (1i64 << (self.z_shift - 1))) >> self.z_shift
        } else {
            round_shift(acc, self.z_shift)
        };
        z.clamp(-self.zlim, self.zlim) as i32
    }

    /// One run, equal to stepping a [`super::GoldenState`] `core.steps` times: compiled for
    /// AVX2 where the CPU has it (the same integers either way; only the vector width differs).
    pub(super) fn run(&self, core: &GoldenCore, run: usize, run_seed: u32) -> GoldenResult {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, the only feature `run_avx2` is compiled with.
            return unsafe { self.run_avx2(core, run, run_seed) };
        }
        self.run_portable(core, run, run_seed)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_avx2(&self, core: &GoldenCore, run: usize, run_seed: u32) -> GoldenResult {
        self.run_portable(core, run, run_seed)
    }

    #[inline(always)]
    fn run_portable(&self, core: &GoldenCore, run: usize, run_seed: u32) -> GoldenResult {
        let (n, tc, d) = (core.n, core.tc, core.d);
        let per = 1 + d + d * tc;
        let mut noise: Vec<u32> = (0..n).map(|i| spin_state(run_seed, i)).collect();
        let mut spins = vec![1i8; n];
        // `2·J_q·σ`, the field before the linear term (fits `i32`: checked in `new`).
        let mut two_jsigma = vec![0i32; n];
        // Field history, slot-major and padded to whole blocks: `hist[slot·NP + i]` holds spin
        // `i`'s field from the step `≡ slot (mod Tc)` (padding spins stay 0 and are never read).
        let np = n.div_ceil(BLOCK) * BLOCK;
        let mut hist = vec![0i32; tc * np];
        let mut q = vec![0i64; per];
        // The step's `W²`, each weight beside the offset of the history row it meets.
        let mut terms: Vec<(usize, i32)> = Vec::with_capacity(d * tc);
        let mut flipped = Vec::with_capacity(n);
        let mut best = GoldenResult {
            run,
            run_seed,
            best_e4: i64::MAX,
            best_energy: f64::INFINITY,
            best_step: 0,
            best_spins: Vec::new(),
            final_e4: 0,
        };
        for t in 0..core.steps {
            core.weights_at(t, &mut q);
            let (q0, q1, q2) = (q[0], &q[1..1 + d], &q[1 + d..]);
            // Weight `s` of row `k` (oldest field first) meets the field stored at ring slot
            // `(t + s) mod Tc`. Knots are 16-bit, so their interpolations are too.
            terms.clear();
            terms.extend(
                q2.iter()
                    .enumerate()
                    .map(|(ks, &w)| (((t + ks % tc) % tc) * np, w as i32)),
            );
            flipped.clear();
            for b in (0..np).step_by(BLOCK) {
                // `W¹·f_nl(W²·f)` of the block's spins, the `W²` sums held in registers.
                let mut w1u = [0i64; BLOCK];
                for (row, &q1k) in terms.chunks_exact(tc).zip(q1) {
                    let mut acc = [0i64; BLOCK];
                    for &(offset, w) in row {
                        let w = i64::from(w);
                        let f: &[i32; BLOCK] = hist[offset + b..offset + b + BLOCK]
                            .try_into()
                            .expect("a whole block");
                        for (a, &f) in acc.iter_mut().zip(f) {
                            *a += w * i64::from(f);
                        }
                    }
                    // `f_nl(z) = z + sign(z)·TABLE[index(|z|)]` ([`GoldenCore::f_nl`]), in
                    // passes the compiler can vectorize apart from the table reads.
                    let mut z = [0i32; BLOCK];
                    for (z, &a) in z.iter_mut().zip(&acc) {
                        *z = self.z_of(a);
                    }
                    let mut index = [0u32; BLOCK];
                    for (k, &z) in index.iter_mut().zip(&z) {
                        *k = ((z.unsigned_abs() << self.index_left) >> self.index_right)
                            .min(self.index_max);
                    }
                    let mut entry = [0i32; BLOCK];
                    for (t, &k) in entry.iter_mut().zip(&index) {
                        *t = self.table[k as usize % TABLE_MAX];
                    }
                    for ((u, &z), &t) in w1u.iter_mut().zip(&z).zip(&entry) {
                        *u += q1k * i64::from(z + z.signum() * t);
                    }
                }
                for (i, &w1u) in (b..n.min(b + BLOCK)).zip(&w1u) {
                    let state = xorshift32(noise[i]);
                    noise[i] = state;
                    let w0u = q0 * i64::from(noise_of(state));
                    let up = if self.y_in_i64 {
                        (w0u << self.y_shift0) + (w1u << self.y_shift1) >= 0
                    } else {
                        (i128::from(w0u) << self.y_shift0) + (i128::from(w1u) << self.y_shift1) >= 0
                    };
                    let s: i8 = if up { 1 } else { -1 };
                    if t == 0 || s != spins[i] {
                        flipped.push(i);
                    }
                    spins[i] = s;
                }
            }
            if t == 0 {
                for (i, js) in two_jsigma.iter_mut().enumerate() {
                    *js = (core.row_ptr[i]..core.row_ptr[i + 1])
                        .map(|k| 2 * core.w[k] * i32::from(spins[core.col[k] as usize]))
                        .sum();
                }
            } else {
                // A flip of σ_j by ±2 moves every `2·J·σ` by ±2·J_j·.
                for &j in &flipped {
                    match &self.dense_2j {
                        Some(m) => {
                            let row = &m[j * n..(j + 1) * n];
                            if spins[j] > 0 {
                                two_jsigma
                                    .iter_mut()
                                    .zip(row)
                                    .for_each(|(a, &b)| *a += 2 * b);
                            } else {
                                two_jsigma
                                    .iter_mut()
                                    .zip(row)
                                    .for_each(|(a, &b)| *a -= 2 * b);
                            }
                        }
                        None => {
                            let delta = 4 * i32::from(spins[j]);
                            for k in core.row_ptr[j]..core.row_ptr[j + 1] {
                                two_jsigma[core.col[k] as usize] += delta * core.w[k];
                            }
                        }
                    }
                }
            }
            let row = &mut hist[(t % tc) * np..(t % tc) * np + n];
            let mut e4 = 0i64;
            for i in 0..n {
                let l = core.linear[i];
                let f = two_jsigma[i] - l;
                row[i] = f;
                e4 += i64::from(spins[i]) * i64::from(f - l);
            }
            if e4 < best.best_e4 {
                best.best_e4 = e4;
                best.best_step = t;
                best.best_spins.clear();
                best.best_spins.extend_from_slice(&spins);
            }
            best.final_e4 = e4;
        }
        best.best_energy = core.energy(best.best_e4);
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{quantize, CoreConfig};
    use crate::generate::{generate, Spec};
    use crate::npim::params::field_scale;
    use crate::npim::{Architecture, Basis, NpimParams};

    /// The loop without AVX2 (what CPUs lacking it run) equals the reference too; the
    /// integration tests cover the dispatched loop on many more shapes.
    #[test]
    fn the_portable_loop_equals_the_reference() {
        for (spec, tc, d) in [
            ("sk:n=37,seed=1", 8, 3),
            ("gnp:n=90,p=0.05,weights=pm1,seed=2", 20, 3),
        ] {
            let ising = generate(&spec.parse::<Spec>().unwrap()).unwrap();
            let arch = Architecture {
                tc,
                d,
                m: 3,
                basis: Basis::Fourier,
            };
            let params = NpimParams::embedded_greedy(arch, field_scale(&ising), 2.0, 0.5);
            let config = CoreConfig::preset("sim").unwrap();
            let (image, _) = quantize(&ising, &params, &config, 120, 3).unwrap();
            let core = GoldenCore::new(&image);
            let fast = FastLoop::new(&core).expect("fields fit i32");
            for r in 0..3 {
                let want = core.run_reference(r, 11 + r as u32);
                assert_eq!(fast.run_portable(&core, r, 11 + r as u32), want, "{spec}");
            }
        }
    }
}
