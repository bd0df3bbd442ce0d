//! The matvec engine: for each spin `i`, `f_i = 2·Σ_k J_q[i, col_k]·σ_{col_k} − l_i` over the
//! CSR row of `i`, and the energy register `E4 = Σ_i σ_i·(f_i − l_i)` (`docs/fixed-point.md`).
//!
//! Multiplier-free: each entry adds or subtracts its weight by the spin's sign bit (1 = −1).
//! Memories: row pointers, entry words (column | weight), spin bits (two copies: one read port
//! for the entries' columns, one for each row's own spin) and `l`, each one block RAM with one
//! read and one write port; the write ports are the load interface.
//!
//! `LANES` lanes, streaming: entry `k` of the image's CSR order lives in bank `k mod LANES` at
//! word `k >> LANE_BITS`, so one read of every bank gives `LANES` consecutive entries (the
//! image's layout, nothing padded). The rows go through an eight-stage pipeline (seven in
//! builds without the spin-word stage, `SPIN_WORD_STAGE` false: `icebreaker`) with no gap
//! between them: (1) issue the word holding entry `k` of row `r` (registers holding `ptr[r + 1]`,
//! the end of the issuing row, and `ptr[r + 2]`, the next row's, while the row-pointer memory
//! reads `ptr[r + 3]`), each lane active when its entry lies in `[k, ptr[r + 1])`; (2a) the
//! words arrive and are registered; (2b) each lane reads its column's spin from its own copy of
//! the spin words, its weight and the weight's negation registered; (2c) the spin words arrive
//! and are registered; (3a) each lane picks its spin's bit from the word, the spin picks the
//! weight or its negation, and each pair of lanes' terms is summed; (3b) the pair sums are
//! summed by a tree (four adders deep: no chain of `LANES` adders in one cycle), and the row's
//! own spin and `l` are read; (3c) the word's sum is added into the row's, latched at the row's last word; (4) emit
//! `f_r = 2·sum − l_r` and update `E4`.
//!
//! **Split words.** Row `r`'s last word often holds the start of row `r + 1`. When row `r + 1`
//! goes on past that word, the word serves both rows in one slot: its lanes from `ptr[r + 1]` on
//! are row `r + 1`'s (the lane's `seg` bit), summed by a second tree, and that sum starts row
//! `r + 1`'s accumulator as row `r`'s is latched. A slot issues one word; a pass is the slots of
//! the walk plus 12 cycles (`MatvecInput::expected_cycles` in the harness walks it): an empty
//! row takes a slot of its own, and otherwise a row takes the words from its first entry's (or,
//! when its first word was split with the row before, the next) to its last. On a graph whose
//! rows are longer than a word this is about `⌈nnz/LANES⌉ + rows ending in the last lane`,
//! where every row touching its own words costs `Σ_r words_r` (G22: 6 700 → ~5 100).
//!
//! **Double slots** (`DOUBLE_ENDS`: split-word builds with more than one update unit). With
//! one row ending a slot, a pass is at least `N` slots, however short the rows: G11's four
//! entries a row took 800 slots where 100 words hold them, G22's twenty 2 000 for 1 250 words.
//! So a slot may end two rows: when row `r + 1` lies wholly in the rest of row `r`'s last word
//! (an empty row `r` too), the second tree's lanes are `[ptr[r + 1], ptr[r + 2])`, and both
//! fields leave in the same cycle (`field` and `field2`, rows `r` and `r + 1`: consecutive
//! spins, so two units' histories, each with its own write port). When row `r + 2` then starts
//! in the word and goes on past it, a third tree sums its lanes and starts its accumulator (the
//! `third` bits), so such a word is used whole. A double slot takes two row ends at once: the
//! registers hold one more (`third_q`, `ptr[r + 3]`), and a second copy of the row pointers is
//! read beside the first (`ptr[r + 4]` and `ptr[r + 5]`); the second row's own spin and `l`
//! come from second copies too. `E4` takes the two terms a stage later, registered. Measured
//! (`results/cycles.csv`): G11 861 → 669 cycles a step, G22 2 095 → 1 602, every step equal to
//! the golden model.
//! Builds with `SPLIT_WORDS` false (`icebreaker`) never split a word, and their row-pointer
//! memory reads the issuing row's end itself (`ptr[r + 1]`) in place of `end_q`.
//!
//! Dense builds (`DENSE`) store the weights alone, row `r` at entries `[r·n, (r + 1)·n)`: the
//! row bounds come from a running row base instead of the row-pointer memory, and each lane's
//! column is its entry's place in the row (the stages and the cycle count are the same).
//!
//! Protocol: load the memories through the write ports, set `n`, pulse `start`; the engine
//! emits one `(field_index, field)` per cycle with `field_valid` high, in index order (with
//! `field2_valid`, `field_index + 1`'s too), then pulses `done` with `e4` final.

// the tree's zero leaves, `LANES..TREE_LEAVES`, are none in a 32-lane build (in the
// generated `hdl` code too, which no attribute on `update` reaches)
#![allow(clippy::reversed_empty_ranges)]

use super::entry::EntryDecode;
use super::entry_banks::EntryBanks;
use super::spin_word::SpinAt;
use super::ports::MatrixWrites;
use super::widths::*;
use rust_hdl::prelude::*;

mod logic_impl;
mod new;

/// Leaves of the lanes' adder tree: five levels, the first in stage 3a (each pair of lanes'
/// terms summed as the spins arrive), the other four in stage 3b; the lanes beyond `LANES`
/// are zero (synthesis drops their adders).
const TREE_LEAVES: usize = 32;
const _: () = assert!(LANES <= TREE_LEAVES);
/// The tree's nodes at each level above the leaves (named: the `hdl` macro takes a loop bound
/// that is a name or a number).
const TREE_PAIRS: usize = TREE_LEAVES / 2;
const TREE_QUADS: usize = TREE_LEAVES / 4;
const TREE_OCTS: usize = TREE_LEAVES / 8;
const TREE_SIXTEENS: usize = TREE_LEAVES / 16;
/// Width of the tree's terms and sums: 32 weights of magnitude below `2^(WEIGHT_BITS−1)`
/// sum to below `2^(WEIGHT_BITS+4)`, so the tree's adders are `WEIGHT_BITS + 5` bits wide,
/// not `ACC_BITS` (short carry chains, at most four in one cycle), and the word's sum is
/// sign-extended into the row's accumulator.
const TREE_BITS: usize = WEIGHT_BITS + 5;
const _: () = assert!(TREE_BITS <= ACC_BITS);

/// Engine states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum MatvecState {
    /// Waiting for `start`.
    Idle,
    /// `ptr[0]` arrives (the first entry); read `ptr[1]`.
    Setup,
    /// Issue one entry (or an empty row's slot) per cycle.
    Stream,
    /// The last slot is issued; the pipeline empties.
    Drain,
    /// Pulse `done`.
    Done,
    /// `ptr[1]` arrives (the first row's end); read `ptr[2]` (split-word builds; last, so that
    /// the other states keep the numbers they have in builds without it).
    Ends,
    /// `ptr[2]` arrives (the second row's end); read `ptr[3]` (split-word builds).
    Nexts,
    /// `ptr[3]` arrives (the third row's end); read `ptr[4]` and `ptr[5]` (`DOUBLE_ENDS`).
    Thirds,
}

/// The matvec engine.
#[derive(LogicBlock)]
pub struct Matvec {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a pass over spins `0..n`.
    pub start: Signal<In, Bit>,
    /// Abandon the pass: idle at the next clock with nothing in the pipeline (the core's
    /// `stop`).
    pub stop: Signal<In, Bit>,
    /// Number of spins.
    pub n: Signal<In, Bits<COUNT_BITS>>,
    /// J's and the linear terms' memory writes.
    pub matrix: MatrixWrites,
    /// Which spin bank the pass reads (the core writes the next step's spins into another and
    /// keeps the best spins in a third).
    pub bank: Signal<In, Bits<BANK_BITS>>,
    /// Spin word write address: bank number above the word index (`SPIN_WORD_ADDR_BITS`).
    pub spin_waddr: Signal<In, Bits<SPIN_WORD_ADDR_BITS>>,
    /// Spin word to write: spin `w·UNITS + p` in bit `p` (1 = −1).
    pub spin_wdata: Signal<In, Bits<UNITS>>,
    /// Spin write enable.
    pub spin_we: Signal<In, Bit>,
    /// Spin address to read while idle (bank number above the index), e.g. the best spins.
    pub peek_addr: Signal<In, Bits<SPIN_ADDR_BITS>>,
    /// The spin bit at `peek_addr`, one cycle after it is presented.
    pub peek_bit: Signal<Out, Bit>,
    /// High for one cycle per emitted field.
    pub field_valid: Signal<Out, Bit>,
    /// Index of the emitted field.
    pub field_index: Signal<Out, Bits<SPIN_BITS>>,
    /// The emitted field.
    pub field: Signal<Out, Signed<FIELD_BITS>>,
    /// High in a cycle that emits a second field, row `field_index + 1`'s (builds with
    /// `DOUBLE_ENDS`: two rows ended in one slot).
    pub field2_valid: Signal<Out, Bit>,
    /// The second field.
    pub field2: Signal<Out, Signed<FIELD_BITS>>,
    /// High for one cycle when the pass is complete.
    pub done: Signal<Out, Bit>,
    /// High while a pass runs.
    pub busy: Signal<Out, Bit>,
    /// `E4` of the pass (valid with `done`).
    pub e4: Signal<Out, Signed<ACC_BITS>>,
    rowptr: RAM<Bits<PTR_BITS>, ROWPTR_ADDR_BITS>,
    /// A second copy of the row pointers (`DOUBLE_ENDS`): a slot that ends two rows takes two
    /// new row ends at once, `ptr[r + 3]` from `rowptr` and `ptr[r + 4]` from this one.
    rowptr_b: RAM<Bits<PTR_BITS>, ROWPTR_ADDR_BITS>,
    /// Entry `k` is word `k >> LANE_BITS` of bank `k mod LANES` (one single-port memory).
    banks: EntryBanks,
    /// One copy of the spin words per lane (each reads its own entry's column's word, the bit
    /// picked as the word arrives: `sel2`).
    spins: [RAM<Bits<UNITS>, SPIN_WORD_ADDR_BITS>; LANES],
    /// Each lane's column's bit in its word (stage 2b → 2c → 3a).
    sel2: [DFF<Bits<5>>; LANES],
    /// The row's own spin's bit in its word (stage 3b → 3c), and the peeked spin's.
    own_sel: DFF<Bits<5>>,
    peek_sel: DFF<Bits<5>>,
    /// Each lane's column's spin: its word and bit.
    col_at: [SpinAt; LANES],
    /// The row's own spin's and the peeked spin's.
    own_at: SpinAt,
    peek_at: SpinAt,
    /// The words read, shifted so that the spin looked up is bit 0 (`one_word`: a one-unit
    /// build's word is a single bit, which Verilog cannot index).
    col_word: [Signal<Local, Bits<UNITS>>; LANES],
    own_word: Signal<Local, Bits<UNITS>>,
    peek_word: Signal<Local, Bits<UNITS>>,
    one_word: Constant<Bits<UNITS>>,
    /// Each lane's entry word, decoded.
    decode: [EntryDecode; LANES],
    own_spins: RAM<Bits<UNITS>, SPIN_WORD_ADDR_BITS>,
    /// Second copies of the own spins and of `l` (`DOUBLE_ENDS`): the second row's, read at
    /// `row + 1` beside the first's.
    own_spins_b: RAM<Bits<UNITS>, SPIN_WORD_ADDR_BITS>,
    linear_b: RAM<Bits<LINEAR_BITS>, SPIN_BITS>,
    own_sel_b: DFF<Bits<5>>,
    own_at_b: SpinAt,
    own_word_b: Signal<Local, Bits<UNITS>>,
    linear_bits_b: Signal<Local, Bits<LINEAR_BITS>>,
    linear_wide_b: Signal<Local, Bits<FIELD_BITS>>,
    row3a_b: Signal<Local, Bits<SPIN_BITS>>,
    /// Row `r + 2`'s end, `ptr[r + 3]` (`DOUBLE_ENDS`: the memories then read `ptr[r + 4]` and
    /// `ptr[r + 5]`).
    third_q: DFF<Bits<PTR_BITS>>,
    /// A double slot whose word row `r + 2` starts in and goes on past (`DOUBLE_ENDS`), stage
    /// by stage.
    dsplit: Signal<Local, Bit>,
    third_now: [Signal<Local, Bit>; LANES],
    dsp1: DFF<Bit>,
    dsp2a: DFF<Bit>,
    dsp2: DFF<Bit>,
    dsp2c: DFF<Bit>,
    dsp_in: Signal<Local, Bit>,
    dsp3a: DFF<Bit>,
    dsp3b: DFF<Bit>,
    r_seventh_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    /// A slot that ends two rows (`double`), stage by stage.
    dbl1: DFF<Bit>,
    dbl2a: DFF<Bit>,
    dbl2: DFF<Bit>,
    dbl2c: DFF<Bit>,
    dbl_in: Signal<Local, Bit>,
    dbl3a: DFF<Bit>,
    dbl3b: DFF<Bit>,
    // stage 3c → 4, the second row of a double slot: its sum (the second tree's), own spin, l
    v3_b: DFF<Bit>,
    sum3_b: DFF<Signed<ACC_BITS>>,
    own3_b: DFF<Bit>,
    l3_b: DFF<Signed<FIELD_BITS>>,
    f_wide_b: Signal<Local, Signed<ACC_BITS>>,
    l_wide_b: Signal<Local, Signed<ACC_BITS>>,
    f_minus_l_b: Signal<Local, Signed<ACC_BITS>>,
    /// `±(f − l)` of the cycle's one or two fields, registered (stage 4 → 5) and then both
    /// added into `E4` (`DOUBLE_ENDS`: a third adder in stage 4 would follow the two of `f`).
    e_term: Signal<Local, Signed<ACC_BITS>>,
    e_term_b: Signal<Local, Signed<ACC_BITS>>,
    e_term_q: DFF<Signed<ACC_BITS>>,
    e_term_b_q: DFF<Signed<ACC_BITS>>,
    v4: DFF<Bit>,
    /// Linear terms at `LINEAR_BITS` (sign-extended by hand on the way out: rust_hdl's
    /// `signed_bit_cast` does not terminate on the most negative value).
    linear: RAM<Bits<LINEAR_BITS>, SPIN_BITS>,
    linear_bits: Signal<Local, Bits<LINEAR_BITS>>,
    linear_wide: Signal<Local, Bits<FIELD_BITS>>,
    linear_sign: Constant<Bits<LINEAR_BITS>>,
    linear_ext: Constant<Bits<FIELD_BITS>>,
    /// The load interface's writes, registered on the way in: the loader decodes them from
    /// the command stream, and a write enable reaches every bank of the entry memory.
    rowptr_waddr_q: DFF<Bits<COUNT_BITS>>,
    rowptr_wdata_q: DFF<Bits<PTR_BITS>>,
    rowptr_we_q: DFF<Bit>,
    entry_waddr_q: DFF<Bits<ENTRY_ADDR_BITS>>,
    entry_wdata_q: DFF<Bits<ENTRY_BITS>>,
    entry_we_q: DFF<Bit>,
    linear_waddr_q: DFF<Bits<SPIN_BITS>>,
    linear_wdata_q: DFF<Signed<FIELD_BITS>>,
    linear_we_q: DFF<Bit>,
    state: DFF<MatvecState>,
    /// The issuing row.
    r: DFF<Bits<COUNT_BITS>>,
    /// The next entry to issue.
    k: DFF<Bits<PTR_BITS>>,
    /// The issuing row's first entry (dense builds: `r·n`).
    row_base: DFF<Bits<PTR_BITS>>,
    /// The issuing row's end, `ptr[r + 1]`.
    end_q: DFF<Bits<PTR_BITS>>,
    /// The next row's end, `ptr[r + 2]` (split-word builds; the row-pointer memory reads
    /// `ptr[r + 3]`, so that no compare waits on the memory's output).
    next_q: DFF<Bits<PTR_BITS>>,
    // stage 1 → 2
    v1: DFF<Bit>,
    act1: [DFF<Bit>; LANES],
    /// The lane's entry is the next row's (a split word).
    seg1: [DFF<Bit>; LANES],
    /// The lane's entry is row `r + 2`'s, which goes on past a double slot's word (the third
    /// tree's; `DOUBLE_ENDS`).
    third1: [DFF<Bit>; LANES],
    split1: DFF<Bit>,
    last1: DFF<Bit>,
    row1: DFF<Bits<SPIN_BITS>>,
    /// The issued word's first entry minus its row's first entry (lane 0's place in the row).
    place1: DFF<Bits<PTR_BITS>>,
    /// The same for the next row's lanes of a split word (the issued word's first entry minus
    /// the next row's first).
    next_place1: DFF<Bits<PTR_BITS>>,
    // stage 2a → 2b: the words as they leave the banks, registered (no spin address waits
    // on a block RAM's output), and stage 1's registers a cycle on
    v2a: DFF<Bit>,
    word2a: [DFF<Bits<ENTRY_BITS>>; LANES],
    act2a: [DFF<Bit>; LANES],
    seg2a: [DFF<Bit>; LANES],
    third2a: [DFF<Bit>; LANES],
    split2a: DFF<Bit>,
    last2a: DFF<Bit>,
    row2a: DFF<Bits<SPIN_BITS>>,
    place2a: DFF<Bits<PTR_BITS>>,
    next_place2a: DFF<Bits<PTR_BITS>>,
    // stage 2b → 3: each active lane's weight and its negation (the spin only picks one)
    v2: DFF<Bit>,
    last2: DFF<Bit>,
    row2: DFF<Bits<SPIN_BITS>>,
    weight2: [DFF<Signed<TREE_BITS>>; LANES],
    neg2: [DFF<Signed<TREE_BITS>>; LANES],
    seg2: [DFF<Bit>; LANES],
    third2: [DFF<Bit>; LANES],
    split2: DFF<Bit>,
    // stage 2c → 3a: the spin words as they leave the block RAMs, registered (a word's bit
    // select, the ± pick and the pair sum then start from flops, not from a block RAM's slow
    // output), and stage 2b's registers a cycle on
    word2c: [DFF<Bits<UNITS>>; LANES],
    sel2c: [DFF<Bits<5>>; LANES],
    weight2c: [DFF<Signed<TREE_BITS>>; LANES],
    neg2c: [DFF<Signed<TREE_BITS>>; LANES],
    seg2c: [DFF<Bit>; LANES],
    third2c: [DFF<Bit>; LANES],
    v2c: DFF<Bit>,
    split2c: DFF<Bit>,
    last2c: DFF<Bit>,
    row2c: DFF<Bits<SPIN_BITS>>,
    /// Stage 3a's inputs: stage 2c's registers, or in builds without the stage
    /// (`SPIN_WORD_STAGE` false) the block RAMs' words and stage 2b's registers.
    word_in: [Signal<Local, Bits<UNITS>>; LANES],
    sel_in: [Signal<Local, Bits<5>>; LANES],
    weight_in: [Signal<Local, Signed<TREE_BITS>>; LANES],
    neg_in: [Signal<Local, Signed<TREE_BITS>>; LANES],
    seg_in: [Signal<Local, Bit>; LANES],
    third_in: [Signal<Local, Bit>; LANES],
    v_in: Signal<Local, Bit>,
    split_in: Signal<Local, Bit>,
    last_in: Signal<Local, Bit>,
    row_in: Signal<Local, Bits<SPIN_BITS>>,
    // stage 3a → 3b: each lane's ±weight
    v3a: DFF<Bit>,
    last3a: DFF<Bit>,
    row3a: DFF<Bits<SPIN_BITS>>,
    /// The tree's first level: each pair of lanes' terms, summed over the issuing row's lanes
    /// (`pair3a`) and over the next row's lanes of a split word (`next_pair3a`).
    pair3a: [DFF<Signed<TREE_BITS>>; TREE_PAIRS],
    next_pair3a: [DFF<Signed<TREE_BITS>>; TREE_PAIRS],
    /// The same over row `r + 2`'s lanes of a double slot that it goes on from.
    third_pair3a: [DFF<Signed<TREE_BITS>>; TREE_PAIRS],
    split3a: DFF<Bit>,
    // stage 3b → 3c: the word's sum (the row's own spin and l are read in 3b)
    v3b: DFF<Bit>,
    last3b: DFF<Bit>,
    row3b: DFF<Bits<SPIN_BITS>>,
    word3b: DFF<Signed<ACC_BITS>>,
    /// The next row's part of a split word.
    next3b: DFF<Signed<ACC_BITS>>,
    /// Row `r + 2`'s part of a double slot it goes on from.
    third3b: DFF<Signed<ACC_BITS>>,
    split3b: DFF<Bit>,
    // stage 3c → 4
    v3: DFF<Bit>,
    row3: DFF<Bits<SPIN_BITS>>,
    sum3: DFF<Signed<ACC_BITS>>,
    own3: DFF<Bit>,
    l3: DFF<Signed<FIELD_BITS>>,
    acc: DFF<Signed<ACC_BITS>>,
    energy: DFF<Signed<ACC_BITS>>,
    row_end: Signal<Local, Bits<PTR_BITS>>,
    /// The next row's end, `ptr[r + 2]` (dense builds: the row base + 2n).
    next_end: Signal<Local, Bits<PTR_BITS>>,
    /// This slot's word is split: row `r` ends inside it and row `r + 1` goes on past it.
    split: Signal<Local, Bit>,
    /// This slot ends two rows: row `r` ends inside the word and row `r + 1` lies wholly in
    /// the rest of it (`DOUBLE_ENDS`).
    double: Signal<Local, Bit>,
    /// The slot's second tree is in use (`split | double`), and each lane's part in it.
    two: Signal<Local, Bit>,
    seg_now: [Signal<Local, Bit>; LANES],
    r_fifth_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    r_sixth_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    has_entry: Signal<Local, Bit>,
    is_last: Signal<Local, Bit>,
    r_next: Signal<Local, Bits<COUNT_BITS>>,
    /// `r + 1`, `r + 2` and `r + 3` as row-pointer addresses.
    r_next_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    r_after: Signal<Local, Bits<COUNT_BITS>>,
    r_after_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    r_third: Signal<Local, Bits<COUNT_BITS>>,
    r_third_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    r_fourth_at: Signal<Local, Bits<ROWPTR_ADDR_BITS>>,
    /// The first entry of the issuing word (`k` with the lane bits cleared).
    word_base: Signal<Local, Bits<PTR_BITS>>,
    /// The first entry of the next word.
    next_word: Signal<Local, Bits<PTR_BITS>>,
    lane_entry: [Signal<Local, Bits<PTR_BITS>>; LANES],
    /// Each lane's entry's place in its row (dense builds' column).
    position: [Signal<Local, Bits<PTR_BITS>>; LANES],
    n_wide: Signal<Local, Bits<PTR_BITS>>,
    /// `±weight` of each lane (0 when inactive).
    term: [Signal<Local, Signed<TREE_BITS>>; LANES],
    /// The adder tree, level by level: the leaves (lane `b`'s term, 0 beyond the lanes; their
    /// pair sums are `pair3a`), the quad sums, the sums of eight and sixteen, the word's sum.
    leaves: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES],
    quads: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 4],
    octs: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 8],
    sixteens: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 16],
    word_sum: Signal<Local, Signed<TREE_BITS>>,
    /// The same tree over the next row's lanes of a split word.
    next_leaves: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES],
    next_quads: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 4],
    next_octs: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 8],
    next_sixteens: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 16],
    next_sum: Signal<Local, Signed<TREE_BITS>>,
    /// The third tree, over row `r + 2`'s lanes of a double slot it goes on from.
    third_leaves: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES],
    third_quads: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 4],
    third_octs: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 8],
    third_sixteens: [Signal<Local, Signed<TREE_BITS>>; TREE_LEAVES / 16],
    third_sum: Signal<Local, Signed<TREE_BITS>>,
    row_sum: Signal<Local, Signed<ACC_BITS>>,
    f_wide: Signal<Local, Signed<ACC_BITS>>,
    l_wide: Signal<Local, Signed<ACC_BITS>>,
    f_minus_l: Signal<Local, Signed<ACC_BITS>>,
    /// Where the read bank starts in the spin memories: a multiple of `2^SPIN_BITS`, so a spin
    /// index is ORed in (no adder after the entry memory's output).
    bank_base: Signal<Local, Bits<SPIN_ADDR_BITS>>,
    bank_waddr: Signal<Local, Bits<ENTRY_ADDR_BITS>>,
    /// `SPIN_BITS`: a bank starts at its number shifted by it.
    spin_bits: Constant<Bits<8>>,
    /// `DENSE` as a signal.
    dense: Constant<Bit>,
    /// `SPIN_WORD_STAGE` as a signal.
    spin_stage_built: Constant<Bit>,
    /// `SPLIT_WORDS` as a signal.
    split_built: Constant<Bit>,
    /// `DOUBLE_ENDS` as a signal.
    double_built: Constant<Bit>,
    /// `LANE_BITS` and `LANES` as signals (rust_hdl writes consts into Verilog by name).
    lane_bits: Constant<Bits<8>>,
    lanes: Constant<Bits<PTR_BITS>>,
    /// `!(LANES − 1)`: clears the lane bits of an entry index.
    word_mask: Constant<Bits<PTR_BITS>>,
    /// `LANES − 1` at the entry address width: the bank of an entry.
    lane_mask: Constant<Bits<ENTRY_ADDR_BITS>>,
    /// `b` for lane `b`, at the entry index and address widths.
    lane_index: [Constant<Bits<PTR_BITS>>; LANES],
}
