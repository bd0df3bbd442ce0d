//! The default build's limits with four matvec lanes: four J entries a cycle, for dense instances.

/// The free parameters of this build.
pub mod params {
    /// The build's name: its core configuration is `CoreConfig::preset(NAME)`.
    pub const NAME: &str = "rtl4";
    /// Address bits of a spin index: at most `2^SPIN_BITS` spins.
    pub const SPIN_BITS: usize = 11;
    /// Address bits of a stored J entry: at most `2^ENTRY_ADDR_BITS` entries.
    pub const ENTRY_ADDR_BITS: usize = 16;
    /// Width of a J weight (two's complement, symmetric range).
    pub const WEIGHT_BITS: usize = 8;
    /// Matvec lanes: J entries read a cycle.
    pub const LANES: usize = 4;
    /// `log2(LANES)`.
    pub const LANE_BITS: usize = 2;
}

#[path = "widths.rs"]
pub mod widths;

#[path = "core.rs"]
pub mod core;
#[path = "core_sim.rs"]
pub mod core_sim;
#[path = "engine.rs"]
pub mod engine;
#[path = "feedback.rs"]
pub mod feedback;
#[path = "feedback_sim.rs"]
pub mod feedback_sim;
#[path = "loader.rs"]
pub mod loader;
#[path = "matvec.rs"]
pub mod matvec;
#[path = "matvec_sim.rs"]
pub mod matvec_sim;
#[path = "serial_core.rs"]
pub mod serial_core;
#[path = "serial_sim.rs"]
pub mod serial_sim;
#[path = "update.rs"]
pub mod update;
#[path = "update_sim.rs"]
pub mod update_sim;
