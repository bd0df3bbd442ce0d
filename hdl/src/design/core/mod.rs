//! The core: runs whole dNPIM trajectories on chip. Per run it seeds the per-spin noise states
//! from the run seed and clears the field history; per step it interpolates the schedule
//! weights from the knot memory, runs the update units (spins into the spin bank being
//! written), runs the matvec engine (fields into the history slot `t mod Tc`, `E4`), and keeps
//! the best energy, its step and its spins (the spin bank holding them is not overwritten).
//!
//! Two sides share the step: the update side (`state`: interpolation, the units, the
//! measurement-feedback port) and the matvec side (`back`: one pass of the matvec engine and
//! the step's end). When the update side has all of step `t`'s spins it hands them over; in
//! builds with `OVERLAP` and in internal mode it then goes straight on to step `t + 1` while
//! the matvec of step `t` runs: spin `i` of step `t + 1` starts once field `i` of step `t` is in
//! the history (each unit's `avail`, from the count of fields written), so a step costs about
//! the longer of the two sides instead of their sum. Three spin banks make that possible: the
//! one the pass reads, the one the next step writes, and the best spins'.
//!
//! `UNITS` update units work at once: spin `i` belongs to unit `i mod UNITS` (its noise state
//! and its history fields live in that unit's memories, at place `i >> UNIT_BITS`), every unit
//! holds the step's weights, and the units start in the same cycle and are told the same
//! `avail` (the places whose fields are in for every unit: whole words of `UNITS` fields), so
//! they move in lockstep and every unit with a spin at a place decides it in the same cycle.
//! The spin memories hold the spins `UNITS` to a word (`spin_word.rs`), and in internal mode a
//! place's decisions are written as one word the cycle after (from the units' `y_late`), so the
//! units run pipelined whatever `UNITS` is. In external mode the decisions go to the drive port
//! one at a time in spin order (the units wait with them until the last of the word has gone),
//! and the measured spins are gathered into a word.
//!
//! In internal mode the core closes the loop itself (each spin is the sign of the update unit's
//! output); in external mode (builds with `EXTERNAL`) the measurement-feedback port streams the
//! pre-sign outputs out as drive values and takes the measured spins back in index order, and the
//! serial core's DRIVE and MEASURE commands drive that port; the two sides then take turns. All
//! arithmetic is `docs/fixed-point.md`'s; the block tests check every step's spins, fields and
//! `E4` against the golden model.

use super::matvec::Matvec;
use crate::widgets::dual_read_ram::DualReadRam;
use super::update::Update;
use super::ports::{CoreSetup, KnotWrites, MatrixWrites};
use super::widths::*;
use rust_hdl::prelude::*;

mod logic_impl;
mod new;

/// Core states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum CoreState {
    /// Waiting for `start`.
    Idle,
    /// Write each spin's initial noise state.
    InitNoise,
    /// Clear the field history.
    InitHist,
    /// Issue weight `p`'s two knot reads (knot `k` on the knot memory's port A, `k + 1` on
    /// port B), one weight a cycle: the interpolation is a pipeline (knots registered, their
    /// difference times the position registered, the sum registered, the write). Builds
    /// without `DUAL_KNOT_READS` read knot `k` here and `k + 1` in `InterpA2`.
    InterpA,
    /// Knot `k + 1` of weight `p` on port A (builds without `DUAL_KNOT_READS`).
    InterpA2,
    /// The last weight's knots arrive and are registered.
    InterpB,
    /// The last weight's product is registered; the schedule moves to the next step.
    InterpC,
    /// The last weight's sum is registered.
    InterpD,
    /// The last weight is written. The units start the cycle after: a unit reads `W⁰` as it
    /// starts, on its weight memory's port A, which returns nothing new in the cycles it is
    /// written, and the weights are written one a cycle.
    InterpE,
    /// Start the update unit.
    UpdateStart,
    /// Spins stream into the write bank.
    UpdateRun,
    /// External mode: the measured spins come in through the sample port.
    MeasureRun,
    /// The step's spins are complete: hand them to the matvec engine once it is free.
    Handoff,
    /// Wait for the matvec of the step handed off (no overlap, or the last step).
    Wait,
    /// Pulse `run_done`.
    Done,
    /// A phase with start spins (`PHASES`; after the others, so that they keep their numbers):
    /// copy them, a word a cycle, from the start memory
    /// into the spin bank the first pass reads.
    StartCopy,
    /// Run `Tc` matvec passes over the start spins, one into each history slot: every slot
    /// holds `f(s)`, as if the spins had sat at `s` for `Tc` steps (`docs/fixed-point.md`).
    StartPass,
}

/// States of the matvec side: it runs the pass of a step handed off by the update side, beside
/// the update of the next step (`OVERLAP`).
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum BackState {
    /// No pass.
    Idle,
    /// Start the matvec engine.
    Start,
    /// Fields stream into the history.
    Run,
    /// Best-so-far, step counters; `step_done`.
    End,
}

/// The core.
#[derive(LogicBlock)]
pub struct Core {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a run.
    pub start: Signal<In, Bit>,
    /// Abandon the run: registered once (it reaches every unit and the matvec engine, across
    /// the device), then everything is idle at the clock after, so a `start` must come two
    /// cycles after `stop` at the earliest.
    pub stop: Signal<In, Bit>,
    /// The run's set-up (the loader's header registers).
    pub setup: CoreSetup,
    /// 32-bit run seed.
    pub run_seed: Signal<In, Bits<32>>,
    /// J's and the linear terms' memory writes (to the matvec engine's memories).
    pub matrix: MatrixWrites,
    /// The knot memory's writes.
    pub knot_writes: KnotWrites,
    /// Best spin to read while idle.
    pub best_raddr: Signal<In, Bits<SPIN_BITS>>,
    /// The best spin bit at `best_raddr` (one cycle later).
    pub best_rbit: Signal<Out, Bit>,
    /// High while a run is in progress.
    pub busy: Signal<Out, Bit>,
    /// Pulses at the end of a run.
    pub run_done: Signal<Out, Bit>,
    /// Pulses at the end of each step.
    pub step_done: Signal<Out, Bit>,
    /// The step that just ended.
    pub step: Signal<Out, Bits<STEP_BITS>>,
    /// `E4` of that step.
    pub step_e4: Signal<Out, Signed<ACC_BITS>>,
    /// Lowest `E4` so far.
    pub best_e4: Signal<Out, Signed<ACC_BITS>>,
    /// First step reaching it.
    pub best_step: Signal<Out, Bits<STEP_BITS>>,
    /// A word of spins was written to the spin bank (observation): decided by the units, or
    /// measured.
    pub spin_valid: Signal<Out, Bit>,
    /// Its index: spins `index·UNITS ..` (those below `n`).
    pub spin_word_index: Signal<Out, Bits<SPIN_BITS>>,
    /// The word: spin `index·UNITS + p` in bit `p` (1 = −1).
    pub spin_word: Signal<Out, Bits<UNITS>>,
    /// A field was computed (observation).
    pub field_valid: Signal<Out, Bit>,
    /// Its index.
    pub field_index: Signal<Out, Bits<SPIN_BITS>>,
    /// Its value.
    pub field: Signal<Out, Signed<FIELD_BITS>>,
    /// A second field was computed in the same cycle, `field_index + 1`'s (the matvec engine
    /// ended two rows in one slot: `DOUBLE_ENDS`).
    pub field2_valid: Signal<Out, Bit>,
    /// Its value.
    pub field2: Signal<Out, Signed<FIELD_BITS>>,
    /// External mode (measurement feedback): the update unit's pre-sign outputs go out through
    /// the drive port and the spins come in through the sample port; otherwise the core closes
    /// the loop itself.
    pub external: Signal<In, Bit>,
    /// External mode: a drive value is offered (held until `drive_ready`).
    pub drive_valid: Signal<Out, Bit>,
    /// Its spin.
    pub drive_index: Signal<Out, Bits<SPIN_BITS>>,
    /// The update unit's pre-sign output `y` for that spin.
    pub drive_value: Signal<Out, Signed<Y_BITS>>,
    /// The DAC takes the drive value this cycle.
    pub drive_ready: Signal<In, Bit>,
    /// External mode: a measured sample is offered (spins in index order, after the drives).
    pub sample_valid: Signal<In, Bit>,
    /// The sample (ADC code); its sign is the spin (`sample < 0` is −1, 0 is +1).
    pub sample: Signal<In, Signed<SAMPLE_BITS>>,
    /// The core takes the sample this cycle.
    pub sample_ready: Signal<Out, Bit>,
    /// Learning phases (`PHASES`), taken at `start`: the run keeps the spins of its last
    /// `window` steps in the window memory, and with `phase_start` it starts from the start
    /// memory's spins (`StartCopy`, `StartPass`).
    pub phase: Signal<In, Bit>,
    /// See `phase`.
    pub phase_start: Signal<In, Bit>,
    /// See `phase` (1 to the run's steps).
    pub window: Signal<In, Bits<16>>,
    /// The start memory's writes: word `start_waddr` holds spins `start_waddr·UNITS ..` (bit
    /// `p` set for −1), written while the core is idle.
    pub start_waddr: Signal<In, Bits<UNIT_SPIN_BITS>>,
    /// See `start_waddr`.
    pub start_wdata: Signal<In, Bits<UNITS>>,
    /// See `start_waddr`.
    pub start_we: Signal<In, Bit>,
    /// The window memory's read (while idle): window step `k`'s word `j` (spins `j·UNITS ..`)
    /// at `k·⌈n/UNITS⌉ + j`, one cycle later on `window_rword`.
    pub window_raddr: Signal<In, Bits<WINDOW_ADDR_BITS>>,
    /// See `window_raddr`.
    pub window_rword: Signal<Out, Bits<UNITS>>,
    units: [Update; UNITS],
    matvec: Matvec,
    /// The knots: port A reads knot `k` of a weight (and takes the loader's writes), port B
    /// knot `k + 1`.
    knots: DualReadRam<Signed<W_BITS>, KNOT_ADDR_BITS>,
    /// `stop`, registered.
    stop_q: DFF<Bit>,
    /// A spin's initial noise state, its place and its unit, registered before they fan out to
    /// every unit's noise memory.
    seed_q: DFF<Bits<32>>,
    seed_addr_q: DFF<Bits<UNIT_SPIN_BITS>>,
    seed_we_q: [DFF<Bit>; UNITS],
    /// The interpolated weight and its address, registered before they fan out to both weight
    /// memories of every unit (`wq2`: the write is due).
    q_value_q: DFF<Signed<W_BITS>>,
    wp2: DFF<Bits<KNOT_ADDR_BITS>>,
    wq2: DFF<Bit>,
    knot_waddr_q: DFF<Bits<KNOT_ADDR_BITS>>,
    knot_wdata_q: DFF<Signed<W_BITS>>,
    knot_we_q: DFF<Bit>,
    state: DFF<CoreState>,
    back: DFF<BackState>,
    i: DFF<Bits<HIST_ADDR_BITS>>,
    p: DFF<Bits<KNOT_ADDR_BITS>>,
    /// The matvec side's step (the step that ends next) and its history slot `t mod Tc`.
    t: DFF<Bits<STEP_BITS>>,
    tmod: DFF<Bits<6>>,
    /// The update side's step mod `Tc` (the history slot of its oldest field): one ahead of
    /// `tmod` while the matvec side runs beside the units (then the update side is a step
    /// ahead; else `t` is its step too). It changes only while the units are between passes
    /// or where both values agree, so the interpolation places each `W²` weight by it
    /// ([`weight_place`]) for the pass that follows.
    umod_next: Signal<Local, Bits<6>>,
    /// Where the interpolation writes a `W²` weight ([`weight_place`]): the weight's hidden
    /// unit's base (`wk`), its tap (`ws`) and the tap's slot (`wr = (ws + umod) mod Tc`); `wplace`
    /// the place of weight `p`, and `wstride` the distance between hidden units.
    wk: DFF<Bits<KNOT_ADDR_BITS>>,
    ws: DFF<Bits<6>>,
    wr: DFF<Bits<6>>,
    wplace: Signal<Local, Bits<KNOT_ADDR_BITS>>,
    wstride: Signal<Local, Bits<6>>,
    /// Fields the running matvec pass has written (held at `n` between passes): spin `i`'s
    /// newest field is in the history when `i < fcount`.
    fcount: DFF<Bits<COUNT_BITS>>,
    r: DFF<Bits<16>>,
    kbase: DFF<Bits<KNOT_ADDR_BITS>>,
    /// Knots `k` and `k + 1` of a weight, registered as they leave the knot memory (stage 1).
    /// Builds without `DUAL_KNOT_READS` take knot `k` from `qk`, port A's word of the cycle
    /// before.
    qa: DFF<Signed<W_BITS>>,
    qk: DFF<Signed<W_BITS>>,
    qb: DFF<Signed<W_BITS>>,
    /// Knot `k` again, beside the product (stage 2).
    qa2: DFF<Signed<W_BITS>>,
    /// A weight's reads were issued (stage 1: `iv`; stage 2: `iv2`), and its place.
    iv: DFF<Bit>,
    ip: DFF<Bits<KNOT_ADDR_BITS>>,
    iv2: DFF<Bit>,
    ip2: DFF<Bits<KNOT_ADDR_BITS>>,
    seed_acc: DFF<Bits<32>>,
    /// The spin banks: written by the update side, read by the matvec pass, and the best
    /// spins' (never written while they are the best).
    bank_w: DFF<Bits<BANK_BITS>>,
    bank_r: DFF<Bits<BANK_BITS>>,
    best_bank: DFF<Bits<BANK_BITS>>,
    best: DFF<Signed<ACC_BITS>>,
    best_t: DFF<Bits<STEP_BITS>>,
    /// The drive port's register: an offered value, its spin, and whether it is offered.
    dv: DFF<Bit>,
    dval: DFF<Signed<Y_BITS>>,
    didx: DFF<Bits<SPIN_BITS>>,
    /// External mode: the unit whose decision goes to the drive port next (spin `g`'s).
    turn: DFF<Bits<5>>,
    /// External mode: the spin whose decision goes to the drive port next.
    g: DFF<Bits<COUNT_BITS>>,
    /// Each unit has finished its pass (or has no spin this step).
    finished: [DFF<Bit>; UNITS],
    /// Each unit's start, registered a cycle ahead (InterpE sets it for UpdateStart, the only
    /// state after it): a register per unit, so that the state decode does not reach across
    /// the die into every unit's first cycle (the ULX3S build's critical path at 61.66 MHz,
    /// seed 3).
    start_q: [DFF<Bit>; UNITS],
    /// The units' decisions were taken in the cycle before (every unit's: they decide in
    /// lockstep): registered, so that the choice of taking (in external mode, the DAC's ready)
    /// reaches no unit's state machine in the cycle it is made.
    taken_q: DFF<Bit>,
    /// Each unit's spins: `⌈(n − p) / UNITS⌉` for unit `p`, registered: `n` is the image's and
    /// does not change during a run, and the adder and shift in front of it sat on the clock's
    /// critical path (through each unit's last-spin compare into its history address).
    unit_n: [DFF<Bits<COUNT_BITS>>; UNITS],
    /// The places whose fields are in for every unit: whole words of `UNITS` fields
    /// (`fcount >> UNIT_BITS`), every place once the pass has written all `n`. Registered from
    /// the count `fcount` takes next, so it holds the same value in the same cycle as when it
    /// was computed from `fcount` (the count's compare and shift in front of the route to every
    /// unit was the ULX3S build's critical path at 68.81 MHz).
    unit_avail: DFF<Bits<COUNT_BITS>>,
    /// The bank that is neither written now nor the best's: the next step's.
    free_bank: Signal<Local, Bits<BANK_BITS>>,
    /// The update of the next step may run beside this step's matvec (internal mode, `OVERLAP`).
    overlap_on: Signal<Local, Bit>,
    /// Every unit has finished.
    all_done: Signal<Local, Bit>,
    /// The decisions in turn are offered: unit 0's (internal mode: every unit with a spin at
    /// that place decides in the same cycle), unit `turn`'s (external mode).
    t_valid: Signal<Local, Bit>,
    /// They are taken this cycle.
    take: Signal<Local, Bit>,
    /// Decisions taken in the cycle before go into the spin bank as word `ww` (`wpend`,
    /// internal mode) or, one, into the drive port's register (`dpend`) from its unit
    /// (`wunit`) as spin `wg`: their `y` comes from the units' `y_late` registers.
    wpend: DFF<Bit>,
    dpend: DFF<Bit>,
    wunit: DFF<Bits<5>>,
    wg: DFF<Bits<COUNT_BITS>>,
    ww: DFF<Bits<UNIT_SPIN_BITS>>,
    /// The driven decision's `y`.
    late_y: Signal<Local, Signed<Y_BITS>>,
    /// The units' late decisions as a word: unit `p`'s spin in bit `p` (`late_one`), gathered
    /// by a chain of ORs (`late_chain[p + 1] = late_chain[p] | late_one[p]`).
    late_one: [Signal<Local, Bits<UNITS>>; UNITS],
    late_chain: [Signal<Local, Bits<UNITS>>; UNITS + 1],
    late_word: Signal<Local, Bits<UNITS>>,
    /// External mode: the measured spins of the word being gathered (`sword`), the word with
    /// this cycle's sample in it (`sample_word`), and the sample's bit in it.
    sword: DFF<Bits<UNITS>>,
    sample_word: Signal<Local, Bits<UNITS>>,
    sample_sel: Signal<Local, Bits<5>>,
    /// The first word of the bank being written.
    wbank_base: Signal<Local, Bits<SPIN_WORD_ADDR_BITS>>,
    /// The spin `g` is the last of its word (external mode: the units are then told).
    word_end: Signal<Local, Bit>,
    /// The unit holding spin `i` (noise seeding) and field `field_index`.
    i_unit: Signal<Local, Bits<5>>,
    f_unit: Signal<Local, Bits<5>>,
    /// The second field's index and unit, and each field's place in its unit's history (slot
    /// `t mod Tc` of it).
    f2_index: Signal<Local, Bits<SPIN_BITS>>,
    f2_unit: Signal<Local, Bits<5>>,
    f_at: Signal<Local, Bits<UNIT_HIST_BITS>>,
    f2_at: Signal<Local, Bits<UNIT_HIST_BITS>>,
    /// Fields written this cycle (0, 1 or 2).
    f_count: Signal<Local, Bits<COUNT_BITS>>,
    a1: Signal<Local, Bits<32>>,
    a2: Signal<Local, Bits<32>>,
    a3: Signal<Local, Bits<32>>,
    seed_value: Signal<Local, Bits<32>>,
    diff: Signal<Local, Signed<W_BITS>>,
    r_signed: Signal<Local, Signed<16>>,
    prod: Signal<Local, Signed<32>>,
    /// `prod` registered (stage 2; `wq`: a weight is in it, at weight address `wp`): the
    /// interpolated weight is finished the cycle after (stage 3) and written to the units the
    /// cycle after that (stage 4), so that no path runs from the knot memory through the
    /// multiplier, the shifter and the adder to every unit.
    prod_r: DFF<Signed<32>>,
    wq: DFF<Bit>,
    wp: DFF<Bits<KNOT_ADDR_BITS>>,
    /// `(q_{k+1} − q_k)·r >> s`, arithmetic (its low `W_BITS` bits are used).
    frac: Signal<Local, Bits<32>>,
    q_value: Signal<Local, Signed<W_BITS>>,
    seg_len: Signal<Local, Bits<16>>,
    hist_limit: Signal<Local, Bits<HIST_ADDR_BITS>>,
    /// Where the write bank and the best bank start in the spin memories (a multiple of
    /// `2^SPIN_BITS`: a spin index is ORed in).
    bank_base: Signal<Local, Bits<SPIN_ADDR_BITS>>,
    best_base: Signal<Local, Bits<SPIN_ADDR_BITS>>,
    sample_negative: Signal<Local, Bit>,
    /// `external`, and the build has the measurement-feedback ports (`EXTERNAL`).
    ext_on: Signal<Local, Bit>,
    /// `EXTERNAL`: without it the drive and sample paths are constant and synthesis drops them.
    external_built: Constant<Bit>,
    /// `PHASES`: without it the phase registers stay clear and synthesis drops the memories.
    phases_built: Constant<Bit>,
    /// The start spins and the window's spins, a word of `UNITS` spins each.
    start_mem: RAM<Bits<UNITS>, UNIT_SPIN_BITS>,
    window_mem: RAM<Bits<UNITS>, WINDOW_ADDR_BITS>,
    /// This run is a phase (`ph_on`), starts from the start spins (`ph_start`), and keeps
    /// the steps from `win_from` (= steps − window) on.
    ph_on: DFF<Bit>,
    ph_start: DFF<Bit>,
    win_from: DFF<Bits<STEP_BITS>>,
    /// The matvec side runs a start pass (no step ends), and start passes issued.
    prefill: DFF<Bit>,
    pf_count: DFF<Bits<6>>,
    /// `StartCopy`'s read of the cycle before: its word goes into the spin bank now.
    sc_v: DFF<Bit>,
    sc_addr: DFF<Bits<UNIT_SPIN_BITS>>,
    /// The update side's step (the step its units decide), the window word where that step's
    /// spins go, and, for the decisions taken in the cycle before, the window address and
    /// whether they are kept.
    ut: DFF<Bits<STEP_BITS>>,
    win_base: DFF<Bits<WINDOW_ADDR_BITS>>,
    win_addr: DFF<Bits<WINDOW_ADDR_BITS>>,
    win_keep: DFF<Bit>,
    /// `OVERLAP`.
    overlap_built: Constant<Bit>,
    /// `TAPS_PER_CYCLE − 1` and its complement at 6 bits: round `Tc` and `1 + D` up to a
    /// multiple of the taps a unit takes a cycle ([`weight_place`]).
    tap_round: Constant<Bits<6>>,
    tap_align: Constant<Bits<6>>,
    /// The same at the knot address width, and whether a unit takes more than one tap a cycle.
    tap_round_k: Constant<Bits<KNOT_ADDR_BITS>>,
    tap_align_k: Constant<Bits<KNOT_ADDR_BITS>>,
    wide_built: Constant<Bit>,
    /// Weight `p`'s knots are read this cycle (its place goes down the interpolation).
    issued: Signal<Local, Bit>,
    /// `DUAL_KNOT_READS` as a signal.
    dual_knots: Constant<Bit>,
    zero_sample: Constant<Signed<SAMPLE_BITS>>,
    one16: Constant<Bits<16>>,
    ones32: Constant<Bits<32>>,
    stride: Constant<Bits<32>>,
    /// `SPIN_BITS`: a bank starts at its number shifted by it.
    spin_bits: Constant<Bits<8>>,
    /// Banks 0, 1 and 2 (2 is 0 where there are two).
    bank_no: [Constant<Bits<BANK_BITS>>; 3],
    /// `p` for unit `p`.
    unit_id: [Constant<Bits<5>>; UNITS],
    /// `UNITS − 1 − p` for unit `p`: rounds its spin count up.
    unit_round: [Constant<Bits<COUNT_BITS>>; UNITS],
    /// `UNIT_BITS`: a spin's place in its unit is `i >> UNIT_BITS`.
    unit_shift: Constant<Bits<8>>,
    /// `UNITS − 1`: a spin's unit is `i & (UNITS − 1)`.
    unit_mask: Constant<Bits<5>>,
    /// `1 << p` for unit `p`, and `1`, as spin words.
    unit_bit: [Constant<Bits<UNITS>>; UNITS],
    one_word: Constant<Bits<UNITS>>,
}
