//! Models of the neural Ising machine project: Ising problems and their file formats,
//! generators, problem mappings, the floating-point NPIM reference and run statistics.
//!
//! Conventions (written down once, in `docs/conventions.md`):
//! - spins `s_i ∈ {-1, +1}`, 0-based indices in memory, 1-based in rudy files;
//! - energy `H(s) = Σ_{i<j} J_ij s_i s_j − Σ_i (l_i/2) s_i` (half of seed 000's eq. 1);
//! - local field `h_i = Σ_j J_ij x_j − l_i/2 = ∂H/∂s_i`, so flipping spin `i` changes the
//!   energy by `−2 s_i h_i` and a greedy machine sets `s_i = −sign(h_i)`;
//! - Max-Cut on weights `w` uses `J = w`, `l = 0` and `cut(s) = (Σ w − H(s)) / 2`.
//!
//! This crate does pure computation and file formats: no devices, no child processes.
#![deny(missing_docs)]

pub mod baselines;
pub mod cancel;
pub mod classify;
pub mod couplings;
pub mod ep;
pub mod fixed;
pub mod formats;
pub mod generate;
pub mod gset;
pub mod instance;
pub mod mapping;
pub mod npim;
pub mod oscillator;
pub mod rng;
pub mod stats;
pub mod train;

pub use couplings::{Couplings, Csr, Storage};
pub use instance::{Edge, InstanceError, Ising};
