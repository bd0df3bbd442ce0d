//! The FPGA side of the neural Ising machine: `rust_hdl` blocks of the measurement-feedback
//! core, Verilog generation, and simulation harnesses that check every block against the golden
//! model in `npim-sim` bit for bit (rust_hdl's own simulator for short runs, Verilator for long
//! ones). The folders follow the blocks' roles:
//!
//! - [`widgets`]: blocks without build parameters (UART, CRC-32, field-history RAM), compiled once;
//! - `design/`: the core's blocks, compiled once per build: `matvec` (fields and energy over
//!   J's memory), `update` (the dNPIM spin update), `core` (whole runs: seeding, schedule
//!   interpolation, best-so-far), `feedback` (the CIM measurement-feedback engine), `loader`
//!   (core images into the memories), `engine` (the serial command engine) and `serial_core`
//!   (UART, engine, loader and core: what a board runs);
//! - [`builds`]: the parameter files, one a build, and the build table; each build module holds
//!   the design compiled against its parameters (`npim_hdl::builds::rtl::core`, …);
//! - [`harness`]: the drivers that run a build's blocks from a core image in rust_hdl's
//!   simulator or under Verilator (`npim_hdl::builds::rtl::core_sim`, …), and the golden
//!   traces they are checked against;
//! - [`boards`]: one file a board (pins, clock, device), and the top level around the serial
//!   core.
//!
//! The serial protocol itself is the `npim-proto` crate (`docs/protocol.md`); design notes are
//! in `docs/rtl.md`.
#![deny(missing_docs)]

pub mod boards;
pub mod builds;
pub mod harness;
pub mod memory_style;
pub mod ram_collisions;
pub mod widgets;
