//! The FPGA side of the neural Ising machine (issue 4 onwards): the `rust_hdl` measurement-
//! feedback core, its Verilog generation and its cycle-level simulation, each checked bit for
//! bit against the golden model in `npim-sim`.
//!
//! Nothing is implemented here yet; the crate exists so that the dependency order
//! `sim ← hdl ← host` is fixed from the start.
#![deny(missing_docs)]
