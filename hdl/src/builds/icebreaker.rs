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
    /// `log2` of the update units: spin `i` is updated by unit `i mod 2^UNIT_BITS`, the units
    /// working at once on disjoint spins (`UNITS` in `widths`).
    pub const UNIT_BITS: usize = 0;
    /// No measurement feedback: DRIVE and MEASURE are answered UnknownCommand and IDENTIFY
    /// leaves their capability bit clear. The drive and sample ports, their registers and the
    /// external-mode schedule of the update unit cost about 600 of the UP5K's 5 280 logic cells;
    /// host-in-the-loop runs use the ULX3S or the emulator.
    pub const EXTERNAL: bool = false;
    /// The largest shifts an image may ask of the update unit (the loader refuses more with
    /// DoesNotFit): y's alignment (`E − e0`, `E − e1 − A`) and the `W²` sum's (`e2 − A`,
    /// `A − e2`). Every image quantized from the trained parameter files asks for 0-2, 0 and
    /// 6-10, 0; these limits take the three barrel shifters from 5, 6 and 4 stages to 2, 4
    /// and 2 (about 150 logic cells).
    pub const Y_SHIFT_MAX: usize = 3;
    /// See `Y_SHIFT_MAX`.
    pub const Z_RIGHT_MAX: usize = 15;
    /// See `Y_SHIFT_MAX`.
    pub const Z_LEFT_MAX: usize = 3;
    /// No overlap of a step's update with the matvec before it: the field history sits in
    /// an SPRAM, which cannot be read and written in one cycle, so the two run one after the
    /// other.
    pub const OVERLAP: bool = false;
    /// The schedule interpolation reads a weight's two knots one after the other, on one
    /// port, two cycles a weight: the iCE40's block RAM has one read port, so two reads would
    /// take a second copy of the knots, and the build uses 29 of the UP5K's 30 block RAMs.
    pub const DUAL_KNOT_READS: bool = false;
    /// No split words: the second adder tree and its lane bits (about 250 logic cells) do
    /// not fit beside the rest, and with two lanes G-set rows gain little from them.
    pub const SPLIT_WORDS: bool = false;
    /// At most one row ends in a matvec slot (no split words, and one update unit).
    pub const DOUBLE_ENDS: bool = false;
    /// The shifts are decoded in the cycle: one unit shares nothing, and the registers would
    /// not fit (5 292 of 5 280 logic cells).
    pub const REGISTERED_SHIFTS: bool = false;
    /// The spin counter's `i + 1` and its comparisons are computed in the cycle: the
    /// registers would cost logic cells this build does not have (`INDEX_LOOKAHEAD` in `rtl`).
    pub const INDEX_LOOKAHEAD: bool = false;
    /// The loader's header checks are computed in the cycle they are taken (`HEADER_STAGES`
    /// in `rtl`): at 20 MHz they have time, and the registered stages make yosys's ABC9
    /// mapping fail on this build ("boxes are not in a topological order").
    pub const HEADER_STAGES: bool = false;
    /// `W²` taps each update unit multiplies a cycle: 1, 2 (`small`) or 4 (`rtl`); here one.
    pub const TAPS_PER_CYCLE: usize = 1;
    /// The matvec lanes use the spin bits as they leave the block RAMs (no stage 2c): the
    /// iCE40's block RAM output is fast beside a 20 MHz cycle, and the stage's registers (about
    /// 30 logic cells) do not fit.
    pub const SPIN_WORD_STAGE: bool = false;
    /// Learning phases (capability PHASES): not built (no room; EP needs J sparse).
    pub const PHASES: bool = false;
    /// Address bits of the phase window memory (unused without `PHASES`).
    pub const WINDOW_ADDR_BITS: usize = 1;
    /// J memory layout: compressed sparse rows (column | weight per entry).
    pub const DENSE: bool = false;
}

// The design and simulation sources, compiled against `params`.
crate::builds::design_modules!();
