//! The FPGA side of the neural Ising machine: `rust_hdl` blocks of the measurement-feedback
//! core, Verilog generation, and simulation harnesses that check every block against the golden
//! model in `npim-sim` bit for bit (rust_hdl's own simulator for short runs, Verilator for long
//! ones).
//!
//! Blocks: [`matvec`] (fields and energy over a CSR J), [`update`] (the dNPIM spin update),
//! [`core`] (whole runs: seeding, schedule interpolation, best-so-far) and [`feedback`] (the CIM
//! measurement-feedback engine). Each has a `*_sim` module that drives it from a core image in
//! rust_hdl's simulator or under Verilator ([`verilator`]); the serial protocol itself is the
//! `npim-proto` crate (`docs/protocol.md`). The design is compiled once per core configuration
//! it can be built for ([`builds`]: one and four matvec lanes, wide and narrow memories); the
//! default build's modules are re-exported at the crate root. Widths of the default build:
//! [`widths`]; design notes: `docs/rtl.md`.
#![deny(missing_docs)]

pub mod boards;
pub mod builds;
pub mod crc32;
pub mod ram_collisions;
pub mod single_port_ram;
pub mod trace;
pub mod uart;
pub mod verilator;

// The default build's modules at the crate root, where the host and the tests have always found
// them.
pub use builds::rtl::{
    core, core_sim, engine, feedback, feedback_sim, loader, matvec, matvec_sim, serial_core,
    serial_sim, update, update_sim, widths,
};
