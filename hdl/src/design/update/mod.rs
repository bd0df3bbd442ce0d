//! The update unit: for each spin, the noise draw, the `W²` dot products over the field
//! history, the tanh table, the `W¹` sum and the sign (`docs/fixed-point.md`, steps 1-6).
//!
//! One multiplier, or two with `TAP_PAIRS`: the `Tc` taps of a hidden unit stream at one per
//! cycle, or two (a slot pair: the even slot's field from one history memory, the odd slot's
//! from the other, their two products summed before the accumulator). The taps go in slot
//! order, not in tap order: the core writes each tap's weight at its slot's place
//! ([`weight_place`]), so a slot's field and weight are read at the same place whatever the
//! step, and the `W²` sum, exact in `MAC_BITS`, is the same in any order. Per-image shifts
//! (`e2 − A` and the alignment of the `W⁰` and `W¹` terms) are runtime inputs applied by
//! variable shifters; `A`, the table size and `z_bits` are build constants. The per-step
//! weights `q(t)` sit in a small memory written before the step. In internal mode the pass is
//! pipelined across spins (`pipelined`): a spin's last `z`, `W¹` term, noise draw and decision
//! run beside the next spin's taps, so a spin costs `D·Tc` cycles, or `D·⌈Tc/2⌉` with
//! `TAP_PAIRS` (`docs/rtl.md`, Speed).
//!
//! Each tap's weight and field are registered as they leave the block RAMs, each product
//! before it is added (with `TAP_PAIRS`, before the pair's sum, and that before it is added),
//! and what follows a hidden unit's last slot (with pairs a cycle later: `launch_q`) is a
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
use super::widths::*;
use rust_hdl::prelude::*;

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
    pub weight_waddr: Signal<In, Bits<WEIGHT_ADDR_BITS>>,
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
    weights: DualReadRam<Signed<W_BITS>, WEIGHT_ADDR_BITS>,
    /// A copy of the weights (`TAP_PAIRS`) that serves the `W¹` reads, so that `weights`'
    /// second port can read each pair's odd `W²` weight (distributed RAM on the ECP5: its
    /// address, `w1_addr`, is a register).
    weights_b: RAM<Signed<W_BITS>, WEIGHT_ADDR_BITS>,
    /// The field history: every slot, or with `TAP_PAIRS` the even slots (`hist`) and the odd
    /// ones (`hist_b`), a pair's two fields at one address.
    hist: HistoryRam<Signed<FIELD_BITS>, HIST_A_BITS, OVERLAP>,
    hist_b: HistoryRam<Signed<FIELD_BITS>, HIST_B_BITS, OVERLAP>,
    noise: RAM<Bits<32>, UNIT_SPIN_BITS>,
    tanh_rom: SyncROM<Bits<16>, TABLE_BITS>,
    state: DFF<UpdateState>,
    i: DFF<Bits<COUNT_BITS>>,
    k: DFF<Bits<4>>,
    s: DFF<Bits<6>>,
    wbase: DFF<Bits<WEIGHT_ADDR_BITS>>,
    eta: DFF<Signed<16>>,
    acc: DFF<Signed<MAC_BITS>>,
    w1u: DFF<Signed<MAC_BITS>>,
    v1: DFF<Bit>,
    /// The next accumulation starts a new unit's sum.
    fresh: DFF<Bit>,
    /// A tap's weight and history field, registered as they leave the block RAMs (so that the
    /// multiplier waits on no memory's output), whether they hold a tap's (`tap_valid`) and
    /// whether it starts a unit's sum (`tap_fresh`).
    tap_weight: DFF<Signed<W_BITS>>,
    tap_field: DFF<Signed<FIELD_BITS>>,
    tap_valid: DFF<Bit>,
    tap_fresh: DFF<Bit>,
    /// The odd slot's weight and field of a pair (its weight 0 where the slot is past `Tc`),
    /// and whether the slot issued with them has one (`v1b`).
    tap_weight_b: DFF<Signed<W_BITS>>,
    tap_field_b: DFF<Signed<FIELD_BITS>>,
    v1b: DFF<Bit>,
    /// The registered `W²` product, whether it holds a tap's (`prod_valid`) and whether it
    /// starts a unit's sum (`prod_fresh`).
    prod_q: DFF<Signed<32>>,
    prod_b_q: DFF<Signed<32>>,
    prod_valid: DFF<Bit>,
    prod_fresh: DFF<Bit>,
    /// The pair's two products summed, registered, whether it holds a slot's and whether it
    /// starts a unit's sum.
    pair_q: DFF<Signed<MAC_BITS>>,
    pair_valid: DFF<Bit>,
    pair_fresh: DFF<Bit>,
    /// A hidden unit's last slot was issued the cycle before (`launch`, registered): with
    /// pairs its token enters the tail now, the cycle its last products are summed
    /// (`launch_in`; without pairs it enters with `launch`).
    launch_q: DFF<Bit>,
    launch_last_q: DFF<Bit>,
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
    /// Stage 6 → 7: `f_nl(z)`, and the `W¹` weight (read in stage 5, registered as it arrives
    /// in 6, so that no multiplier waits on a block RAM's output); stage 7 → 8: their product.
    f_nl_q: DFF<Signed<16>>,
    w1_q: DFF<Signed<W_BITS>>,
    w1_product_q: DFF<Signed<32>>,
    /// `W⁰·η`, registered (the noise draw is two stages before it is used).
    q0_eta_q: DFF<Signed<32>>,
    /// Stage 9 → 10: `y`'s two aligned terms (held while the decision waits, sequential).
    term0_q: DFF<Bits<Y_BITS>>,
    term1_q: DFF<Bits<Y_BITS>>,
    /// The `W¹` address of the next token to reach stage 5 (`1..=D`, in unit order).
    w1_addr: DFF<Bits<WEIGHT_ADDR_BITS>>,
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
    /// Spin `i`'s (`ready`) and spin `i + 1`'s (`ready_next`) newest field is in the history.
    ready: Signal<Local, Bit>,
    ready_next: Signal<Local, Bit>,
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
    span_q: DFF<Bits<6>>,
    /// `k + 1 = D`: hidden unit `k` is the spin's last (registered: set wherever `k` is, from
    /// `D = 1` or `k + 2 = D`, so that no compare with the core's `D` register, which synthesis
    /// shares between the units, sits in front of the history's read address; that path held
    /// the ULX3S build with double slots at 59.84 MHz).
    k_last: DFF<Bit>,
    d_one: Signal<Local, Bit>,
    k_after_last: Signal<Local, Bit>,
    stride_q: DFF<Bits<6>>,
    /// The slot (or pair) read this cycle, the spin it is read for, and the weight base of its
    /// hidden unit (by default `s`, `i` and `wbase`; a new spin's first slot sets them).
    rd_slot: Signal<Local, Bits<6>>,
    rd_i: Signal<Local, Bits<COUNT_BITS>>,
    rd_wbase: Signal<Local, Bits<WEIGHT_ADDR_BITS>>,
    rd_hist: Signal<Local, Bits<UNIT_HIST_BITS>>,
    rd_waddr: Signal<Local, Bits<WEIGHT_ADDR_BITS>>,
    /// The hidden unit after `wbase`'s: `wbase + Tc` (`TAP_PAIRS`: `Tc` rounded up to even).
    next_wbase: Signal<Local, Bits<WEIGHT_ADDR_BITS>>,
    stride: Signal<Local, Bits<6>>,
    /// `W²`'s first place ([`weight_place`]).
    w2_base: Signal<Local, Bits<WEIGHT_ADDR_BITS>>,
    /// `1`, and `!1`, at the weight address width.
    one_w: Constant<Bits<WEIGHT_ADDR_BITS>>,
    even_w: Constant<Bits<WEIGHT_ADDR_BITS>>,
    product: Signal<Local, Signed<32>>,
    product_b: Signal<Local, Signed<32>>,
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
    w1_product: Signal<Local, Signed<32>>,
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
    /// `TAP_PAIRS`, and `PAIR_SHIFT` (a slot's place in the history memories is shifted right
    /// by it; a spin's slots start at `i << (4 − PAIR_SHIFT)`).
    pairs_built: Constant<Bit>,
    pair_shift: Constant<Bits<4>>,
    place_shift: Constant<Bits<4>>,
}

// `A + 2 − TABLE_BITS` is written as the number 2 in `update` (rust_hdl emits consts used as
// shift amounts literally); this pins it.
const _: () = assert!(ACT_FRAC + 2 - TABLE_BITS == 2 && TABLE_BITS == 8);
// Bit positions written as numbers in `update`: 35 (sign of the MAC), 47 (sign of y), 15 (sign
// of z).
const _: () = assert!(MAC_BITS == 36 && Y_BITS == 48);
// The caps of the `W²` sum's shifts hold for `|acc| < 2^34`: 16-bit weights times 16-bit fields,
// at most 16 taps; `z` saturates at `±(2^13 − 1)`.
const _: () = assert!(W_BITS == 16 && FIELD_BITS == 16 && HIST_SLOT_BITS == 4 && Z_BITS == 14);

impl Logic for Update {
    #[hdl_gen]
    fn update(&mut self) {
        self.weights.clock.next = self.clock.val();
        self.weights_b.read_clock.next = self.clock.val();
        self.weights_b.write_clock.next = self.clock.val();
        self.hist.clock.next = self.clock.val();
        self.hist_b.clock.next = self.clock.val();
        self.noise.read_clock.next = self.clock.val();
        self.noise.write_clock.next = self.clock.val();
        self.tanh_rom.clock.next = self.clock.val();
        dff_setup!(
            self, clock, state, i, k, k_last, s, span_q, stride_q, wbase, eta, acc, w1u, v1, fresh, tap_weight, tap_field, tap_valid, tap_fresh, tap_weight_b, tap_field_b, v1b, prod_q, prod_b_q, prod_valid,
            prod_fresh, pair_q, pair_valid, pair_fresh, launch_q, launch_last_q, tail_valid, tail_last, rounded_q, acc_c_q, z_wide_q, z, z_at_table, f_nl_q,
            w1_product_q, w1_q, q0_eta_q, term0_q, term1_q, w1_addr, npend, npend2, x1_q, pipe, w0, read,
            decided, late, avail_q, half, zr_c, zl_c, left_on, y_sh, sh0_on
        );
        self.avail_q.d.next = self.avail.val();
        // load and history ports
        self.weights.write_address.next = self.weight_waddr.val();
        self.weights.write_data.next = self.weight_wdata.val();
        self.weights.write_enable.next = self.weight_we.val();
        self.weights_b.write_address.next = self.weight_waddr.val();
        self.weights_b.write_data.next = self.weight_wdata.val();
        self.weights_b.write_enable.next = self.weight_we.val() & self.pairs_built.val();
        // (with pairs, the even slots in `hist` and the odd in `hist_b`, at place·8 + slot/2)
        self.hist.write_address.next = bit_cast::<HIST_A_BITS, UNIT_HIST_BITS>(
            self.hist_waddr.val() >> self.pair_shift.val(),
        );
        self.hist.write_data.next = self.hist_wdata.val();
        self.hist.write_enable.next =
            self.hist_we.val() & !(self.pairs_built.val() & self.hist_waddr.val().get_bit(0));
        self.hist_b.write_address.next =
            bit_cast::<HIST_B_BITS, UNIT_HIST_BITS>(self.hist_waddr.val() >> 1);
        self.hist_b.write_data.next = self.hist_wdata.val();
        self.hist_b.write_enable.next =
            self.hist_we.val() & self.pairs_built.val() & self.hist_waddr.val().get_bit(0);
        // noise: xorshift32 of the state read for the drawing spin (its first step registered)
        self.x1.next = self.noise.read_data.val() ^ (self.noise.read_data.val() << 13);
        self.x1_q.d.next = self.x1.val();
        self.x2.next = self.x1_q.q.val() ^ (self.x1_q.q.val() >> 17);
        self.x3.next = self.x2.val() ^ (self.x2.val() << 5);
        self.byte_sum.next = bit_cast::<16, 8>(self.x3.val().get_bits::<8>(0))
            + bit_cast::<16, 8>(self.x3.val().get_bits::<8>(8))
            + bit_cast::<16, 8>(self.x3.val().get_bits::<8>(16))
            + bit_cast::<16, 8>(self.x3.val().get_bits::<8>(24));
        self.noise.read_address.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.noise.write_address.next = self.noise_waddr.val();
        self.noise.write_data.next = self.noise_wdata.val();
        self.noise.write_enable.next = self.noise_we.val();
        // the slot (pair) to read: `s` of hidden unit `wbase` of spin `i`, unless a state below
        // starts a new spin; a hidden unit's last slot is followed by the next unit's slot 0
        // W²'s first place: `1 + D`, with pairs rounded up to even (a pair's odd place is its
        // even one with bit 0 set: no adder on the second port's address)
        self.w2_base.next = bit_cast::<WEIGHT_ADDR_BITS, 4>(self.d.val()) + 1;
        if self.pairs_built.val() {
            self.w2_base.next = (bit_cast::<WEIGHT_ADDR_BITS, 4>(self.d.val()) + 2) & self.even_w.val();
        }
        self.span.next = self.tc.val();
        self.stride.next = self.tc.val();
        if self.pairs_built.val() {
            self.span.next = (self.tc.val() + 1) >> 1;
            self.stride.next = self.span.val() << 1;
        }
        self.span_q.d.next = self.span.val();
        self.d_one.next = self.d.val() == 1;
        self.k_after_last.next = (self.k.q.val() + 2) == self.d.val();
        self.stride_q.d.next = self.stride.val();
        self.next_wbase.next = self.wbase.q.val() + bit_cast::<WEIGHT_ADDR_BITS, 6>(self.stride_q.q.val());
        self.rd_i.next = self.i.q.val();
        self.rd_slot.next = self.s.q.val();
        self.rd_wbase.next = self.wbase.q.val();
        if self.s.q.val() >= self.span_q.q.val() {
            self.rd_slot.next = 0.into();
            self.rd_wbase.next = self.next_wbase.val();
        }
        // W² MAC: the slot read in the cycle before is registered (the odd slot's weight 0
        // where the pair has no odd slot), its products registered, summed, then added (a
        // hidden unit's last slot: tail stages 0 and 1)
        self.tap_weight.d.next = self.weights.read_data.val();
        self.tap_field.d.next = self.hist.read_data.val();
        self.tap_weight_b.d.next = 0.into();
        if self.v1b.q.val() {
            self.tap_weight_b.d.next = self.weights.read_data_b.val();
        }
        self.tap_field_b.d.next = self.hist_b.read_data.val();
        self.tap_valid.d.next = self.v1.q.val() & (self.state.q.val() == UpdateState::Mac);
        self.tap_fresh.d.next = self.fresh.q.val();
        self.product.next = self.tap_weight.q.val() * self.tap_field.q.val();
        self.product_b.next = self.tap_weight_b.q.val() * self.tap_field_b.q.val();
        self.prod_q.d.next = self.product.val();
        self.prod_b_q.d.next = self.product_b.val();
        self.prod_valid.d.next = self.tap_valid.q.val();
        self.prod_fresh.d.next = self.tap_fresh.q.val();
        self.pair_q.d.next = signed_bit_cast::<MAC_BITS, 32>(self.prod_q.q.val())
            + signed_bit_cast::<MAC_BITS, 32>(self.prod_b_q.q.val());
        self.pair_valid.d.next = self.prod_valid.q.val();
        self.pair_fresh.d.next = self.prod_fresh.q.val();
        // (builds without pairs add each product as it is registered: no pair stage)
        self.mac_in.next = signed_bit_cast::<MAC_BITS, 32>(self.prod_q.q.val());
        self.mac_in_valid.next = self.prod_valid.q.val();
        self.mac_in_fresh.next = self.prod_fresh.q.val();
        if self.pairs_built.val() {
            self.mac_in.next = self.pair_q.q.val();
            self.mac_in_valid.next = self.pair_valid.q.val();
            self.mac_in_fresh.next = self.pair_fresh.q.val();
        }
        self.mac_sum.next = self.acc.q.val() + self.mac_in.val();
        if self.mac_in_fresh.val() {
            self.mac_sum.next = self.mac_in.val();
        }
        if self.mac_in_valid.val() {
            self.acc.d.next = self.mac_sum.val();
        }
        // the tail's tokens move one stage a cycle (a launch enters stage 0)
        self.launch.next = false;
        self.launch_last.next = false;
        self.tail_shifted.next = self.tail_valid.q.val() << 1;
        self.last_shifted.next = self.tail_last.q.val() << 1;
        self.last5.next = self.tail_valid.q.val().get_bit(5) & self.tail_last.q.val().get_bit(5);
        self.last7.next = self.tail_valid.q.val().get_bit(7) & self.tail_last.q.val().get_bit(7);
        self.last9.next = self.tail_valid.q.val().get_bit(9) & self.tail_last.q.val().get_bit(9);
        // stage 2: z = round_shift(acc), saturated
        // (|acc| < 2^34: a right shift by 35 or more rounds every sum to 0, a left shift by 13
        // or more saturates every non-zero one; capping the shifts there keeps 36 bits exact)
        self.zr_cap.next = self.z_right.val();
        if self.z_right.val() > 35 {
            self.zr_cap.next = 35.into();
        }
        self.zl_cap.next = bit_cast::<4, 6>(self.z_left.val());
        if self.z_left.val() > 13 {
            self.zl_cap.next = 13.into();
        }
        self.zr_now.next = self.zr_cap.val() & self.zr_mask.val();
        self.zl_now.next = self.zl_cap.val() & self.zl_mask.val();
        self.zr_c.d.next = self.zr_now.val();
        self.zl_c.d.next = self.zl_now.val();
        self.left_on.d.next = self.z_left.val() != 0;
        self.zr_use.next = self.zr_c.q.val();
        self.zl_use.next = self.zl_c.q.val();
        self.left_use.next = self.left_on.q.val();
        if !self.shifts_registered.val() {
            self.zr_use.next = self.zr_now.val();
            self.zl_use.next = self.zl_now.val();
            self.left_use.next = self.z_left.val() != 0;
        }
        self.acc_bits.next = unsigned_cast(self.acc.q.val());
        self.half_now.next = (self.one.val() << self.zr_use.val()) >> 1;
        self.half.d.next = self.half_now.val();
        self.half_use.next = self.half.q.val();
        if !self.shifts_registered.val() {
            self.half_use.next = self.half_now.val();
        }
        self.rounded.next = self.acc_bits.val() + self.half_use.val();
        self.rounded_q.d.next = self.rounded.val();
        self.acc_c.next = signed_bit_cast::<16, MAC_BITS>(self.acc.q.val());
        if self.acc.q.val() > self.acc_cap.val() {
            self.acc_c.next = self.acc_c_max.val();
        }
        if self.acc.q.val() < self.acc_floor.val() {
            self.acc_c.next = self.acc_c_min.val();
        }
        self.acc_c_q.d.next = self.acc_c.val();
        // stage 3: the shift
        self.sign_mask.next = 0.into();
        if self.rounded_q.q.val().get_bit(35) {
            self.sign_mask.next = self.all_ones.val();
        }
        self.shr_val.next = ((self.rounded_q.q.val() ^ self.sign_mask.val()) >> self.zr_use.val())
            ^ self.sign_mask.val();
        // (widened into a signed signal first: Verilog sign-extends only signed expressions)
        self.acc_c_wide.next = signed_bit_cast::<32, 16>(self.acc_c_q.q.val());
        self.left_bits.next = unsigned_cast(self.acc_c_wide.val()) << self.zl_use.val();
        self.z_wide.next = signed_cast(self.shr_val.val());
        if self.left_use.val() {
            self.z_wide.next = signed_bit_cast::<MAC_BITS, 32>(signed_cast(self.left_bits.val()));
        }
        self.z_wide_q.d.next = self.z_wide.val();
        // stage 4: saturate
        self.z_sat.next = self.z_wide_q.q.val();
        if self.z_wide_q.q.val() > self.z_max.val() {
            self.z_sat.next = self.z_max.val();
        }
        if self.z_wide_q.q.val() < self.z_min.val() {
            self.z_sat.next = self.z_min.val();
        }
        self.z_small.next = signed_bit_cast::<16, MAC_BITS>(self.z_sat.val());
        self.z.d.next = self.z_small.val();
        // stage 5: the table's address from |z|; the token's W¹ weight is read
        self.z_abs.next = unsigned_cast(self.z.q.val());
        if self.z.q.val().get_bit(15) {
            self.z_abs.next = unsigned_cast(-self.z.q.val());
        }
        self.table_raw.next = self.z_abs.val() >> 2;
        self.table_index.next = self.table_raw.val();
        if self.table_raw.val() > self.table_last.val() {
            self.table_index.next = self.table_last.val();
        }
        self.tanh_rom.address.next = bit_cast::<TABLE_BITS, 16>(self.table_index.val());
        self.z_at_table.d.next = self.z.q.val();
        // (with pairs the W¹ weight comes from the copy, whose address is a register, and the
        // second port reads each pair's odd weight)
        self.weights.read_address_b.next = self.w1_addr.q.val();
        self.weights_b.read_address.next = self.w1_addr.q.val();
        if self.tail_valid.q.val().get_bit(5) {
            self.w1_addr.d.next = self.w1_addr.q.val() + 1;
            if self.tail_last.q.val().get_bit(5) {
                self.w1_addr.d.next = 1.into();
            }
        }
        // stage 6: f_nl(z) = z + sign(z)·TABLE[...]; the W¹ weight arrives, registered
        self.f_nl.next = self.z_at_table.q.val() + signed_cast(self.tanh_rom.data.val());
        if self.z_at_table.q.val().get_bit(15) {
            self.f_nl.next = self.z_at_table.q.val() - signed_cast(self.tanh_rom.data.val());
        }
        self.f_nl_q.d.next = self.f_nl.val();
        // stage 7: the W¹ product; stage 8: into the spin's sum
        self.w1_q.d.next = self.weights.read_data_b.val();
        if self.pairs_built.val() {
            self.w1_q.d.next = self.weights_b.read_data.val();
        }
        self.w1_product.next = self.w1_q.q.val() * self.f_nl_q.q.val();
        self.w1_product_q.d.next = self.w1_product.val();
        if self.tail_valid.q.val().get_bit(8) {
            self.w1u.d.next =
                self.w1u.q.val() + signed_bit_cast::<MAC_BITS, 32>(self.w1_product_q.q.val());
        }
        // stage 9: y = (q0·η) << sh0 + (Σ q1·f_nl) << sh1, its two terms aligned. One of the
        // two shifts is 0 (E is the larger of the two exponents), so one shifter serves: the
        // term with the non-zero shift goes through it (`term0`), the other is added as it is
        // (`term1`).
        self.q0_eta.next = self.w0.q.val() * self.eta.q.val();
        self.q0_eta_q.d.next = self.q0_eta.val();
        self.q0_eta_wide.next = signed_bit_cast::<Y_BITS, 32>(self.q0_eta_q.q.val());
        self.w1u_wide.next = signed_bit_cast::<Y_BITS, MAC_BITS>(self.w1u.q.val());
        self.ys0_c.next = bit_cast::<5, 6>(self.y_shift0.val()) & self.ys0_mask.val();
        self.ys1_c.next = bit_cast::<4, 6>(self.y_shift1.val()) & self.ys1_mask.val();
        self.y_sh_now.next = self.ys0_c.val() | bit_cast::<5, 4>(self.ys1_c.val());
        self.y_sh.d.next = self.y_sh_now.val();
        self.sh0_on.d.next = self.y_shift0.val() != 0;
        self.y_sh_use.next = self.y_sh.q.val();
        self.sh0_use.next = self.sh0_on.q.val();
        if !self.shifts_registered.val() {
            self.y_sh_use.next = self.y_sh_now.val();
            self.sh0_use.next = self.y_shift0.val() != 0;
        }
        self.y_big.next = unsigned_cast(self.w1u_wide.val());
        self.term1.next = unsigned_cast(self.q0_eta_wide.val());
        if self.sh0_use.val() {
            self.y_big.next = unsigned_cast(self.q0_eta_wide.val());
            self.term1.next = unsigned_cast(self.w1u_wide.val());
        }
        self.term0.next = self.y_big.val() << self.y_sh_use.val();
        if self.last9.val() {
            // the spin's sum is complete: its terms are taken, and the next spin's sum starts
            // afresh (with its first term when that lands now)
            self.term0_q.d.next = self.term0.val();
            self.term1_q.d.next = self.term1.val();
            self.w1u.d.next = 0.into();
            if self.tail_valid.q.val().get_bit(8) {
                self.w1u.d.next = signed_bit_cast::<MAC_BITS, 32>(self.w1_product_q.q.val());
            }
        }
        // stage 10: y
        self.y.next = self.term0_q.q.val() + self.term1_q.q.val();
        self.i_next.next = self.i.q.val() + 1;
        // (builds without the overlap never wait: the gate and its comparisons drop out)
        self.ready.next = (self.i.q.val() < self.avail_q.q.val()) | !self.overlap_built.val();
        self.ready_next.next = (self.i_next.val() < self.avail_q.q.val()) | !self.overlap_built.val();
        // outputs
        self.spin_valid.next = false;
        self.spin_index.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.spin_bit.next = self.y.val().get_bit(47);
        self.y_value.next = signed_cast(self.y.val());
        self.late.d.next = signed_cast(self.y.val());
        self.y_late.next = self.late.q.val();
        self.done.next = false;
        // side activities, scheduled by the states below
        self.fresh.d.next = false;
        self.npend.d.next = false;
        self.npend2.d.next = self.npend.q.val();
        self.single_tap.next = (self.d.val() == 1) & (self.span.val() == 1);
        self.draw.next = self.npend2.q.val();
        self.draw_index.next = self.i.q.val();
        // the pipelined tail: stage 5 of a spin's last unit reads its noise state, stage 7
        // draws η, stage 10 decides
        if self.pipe.q.val() & self.last5.val() {
            self.noise.read_address.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.read.q.val());
            self.read.d.next = self.read.q.val() + 1;
        }
        if self.pipe.q.val() & self.last7.val() {
            self.draw.next = true;
            self.draw_index.next = self.read.q.val() - 1;
        }
        if self.pipe.q.val() & (self.tail_valid.q.val().get_bit(10) & self.tail_last.q.val().get_bit(10)) {
            self.spin_valid.next = true;
            self.spin_index.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.decided.q.val());
            self.decided.d.next = self.decided.q.val() + 1;
        }
        match self.state.q.val() {
            UpdateState::Idle => {
                // the first spin's noise state is read while starting
                self.noise.read_address.next = 0.into();
                // W⁰ for the whole pass
                self.rd_wbase.next = 0.into();
                self.rd_slot.next = 0.into();
                if self.start.val() {
                    self.pipe.d.next = self.pipelined.val() & !self.single_tap.val();
                    self.i.d.next = 0.into();
                    self.k.d.next = 0.into();
                    self.k_last.d.next = self.d_one.val();
                    self.w1u.d.next = 0.into();
                    self.w1_addr.d.next = 1.into();
                    self.read.d.next = 0.into();
                    self.decided.d.next = 0.into();
                    self.wbase.d.next = self.w2_base.val();
                    self.state.d.next = UpdateState::NoiseData;
                }
            }
            UpdateState::NoiseData => {
                self.w0.d.next = self.weights.read_data.val();
                // (pipelined, each spin draws its noise in its tail)
                self.npend.d.next = !self.pipe.q.val();
                // hidden unit 0 begins with tap 0
                self.acc.d.next = 0.into();
                self.s.d.next = 0.into();
                self.v1.d.next = false;
                self.state.d.next = UpdateState::Mac;
                if !self.ready.val() {
                    self.state.d.next = UpdateState::Gate;
                }
            }
            UpdateState::Gate => {
                // spin i begins once its field is in: tap 0 of its unit 0 (only builds with
                // the overlap ever wait here)
                if self.ready.val() & self.overlap_built.val() {
                    self.rd_slot.next = 0.into();
                    self.rd_wbase.next = self.w2_base.val();
                    self.k.d.next = 0.into();
                    self.k_last.d.next = self.d_one.val();
                    self.wbase.d.next = self.w2_base.val();
                    self.s.d.next = 1.into();
                    self.v1.d.next = true;
                    self.fresh.d.next = true;
                    self.state.d.next = UpdateState::Mac;
                }
            }
            UpdateState::Mac => {
                if self.s.q.val() < self.span_q.q.val() {
                    // issue the reads of slot (pair) s
                    self.s.d.next = self.s.q.val() + 1;
                    self.v1.d.next = true;
                } else {
                    // the last slot's data is here: the unit's token enters the tail (a cycle
                    // later, with its products' sum); the reads issued (the next base, slot 0)
                    // are the next unit's first
                    self.launch.next = true;
                    self.k.d.next = self.k.q.val() + 1;
                    self.k_last.d.next = self.k_after_last.val();
                    if self.k_last.q.val() {
                        self.launch_last.next = true;
                    }
                    if self.k_last.q.val() & self.pipe.q.val() {
                        // the spin's last tap: its tail runs beside the next spin's taps
                        self.v1.d.next = false;
                        if self.i_next.val() == self.n.val() {
                            self.state.d.next = UpdateState::Drain;
                        } else if !self.ready_next.val() {
                            // its field is not in yet: it begins from the gate
                            self.i.d.next = self.i_next.val();
                            self.state.d.next = UpdateState::Gate;
                        } else {
                            // the next spin's unit 0 begins with tap 0 now
                            self.i.d.next = self.i_next.val();
                            self.rd_i.next = self.i_next.val();
                            self.rd_wbase.next = self.w2_base.val();
                            self.k.d.next = 0.into();
                            self.k_last.d.next = self.d_one.val();
                            self.wbase.d.next = self.w2_base.val();
                            self.s.d.next = 1.into();
                            self.v1.d.next = true;
                            self.fresh.d.next = true;
                        }
                    } else if self.k_last.q.val() {
                        self.v1.d.next = false;
                        self.state.d.next = UpdateState::Tail;
                    } else {
                        self.s.d.next = 1.into();
                        self.v1.d.next = true;
                        self.fresh.d.next = true;
                        self.wbase.d.next = self.next_wbase.val();
                    }
                }
            }
            UpdateState::Tail => {
                // the decision's terms are taken now: y is ready next cycle
                if self.last9.val() {
                    self.state.d.next = UpdateState::YData;
                }
            }
            UpdateState::YData => {
                self.spin_valid.next = true;
                self.spin_index.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i.q.val());
                if self.taken.val() {
                    self.i.d.next = self.i_next.val();
                    // the next spin: its noise state, and tap 0 of its unit 0
                    self.noise.read_address.next =
                        bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.i_next.val());
                    self.rd_i.next = self.i_next.val();
                    self.rd_slot.next = 0.into();
                    self.rd_wbase.next = self.w2_base.val();
                    self.k.d.next = 0.into();
                    self.k_last.d.next = self.d_one.val();
                    self.wbase.d.next = self.w2_base.val();
                    if self.i_next.val() == self.n.val() {
                        self.state.d.next = UpdateState::Done;
                    } else if !self.ready_next.val() {
                        // its noise is drawn now; its taps begin from the gate
                        self.npend.d.next = true;
                        self.state.d.next = UpdateState::Gate;
                    } else {
                        self.npend.d.next = true;
                        self.s.d.next = 1.into();
                        self.v1.d.next = true;
                        self.fresh.d.next = true;
                        self.state.d.next = UpdateState::Mac;
                    }
                }
            }
            UpdateState::Drain => {
                // the last spin decides with no token behind it (with D·Tc = 2 the spin before
                // the last is decided in here too, its successor's tokens still in the tail)
                // (and none about to enter it: the last spin's token waits in `launch_q`
                // for a cycle, which a spin that waited at the gate may leave late)
                if self.pipe.q.val()
                    & (self.tail_valid.q.val().get_bit(10) & self.tail_last.q.val().get_bit(10))
                    & (self.tail_valid.q.val().get_bits::<10>(0) == 0)
                    & !(self.launch_q.q.val() & self.pairs_built.val())
                {
                    self.state.d.next = UpdateState::Done;
                }
            }
            UpdateState::Done => {
                self.done.next = true;
                self.state.d.next = UpdateState::Idle;
            }
            _ => {
                self.state.d.next = UpdateState::Idle;
            }
        }
        self.launch_q.d.next = self.launch.val();
        self.launch_last_q.d.next = self.launch_last.val();
        self.launch_in.next = self.launch.val();
        self.launch_last_in.next = self.launch_last.val();
        if self.pairs_built.val() {
            self.launch_in.next = self.launch_q.q.val();
            self.launch_last_in.next = self.launch_last_q.q.val();
        }
        self.tail_valid.d.next = self.tail_shifted.val().replace_bit(0, self.launch_in.val());
        self.tail_last.d.next = self.last_shifted.val().replace_bit(0, self.launch_last_in.val());
        // the reads of the slot (pair) chosen above: the field(s) at the spin's place, the
        // weight(s) at the slot's place in the hidden unit's taps
        self.rd_hist.next = (bit_cast::<UNIT_HIST_BITS, COUNT_BITS>(self.rd_i.val())
            << self.place_shift.val())
            + bit_cast::<UNIT_HIST_BITS, 6>(self.rd_slot.val());
        self.hist.read_address.next = bit_cast::<HIST_A_BITS, UNIT_HIST_BITS>(self.rd_hist.val());
        self.hist_b.read_address.next = bit_cast::<HIST_B_BITS, UNIT_HIST_BITS>(self.rd_hist.val());
        self.rd_waddr.next = self.rd_wbase.val()
            + (bit_cast::<WEIGHT_ADDR_BITS, 6>(self.rd_slot.val()) << self.pair_shift.val());
        self.weights.read_address.next = self.rd_waddr.val();
        if self.pairs_built.val() {
            self.weights.read_address_b.next = self.rd_waddr.val() | self.one_w.val();
        }
        self.v1b.d.next = self.pairs_built.val()
            & (((self.rd_slot.val() << 1) + 1) < self.tc.val());
        // the noise draw of the spin drawing this cycle (sequential: the first spin at start,
        // each next one as it begins; pipelined: in its tail): advance its state, take η
        if self.draw.val() {
            self.noise.write_address.next =
                bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.draw_index.val());
            self.noise.write_data.next = self.x3.val();
            self.noise.write_enable.next = true;
            self.eta.d.next = signed_cast(self.byte_sum.val()) - self.eta_offset.val();
        }
        if self.stop.val() {
            self.state.d.next = UpdateState::Idle;
            self.npend.d.next = false;
            self.npend2.d.next = false;
            self.prod_valid.d.next = false;
            self.pair_valid.d.next = false;
            self.launch_q.d.next = false;
            self.launch_last_q.d.next = false;
            self.tail_valid.d.next = 0.into();
            self.tail_last.d.next = 0.into();
        }
    }
}
