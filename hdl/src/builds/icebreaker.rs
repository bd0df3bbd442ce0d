//! The iCEBreaker's build: 1 024 spins, 65 536 stored J entries, 2-bit J, four matvec lanes.
//! Sized for the iCE40UP5K's four SPRAMs: the four 12-bit entry banks packed side by side fill
//! three (16 384 words × 48 bits), the field history (1 024 spins × 16 slots × 16 bits) the
//! fourth. Every G-set graph up to 800 spins (G1-G21; G1's 38 352 entries are the most) fits.

/// The free parameters of this build.
pub mod params {
    /// The build's name: its core configuration is `CoreConfig::preset(NAME)`.
    pub const NAME: &str = "icebreaker";
    /// Address bits of a spin index: at most `2^SPIN_BITS` spins.
    pub const SPIN_BITS: usize = 10;
    /// Address bits of a stored J entry: at most `2^ENTRY_ADDR_BITS` entries.
    pub const ENTRY_ADDR_BITS: usize = 16;
    /// Width of a J weight (two's complement, symmetric range: −1, 0, +1).
    pub const WEIGHT_BITS: usize = 2;
    /// Matvec lanes: J entries read a cycle.
    pub const LANES: usize = 4;
    /// Address bits of the knot memory: 1 024 words (4 of the UP5K's 30 RAM blocks).
    pub const KNOT_ADDR_BITS: usize = 10;
    /// `log2(LANES)`.
    pub const LANE_BITS: usize = 2;
    /// J memory layout: compressed sparse rows (column | weight per entry).
    pub const DENSE: bool = false;
}

// The design and simulation sources, compiled against `params`.
crate::builds::design_modules!();
