//! Running the design outside silicon. The per-build drivers (`*_sim.rs` here, compiled into
//! each build module by [`crate::builds`]) put a core image and a seed into a block in
//! rust_hdl's simulator or under Verilator and read back every step; the build-independent
//! parts are the Verilator harness builder ([`verilator`]) and the golden traces the drivers'
//! results are compared with ([`trace`]). The C++ sides of the Verilator harnesses are files in
//! `cpp/`.

pub mod trace;
pub mod verilator;

use rust_hdl::prelude::*;

/// The Verilog of `block`, connected as a top level.
pub fn verilog_of<B: Block>(mut block: B) -> String {
    block.connect_all();
    generate_verilog(&block)
}
