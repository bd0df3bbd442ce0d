//! The floating-point neural-network parameterised Ising machine (seed 000 eqs. 2-7).
//!
//! One step for spin `i` at time `t` (0-based, `T` steps, `τ = t/T`):
//!
//! ```text
//! z_k  = Σ_{s=0}^{Tc−1} W²_{k,s}(τ) · h_i(t − Tc + s)          (h at negative times is 0)
//! y_i  = W⁰(τ)·η_i(t) + Σ_{k=0}^{D−1} W¹_k(τ) · f_nl(z_k),      f_nl(z) = z + tanh z
//! x_i(t) = sign(y_i)  (dNPIM; sign(0) = +1)   or   tanh(y_i)  (cNPIM)
//! h(t) = J·x(t) − l/2
//! ```
//!
//! with `η ~ N(0, 1)` drawn for every spin in index order at every step (even where `W⁰ = 0`, so
//! the random stream does not depend on the weights), and `θ(τ) = Σ_m Θ_{·,m} f_m(τ)`.
//! A run keeps the best energy of `sign(x(t))` over all `t` and the spins that reached it.

pub mod basis;
pub mod model;
pub mod params;
pub mod tanh;

pub use basis::Basis;
pub use model::{run_trajectory, solve, NpimState, RunOptions, RunResult, Variant};
pub use params::{Architecture, NpimParams, ParamsError, StepWeights};
