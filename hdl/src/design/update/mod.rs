//! The update unit: for each spin, the noise draw, the `W²` dot products over the field
//! history, the tanh table, the `W¹` sum and the sign (`docs/fixed-point.md`, steps 1-6).
//!
//! One multiplier, two with `TAP_PAIRS` or four with `TAP_QUADS`: the `Tc` taps of a hidden
//! unit stream at one per cycle, or two (a slot pair: the even slot's field from one history
//! memory, the odd slot's from the other, their two products summed before the accumulator),
//! or four (a slot quad: slots `4j, 4j + 1` from one two-field word, `4j + 2, 4j + 3` from a
//! word of the other memory, the weights from two two-weight words of one memory read on both
//! its ports; the four products summed in pairs, then the pairs, before the accumulator). The taps go in slot
//! order, not in tap order: the core writes each tap's weight at its slot's place
//! ([`weight_place`]), so a slot's field and weight are read at the same place whatever the
//! step, and the `W²` sum, exact in `MAC_BITS`, is the same in any order. Per-image shifts
//! (`e2 − A` and the alignment of the `W⁰` and `W¹` terms) are runtime inputs applied by
//! variable shifters; `A`, the table size and `z_bits` are build constants. The per-step
//! weights `q(t)` sit in a small memory written before the step. In internal mode the pass is
//! pipelined across spins (`pipelined`): a spin's last `z`, `W¹` term, noise draw and decision
//! run beside the next spin's taps, so a spin costs `D·Tc` cycles, `D·⌈Tc/2⌉` with
//! `TAP_PAIRS` or `D·⌈Tc/4⌉` with `TAP_QUADS` (`docs/rtl.md`, Speed).
//!
//! Each tap's weight and field are registered as they leave the block RAMs, each product
//! before it is added (with `TAP_PAIRS`, before the pair's sum, and that before it is added;
//! with `TAP_QUADS` the two pairs' sums and their sum each registered too), and what follows a
//! hidden unit's last slot (with pairs a cycle later: `launch_q`; with quads two: `launch_q2`)
//! is a
//! pipeline of `TAIL_STAGES`
//! registered stages (a token per hidden unit: `tail_valid`, with `tail_last` marking a spin's
//! last unit), each stage one short step so that the clock is set by a multiplier or an adder,
//! not by their chain: 0 the last tap's `W²` product; 1 it is added; 2 the sum is rounded;
//! 3 shifted; 4 saturated into `z`; 5 `|z|` addresses the table and the `W¹` weight is read
//! (pipelined: and the spin's noise state); 6 `f_nl(z)`, the weight registered as it arrives;
//! 7 the `W¹` product (pipelined: and the noise draw, its first xorshift step registered); 8 it
//! is added into the spin's sum; 9 `y`'s two terms are aligned; 10 `y` and the decision.

use crate::widgets::dual_read_ram::DualReadRam;
use crate::widgets::history_ram::HistoryRam;
use crate::widgets::pair_ram::PairRam;
use crate::widgets::copy_reg::CopyReg;
use crate::widgets::reg_mul::RegMul;
use super::widths::*;
use rust_hdl::prelude::*;

mod logic_impl;
mod new;

/// Registered stages after a hidden unit's last tap (module docs).
pub const TAIL_STAGES: usize = 11;

/// Unit states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum UpdateState {
    /// Waiting for `start`.
    Idle,
    /// The first spin's noise state arrives: advance it, draw `η`; hidden unit 0 begins.
    NoiseData,
    /// Stream the taps of the hidden units back to back: one history field and one `W²` weight
    /// read per cycle, each product accumulated the cycle after. While unit `k + 1` streams,
    /// unit `k`'s tail runs beside them.
    Mac,
    /// The last unit's tail runs (sequential pass).
    Tail,
    /// Decide the spin; issue the next spin's noise read and its first tap.
    YData,
    /// Pipelined: the last spin's taps are done; wait for its decision.
    Drain,
    /// The next spin's field of the step before is not in the history yet (`avail`): wait,
    /// then issue its first tap.
    Gate,
    /// Pulse `done`.
    Done,
}

/// The update unit.
#[derive(LogicBlock)]
pub struct Update {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a pass over spins `0..n`.
    pub start: Signal<In, Bit>,
    /// Abandon the pass: idle at the next clock with no spin in flight, so nothing of it
    /// reaches the next pass (the core's `stop`).
    pub stop: Signal<In, Bit>,
    /// Spins (this unit's).
    pub n: Signal<In, Bits<COUNT_BITS>>,
    /// History length `Tc`.
    pub tc: Signal<In, Bits<6>>,
    /// Hidden units `D`.
    pub d: Signal<In, Bits<4>>,
    /// Right shift of the `W²` sum (`e2 − A` when positive, else 0), with round-half-up.
    pub z_right: Signal<In, Bits<6>>,
    /// Left shift of the `W²` sum (`A − e2` when positive, else 0).
    pub z_left: Signal<In, Bits<6>>,
    /// Left shift of `q0·η` (`E − e0`, at most 22: the loader refuses more).
    pub y_shift0: Signal<In, Bits<6>>,
    /// Left shift of `Σ q1·f_nl` (`E − e1 − A`, at most 13); one of the two shifts is 0.
    pub y_shift1: Signal<In, Bits<6>>,
    /// Weight memory write address ([`weight_place`]).
    pub weight_waddr: Signal<In, Bits<WEIGHT_PLACE_BITS>>,
    /// Weight to write.
    pub weight_wdata: Signal<In, Signed<W_BITS>>,
    /// Weight write enable.
    pub weight_we: Signal<In, Bit>,
    /// History write address (`place·16 + slot`).
    pub hist_waddr: Signal<In, Bits<UNIT_HIST_BITS>>,
    /// Field to write.
    pub hist_wdata: Signal<In, Signed<FIELD_BITS>>,
    /// History write enable.
    pub hist_we: Signal<In, Bit>,
    /// This unit's spins whose newest field is in the history: spin `i` (its place here)
    /// starts only when `i < avail`. The core counts the fields the matvec has written while
    /// it runs beside the units (`OVERLAP`), in whole words so that every unit gets the same
    /// count, and holds it at every place otherwise.
    pub avail: Signal<In, Bits<COUNT_BITS>>,
    /// Noise-state write address (load interface).
    pub noise_waddr: Signal<In, Bits<UNIT_SPIN_BITS>>,
    /// Noise state to write.
    pub noise_wdata: Signal<In, Bits<32>>,
    /// Noise-state write enable.
    pub noise_we: Signal<In, Bit>,
    /// High for one cycle per decided spin.
    pub spin_valid: Signal<Out, Bit>,
    /// Index of the decided spin: its place in this unit (`i >> UNIT_BITS` in the core).
    pub spin_index: Signal<Out, Bits<UNIT_SPIN_BITS>>,
    /// The spin bit (1 = −1).
    pub spin_bit: Signal<Out, Bit>,
    /// The pre-sign output `y` of the decided spin (valid with `spin_valid`).
    pub y_value: Signal<Out, Signed<Y_BITS>>,
    /// `y_value` one cycle later, from a register: the decision of a spin offered with
    /// `spin_valid` in one cycle is here in the next. The core takes the decisions of its units
    /// from these, so that no path runs from a unit's multipliers through the core's choice of
    /// unit (synthesis would otherwise share the units' `W⁰·η` multipliers behind that choice).
    pub y_late: Signal<Out, Signed<Y_BITS>>,
    /// The decision offered was taken in the cycle before (a sequential pass waits in the
    /// decision, the spin and `y` on its outputs, until it is: in external mode a DAC may not
    /// be ready; the core registers this, so the unit spends at least two cycles there).
    pub taken: Signal<In, Bit>,
    /// High for one cycle at the end of the pass.
    pub done: Signal<Out, Bit>,
    /// Pipelined pass (latched at `start`; only where a decision is always taken at once, i.e. internal
    /// mode, and `D·Tc ≥ 2`): spin `i + 1`'s taps start the cycle after spin `i`'s last tap,
    /// while spin `i`'s tail (its last `z`, `W¹` term, noise draw and decision) runs beside
    /// them, so a spin costs `D·Tc` cycles instead of `D·Tc + TAIL_STAGES`.
    pub pipelined: Signal<In, Bit>,
    /// `y` of the cycle before (`y_late`).
    late: DFF<Signed<Y_BITS>>,
    /// The schedule weights: port A serves `W⁰` and `W²` (and the core's writes), port B `W¹`
    /// while `W²` streams.
    /// (`TAP_QUADS`: unused; `wq_lo` and `wq_hi` hold the weights.)
    weights: DualReadRam<Signed<W_BITS>, WEIGHT_PLACE_BITS>,
    /// A copy of the `W¹` weights (places `1..=D`; builds with more than one tap a cycle) that
    /// serves the `W¹` reads, so that the weight memory's second port can read `W²` weights
    /// (distributed RAM on the ECP5: its address, `w1_addr`, is a register).
    weights_b: RAM<Signed<W_BITS>, W1_COPY_BITS>,
    /// `TAP_QUADS`: the weights two to a word, places `4j, 4j + 1` in word `j` of `wq_lo` and
    /// `4j + 2, 4j + 3` in word `j` of `wq_hi` (`W⁰` in word 0's low half): a quad's four in
    /// one read of each. On the ECP5 `wq_lo` is a block RAM and `wq_hi` distributed RAM
    /// (`crate::memory_style`): four 16-bit weights a cycle from block RAM alone would take
    /// two DP16KD a unit (a true dual-port DP16KD reads at most 18 bits a port), 16 more than
    /// the device has left.
    wq_lo: PairRam<WEIGHT_QUAD_BITS>,
    wq_hi: PairRam<WEIGHT_QUAD_BITS>,
    /// The field history: every slot, or with `TAP_PAIRS` the even slots (`hist`) and the odd
    /// ones (`hist_b`), a pair's two fields at one address.
    hist: HistoryRam<Signed<FIELD_BITS>, HIST_A_BITS, OVERLAP>,
    hist_b: HistoryRam<Signed<FIELD_BITS>, HIST_B_BITS, OVERLAP>,
    /// `TAP_QUADS`: the history two fields to a word, slots `4j, 4j + 1` (`hist_lo`) and
    /// `4j + 2, 4j + 3` (`hist_hi`) at place `·4 + j`.
    hist_lo: PairRam<HIST_QUAD_BITS>,
    hist_hi: PairRam<HIST_QUAD_BITS>,
    noise: RAM<Bits<32>, UNIT_SPIN_BITS>,
    tanh_rom: SyncROM<Bits<16>, TABLE_BITS>,
    state: DFF<UpdateState>,
    i: DFF<Bits<COUNT_BITS>>,
    k: DFF<Bits<4>>,
    s: DFF<Bits<6>>,
    wbase: DFF<Bits<WEIGHT_PLACE_BITS>>,
    eta: DFF<Signed<16>>,
    acc: DFF<Signed<MAC_BITS>>,
    w1u: DFF<Signed<MAC_BITS>>,
    v1: DFF<Bit>,
    /// The next accumulation starts a new unit's sum.
    fresh: DFF<Bit>,
    /// The taps' multipliers (`RegMul`: operands and product registered inside, in the DSP on
    /// the ECP5): each tap's weight and history field go in as they leave the block RAMs (so
    /// that no multiplier waits on a memory's output) and the product comes out two cycles
    /// later. `mul_b` takes a pair's odd slot (its weight 0 where the slot is past `Tc`),
    /// `mul_c` and `mul_d` a quad's third and fourth (`TAP_QUADS`).
    mul_a: RegMul,
    mul_b: RegMul,
    mul_c: RegMul,
    mul_d: RegMul,
    /// Whether the registered operands hold a tap's (`tap_valid`) and whether it starts a
    /// unit's sum (`tap_fresh`); whether the slots issued with them have a second, third and
    /// fourth tap (`v1b`, `v1c`, `v1d`).
    tap_valid: DFF<Bit>,
    tap_fresh: DFF<Bit>,
    v1b: DFF<Bit>,
    v1c: DFF<Bit>,
    v1d: DFF<Bit>,
    /// Whether the products hold a tap's (`prod_valid`) and whether they start a unit's sum
    /// (`prod_fresh`).
    prod_valid: DFF<Bit>,
    prod_fresh: DFF<Bit>,
    /// The pair's two products summed, registered, whether it holds a slot's and whether it
    /// starts a unit's sum.
    pair_q: DFF<Signed<MAC_BITS>>,
    pair_valid: DFF<Bit>,
    pair_fresh: DFF<Bit>,
    /// `TAP_QUADS`: the second pair's sum (beside `pair_q`), then the quad's, registered.
    pair_cd_q: DFF<Signed<MAC_BITS>>,
    quad_q: DFF<Signed<MAC_BITS>>,
    quad_valid: DFF<Bit>,
    quad_fresh: DFF<Bit>,
    /// A hidden unit's last slot was issued the cycle before (`launch`, registered): with
    /// pairs its token enters the tail now, the cycle its last products are summed
    /// (`launch_in`; without pairs it enters with `launch`).
    launch_q: DFF<Bit>,
    launch_last_q: DFF<Bit>,
    /// `launch_q` a cycle later (`TAP_QUADS`: the token enters the tail with the quad's sum).
    launch_q2: DFF<Bit>,
    launch_last_q2: DFF<Bit>,
    launch_in: Signal<Local, Bit>,
    launch_last_in: Signal<Local, Bit>,
    /// What the accumulator adds: the pair's sum, or without pairs the product.
    mac_in: Signal<Local, Signed<MAC_BITS>>,
    mac_in_valid: Signal<Local, Bit>,
    mac_in_fresh: Signal<Local, Bit>,
    /// The tail: bit `k` is set while a hidden unit's token is in stage `k` (module docs);
    /// `tail_last` marks the tokens of a spin's last unit.
    tail_valid: DFF<Bits<TAIL_STAGES>>,
    tail_last: DFF<Bits<TAIL_STAGES>>,
    /// Stage 2 → 3: the rounded sum and the sum clamped for a left shift.
    rounded_q: DFF<Bits<MAC_BITS>>,
    acc_c_q: DFF<Signed<16>>,
    /// Stage 3 → 4: the shifted sum.
    z_wide_q: DFF<Signed<MAC_BITS>>,
    /// Stage 4 → 5: `z`; stage 5 → 6: `z` again, beside the table's read.
    z: DFF<Signed<16>>,
    z_at_table: DFF<Signed<16>>,
    /// Stage 6 → 7: `f_nl(z)` and the `W¹` weight (read in stage 5) go into the multiplier
    /// (registered there, so that it waits on no block RAM's output); stage 7 → 8: their
    /// product.
    mul_w1: RegMul,
    /// `W⁰·η`, registered (the noise draw is two stages before it is used).
    q0_eta_q: DFF<Signed<32>>,
    /// Stage 9 → 10: `y`'s two aligned terms (held while the decision waits, sequential).
    term0_q: DFF<Bits<Y_BITS>>,
    term1_q: DFF<Bits<Y_BITS>>,
    /// The `W¹` address of the next token to reach stage 5 (`1..=D`, in unit order).
    w1_addr: DFF<Bits<WEIGHT_PLACE_BITS>>,
    /// Draw the spin's noise in two cycles (`npend`), in one (`npend2`): the xorshift's first
    /// step is registered (`x1_q`), off the block RAM's output delay.
    npend: DFF<Bit>,
    npend2: DFF<Bit>,
    x1_q: DFF<Bits<32>>,
    /// This pass is pipelined.
    pipe: DFF<Bit>,
    /// `W⁰` of this step, read at `start` (constant over the pass).
    w0: DFF<Signed<W_BITS>>,
    /// Pipelined: the spins whose noise state was read and the spins decided so far (tails
    /// finish in spin order). A spin draws two cycles after its read and the next read is at
    /// least two cycles later, so the drawing spin is always `read − 1`.
    read: DFF<Bits<COUNT_BITS>>,
    decided: DFF<Bits<COUNT_BITS>>,
    /// `avail`, registered (a late count only delays a start).
    avail_q: DFF<Bits<COUNT_BITS>>,
    /// Spin `i`'s (`ready`) and spin `i + 1`'s (`ready_next`) newest field is in the history;
    /// spin `i + 1` is past the unit's last (`ends_next`: `i + 1 = n`).
    ready: Signal<Local, Bit>,
    ready_next: Signal<Local, Bit>,
    ends_next: Signal<Local, Bit>,
    /// `INDEX_LOOKAHEAD`: `i + 1` and `i + 2` (`i1`, `i2`), and the three flags above for the
    /// `i` of the next cycle, each chosen from comparisons of the values `i` may take next
    /// (held, advanced, restarted at 0) with the `avail` that `avail_q` takes next.
    i1: DFF<Bits<COUNT_BITS>>,
    i2: DFF<Bits<COUNT_BITS>>,
    ready_q: DFF<Bit>,
    ready_next_q: DFF<Bit>,
    ends_next_q: DFF<Bit>,
    /// `i` moves to `i + 1` (`advance`) or to 0 (`restart`) this cycle.
    advance: Signal<Local, Bit>,
    restart: Signal<Local, Bit>,
    /// `INDEX_LOOKAHEAD` as a signal.
    lookahead_built: Constant<Bit>,
    single_tap: Signal<Local, Bit>,
    /// A hidden unit's last tap is issued this cycle: its token enters the tail.
    launch: Signal<Local, Bit>,
    launch_last: Signal<Local, Bit>,
    tail_shifted: Signal<Local, Bits<TAIL_STAGES>>,
    last_shifted: Signal<Local, Bits<TAIL_STAGES>>,
    /// Tokens of the last units in stages 5, 7 and 9 (stage 10's is read from the registers
    /// where it is used: a local signal there would tie `spin_valid` to the block's inputs in
    /// Verilator's ordering, a false combinational loop through the core's `taken`).
    last5: Signal<Local, Bit>,
    last7: Signal<Local, Bit>,
    last9: Signal<Local, Bit>,
    mac_sum: Signal<Local, Signed<MAC_BITS>>,
    x1: Signal<Local, Bits<32>>,
    x2: Signal<Local, Bits<32>>,
    x3: Signal<Local, Bits<32>>,
    byte_sum: Signal<Local, Bits<16>>,
    /// A spin draws its noise this cycle, and which.
    draw: Signal<Local, Bit>,
    draw_index: Signal<Local, Bits<COUNT_BITS>>,
    /// Slots a hidden unit issues: `Tc`, or `⌈Tc/2⌉` pairs.
    span: Signal<Local, Bits<6>>,
    /// `span` and `stride` registered: `Tc` does not change during a pass, and the slot
    /// counter's compare and the next weight base then start from flops, not from an adder
    /// behind the `Tc` register the core fans out to every unit (the ULX3S's critical path).
    /// Like `d_q`, `tc_q` and `w2_base_q` (this unit's copies of `D`, `Tc` and the first `W²`
    /// place, registered from the core's ports and from `d_q`), these are `CopyReg`s, so that
    /// each unit keeps its own on the ECP5 (yosys merges identical flip-flops otherwise).
    span_q: CopyReg<6>,
    d_q: CopyReg<4>,
    tc_q: CopyReg<6>,
    w2_base_q: CopyReg<WEIGHT_PLACE_BITS>,
    /// `k + 1 = D`: hidden unit `k` is the spin's last (registered: set wherever `k` is, from
    /// `D = 1` or `k + 2 = D`, so that no compare with the core's `D` register, which synthesis
    /// shares between the units, sits in front of the history's read address; that path held
    /// the ULX3S build with double slots at 59.84 MHz).
    k_last: DFF<Bit>,
    d_one: Signal<Local, Bit>,
    k_after_last: Signal<Local, Bit>,
    stride_q: CopyReg<6>,
    /// The slot (or pair) read this cycle, the spin it is read for, and the weight base of its
    /// hidden unit (by default `s`, `i` and `wbase`; a new spin's first slot sets them).
    rd_slot: Signal<Local, Bits<6>>,
    rd_i: Signal<Local, Bits<COUNT_BITS>>,
    rd_wbase: Signal<Local, Bits<WEIGHT_PLACE_BITS>>,
    rd_hist: Signal<Local, Bits<UNIT_HIST_BITS>>,
    rd_waddr: Signal<Local, Bits<WEIGHT_PLACE_BITS>>,
    /// The read goes on in hidden unit `wbase` at slot `s` (`rd_slot` is `s` and `rd_wbase`
    /// is `wbase`), whose weight address `cont_waddr` is summed beside the choice rather than
    /// after it; otherwise slot 0 of `rd_wbase` is read.
    rd_cont: Signal<Local, Bit>,
    cont_waddr: Signal<Local, Bits<WEIGHT_PLACE_BITS>>,
    /// The slot bits of a history address (`place_shift` ones): a slot is below
    /// `2^place_shift`, so a place's address and its slot's are ORed, not added.
    slot_mask: Constant<Bits<UNIT_HIST_BITS>>,
    /// The hidden unit after `wbase`'s: `wbase + Tc` (`Tc` rounded up to a multiple of the
    /// taps a cycle).
    next_wbase: Signal<Local, Bits<WEIGHT_PLACE_BITS>>,
    stride: Signal<Local, Bits<6>>,
    /// `W²`'s first place ([`weight_place`]).
    w2_base: Signal<Local, Bits<WEIGHT_PLACE_BITS>>,
    /// `1`, at the weight place width; `TAPS_PER_CYCLE − 1` and its complement there and at
    /// 6 bits (round a place or `Tc` up to a multiple of the taps a cycle).
    one_w: Constant<Bits<WEIGHT_PLACE_BITS>>,
    round_w: Constant<Bits<WEIGHT_PLACE_BITS>>,
    align_w: Constant<Bits<WEIGHT_PLACE_BITS>>,
    round_6: Constant<Bits<6>>,
    acc_bits: Signal<Local, Bits<MAC_BITS>>,
    /// `2^(zr − 1)` (0 when `zr` is 0), the rounding constant (registered: below).
    half: DFF<Bits<MAC_BITS>>,
    half_now: Signal<Local, Bits<MAC_BITS>>,
    half_use: Signal<Local, Bits<MAC_BITS>>,
    rounded: Signal<Local, Bits<MAC_BITS>>,
    z_wide: Signal<Local, Signed<MAC_BITS>>,
    z_abs: Signal<Local, Bits<16>>,
    table_index: Signal<Local, Bits<16>>,
    f_nl: Signal<Local, Signed<16>>,
    term0: Signal<Local, Bits<Y_BITS>>,
    term1: Signal<Local, Bits<Y_BITS>>,
    y: Signal<Local, Bits<Y_BITS>>,
    i_next: Signal<Local, Bits<COUNT_BITS>>,
    z_small: Signal<Local, Signed<16>>,
    q0_eta: Signal<Local, Signed<32>>,
    q0_eta_wide: Signal<Local, Signed<Y_BITS>>,
    w1u_wide: Signal<Local, Signed<Y_BITS>>,
    shr_val: Signal<Local, Bits<MAC_BITS>>,
    /// The `W²` sum's shifts, capped where the result no longer changes (right: 35, left: 13).
    /// With `REGISTERED_SHIFTS` the capped shifts, the rounding constant and which shift
    /// applies are registered (`_now`: as decoded; the DFFs; `_use`: what the stages take):
    /// the shift inputs are fixed during a run, and a decode computed from them in the cycle
    /// fed every unit's adder and barrel shifter through one shared chain (synthesis merges
    /// the units' identical logic), the ULX3S build's critical path at 62.86 MHz.
    zr_cap: Signal<Local, Bits<6>>,
    zl_cap: Signal<Local, Bits<4>>,
    zr_now: Signal<Local, Bits<6>>,
    zl_now: Signal<Local, Bits<4>>,
    zr_c: DFF<Bits<6>>,
    zl_c: DFF<Bits<4>>,
    zr_use: Signal<Local, Bits<6>>,
    zl_use: Signal<Local, Bits<4>>,
    /// `z_left ≠ 0`: the left shift applies.
    left_on: DFF<Bit>,
    left_use: Signal<Local, Bit>,
    /// `REGISTERED_SHIFTS` as a signal.
    shifts_registered: Constant<Bit>,
    /// All ones when the rounded sum is negative: an arithmetic shift as a logical one between
    /// two sign flips.
    sign_mask: Signal<Local, Bits<MAC_BITS>>,
    /// The sum clamped to `±2^13` before a left shift (beyond it every shift saturates `z`).
    acc_c: Signal<Local, Signed<16>>,
    acc_c_wide: Signal<Local, Signed<32>>,
    left_bits: Signal<Local, Bits<32>>,
    /// The alignment shifts at the widths the loader allows (`≤ 22`, `≤ 13`).
    ys0_c: Signal<Local, Bits<5>>,
    ys1_c: Signal<Local, Bits<4>>,
    /// The one alignment shift (the other is 0) and whether it is `W⁰·η`'s (registered, as the
    /// `W²` shifts are).
    y_sh: DFF<Bits<5>>,
    sh0_on: DFF<Bit>,
    y_sh_now: Signal<Local, Bits<5>>,
    y_sh_use: Signal<Local, Bits<5>>,
    sh0_use: Signal<Local, Bit>,
    y_big: Signal<Local, Bits<Y_BITS>>,
    z_sat: Signal<Local, Signed<MAC_BITS>>,
    table_raw: Signal<Local, Bits<16>>,
    /// The live bits of each shift amount (`Z_RIGHT_BITS`, `Z_LEFT_BITS`, `Y_SHIFT_BITS`):
    /// the loader refuses larger shifts, so synthesis builds only the stages these need.
    zr_mask: Constant<Bits<6>>,
    zl_mask: Constant<Bits<4>>,
    ys0_mask: Constant<Bits<5>>,
    ys1_mask: Constant<Bits<4>>,
    one: Constant<Bits<MAC_BITS>>,
    all_ones: Constant<Bits<MAC_BITS>>,
    acc_cap: Constant<Signed<MAC_BITS>>,
    acc_floor: Constant<Signed<MAC_BITS>>,
    acc_c_max: Constant<Signed<16>>,
    acc_c_min: Constant<Signed<16>>,
    z_max: Constant<Signed<MAC_BITS>>,
    z_min: Constant<Signed<MAC_BITS>>,
    eta_offset: Constant<Signed<16>>,
    table_last: Constant<Bits<16>>,
    /// `OVERLAP`.
    overlap_built: Constant<Bit>,
    /// `TAP_PAIRS`, and `PAIR_SHIFT` (a slot's place in the even and odd history memories is
    /// shifted right by it); a spin's slot groups start at `i << (4 − TAP_SHIFT)`.
    pairs_built: Constant<Bit>,
    pair_shift: Constant<Bits<4>>,
    place_shift: Constant<Bits<4>>,
    /// `TAP_QUADS`; more than one tap a cycle (`weights_b` serves `W¹`); `TAP_SHIFT` (a slot
    /// group's first slot and weight place are its index shifted left by it).
    quads_built: Constant<Bit>,
    wide_built: Constant<Bit>,
    tap_shift: Constant<Bits<4>>,
}
