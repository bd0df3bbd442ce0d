//! The FPGA side of the neural Ising machine: `rust_hdl` blocks of the measurement-feedback
//! core, Verilog generation, and simulation harnesses that check every block against the golden
//! model in `npim-sim` bit for bit (rust_hdl's own simulator for short runs, Verilator for long
//! ones).
//!
//! Blocks: [`matvec`] (fields and energy over a CSR J), [`update`] (the dNPIM spin update),
//! [`core`] (whole runs: seeding, schedule interpolation, best-so-far) and [`feedback`] (the CIM
//! measurement-feedback engine). Each has a `*_sim` module that drives it from a core image in
//! rust_hdl's simulator or under Verilator ([`verilator`]); [`protocol`] is the serial protocol's
//! framing and messages (`docs/protocol.md`). Widths of this build: [`widths`]; design notes:
//! `docs/rtl.md`.
#![deny(missing_docs)]

pub mod boards;
pub mod core;
pub mod core_sim;
pub mod crc32;
pub mod engine;
pub mod feedback;
pub mod feedback_sim;
pub mod loader;
pub mod matvec;
pub mod matvec_sim;
pub mod protocol;
pub mod serial_core;
pub mod serial_sim;
pub mod uart;
pub mod update;
pub mod update_sim;
pub mod verilator;
pub mod widths;
