//! NPIM parameters: the architecture, the temporal basis and the coefficient matrix `Θ`, saved as
//! a versioned JSON file with the provenance of the numbers.
//!
//! Flattened per-step weight vector `θ(τ)` of length `1 + D + D·Tc`, in this order:
//! `W⁰`, then `W¹_0 … W¹_{D−1}`, then `W²` row by row (`W²_{k,s}` at `1 + D + k·Tc + s`, where
//! `s = Tc − 1` weights the newest field `h(t−1)`). `Θ` has one row of `M` basis coefficients
//! per entry of `θ`.

use super::basis::Basis;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The format tag every parameter file carries.
pub const FORMAT_TAG: &str = "npim-params";
/// The version this code writes and reads.
pub const VERSION: u32 = 1;

/// dNPIM (sign output, binary spins) or cNPIM (tanh output, continuous amplitudes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// `x = sign(y)`.
    Dnpim,
    /// `x = tanh(y)`.
    Cnpim,
}

/// The network's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Architecture {
    /// History length `Tc` (fields fed to the network).
    pub tc: usize,
    /// Hidden width `D`.
    pub d: usize,
    /// Temporal modes `M` per weight.
    pub m: usize,
    /// The temporal basis.
    pub basis: Basis,
}

impl Architecture {
    /// Entries of `θ(τ)`: `1 + D + D·Tc`.
    pub fn weights_per_step(&self) -> usize {
        1 + self.d + self.d * self.tc
    }

    /// Total parameters `P = (1 + D + D·Tc)·M`.
    pub fn num_params(&self) -> usize {
        self.weights_per_step() * self.m
    }
}

/// Where a parameter set came from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// How it was made (`hand-set`, `das`, …).
    pub source: String,
    /// Free text: the command, the budget, anything a reader needs.
    #[serde(default)]
    pub notes: String,
    /// The training configuration, when trained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
    /// Measured figures (test success rate, …), when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<serde_json::Value>,
}

/// A complete parameter set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NpimParams {
    /// Always [`FORMAT_TAG`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// The shape.
    pub architecture: Architecture,
    /// The variant the parameters were made for (a hint; either can run them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
    /// The fields are divided by this before `W²` (a fixed unit for the input weights, so that
    /// `Θ` entries are of order 1 whatever the instance class's field magnitude; 1 = none).
    #[serde(default = "one")]
    pub input_scale: f64,
    /// `Θ`: `weights_per_step` rows of `M` coefficients.
    pub theta: Vec<Vec<f64>>,
    /// Where the numbers came from.
    pub provenance: Provenance,
}

fn one() -> f64 {
    1.0
}

/// The weights of one step, `θ(τ)` unflattened.
#[derive(Clone, Debug, PartialEq)]
pub struct StepWeights {
    /// Noise gain `W⁰`.
    pub w0: f64,
    /// Output weights `W¹_k`, length `D`.
    pub w1: Vec<f64>,
    /// Input weights `W²_{k,s}`, row-major `D × Tc`.
    pub w2: Vec<f64>,
}

/// A parameter file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamsError {
    /// Could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The OS message.
        message: String,
    },
    /// Not valid JSON for this format.
    #[error("{path}:{line}: {message}")]
    Json {
        /// The file.
        path: String,
        /// Line of the fault.
        line: usize,
        /// What serde reported.
        message: String,
    },
    /// Valid JSON, inconsistent content.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl NpimParams {
    /// Parameters from a flat vector `Θ` (row-major, `weights_per_step × M`).
    pub fn from_flat(architecture: Architecture, flat: &[f64], provenance: Provenance) -> Self {
        assert_eq!(
            flat.len(),
            architecture.num_params(),
            "flat parameter length"
        );
        let theta = flat.chunks(architecture.m).map(<[f64]>::to_vec).collect();
        NpimParams {
            format: FORMAT_TAG.into(),
            version: VERSION,
            architecture,
            variant: None,
            input_scale: 1.0,
            theta,
            provenance,
        }
    }

    /// `Θ` flattened row-major.
    pub fn flat(&self) -> Vec<f64> {
        self.theta.iter().flatten().copied().collect()
    }

    /// A hand-set annealed greedy rule (`Tc = 2`, `D = 1`, `M = 3`, Fourier): the network input
    /// is `(h(t−1) + momentum·h(t−2)) / field_scale`, its output weight is −1 (move against the
    /// field), and the noise gain falls from `noise` at `τ = 0` to 0 at `τ = 1` as
    /// `noise·(1 + cos πτ)/2`. Not trained: a baseline and a default until trained files exist.
    pub fn annealed_greedy(field_scale: f64, noise: f64, momentum: f64) -> Self {
        let arch = Architecture {
            tc: 2,
            d: 1,
            m: 3,
            basis: Basis::Fourier,
        };
        Self::embedded_greedy(arch, field_scale, noise, momentum)
    }

    /// The annealed greedy rule written in a larger architecture (hidden unit 0 carries it, the
    /// other weights are 0): a starting point for training. With `M = 1`, or the Fourier basis
    /// and `M = 2`, the noise gain is the constant `noise/2`; Legendre and Chebyshev with `M ≥ 2`
    /// use the ramp `noise·(1 − τ)`.
    pub fn embedded_greedy(
        arch: Architecture,
        field_scale: f64,
        noise: f64,
        momentum: f64,
    ) -> Self {
        let c = 1.0;
        let (m, tc, d) = (arch.m, arch.tc, arch.d);
        let mut flat = vec![0.0; arch.num_params()];
        let row = |r: usize| r * m;
        // W⁰
        flat[row(0)] = noise / 2.0;
        if m >= 3 && arch.basis == Basis::Fourier {
            flat[row(0) + 2] = noise / 2.0; // (1 + cos πτ)/2
        } else if m >= 2 && arch.basis != Basis::Fourier {
            flat[row(0) + 1] = -noise / 2.0; // (1 − (2τ − 1))/2 = 1 − τ
        }
        // W¹_0 = −1
        flat[row(1)] = -1.0;
        // W²_{0, Tc−1} on h(t−1), W²_{0, Tc−2} on h(t−2)
        flat[row(1 + d + tc - 1)] = c;
        if tc >= 2 {
            flat[row(1 + d + tc - 2)] = c * momentum;
        }
        let mut p = Self::from_flat(
            arch,
            &flat,
            Provenance {
                source: "hand-set".into(),
                notes: format!(
                    "annealed greedy: field_scale={field_scale}, noise={noise}, momentum={momentum}"
                ),
                config: None,
                metrics: None,
            },
        );
        p.variant = Some(Variant::Dnpim);
        p.input_scale = field_scale.max(f64::MIN_POSITIVE);
        p
    }

    /// Checks shapes and finiteness.
    pub fn validate(&self) -> Result<(), String> {
        if self.format != FORMAT_TAG {
            return Err(format!(
                "format is `{}`, expected `{FORMAT_TAG}`",
                self.format
            ));
        }
        if self.version != VERSION {
            return Err(format!(
                "version {} is not supported (this build reads {VERSION})",
                self.version
            ));
        }
        let a = &self.architecture;
        if !(self.input_scale.is_finite() && self.input_scale > 0.0) {
            return Err(format!(
                "input_scale must be positive, not {}",
                self.input_scale
            ));
        }
        if a.tc == 0 || a.d == 0 || a.m == 0 {
            return Err("tc, d and m must all be at least 1".into());
        }
        if self.theta.len() != a.weights_per_step() {
            return Err(format!(
                "theta has {} rows; 1 + D + D·Tc = {} expected",
                self.theta.len(),
                a.weights_per_step()
            ));
        }
        for (r, row) in self.theta.iter().enumerate() {
            if row.len() != a.m {
                return Err(format!(
                    "theta row {r} has {} entries; M = {} expected",
                    row.len(),
                    a.m
                ));
            }
            if row.iter().any(|v| !v.is_finite()) {
                return Err(format!("theta row {r} has a non-finite entry"));
            }
        }
        Ok(())
    }

    /// Reads and validates a parameter file.
    pub fn load(path: &Path) -> Result<Self, ParamsError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ParamsError::Io {
            path: name.clone(),
            message: e.to_string(),
        })?;
        Self::parse(&text, &name)
    }

    /// Parses and validates parameter JSON; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<Self, ParamsError> {
        let p: NpimParams = serde_json::from_str(text).map_err(|e| ParamsError::Json {
            path: name.into(),
            line: e.line(),
            message: e.to_string(),
        })?;
        p.validate().map_err(|message| ParamsError::Invalid {
            path: name.into(),
            message,
        })?;
        Ok(p)
    }

    /// Writes the file (pretty JSON).
    pub fn save(&self, path: &Path) -> Result<(), ParamsError> {
        let text = serde_json::to_string_pretty(self).expect("params serialise") + "\n";
        std::fs::write(path, text).map_err(|e| ParamsError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// `θ(τ)` unflattened, using `basis_values[m] = f_m(τ)`.
    pub fn weights_from_basis(&self, basis_values: &[f64]) -> StepWeights {
        let a = &self.architecture;
        let theta: Vec<f64> = self
            .theta
            .iter()
            .map(|row| row.iter().zip(basis_values).map(|(c, f)| c * f).sum())
            .collect();
        StepWeights {
            w0: theta[0],
            w1: theta[1..1 + a.d].to_vec(),
            w2: theta[1 + a.d..]
                .iter()
                .map(|w| w / self.input_scale)
                .collect(),
        }
    }

    /// `θ(τ)` unflattened.
    pub fn weights_at(&self, tau: f64) -> StepWeights {
        let mut f = vec![0.0; self.architecture.m];
        self.architecture.basis.eval_all(tau, &mut f);
        self.weights_from_basis(&f)
    }
}

/// The field scale the hand-set rule divides by: the RMS row norm `sqrt(mean_i Σ_j J_ij²)`.
pub fn field_scale(ising: &crate::Ising) -> f64 {
    let sq: f64 = ising.edges().iter().map(|e| 2.0 * e.w * e.w).sum();
    (sq / ising.n() as f64).sqrt().max(1e-12)
}
