//! Temporal bases for the time-varying weights `θ_i(τ) = Σ_m Θ_{i,m} f_m(τ)`, `τ = t/T ∈ [0, 1)`.

use serde::{Deserialize, Serialize};

/// A family of functions `f_m` on `[0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Seed 000 eq. 7: `f_m(τ) = cos(m/2·πτ)` for even `m`, `sin((m+1)/2·πτ)` for odd `m`.
    Fourier,
    /// Shifted Legendre polynomials `P_m(2τ − 1)` (App. C.2).
    Legendre,
    /// Shifted Chebyshev polynomials of the first kind `T_m(2τ − 1)` (App. C.2).
    Chebyshev,
}

impl Basis {
    /// `f_m(τ)`.
    pub fn eval(self, m: usize, tau: f64) -> f64 {
        let mut out = vec![0.0; m + 1];
        self.eval_all(tau, &mut out);
        out[m]
    }

    /// `out[m] = f_m(τ)` for `m < out.len()`.
    pub fn eval_all(self, tau: f64, out: &mut [f64]) {
        use std::f64::consts::PI;
        match self {
            Basis::Fourier => {
                for (m, o) in out.iter_mut().enumerate() {
                    *o = if m % 2 == 0 {
                        (m as f64 / 2.0 * PI * tau).cos()
                    } else {
                        ((m as f64 + 1.0) / 2.0 * PI * tau).sin()
                    };
                }
            }
            Basis::Legendre | Basis::Chebyshev => {
                let u = 2.0 * tau - 1.0;
                let (mut prev, mut cur) = (1.0, u);
                for (m, o) in out.iter_mut().enumerate() {
                    if m == 0 {
                        *o = 1.0;
                        continue;
                    }
                    if m == 1 {
                        *o = u;
                        continue;
                    }
                    let k = (m - 1) as f64;
                    let next = match self {
                        // (k+1) P_{k+1} = (2k+1) u P_k − k P_{k−1}
                        Basis::Legendre => ((2.0 * k + 1.0) * u * cur - k * prev) / (k + 1.0),
                        // T_{k+1} = 2u T_k − T_{k−1}
                        _ => 2.0 * u * cur - prev,
                    };
                    prev = cur;
                    cur = next;
                    *o = next;
                }
            }
        }
    }
}

impl std::str::FromStr for Basis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "fourier" => Ok(Basis::Fourier),
            "legendre" => Ok(Basis::Legendre),
            "chebyshev" => Ok(Basis::Chebyshev),
            _ => Err(format!(
                "unknown basis `{s}` (fourier, legendre, chebyshev)"
            )),
        }
    }
}
