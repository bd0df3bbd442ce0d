//! An Ising instance: symmetric couplings `J` with zero diagonal and a linear term `l`.
//!
//! Energy `H(s) = Σ_{i<j} J_ij s_i s_j − Σ_i (l_i/2) s_i`; fields `h = J·x − l/2`.
//! See the crate docs for why the field carries `−l/2`.

use crate::couplings::{Couplings, Storage};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One coupling `J_ij = J_ji = w` with `i < j` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Smaller endpoint.
    pub i: u32,
    /// Larger endpoint.
    pub j: u32,
    /// Weight.
    pub w: f64,
}

/// Most spins an instance may have: far beyond any core or benchmark (G-set's largest is
/// 20 000), and small enough that a wrong header cannot make the parser allocate gigabytes.
pub const MAX_SPINS: usize = 1 << 24;

/// Most spins stored as a dense `N × N` matrix (20 000 spins take 3.2 GB).
pub const MAX_DENSE: usize = 20_000;

/// Why a set of edges does not make a valid instance.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InstanceError {
    /// Dense storage asked for more spins than `MAX_DENSE`.
    #[error("dense storage of {0} spins needs {gb:.1} GB; at most {max} spins are stored dense (use sparse storage)", gb = (*.0 as f64).powi(2) * 8e-9, max = MAX_DENSE)]
    TooLargeForDense(usize),
    /// More spins than any model here holds (`MAX_SPINS`).
    #[error("{0} vertices is more than the {max} this toolchain supports", max = MAX_SPINS)]
    TooLarge(usize),
    /// An endpoint is not below `n`.
    #[error("vertex {index} is out of range (the instance has {n} vertices)")]
    IndexOutOfRange {
        /// The offending 0-based index.
        index: usize,
        /// Number of vertices.
        n: usize,
    },
    /// `i == j`.
    #[error("self-loop on vertex {0}")]
    SelfLoop(usize),
    /// The same pair listed twice (edge numbers are positions in the input list).
    #[error("duplicate edge {i}-{j} (first given as edge {first}, again as edge {again})")]
    DuplicateEdge {
        /// Smaller endpoint (0-based).
        i: usize,
        /// Larger endpoint (0-based).
        j: usize,
        /// 0-based position of the first occurrence.
        first: usize,
        /// 0-based position of the repeat.
        again: usize,
    },
    /// A NaN or infinite weight or linear term.
    #[error("non-finite value {0}")]
    NonFinite(f64),
    /// Finite weights whose magnitudes sum past `f64` (energies and cuts would overflow).
    #[error("the weights are too large: their magnitudes sum past the floating-point range (largest {largest:e}); scale the instance down")]
    Overflow {
        /// The largest magnitude.
        largest: f64,
    },
    /// `l` does not have `n` entries.
    #[error("linear term has {got} entries, expected {n}")]
    LinearLength {
        /// Entries given.
        got: usize,
        /// Number of spins.
        n: usize,
    },
}

/// Facts known about an instance that do not define it (kept by the JSON format).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// A short name (file stem or generator spec).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A planted ground state, when a generator knows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planted_spins: Option<Vec<i8>>,
    /// The ground (or best-known) energy, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground_energy: Option<f64>,
}

/// An Ising instance.
#[derive(Clone, Debug)]
pub struct Ising {
    n: usize,
    edges: Vec<Edge>,
    linear: Vec<f64>,
    couplings: Couplings,
    /// Facts that do not define the instance.
    pub meta: Metadata,
}

impl Ising {
    /// Builds an instance from edges in any order and orientation (`(i, j)` or `(j, i)`), and a
    /// linear term (empty means all zero). Rejects out-of-range indices, self-loops, duplicate
    /// pairs and non-finite values. Zero weights are kept out of `J`.
    pub fn new(
        n: usize,
        edges: impl IntoIterator<Item = (usize, usize, f64)>,
        linear: Vec<f64>,
        storage: Storage,
    ) -> Result<Self, InstanceError> {
        if n > MAX_SPINS {
            return Err(InstanceError::TooLarge(n));
        }
        if storage == Storage::Dense && n > MAX_DENSE {
            return Err(InstanceError::TooLargeForDense(n));
        }
        let mut seen: HashMap<(u32, u32), usize> = HashMap::new();
        let mut list = Vec::new();
        for (pos, (a, b, w)) in edges.into_iter().enumerate() {
            for index in [a, b] {
                if index >= n {
                    return Err(InstanceError::IndexOutOfRange { index, n });
                }
            }
            if a == b {
                return Err(InstanceError::SelfLoop(a));
            }
            if !w.is_finite() {
                return Err(InstanceError::NonFinite(w));
            }
            let (i, j) = (a.min(b) as u32, a.max(b) as u32);
            if let Some(&first) = seen.get(&(i, j)) {
                return Err(InstanceError::DuplicateEdge {
                    i: i as usize,
                    j: j as usize,
                    first,
                    again: pos,
                });
            }
            seen.insert((i, j), pos);
            if w != 0.0 {
                list.push(Edge { i, j, w });
            }
        }
        let linear = if linear.is_empty() {
            vec![0.0; n]
        } else {
            linear
        };
        if linear.len() != n {
            return Err(InstanceError::LinearLength {
                got: linear.len(),
                n,
            });
        }
        if let Some(&v) = linear.iter().find(|v| !v.is_finite()) {
            return Err(InstanceError::NonFinite(v));
        }
        // every energy, field and cut is a sum of at most these magnitudes (twice for J)
        let total = 2.0 * list.iter().map(|e| e.w.abs()).sum::<f64>()
            + linear.iter().map(|v| v.abs()).sum::<f64>();
        if !total.is_finite() {
            let largest = list
                .iter()
                .map(|e| e.w.abs())
                .chain(linear.iter().map(|v| v.abs()))
                .fold(0.0, f64::max);
            return Err(InstanceError::Overflow { largest });
        }
        list.sort_by_key(|e| (e.i, e.j));
        let couplings = Couplings::from_edges(n, &list, storage);
        Ok(Ising {
            n,
            edges: list,
            linear,
            couplings,
            meta: Metadata::default(),
        })
    }

    /// A copy with `J` held in another storage form.
    pub fn with_storage(&self, storage: Storage) -> Self {
        let mut copy = self.clone();
        copy.couplings = Couplings::from_edges(self.n, &self.edges, storage);
        copy
    }

    /// Number of spins.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Non-zero couplings, `i < j`, sorted.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The linear term `l`.
    pub fn linear(&self) -> &[f64] {
        &self.linear
    }

    /// The coupling matrix.
    pub fn couplings(&self) -> &Couplings {
        &self.couplings
    }

    /// Whether `l = 0` (a pure Max-Cut / zero-field instance).
    pub fn has_zero_field(&self) -> bool {
        self.linear.iter().all(|&v| v == 0.0)
    }

    /// Whether every weight and linear term is an integer.
    pub fn has_integer_weights(&self) -> bool {
        self.edges.iter().all(|e| e.w.fract() == 0.0)
            && self.linear.iter().all(|v| v.fract() == 0.0)
    }

    /// `Σ_{i<j} w_ij`, the weight of all edges.
    pub fn total_weight(&self) -> f64 {
        self.edges.iter().map(|e| e.w).sum()
    }

    /// `max |J_ij|`.
    pub fn max_abs_weight(&self) -> f64 {
        self.edges.iter().fold(0.0, |m, e| m.max(e.w.abs()))
    }

    /// `H(s) = Σ_{i<j} J_ij s_i s_j − Σ_i (l_i/2) s_i`.
    pub fn energy(&self, s: &[i8]) -> f64 {
        assert_eq!(s.len(), self.n, "spin vector length");
        let pair: f64 = self
            .edges
            .iter()
            .map(|e| e.w * f64::from(s[e.i as usize] * s[e.j as usize]))
            .sum();
        let lin: f64 = self
            .linear
            .iter()
            .zip(s)
            .map(|(l, &si)| l * f64::from(si))
            .sum();
        pair - 0.5 * lin
    }

    /// Local fields `h = J·x − l/2` for any real vector `x`.
    pub fn fields(&self, x: &[f64]) -> Vec<f64> {
        let mut h = vec![0.0; self.n];
        self.couplings.matvec(x, &mut h);
        for (hi, li) in h.iter_mut().zip(&self.linear) {
            *hi -= 0.5 * li;
        }
        h
    }

    /// The weight of the cut that `s` defines: `Σ_{i<j, s_i ≠ s_j} w_ij`
    /// (`= (Σ w − H(s)) / 2` when `l = 0`).
    pub fn cut(&self, s: &[i8]) -> f64 {
        assert_eq!(s.len(), self.n, "spin vector length");
        self.edges
            .iter()
            .filter(|e| s[e.i as usize] != s[e.j as usize])
            .map(|e| e.w)
            .sum()
    }

    /// The cut value of a Max-Cut instance with energy `energy` (`l = 0`).
    pub fn cut_from_energy(&self, energy: f64) -> f64 {
        (self.total_weight() - energy) / 2.0
    }

    /// The energy of a cut of value `cut` (`l = 0`).
    pub fn energy_from_cut(&self, cut: f64) -> f64 {
        self.total_weight() - 2.0 * cut
    }

    /// Whether no single spin flip lowers the energy of `s` (`s_i h_i ≤ 0` for all `i`).
    pub fn is_local_minimum(&self, s: &[i8]) -> bool {
        let x: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
        let h = self.fields(&x);
        h.iter()
            .zip(&x)
            .all(|(hi, xi)| hi * xi <= 1e-9 * (1.0 + hi.abs()))
    }
}
