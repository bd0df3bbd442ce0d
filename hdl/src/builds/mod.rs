//! The builds of the design. rust_hdl fixes every memory depth and register width at compile
//! time (const generics), so each core configuration the hardware can be built for is its own
//! module: a `params` module with the free parameters (spin and entry address bits, J weight
//! width, matvec lanes) and the same design and simulation sources compiled against it. Every
//! build is checked bit for bit against the golden model by the same tests.
//!
//! | build | spins | stored J entries | J bits | lanes | update units | use |
//! |---|---|---|---|---|---|---|
//! | [`rtl`] | 2048 | 65 536 | 8 | 32 | 16 | the serial core and the ULX3S; every G-set graph fits |
//! | [`rtl4`] | 2048 | 65 536 | 8 | 4 | 4 | the same limits in fewer block RAMs and multipliers |
//! | [`small`] | 256 | 8 192 | 4 | 2 | 2 | a narrow build: small instances, fewer block RAMs |
//! | [`dense`] | 256 | 65 536 (`n × n`) | 8 | 4 | 1 | J row-major without column bits: dense instances (SK) |
//! | [`icebreaker`] | 800 | 65 536 | 2 | 2 | 1 | the iCE40UP5K: J and the field history in its four SPRAMs (G1-G21) |
//!
//! The first three store J as compressed sparse rows (an entry word holds its column and
//! weight); `dense` stores the weights alone and counts the column (`DENSE` in `params`).

// Compiling the same sources once per build is the point: each build's `params` fixes the const
// generics they are written against.
#![allow(clippy::duplicate_mod)]

/// The modules of a build: the design and simulation sources in this folder, compiled against
/// the invoking build's `params`.
macro_rules! design_modules {
    () => {
        #[path = "widths.rs"]
        pub mod widths;

        #[path = "../design/core/mod.rs"]
        pub mod core;
        #[path = "../harness/core_sim.rs"]
        pub mod core_sim;
        #[path = "../design/engine/mod.rs"]
        pub mod engine;
        #[path = "../design/entry.rs"]
        pub mod entry;
        #[path = "../design/entry_banks.rs"]
        pub mod entry_banks;
        #[path = "../design/feedback.rs"]
        pub mod feedback;
        #[path = "../harness/feedback_sim.rs"]
        pub mod feedback_sim;
        #[path = "../design/loader.rs"]
        pub mod loader;
        #[path = "../design/matvec/mod.rs"]
        pub mod matvec;
        #[path = "../harness/matvec_sim.rs"]
        pub mod matvec_sim;
        #[path = "../design/ports.rs"]
        pub mod ports;
        #[path = "../design/serial_core.rs"]
        pub mod serial_core;
        #[path = "../harness/serial_sim.rs"]
        pub mod serial_sim;
        #[path = "../design/spin_word.rs"]
        pub mod spin_word;
        #[path = "../design/update/mod.rs"]
        pub mod update;
        #[path = "../harness/update_sim.rs"]
        pub mod update_sim;
    };
}
pub(crate) use design_modules;

pub mod dense;
pub mod icebreaker;
pub mod rtl;
pub mod rtl4;
pub mod small;

use crate::harness::trace::{Mode, RunTrace};
use crate::harness::verilator::Harness;
use npim_sim::fixed::{CoreConfig, CoreImage};
use std::path::Path;

/// One build's entry points, for choosing a build at run time (`npim hdl verilog --core`,
/// `npim sim --core`).
pub struct Build {
    /// The build's name (its core configuration preset).
    pub name: &'static str,
    /// Its core configuration.
    pub config: fn() -> CoreConfig,
    /// The Verilog of the core, the matvec engine, the update unit, the CIM feedback engine.
    pub core_verilog: fn() -> String,
    /// The matvec engine's Verilog.
    pub matvec_verilog: fn() -> String,
    /// The update unit's Verilog.
    pub update_verilog: fn() -> String,
    /// The CIM feedback engine's Verilog.
    pub feedback_verilog: fn() -> String,
    /// The incremental matvec's blocks, in the builds that compile them (issue 21: in no core
    /// yet).
    pub scatter: Option<ScatterBlocks>,
    /// The serial core's Verilog, with a bitstream hash for IDENTIFY.
    pub serial_core_verilog: fn([u8; 32]) -> String,
    /// Whether the build can run an image (the reason if not).
    pub check_image: fn(&CoreImage) -> Result<(), String>,
    /// The core's Verilator harness, built into (or found in) a cache folder.
    pub build_harness: fn(&Path) -> Result<Harness, String>,
    /// Whether the build has the measurement-feedback port (external mode).
    pub external: bool,
    /// Update units working at once.
    pub units: usize,
    /// `W²` taps each unit multiplies a cycle (`TAPS_PER_CYCLE`: 1, 2 or 4).
    pub taps_per_cycle: usize,
    /// Whether a step's update runs beside the matvec of the step before (`OVERLAP`).
    pub overlap: bool,
    /// One run under Verilator.
    pub run_verilator: fn(&Harness, &CoreImage, u32) -> Result<RunTrace, String>,
    /// One run under Verilator in a harness mode (internal, or external with its converters).
    pub run_verilator_in: fn(&Harness, &CoreImage, u32, Mode) -> Result<RunTrace, String>,
    /// One run under Verilator with a VCD dump.
    pub run_verilator_vcd: fn(&Harness, &CoreImage, u32, &Path) -> Result<RunTrace, String>,
    /// One run in rust_hdl's simulator (at most this many cycles).
    pub run_rust_hdl: fn(&CoreImage, u32, u64) -> Result<RunTrace, String>,
}

/// The Verilog of the incremental matvec's blocks (issue 21).
pub struct ScatterBlocks {
    /// The scatter engine with its packer.
    pub engine_verilog: fn() -> String,
    /// The incremental matvec: the engine, the flipped-spin queue, the readout and `E4`.
    pub incremental_verilog: fn() -> String,
}

macro_rules! build_entry {
    ($b:ident) => {
        build_entry!($b, None)
    };
    ($b:ident, $scatter:expr) => {
        Build {
            name: $b::params::NAME,
            config: $b::widths::config,
            core_verilog: $b::core_sim::verilog,
            matvec_verilog: $b::matvec_sim::verilog,
            update_verilog: $b::update_sim::verilog,
            feedback_verilog: $b::feedback_sim::verilog,
            scatter: $scatter,
            serial_core_verilog: $b::serial_sim::verilog,
            check_image: $b::core_sim::check_image,
            build_harness: $b::core_sim::build_harness,
            external: $b::params::EXTERNAL,
            units: $b::widths::UNITS,
            taps_per_cycle: $b::params::TAPS_PER_CYCLE,
            overlap: $b::params::OVERLAP,
            run_verilator: $b::core_sim::run_verilator,
            run_verilator_in: $b::core_sim::run_verilator_in,
            run_verilator_vcd: $b::core_sim::run_verilator_vcd,
            run_rust_hdl: $b::core_sim::run_rust_hdl,
        }
    };
}

/// Every build.
pub static BUILDS: [Build; 5] = [
    build_entry!(
        rtl,
        Some(ScatterBlocks {
            engine_verilog: rtl::scatter::verilog,
            incremental_verilog: rtl::scatter::incremental::verilog,
        })
    ),
    build_entry!(rtl4),
    build_entry!(small),
    build_entry!(dense),
    build_entry!(icebreaker),
];

/// Names of the builds, as `--core` takes them.
pub fn names() -> Vec<&'static str> {
    BUILDS.iter().map(|b| b.name).collect()
}

/// The build called `name`.
pub fn by_name(name: &str) -> Option<&'static Build> {
    BUILDS.iter().find(|b| b.name == name)
}

/// Runs `$body!(module)` for each build module (tests and dispatch use it).
#[macro_export]
macro_rules! for_each_build {
    ($body:ident) => {
        $body!(rtl);
        $body!(rtl4);
        $body!(small);
        $body!(dense);
        $body!(icebreaker);
    };
}
