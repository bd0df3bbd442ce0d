//! Widths of a build of the blocks. rust_hdl sizes memories and registers by const generics, so
//! a build fixes them: the free parameters come from the build's `params` module (one per
//! build in [`crate::builds`]), the rest are derived here or fixed for every build.

pub use super::params::*;

/// `SPIN_BITS + 1`: counts up to and including `2^SPIN_BITS`.
pub const COUNT_BITS: usize = SPIN_BITS + 1;
/// Bits of a spin bank's number, spin `i` of bank `b` at `b·2^SPIN_BITS + i`: with the
/// overlap three banks (the pass's spins being read, the next step's being written, the best so
/// far), without it two (the step's and the best).
pub const BANK_BITS: usize = if OVERLAP { 2 } else { 1 };
/// Address bits of the spin memories: bank number above the spin index.
pub const SPIN_ADDR_BITS: usize = SPIN_BITS + BANK_BITS;
/// Address bits of the spin memories' words: the update units decide in lockstep, one spin
/// each, so the spins are held `UNITS` to a word (spin `i` at bit `i mod UNITS` of word
/// `i >> UNIT_BITS`, the bank above) and a word is written at once.
pub const SPIN_WORD_ADDR_BITS: usize = SPIN_ADDR_BITS - UNIT_BITS;
/// Address bits of the row-pointer memory: it holds `N_MAX + 1` words (row `r`'s first entry
/// at `r`, the end of the last row at `N_MAX`).
pub const ROWPTR_ADDR_BITS: usize = if N_MAX < (1 << SPIN_BITS) {
    SPIN_BITS
} else {
    COUNT_BITS
};
/// `ENTRY_ADDR_BITS + 1`: row pointers up to and including `2^ENTRY_ADDR_BITS`.
pub const PTR_BITS: usize = ENTRY_ADDR_BITS + 1;
/// Address bits of one lane's entry bank: entry `k` is word `k >> LANE_BITS` of bank
/// `k mod LANES`.
pub const BANK_ADDR_BITS: usize = ENTRY_ADDR_BITS - LANE_BITS;
/// An entry word: sparse builds hold the column in bits `0..SPIN_BITS` and the weight in the
/// `WEIGHT_BITS` above; dense builds the weight alone.
pub const ENTRY_BITS: usize = if DENSE {
    WEIGHT_BITS
} else {
    SPIN_BITS + WEIGHT_BITS
};
/// Where the weight starts in an entry word.
pub const WEIGHT_AT: usize = ENTRY_BITS - WEIGHT_BITS;
/// Width of a field `f = 2·J·σ − l` and of `l`.
pub const FIELD_BITS: usize = 16;
/// Width of the matvec engine's sums and of the energy register `E4`, from the build's limits:
/// `|E4| ≤ Σ|f_i| + Σ|l_i| ≤ 2·nnz·J_max + 2·N·L_max` (with `f = 2·J·σ − l`), which also bounds
/// every partial row sum, field and partial energy; one bit more holds the sign. A run cannot
/// overflow it, so `E4` equals the golden model's `i64` (29 bits for `rtl`, 20 for
/// `icebreaker`; at most 32, as the simulation harnesses read it).
pub const ACC_BITS: usize = bits_for(E4_BOUND) + 1;
/// An `ACC_BITS`-bit two's-complement value read as unsigned (Verilator hands out narrow
/// signals zero-extended), or already signed, as the number it stands for.
pub fn acc_value(v: i64) -> i64 {
    let sign = 1i64 << (ACC_BITS - 1);
    ((v & ((sign << 1) - 1)) ^ sign) - sign
}
/// `2·nnz·J_max + 2·N·L_max` with `J_max = 2^(WEIGHT_BITS−1)` (the most negative code included)
/// and `L_max = 2^(LINEAR_BITS−1)`.
const E4_BOUND: u64 = (2u64 << ENTRY_ADDR_BITS) * (1u64 << (WEIGHT_BITS - 1))
    + 2 * (N_MAX as u64) * (1u64 << (LINEAR_BITS - 1));
/// Bits of an unsigned number.
const fn bits_for(x: u64) -> usize {
    (64 - x.leading_zeros()) as usize
}
/// Fractional bits `A` of the activation domain (build constant; images must match).
pub const ACT_FRAC: usize = 8;
/// log2 of the tanh table size (build constant; images must match).
pub const TABLE_BITS: usize = 8;
/// Width of the saturated `z` (build constant; images must match).
pub const Z_BITS: usize = 14;
/// Width of a schedule weight register.
pub const W_BITS: usize = 16;
/// Address bits of the per-step weight memory: `1 + D + D·Tc ≤ 128`.
pub const WEIGHT_ADDR_BITS: usize = 7;
/// History slots per spin (`Tc ≤ 16`); a spin's slots are at `i·16 + slot`.
pub const HIST_SLOT_BITS: usize = 4;
/// Address bits of the field history.
pub const HIST_ADDR_BITS: usize = SPIN_BITS + HIST_SLOT_BITS;
/// Width of the MAC accumulators: a `W²` sum is below `2^34` (16-bit weights × 16-bit fields,
/// 16 taps), a `W¹` sum below `2^33` (15 units of 16-bit weights × `f_nl` below `2^14`).
pub const MAC_BITS: usize = 36;
/// Width of the pre-activation `y` after alignment: the loader refuses images whose alignment
/// shifts could take it further (`E − e0 > 22` or `E − e1 − A > 13`; real images use 0-2 and 0).
pub const Y_BITS: usize = 48;
/// Largest `E − e1 − A` an image may ask for (y's 48 bits hold 13).
pub const Y_SHIFT1_MAX: usize = if Y_SHIFT_MAX < 13 { Y_SHIFT_MAX } else { 13 };
/// Live bits of each shift amount in the update unit: shifter stages. The right shift of the
/// `W²` sum is capped at 35 and the left at 13 (the result stops changing there), so no build
/// needs more than 6 and 4.
pub const Y_SHIFT_BITS: usize = bits_for(Y_SHIFT_MAX as u64);
/// See [`Y_SHIFT_BITS`].
pub const Y_SHIFT1_BITS: usize = bits_for(Y_SHIFT1_MAX as u64);
/// See [`Y_SHIFT_BITS`].
pub const Z_RIGHT_BITS: usize = bits_for(if Z_RIGHT_MAX < 35 { Z_RIGHT_MAX } else { 35 } as u64);
/// See [`Y_SHIFT_BITS`].
pub const Z_LEFT_BITS: usize = bits_for(if Z_LEFT_MAX < 13 { Z_LEFT_MAX } else { 13 } as u64);
/// Update units: spin `i` belongs to unit `i mod UNITS`, at place `i >> UNIT_BITS` in that
/// unit's memories (its noise states and its slice of the field history).
pub const UNITS: usize = 1 << UNIT_BITS;
/// Address bits of a spin's place in its unit.
pub const UNIT_SPIN_BITS: usize = SPIN_BITS - UNIT_BITS;
/// Address bits of a unit's field history (place `·16 + slot`).
pub const UNIT_HIST_BITS: usize = UNIT_SPIN_BITS + HIST_SLOT_BITS;
/// `W²` taps each update unit takes a cycle, as `log2` (`TAPS_PER_CYCLE` is 1, 2 or 4).
pub const TAP_SHIFT: usize = match TAPS_PER_CYCLE {
    1 => 0,
    2 => 1,
    4 => 2,
    _ => panic!("TAPS_PER_CYCLE is 1, 2 or 4"),
};
/// Two taps a cycle: the unit's history in two memories, the even slots and the odd.
pub const TAP_PAIRS: bool = TAPS_PER_CYCLE == 2;
/// Four taps a cycle: the unit's history in two memories of two-field words (slots
/// `4j, 4j + 1` in one, `4j + 2, 4j + 3` in the other, at place `·4 + j`), its weights likewise
/// (places `4j, 4j + 1` and `4j + 2, 4j + 3` at word `j`).
pub const TAP_QUADS: bool = TAPS_PER_CYCLE == 4;
/// `1` where each update unit takes two `W²` taps a cycle (`TAP_PAIRS`), else `0`: a history
/// slot's place in the unit's even and odd memories is shifted right by it.
pub const PAIR_SHIFT: usize = TAP_PAIRS as usize;
/// Address bits of a unit's first history memory (every slot, or with `TAP_PAIRS` the even
/// ones: place `·8 + slot/2`; two words with `TAP_QUADS`, unused) and of its second (the odd
/// slots; two words where unused).
pub const HIST_A_BITS: usize = if TAP_QUADS { 1 } else { UNIT_HIST_BITS - PAIR_SHIFT };
/// See [`HIST_A_BITS`].
pub const HIST_B_BITS: usize = if TAP_PAIRS { UNIT_HIST_BITS - 1 } else { 1 };
/// Address bits of each of a unit's two-field history memories (`TAP_QUADS`: place `·4 + j`;
/// two words where unused).
pub const HIST_QUAD_BITS: usize = if TAP_QUADS { UNIT_HIST_BITS - 2 } else { 1 };
/// Address bits of a `W²` weight's place in an update unit ([`weight_place`]): with more than
/// one tap a cycle the taps are placed in groups from aligned places, so an image with
/// `1 + D + D·Tc ≤ 2^WEIGHT_ADDR_BITS` takes up to twice the places (`D ≤ 15`, `Tc ≤ 16`: at
/// most `16 + 15·16 = 256`), and every image the loader takes fits.
pub const WEIGHT_PLACE_BITS: usize = WEIGHT_ADDR_BITS + (TAPS_PER_CYCLE > 1) as usize;
/// Address bits of each of a `TAP_QUADS` unit's two weight memories of two-weight words (places
/// `4j, 4j + 1` and `4j + 2, 4j + 3` at word `j`; two words where unused).
pub const WEIGHT_QUAD_BITS: usize = if TAP_QUADS { WEIGHT_PLACE_BITS - 2 } else { 1 };
/// Address bits of the copy of the `W¹` weights (places `1..=D`, `D ≤ 15`) that units with more
/// than one tap a cycle read beside their `W²` stream.
pub const W1_COPY_BITS: usize = 4;
/// Where an update unit's weight memory holds weight `p` of a step (`W⁰` at 0, `W¹` at
/// `1..=D`, then each hidden unit's `Tc` taps of `W²`), the history slot of the oldest field
/// being `t_mod`: hidden unit `k`'s taps start at `base + k·stride` (`base` is `1 + D` and
/// `stride` `Tc`, both rounded up to a multiple of `TAPS_PER_CYCLE`, so that a group of taps
/// read in one cycle sits at an aligned place and the ones after it) and tap `s`,
/// which multiplies the field in slot `(t_mod + s) mod Tc`, sits at that slot's place. A unit
/// then reads a slot's field and weight at the same place, whatever the step (the core writes
/// the weights there as it interpolates them).
pub fn weight_place(p: usize, d: usize, tc: usize, t_mod: usize) -> usize {
    if p <= d {
        return p;
    }
    let (k, s) = ((p - 1 - d) / tc, (p - 1 - d) % tc);
    let (base, stride) = (
        (1 + d).next_multiple_of(TAPS_PER_CYCLE),
        tc.next_multiple_of(TAPS_PER_CYCLE),
    );
    base + k * stride + (s + t_mod) % tc
}
/// Width of the step counter (`T < 2^STEP_BITS`).
pub const STEP_BITS: usize = 20;
/// Width of an ADC amplitude sample in the CIM feedback engine.
pub const SAMPLE_BITS: usize = 16;
/// Width of a DAC drive value out of the CIM feedback engine.
pub const DRIVE_BITS: usize = 16;

/// This build's core configuration: the limits images are quantized for and IDENTIFY reports
/// (`CoreConfig::preset(NAME)`; a test checks that it matches the widths here).
pub fn config() -> npim_sim::fixed::CoreConfig {
    npim_sim::fixed::CoreConfig::preset(NAME).expect("every build has a preset")
}

// Lanes are a power of two (bank = low bits of the entry index); 32 at most: the matvec's
// adder tree has 32 leaves.
const _: () = assert!(LANES == 1 << LANE_BITS && LANES <= 32);
// The loader counts entries and spins in 16-bit registers and takes a weight from one image
// byte; nothing wider than the default build (`rtl`) has been built or tested.
const _: () = assert!(SPIN_BITS <= 11 && ENTRY_ADDR_BITS <= 16 && WEIGHT_BITS <= 8);
// The knot memory holds at least one step's 128 weights and at most the loader's 8192 words.
const _: () = assert!(KNOT_ADDR_BITS >= 8 && KNOT_ADDR_BITS <= 13);
// The update unit compares a weight place with 16 for the `W¹` copy; places fit the knot counter.
const _: () = assert!(W1_COPY_BITS == 4 && WEIGHT_PLACE_BITS <= KNOT_ADDR_BITS);
// A linear term is at most a field wide.
const _: () = assert!(LINEAR_BITS >= 2 && LINEAR_BITS <= FIELD_BITS);
// E4 travels as 32 bits at most (the simulation harnesses read it as `int32_t`).
const _: () = assert!(ACC_BITS <= 32);
// The loader takes shift amounts of 6 bits; y's alignment at most 22 (48 bits).
const _: () = assert!(Y_SHIFT_MAX >= 1 && Y_SHIFT_MAX <= 22 && Z_RIGHT_MAX <= 63 && Z_LEFT_MAX <= 63);
// At most 32 units (the core's turn register is 5 bits), each with room for two spins.
const _: () = assert!(UNITS <= 32 && UNIT_SPIN_BITS >= 1);
// Spins: at least two, at most what a spin index addresses.
const _: () = assert!(N_MAX >= 2 && N_MAX <= 1 << SPIN_BITS);
// A dense build holds a whole `2^SPIN_BITS`-spin matrix.
const _: () = assert!(!DENSE || (ENTRY_ADDR_BITS == 2 * SPIN_BITS && N_MAX == 1 << SPIN_BITS));
