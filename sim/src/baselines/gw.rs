//! Goemans-Williamson for Max-Cut: the SDP relaxation solved in low rank (Burer-Monteiro, by the
//! mixing method of Wang, Chang and Kolter 2017), a certified upper bound from the dual, and
//! random-hyperplane rounding.
//!
//! With `L = D − W` the weighted Laplacian, `cut(s) = ¼ sᵀ L s`, and the SDP is
//! `max ¼⟨L, V Vᵀ⟩` over unit vectors `v_i ∈ R^k`. The mixing method sets each
//! `v_i ← −g_i/‖g_i‖`, `g_i = Σ_j w_ij v_j`, sweep after sweep (each step cannot lower the
//! objective). Upper bound: with `y_i = Σ_j L_ij v_i·v_j` and `λ = λ_min(Diag(y) − L)`, the dual
//! point `y − min(λ, 0)·1` is feasible, so `¼(Σ y_i − N·min(λ, 0))` bounds every cut. The
//! eigenvalue comes from a dense symmetric eigen-solve (`nalgebra`), so the bound is computed for
//! `N ≤ 3000`.

use crate::instance::Ising;
use crate::rng::stream;
use nalgebra::DMatrix;
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// GW parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GwParams {
    /// Rank `k` of the factorisation (0: `ceil(sqrt(2N)) + 1`, enough for an optimal solution).
    pub rank: usize,
    /// Most mixing sweeps.
    pub sweeps: usize,
    /// Stop when a sweep raises the objective by less than this (relative).
    pub tolerance: f64,
    /// Random hyperplanes tried.
    pub roundings: usize,
}

impl Default for GwParams {
    fn default() -> Self {
        GwParams {
            rank: 0,
            sweeps: 2000,
            tolerance: 1e-9,
            roundings: 1000,
        }
    }
}

/// What GW found.
#[derive(Clone, Debug, PartialEq)]
pub struct GwResult {
    /// `¼⟨L, V Vᵀ⟩` at the end of the sweeps.
    pub sdp_value: f64,
    /// The certified upper bound on every cut (None when `N > 3000`).
    pub upper_bound: Option<f64>,
    /// Best rounded cut.
    pub best_cut: f64,
    /// Its spins.
    pub best_spins: Vec<i8>,
    /// Sweeps run.
    pub sweeps: usize,
}

/// Runs GW on a Max-Cut instance (`l = 0`).
pub fn solve(ising: &Ising, p: &GwParams, seed: u64) -> Result<GwResult, String> {
    if !ising.has_zero_field() {
        return Err("GW applies to Max-Cut instances (no linear term)".into());
    }
    let n = ising.n();
    let k = if p.rank == 0 {
        ((2.0 * n as f64).sqrt().ceil() as usize + 1).min(n.max(1))
    } else {
        p.rank
    };
    let mut rng = stream(seed, 0);
    let mut v: Vec<f64> = (0..n * k).map(|_| rng.sample(StandardNormal)).collect();
    for i in 0..n {
        normalise(&mut v[i * k..(i + 1) * k]);
    }
    let couplings = ising.couplings();
    let objective = |v: &[f64]| -> f64 {
        ising
            .edges()
            .iter()
            .map(|e| {
                0.5 * e.w * (1.0 - dot(&v[e.i as usize * k..][..k], &v[e.j as usize * k..][..k]))
            })
            .sum()
    };
    let mut value = objective(&v);
    let mut g = vec![0.0; k];
    let mut sweeps = 0;
    for _ in 0..p.sweeps {
        sweeps += 1;
        for i in 0..n {
            g.iter_mut().for_each(|x| *x = 0.0);
            couplings.for_each_in_row(i, |j, w| {
                for (gd, vd) in g.iter_mut().zip(&v[j * k..(j + 1) * k]) {
                    *gd += w * vd;
                }
            });
            let norm = dot(&g, &g).sqrt();
            if norm > 0.0 {
                for (vd, gd) in v[i * k..(i + 1) * k].iter_mut().zip(&g) {
                    *vd = -gd / norm;
                }
            }
        }
        let next = objective(&v);
        let gain = next - value;
        value = next;
        if gain.abs() <= p.tolerance * value.abs().max(1.0) {
            break;
        }
    }
    let upper_bound = (n <= 3000).then(|| {
        let mut m = DMatrix::<f64>::zeros(n, n);
        let mut y = vec![0.0; n];
        for e in ising.edges() {
            let (i, j) = (e.i as usize, e.j as usize);
            let c = dot(&v[i * k..(i + 1) * k], &v[j * k..(j + 1) * k]);
            // L_ij = −w_ij off the diagonal, L_ii = Σ_j w_ij
            y[i] += e.w * (1.0 - c);
            y[j] += e.w * (1.0 - c);
            m[(i, j)] += e.w;
            m[(j, i)] += e.w;
            m[(i, i)] -= e.w;
            m[(j, j)] -= e.w;
        }
        for i in 0..n {
            m[(i, i)] += y[i];
        }
        let lambda = m
            .symmetric_eigenvalues()
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        // a relative safety margin for the eigen-solver's rounding
        let slack = 1e-9 * y.iter().map(|v| v.abs()).sum::<f64>().max(1.0);
        0.25 * (y.iter().sum::<f64>() - n as f64 * lambda.min(0.0)) + slack
    });
    let mut best_cut = f64::NEG_INFINITY;
    let mut best_spins = vec![1i8; n];
    let mut s = vec![1i8; n];
    for _ in 0..p.roundings.max(1) {
        let r: Vec<f64> = (0..k).map(|_| rng.sample(StandardNormal)).collect();
        for i in 0..n {
            s[i] = if dot(&v[i * k..(i + 1) * k], &r) >= 0.0 {
                1
            } else {
                -1
            };
        }
        let c = ising.cut(&s);
        if c > best_cut {
            best_cut = c;
            best_spins.copy_from_slice(&s);
        }
    }
    Ok(GwResult {
        sdp_value: value,
        upper_bound,
        best_cut,
        best_spins,
        sweeps,
    })
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalise(v: &mut [f64]) {
    let n = dot(v, v).sqrt().max(1e-300);
    v.iter_mut().for_each(|x| *x /= n);
}
