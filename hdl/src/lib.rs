//! The FPGA side of the neural Ising machine: `rust_hdl` blocks of the measurement-feedback
//! core, Verilog generation, and simulation harnesses that check every block against the golden
//! model in `npim-sim` bit for bit (rust_hdl's own simulator for short runs, Verilator for long
//! ones).
//!
//! Built so far: the matvec engine ([`matvec`]), the first block of the core (issue 4).
#![deny(missing_docs)]

pub mod core;
pub mod core_sim;
pub mod feedback;
pub mod feedback_sim;
pub mod matvec;
pub mod matvec_sim;
pub mod protocol;
pub mod update;
pub mod update_sim;
pub mod verilator;
pub mod widths;
