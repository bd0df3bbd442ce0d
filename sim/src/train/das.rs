//! Dynamic Anisotropic Smoothing (Reifenstein et al. 2024), the zeroth-order optimiser of seed
//! 000 sec. 3.4 and App. G, with the update rules of the authors' code as restated in
//! `../shared/docs/das.md`. DAS *maximises* a noisy reward.

use serde::{Deserialize, Serialize};

/// Default window limits on the RMS entry of `L` (over all `P²` entries, so a diagonal
/// `L = s·I` has RMS entry `s/√P`). They come from our notes (`../shared/docs/das.md`), not from
/// seed 000 or the DAS paper; a training config may set its own ([`DasRules`]).
pub const MAX_WINDOW: f64 = 2.0;
/// See [`MAX_WINDOW`].
pub const MIN_WINDOW: f64 = 0.02;

/// The settings of an update that our notes fix and the sources do not: the bounds that keep
/// `L` from collapsing or exploding (after each update `L` is rescaled so that its RMS entry
/// lies in `[min, max]`), and the rate of `L`'s own step (`dL = rate·L·dA`; the notes' `1/P`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DasRules {
    /// Floor on the RMS entry of `L`.
    pub min: f64,
    /// Ceiling on the RMS entry of `L`.
    pub max: f64,
    /// `dL = rate·L·dA`; `None` is `1/P` (`das.md` step 5).
    pub l_rate: Option<f64>,
}

impl Default for DasRules {
    fn default() -> Self {
        DasRules {
            min: MIN_WINDOW,
            max: MAX_WINDOW,
            l_rate: None,
        }
    }
}

/// The search distribution: mean `x` and the `P × P` matrix `L` (row-major).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Das {
    /// Mean of the parameter distribution.
    pub x: Vec<f64>,
    /// Scale and orientation of the search, row-major `P × P`.
    pub l: Vec<f64>,
    /// Base step size.
    pub dt0: f64,
    /// Running scale of the reward (`max(mean f², 0.99·best_fit)`).
    pub best_fit: f64,
}

/// Diagnostics of one update.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DasStep {
    /// Mean reward of the batch.
    pub mean_reward: f64,
    /// Step size used.
    pub dt: f64,
    /// RMS entry of `L` after the update.
    pub window: f64,
    /// Length of the mean's step in normalised coordinates (before limiting to 1).
    pub zstep: f64,
}

impl Das {
    /// Starts at `x` with `L = scale·I`.
    pub fn new(x: Vec<f64>, scale: f64, dt0: f64) -> Self {
        let p = x.len();
        let mut l = vec![0.0; p * p];
        for i in 0..p {
            l[i * p + i] = scale;
        }
        Das {
            x,
            l,
            dt0,
            best_fit: 1e-4,
        }
    }

    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.x.len()
    }

    /// `x + L·z`.
    pub fn sample(&self, z: &[f64]) -> Vec<f64> {
        let p = self.dim();
        (0..p)
            .map(|i| self.x[i] + (0..p).map(|j| self.l[i * p + j] * z[j]).sum::<f64>())
            .collect()
    }

    /// One update from perturbations `z_b` and their rewards `f_b` (the caller draws antithetic
    /// pairs), with `L`'s rate and window from `rules`. Steps 3-6 of `das.md`.
    pub fn update(&mut self, z: &[Vec<f64>], f: &[f64], rules: DasRules) -> DasStep {
        let p = self.dim();
        let b = f.len() as f64;
        assert_eq!(z.len(), f.len());
        let mean_f = f.iter().sum::<f64>() / b;
        let mean_f2 = f.iter().map(|v| v * v).sum::<f64>() / b;
        self.best_fit = mean_f2.max(0.99 * self.best_fit);
        let dt = self.dt0 / (self.best_fit + 1e-10).sqrt();
        // dz = mean(z f); dA = mean(z zᵀ f) − mean(f) I
        let mut dz = vec![0.0; p];
        let mut da = vec![0.0; p * p];
        for (zb, &fb) in z.iter().zip(f) {
            for i in 0..p {
                dz[i] += zb[i] * fb / b;
                let zi = zb[i] * fb / b;
                for j in 0..p {
                    da[i * p + j] += zi * zb[j];
                }
            }
        }
        for i in 0..p {
            da[i * p + i] -= mean_f;
        }
        // dL = L·dA / P (or the rate the rules give)
        let rate = rules.l_rate.unwrap_or(1.0 / p as f64);
        let l_old = self.l.clone();
        let dl = matmul(&l_old, &da, p)
            .into_iter()
            .map(|v| v * rate)
            .collect::<Vec<_>>();
        let norm_l = frobenius(&l_old);
        let trial: Vec<f64> = l_old.iter().zip(&dl).map(|(a, d)| a + dt * d).collect();
        let r = frobenius(&trial) / norm_l.max(1e-300);
        let l_new: Vec<f64> = l_old.iter().zip(&dl).map(|(a, d)| a + r * dt * d).collect();
        // step = r·dt·L_old·dz; zstep = L_new⁻¹·step (before the window rescaling)
        let step: Vec<f64> = (0..p)
            .map(|i| r * dt * (0..p).map(|j| l_old[i * p + j] * dz[j]).sum::<f64>())
            .collect();
        let zstep = solve(&l_new, &step, p)
            .map(|v| norm(&v))
            .unwrap_or(f64::INFINITY);
        let limit = if zstep.is_finite() && zstep > 0.0 {
            (1.0 / zstep).min(1.0)
        } else {
            0.0
        };
        for (xi, si) in self.x.iter_mut().zip(&step) {
            *xi += limit * si;
        }
        self.l = l_new;
        let mut window = (self.l.iter().map(|v| v * v).sum::<f64>() / (p * p) as f64).sqrt();
        let target = window.clamp(rules.min, rules.max);
        if window > 0.0 && target != window {
            let s = target / window;
            self.l.iter_mut().for_each(|v| *v *= s);
            window = target;
        }
        DasStep {
            mean_reward: mean_f,
            dt,
            window,
            zstep,
        }
    }
}

fn matmul(a: &[f64], b: &[f64], p: usize) -> Vec<f64> {
    let mut c = vec![0.0; p * p];
    for i in 0..p {
        for k in 0..p {
            let aik = a[i * p + k];
            if aik != 0.0 {
                for j in 0..p {
                    c[i * p + j] += aik * b[k * p + j];
                }
            }
        }
    }
    c
}

fn frobenius(a: &[f64]) -> f64 {
    a.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Solves `A·y = b` by Gaussian elimination with partial pivoting; `None` if `A` is singular.
pub fn solve(a: &[f64], b: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut m = a.to_vec();
    let mut y = b.to_vec();
    for col in 0..p {
        let pivot =
            (col..p).max_by(|&i, &j| m[i * p + col].abs().total_cmp(&m[j * p + col].abs()))?;
        if m[pivot * p + col].abs() < 1e-300 {
            return None;
        }
        if pivot != col {
            for j in 0..p {
                m.swap(col * p + j, pivot * p + j);
            }
            y.swap(col, pivot);
        }
        for row in col + 1..p {
            let factor = m[row * p + col] / m[col * p + col];
            if factor != 0.0 {
                for j in col..p {
                    m[row * p + j] -= factor * m[col * p + j];
                }
                y[row] -= factor * y[col];
            }
        }
    }
    for col in (0..p).rev() {
        let s: f64 = (col + 1..p).map(|j| m[col * p + j] * y[j]).sum();
        y[col] = (y[col] - s) / m[col * p + col];
    }
    Some(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;
    use rand::Rng;
    use rand_distr::StandardNormal;

    #[test]
    fn solve_inverts_a_random_matrix() {
        let mut rng = stream(1, 0);
        let p = 7;
        let a: Vec<f64> = (0..p * p).map(|_| rng.sample(StandardNormal)).collect();
        let y: Vec<f64> = (0..p).map(|_| rng.sample(StandardNormal)).collect();
        let b: Vec<f64> = (0..p)
            .map(|i| (0..p).map(|j| a[i * p + j] * y[j]).sum())
            .collect();
        let got = solve(&a, &b, p).unwrap();
        for (g, e) in got.iter().zip(&y) {
            assert!((g - e).abs() < 1e-9);
        }
    }

    #[test]
    fn das_climbs_a_noisy_quadratic() {
        // maximise −‖θ − c‖² + noise; DAS should approach c
        let c = [1.5, -2.0, 0.5, 3.0];
        let mut das = Das::new(vec![0.0; 4], 0.5, 0.5);
        let mut rng = stream(2, 0);
        for _ in 0..1500 {
            let half: Vec<Vec<f64>> = (0..16)
                .map(|_| (0..4).map(|_| rng.sample(StandardNormal)).collect())
                .collect();
            let z: Vec<Vec<f64>> = half
                .iter()
                .cloned()
                .chain(half.iter().map(|v| v.iter().map(|x| -x).collect()))
                .collect();
            let f: Vec<f64> = z
                .iter()
                .map(|zb| {
                    let th = das.sample(zb);
                    -th.iter()
                        .zip(&c)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f64>()
                        + 0.1 * rng.sample::<f64, _>(StandardNormal)
                })
                .collect();
            das.update(&z, &f, DasRules::default());
        }
        let dist: f64 = das
            .x
            .iter()
            .zip(&c)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt();
        assert!(dist < 0.3, "DAS ended {dist} from the optimum: {:?}", das.x);
    }
}
