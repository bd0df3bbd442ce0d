//! Learning on the Ising core by equilibrium propagation (seed 003): the data sets, the layered
//! Ising network and its mapping onto the core, the trainer with its free and nudged phases on
//! any [`train::PhaseCore`], and the backpropagation baseline of the same width.

pub mod backprop;
pub mod data;
pub mod network;
pub mod train;

pub use data::{DataError, Dataset, Split};
pub use network::Network;
pub use train::{EpCheckpoint, EpConfig, EpEpoch, EpTrainer, GoldenPhases, PhaseCore, PhaseJob};
