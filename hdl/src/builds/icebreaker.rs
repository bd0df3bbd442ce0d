//! The iCEBreaker's build: 800 spins (G1-G21), 65 536 stored J entries, 2-bit J, two matvec
//! lanes. Sized for the iCE40UP5K: the two 12-bit entry banks side by side (32 768 words × 24
//! bits) fill three of its four SPRAMs, the field history (1 024 spin slots × 16 slots × 16 bits)
//! the fourth; with `N_MAX` below `2^SPIN_BITS` the row pointers fit a 1 024-word memory (5 RAM
//! blocks instead of 9), and two lanes keep one spin copy per lane (2 blocks fewer than four).
//! Every G-set graph up to 800 spins (G1-G21; G1's 38 352 entries are the most) fits.

/// The free parameters of this build.
pub mod params {
    /// The build's name: its core configuration is `CoreConfig::preset(NAME)`.
    pub const NAME: &str = "icebreaker";
    /// Address bits of a spin index: at most `2^SPIN_BITS` spins.
    pub const SPIN_BITS: usize = 10;
    /// Most spins an image may have (the row-pointer memory holds `N_MAX + 1` words).
    pub const N_MAX: usize = 800;
    /// Width of a stored linear term `l_q`: ±127 (a G-set or SK instance has none; 2 RAM
    /// blocks instead of 4).
    pub const LINEAR_BITS: usize = 8;
    /// Address bits of a stored J entry: at most `2^ENTRY_ADDR_BITS` entries.
    pub const ENTRY_ADDR_BITS: usize = 16;
    /// Width of a J weight (two's complement, symmetric range: −1, 0, +1).
    pub const WEIGHT_BITS: usize = 2;
    /// Matvec lanes: J entries read a cycle.
    pub const LANES: usize = 2;
    /// Address bits of the knot memory: 512 words (2 of the UP5K's 30 RAM blocks): 16 knots of
    /// up to 32 weights (`D = 3`, `Tc = 8` takes 28).
    pub const KNOT_ADDR_BITS: usize = 9;
    /// `log2(LANES)`.
    pub const LANE_BITS: usize = 1;
    /// J memory layout: compressed sparse rows (column | weight per entry).
    pub const DENSE: bool = false;
}

// The design and simulation sources, compiled against `params`.
crate::builds::design_modules!();
