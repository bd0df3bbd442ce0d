//! Training NPIM parameters with DAS (seed 000 sec. 3.4, 4.3, App. F, G, I).
//!
//! A run is described by a TOML [`TrainConfig`]; [`Trainer`] performs epochs, evaluates on a
//! held-out set, and checkpoints itself so a run can stop and resume with identical results.

pub mod config;
pub mod das;
pub mod reward;
pub mod trainer;

pub use config::{InstanceSet, RewardKind, TrainConfig};
pub use das::Das;
pub use trainer::{Checkpoint, EpochReport, Trainer};
