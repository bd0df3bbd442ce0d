//! Running the design outside silicon. The per-build drivers (`*_sim.rs` here, compiled into
//! each build module by [`crate::builds`]) put a core image and a seed into a block in
//! rust_hdl's simulator or under Verilator and read back every step; the build-independent
//! parts are the Verilator harness builder ([`verilator`]) and the golden traces the drivers'
//! results are compared with ([`trace`]). The C++ sides of the Verilator harnesses are files in
//! `cpp/`.

pub mod trace;
pub mod verilator;

use rust_hdl::prelude::*;

/// Stack for building and writing out a block: a 32-unit core's blocks are values of several
/// megabytes, and rust_hdl walks them recursively, past a test thread's 2 MiB.
const BLOCK_STACK: usize = 256 << 20;

/// The Verilog of the block `make` builds, connected as a top level (built and written on a
/// thread with 256 MiB of stack, `BLOCK_STACK`).
pub fn verilog_of<B: Block, F: FnOnce() -> B + Send>(make: F) -> String {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(BLOCK_STACK)
            .spawn_scoped(scope, || {
                let mut block = make();
                block.connect_all();
                generate_verilog(&block)
            })
            .expect("a thread to write the Verilog on")
            .join()
            .expect("writing the Verilog")
    })
}
