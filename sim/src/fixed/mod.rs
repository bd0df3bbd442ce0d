//! The core's integer arithmetic, defined in software: the core configuration, the noise
//! generator, the quantizer, the core image and the bit-exact golden model.
//!
//! `docs/fixed-point.md` is the specification; this module implements it line by line, and the
//! RTL is checked against [`golden`] bit for bit.

pub mod config;
pub mod feedback;
pub mod golden;
pub mod image;
pub mod matvec_work;
pub mod noise;
pub mod phase;
pub mod quantize;
mod run_loop;
pub mod scatter;

pub use config::{CoreConfig, FitError, Limit, ScatterLimits, ShiftLimits};
pub use golden::{GoldenCore, GoldenResult, GoldenState};
pub use image::{CoreImage, ImageError, RowLayout};
pub use phase::{PhaseResult, RunStart, StartError};
pub use quantize::{quantize, quantize_from, QuantizeError};
