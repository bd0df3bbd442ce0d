//! The default build: 2048 spins, 65 536 stored J entries (every G-set graph), 8-bit J, 32 matvec
//! lanes, 16 update units. The serial core and the ULX3S bitstream use it.

/// The free parameters of this build.
pub mod params {
    /// The build's name: its core configuration is `CoreConfig::preset(NAME)`.
    pub const NAME: &str = "rtl";
    /// Address bits of a spin index: at most `2^SPIN_BITS` spins.
    pub const SPIN_BITS: usize = 11;
    /// Most spins an image may have (the row-pointer memory holds `N_MAX + 1` words).
    pub const N_MAX: usize = 1 << SPIN_BITS;
    /// Width of a stored linear term `l_q` (the loader refuses wider ones).
    pub const LINEAR_BITS: usize = 16;
    /// Address bits of a stored J entry: at most `2^ENTRY_ADDR_BITS` entries.
    pub const ENTRY_ADDR_BITS: usize = 16;
    /// Width of a J weight (two's complement, symmetric range).
    pub const WEIGHT_BITS: usize = 8;
    /// Matvec lanes: J entries read a cycle.
    pub const LANES: usize = 32;
    /// Address bits of the knot memory: `K · (1 + D + D·Tc) ≤ 2^KNOT_ADDR_BITS` words.
    pub const KNOT_ADDR_BITS: usize = 13;
    /// `log2(LANES)`.
    pub const LANE_BITS: usize = 5;
    /// `log2` of the update units: spin `i` is updated by unit `i mod 2^UNIT_BITS`, the units
    /// working at once on disjoint spins (`UNITS` in `widths`).
    pub const UNIT_BITS: usize = 4;
    /// Measurement feedback through the command interface (DRIVE / MEASURE, the core's drive
    /// and sample ports).
    pub const EXTERNAL: bool = true;
    /// The largest shifts an image may ask of the update unit (the loader refuses more with
    /// DoesNotFit): y's alignment (`E − e0`; `E − e1 − A` is held to 13 besides, so that y
    /// fits 48 bits) and the `W²` sum's (`e2 − A`, `A − e2`; the RTL caps them at 35 and 13,
    /// where the result stops changing).
    pub const Y_SHIFT_MAX: usize = 22;
    /// See `Y_SHIFT_MAX`.
    pub const Z_RIGHT_MAX: usize = 63;
    /// See `Y_SHIFT_MAX`.
    pub const Z_LEFT_MAX: usize = 63;
    /// The update of step `t + 1` runs beside the matvec of step `t` (spin `i` starts once
    /// its field is written): the field history is a block RAM read and written in one cycle.
    pub const OVERLAP: bool = true;
    /// The schedule interpolation reads a weight's two knots at once, on the knot memory's
    /// two ports: one weight a cycle.
    pub const DUAL_KNOT_READS: bool = true;
    /// A J word holding the end of one row and the start of a row that goes on past it serves
    /// both rows in one slot (a second adder tree over the lanes; `matvec/`).
    pub const SPLIT_WORDS: bool = true;
    /// Two rows may end in one matvec slot (split-word builds with more than one unit): a row
    /// that lies wholly in the rest of the word ends beside the row before it, summed by the
    /// second tree, and two fields leave that cycle, for two different units' histories
    /// (`matvec/`). Rows shorter than a word then cost half a slot, not one (G11: 800 → 400).
    pub const DOUBLE_ENDS: bool = true;
    /// The update units register the decoded shifts of the `W²` sum and of `y`'s terms (fixed
    /// during a run): decoded in the cycle, they fed every unit's rounding adder and barrel
    /// shifter through one chain that synthesis shares between the units (`update/logic_impl.rs`).
    pub const REGISTERED_SHIFTS: bool = true;
    /// The update units keep `i + 1` and `i + 2` in registers and decide a cycle ahead whether
    /// spins `i` and `i + 1` have their fields in and whether `i + 1` ends the pass, so that no
    /// adder or comparator sits between the spin counter and the memories' read addresses
    /// (`i → i + 1 → i + 1 < avail →` the history's and the weights' addresses held the ULX3S
    /// build at 61.43 MHz).
    pub const INDEX_LOOKAHEAD: bool = true;
    /// The loader's header checks (the derived knot counts and shifts, then whether they fit
    /// the build and the image) in two registered stages, taken at byte 63 of the header: in
    /// the cycle they held the ULX3S build at 63.10-64.30 MHz.
    pub const HEADER_STAGES: bool = true;
    /// `W²` taps each update unit multiplies a cycle: 1, 2 or 4 (four multipliers here; its
    /// field history in two memories of slot pairs, slots `4j, 4j + 1` and `4j + 2, 4j + 3`, each
    /// word two fields, read at once; `update/`).
    pub const TAPS_PER_CYCLE: usize = 4;
    /// The matvec lanes' spin words are registered as they leave the block RAMs (stage 2c in
    /// `matvec/`, a cycle more a pass): on the ECP5 a DP16KD's unregistered output takes
    /// 5.8 ns, which with the bit select, the ± pick and the pair sum held the ULX3S build at
    /// 56.9 MHz.
    pub const SPIN_WORD_STAGE: bool = true;
    /// Learning phases (capability PHASES, `docs/protocol.md`): SET_LINEAR writes the linear
    /// terms in place, SET_START's spins start a phase (a matvec pass over them fills every
    /// history slot), RUN_PHASE keeps the spins of its last steps for READ_WINDOW.
    pub const PHASES: bool = true;
    /// Address bits of the phase window memory: `2^WINDOW_ADDR_BITS` words of `UNITS` spins
    /// (the preset's `window_words`).
    pub const WINDOW_ADDR_BITS: usize = 11;
    /// J memory layout: compressed sparse rows (column | weight per entry).
    pub const DENSE: bool = false;
}

// The design and simulation sources, compiled against `params`.
crate::builds::design_modules!();

/// The incremental matvec's scatter engine (issue 21), built against this build's widths while it
/// is in no core.
#[path = "../design/scatter/mod.rs"]
pub mod scatter;
