//! The incremental matvec: the scatter engine with what a core needs around it. A pass reads
//! only the columns of the spins that changed since the last pass, and hands the fields out
//! `READ_FIELDS` a cycle (a part of a place) in index order, with the step's `E4`.
//!
//! - **Spins.** The core writes each step's spin words here, into the bank it names (as into
//!   the matvec engine's), and a pass reads `bank`. Every word written also goes through the
//!   [`FlipQueue`], which queues the place and
//!   the changed bits of each word that differs from the last pass's.
//! - **A first pass** (`first` at `start`: a run's first step, each phase start pass) starts
//!   every row's accumulator at `−l_i` (a row a cycle, `N` cycles), empties the queue, and adds
//!   every column `±2w` (walking the pass's spin words, each of which also becomes the queue's
//!   copy). **Every later pass** takes the queued words and adds each changed column `±4w`.
//!   Either way a word's columns go to the engine one a cycle (the lowest changed bit first,
//!   its sign from the pass's spin word), the next word's spin word read meanwhile.
//! - **The readout**, once the engine is idle: a part of a place a cycle (`READ_FIELDS` of its
//!   `UNITS` fields), the [`Readout`] picking each unit's row from the slot's lanes through the
//!   lane table (`word_valid`, `word_place`, `word_part`, `fields`), and summing
//!   `Σ σ_i·f_i`.
//! - **`E4`** = `Σ σ_i·(f_i − l_i)` = `Σ σ_i·f_i − Σ σ_i·l_i`. The second sum is kept as the
//!   columns go by: a first pass adds `σ_j·l_j` for every column, a later one `2·σ_j·l_j` for each
//!   flipped one (one `l` read a column), so the readout needs no `l`.
//!
//! Protocol: load `J` through the engine's packer and `l` through `linear_*` while idle; pulse
//! `start` (with `first` for a run's first pass); the fields come out in index order, then
//! `done` pulses with `e4` final (held until the next `start`). A later pass may start before
//! its step's spin words are written: its columns go to the engine as the words come, and it
//! goes on to the readout only once `seal` has said that the last word is written (with
//! `start` or after it). So a core can scatter step `t`'s flips while step `t` is still being
//! decided, once the last readout is over. A first pass walks the spin words as it starts, so
//! they must all be written by then (it takes `seal` as given).
//! `peek_addr` reads any spin while idle (`peek_bit` a cycle later). `stop` returns to idle at
//! once; the engine drains what it had taken (a few cycles), and the next pass waits for it.

use super::super::widths::*;
use super::flips::FlipQueue;
use super::readout::{Readout, TERM_SUM_BITS};
use super::{Scatter, PART_BITS, READ_FIELDS, SLOT_BITS};
use rust_hdl::prelude::*;

/// The block's Verilog (`npim hdl verilog --block incremental`; `scripts/block-fmax.sh`
/// synthesizes it alone).
pub fn verilog() -> String {
    crate::harness::verilog_of(IncrementalMatvec::default)
}

/// States.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum IncState {
    /// Waiting for `start`.
    Idle,
    /// A first pass: each row's accumulator started at `−l` (once the engine is idle).
    Init,
    /// Wait for the starts to be written.
    InitWait,
    /// Columns to the engine.
    Columns,
    /// Wait for the engine's last column.
    Drain,
    /// A part of a place a cycle out of the banks.
    Read,
    /// The last places' sums arrive; `E4`.
    Finish,
    /// Pulse `done`.
    Done,
}

/// The incremental matvec (module docs).
#[derive(LogicBlock)]
pub struct IncrementalMatvec {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a pass over spins `0..n` of `bank`.
    pub start: Signal<In, Bit>,
    /// The pass is a first pass (taken with `start`).
    pub first: Signal<In, Bit>,
    /// The step's last spin word is written (with `start`, or any cycle after it).
    pub seal: Signal<In, Bit>,
    /// Abandon the pass.
    pub stop: Signal<In, Bit>,
    /// Number of spins.
    pub n: Signal<In, Bits<COUNT_BITS>>,
    /// Begin loading `J` (the engine's packer).
    pub load_start: Signal<In, Bit>,
    /// See `load_start`.
    pub load_ready: Signal<Out, Bit>,
    /// The next row's lane.
    pub owner_valid: Signal<In, Bit>,
    /// See `owner_valid`.
    pub owner_lane: Signal<In, Bits<LANE_BITS>>,
    /// An entry of the column being loaded.
    pub entry_valid: Signal<In, Bit>,
    /// Its row.
    pub entry_row: Signal<In, Bits<SPIN_BITS>>,
    /// Its weight.
    pub entry_weight: Signal<In, Bits<WEIGHT_BITS>>,
    /// The column being loaded is complete.
    pub column_end: Signal<In, Bit>,
    /// With `column_end`: the column the next entries belong to (the columns before it are
    /// empty).
    pub column_next: Signal<In, Bits<SPIN_BITS>>,
    /// The owners broke the grouped layout.
    pub error_group: Signal<Out, Bit>,
    /// The columns took more words than the engine holds.
    pub error_words: Signal<Out, Bit>,
    /// `l`'s write port.
    pub linear_waddr: Signal<In, Bits<SPIN_BITS>>,
    /// See `linear_waddr`.
    pub linear_wdata: Signal<In, Bits<LINEAR_BITS>>,
    /// See `linear_waddr`.
    pub linear_we: Signal<In, Bit>,
    /// The bank the pass reads.
    pub bank: Signal<In, Bits<BANK_BITS>>,
    /// Spin word write address: bank number above the place.
    pub spin_waddr: Signal<In, Bits<SPIN_WORD_ADDR_BITS>>,
    /// Spin word: spin `place·UNITS + p` in bit `p` (1 = −1).
    pub spin_wdata: Signal<In, Bits<UNITS>>,
    /// Spin write enable.
    pub spin_we: Signal<In, Bit>,
    /// A spin to read while idle (bank number above the index).
    pub peek_addr: Signal<In, Bits<SPIN_ADDR_BITS>>,
    /// The spin at `peek_addr`, a cycle later.
    pub peek_bit: Signal<Out, Bit>,
    /// A part of a place's fields is out.
    pub word_valid: Signal<Out, Bit>,
    /// The place.
    pub word_place: Signal<Out, Bits<UNIT_SPIN_BITS>>,
    /// The part: units `word_part·READ_FIELDS ..`.
    pub word_part: Signal<Out, Bits<PART_BITS>>,
    /// Unit `word_part·READ_FIELDS + m`'s field (row
    /// `word_place·UNITS + word_part·READ_FIELDS + m`).
    pub fields: [Signal<Out, Signed<FIELD_BITS>>; READ_FIELDS],
    /// The pass is complete.
    pub done: Signal<Out, Bit>,
    /// A pass is running.
    pub busy: Signal<Out, Bit>,
    /// The pass's `E4` (with `done`, held until the next `start`).
    pub e4: Signal<Out, Signed<ACC_BITS>>,
    engine: Scatter,
    flips: FlipQueue,
    readout: Readout,
    /// The spin words, every bank (one read port: the pass's walk, the readout, `peek`).
    spins: RAM<Bits<UNITS>, SPIN_WORD_ADDR_BITS>,
    linear: RAM<Bits<LINEAR_BITS>, SPIN_BITS>,
    state: DFF<IncState>,
    first_q: DFF<Bit>,
    /// Every spin word of the pass's step is written.
    sealed: DFF<Bit>,
    /// Places of the pass: `⌈n/UNITS⌉`.
    places: DFF<Bits<COUNT_BITS>>,
    /// Init: the row whose `l` is read; the one read the cycle before, on its way.
    row: DFF<Bits<COUNT_BITS>>,
    iv: DFF<Bit>,
    irow: DFF<Bits<SPIN_BITS>>,
    /// A first pass's walk: the next place.
    walk: DFF<Bits<COUNT_BITS>>,
    /// (R) a word whose spins arrive from the spin memory: place, columns to add.
    r_valid: DFF<Bit>,
    r_place: DFF<Bits<UNIT_SPIN_BITS>>,
    r_mask: DFF<Bits<UNITS>>,
    /// (X) the word whose columns go to the engine: place, columns left, spins.
    x_valid: DFF<Bit>,
    x_place: DFF<Bits<UNIT_SPIN_BITS>>,
    x_mask: DFF<Bits<UNITS>>,
    x_word: DFF<Bits<UNITS>>,
    /// A column was taken the cycle before: its sign and whether it flipped (`Σ σ·l`'s term
    /// once its `l` arrives).
    lv: DFF<Bit>,
    lneg: DFF<Bit>,
    ldouble: DFF<Bit>,
    /// The same a cycle later, with the `l` read, registered as it leaves the block RAM: its
    /// 5.8 ns clock-to-output with the doubling and the `Σ σ·l` adder behind it held the block
    /// at 73.17 MHz on the ECP5-85F.
    lv2: DFF<Bit>,
    lneg2: DFF<Bit>,
    ldouble2: DFF<Bit>,
    l_q: DFF<Bits<LINEAR_BITS>>,
    /// `Σ σ_i·l_i` of the pass's spins.
    sigma_l: DFF<Signed<ACC_BITS>>,
    /// Readout: the next place and part; the place and part read the cycle before.
    rp: DFF<Bits<COUNT_BITS>>,
    rq: DFF<Bits<PART_BITS>>,
    rv: DFF<Bit>,
    rplace: DFF<Bits<UNIT_SPIN_BITS>>,
    rpart: DFF<Bits<PART_BITS>>,
    rlive: DFF<Bits<UNITS>>,
    /// `Σ σ_i·f_i` so far, and the parts in it.
    e_acc: DFF<Signed<ACC_BITS>>,
    e_count: DFF<Bits<COUNT_BITS>>,
    e4_q: DFF<Signed<ACC_BITS>>,
    peek_sel: DFF<Bits<UNIT_BITS>>,
    /// The place's spins below `n`, for the place the walk or the readout is at.
    live_of: Signal<Local, Bits<UNITS>>,
    live_at: Signal<Local, Bits<COUNT_BITS>>,
    left: Signal<Local, Bits<COUNT_BITS>>,
    /// A word's source has one (the walk's next place, or the queue's head).
    src_valid: Signal<Local, Bit>,
    src_place: Signal<Local, Bits<UNIT_SPIN_BITS>>,
    src_mask: Signal<Local, Bits<UNITS>>,
    /// The lowest column of the mask X takes next (its bit, its index); X's columns after its
    /// lowest.
    low: Signal<Local, Bits<UNITS>>,
    low_index: Signal<Local, Bits<UNIT_BITS>>,
    rest: Signal<Local, Bits<UNITS>>,
    /// `low` and `low_index` as registers, computed from the mask X takes next: in the cycle,
    /// the pick (a 16-bit `+1` carry chain and the encoder) sat in front of the engine's column
    /// and the `l` read address, the block's critical path at 68.30 MHz on the ECP5-85F.
    x_low: DFF<Bits<UNITS>>,
    x_low_index: DFF<Bits<UNIT_BITS>>,
    /// The mask X holds next.
    next_mask: Signal<Local, Bits<UNITS>>,
    /// The engine takes X's column this cycle.
    accept: Signal<Local, Bit>,
    /// X takes R's word this cycle; R takes the source's.
    x_take: Signal<Local, Bit>,
    r_take: Signal<Local, Bit>,
    /// The spin memory's word address of a place in the pass's bank.
    bank_base: Signal<Local, Bits<SPIN_WORD_ADDR_BITS>>,
    /// `l` sign-extended, doubled for a flip.
    l_signed: Signal<Local, Signed<LINEAR_BITS>>,
    l_wide: Signal<Local, Signed<ACC_BITS>>,
    l_term: Signal<Local, Signed<ACC_BITS>>,
    e_signed: Signal<Local, Signed<TERM_SUM_BITS>>,
    /// Constants (rust_hdl writes consts into Verilog by name).
    bit_mask: [Constant<Bits<UNITS>>; UNITS],
    bit_index: [Constant<Bits<UNIT_BITS>>; UNITS],
    unit_shift: Constant<Bits<8>>,
    round_up: Constant<Bits<COUNT_BITS>>,
    units_count: Constant<Bits<COUNT_BITS>>,
    all_live: Constant<Bits<UNITS>>,
    one_word: Constant<Bits<UNITS>>,
    one_count: Constant<Bits<COUNT_BITS>>,
    place_shift: Constant<Bits<8>>,
    part_shift: Constant<Bits<8>>,
    last_part: Constant<Bits<PART_BITS>>,
}

impl Default for IncrementalMatvec {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            first: Default::default(),
            seal: Default::default(),
            stop: Default::default(),
            n: Default::default(),
            load_start: Default::default(),
            load_ready: Default::default(),
            owner_valid: Default::default(),
            owner_lane: Default::default(),
            entry_valid: Default::default(),
            entry_row: Default::default(),
            entry_weight: Default::default(),
            column_end: Default::default(),
            column_next: Default::default(),
            error_group: Default::default(),
            error_words: Default::default(),
            linear_waddr: Default::default(),
            linear_wdata: Default::default(),
            linear_we: Default::default(),
            bank: Default::default(),
            spin_waddr: Default::default(),
            spin_wdata: Default::default(),
            spin_we: Default::default(),
            peek_addr: Default::default(),
            peek_bit: Default::default(),
            word_valid: Default::default(),
            word_place: Default::default(),
            word_part: Default::default(),
            fields: Default::default(),
            done: Default::default(),
            busy: Default::default(),
            e4: Default::default(),
            engine: Default::default(),
            flips: Default::default(),
            readout: Default::default(),
            spins: Default::default(),
            linear: Default::default(),
            state: Default::default(),
            first_q: Default::default(),
            sealed: Default::default(),
            places: Default::default(),
            row: Default::default(),
            iv: Default::default(),
            irow: Default::default(),
            walk: Default::default(),
            r_valid: Default::default(),
            r_place: Default::default(),
            r_mask: Default::default(),
            x_valid: Default::default(),
            x_place: Default::default(),
            x_mask: Default::default(),
            x_word: Default::default(),
            lv: Default::default(),
            lneg: Default::default(),
            ldouble: Default::default(),
            lv2: Default::default(),
            lneg2: Default::default(),
            ldouble2: Default::default(),
            l_q: Default::default(),
            sigma_l: Default::default(),
            rp: Default::default(),
            rq: Default::default(),
            rv: Default::default(),
            rplace: Default::default(),
            rpart: Default::default(),
            rlive: Default::default(),
            e_acc: Default::default(),
            e_count: Default::default(),
            e4_q: Default::default(),
            peek_sel: Default::default(),
            live_of: Default::default(),
            live_at: Default::default(),
            left: Default::default(),
            src_valid: Default::default(),
            src_place: Default::default(),
            src_mask: Default::default(),
            low: Default::default(),
            low_index: Default::default(),
            rest: Default::default(),
            x_low: Default::default(),
            x_low_index: Default::default(),
            next_mask: Default::default(),
            accept: Default::default(),
            x_take: Default::default(),
            r_take: Default::default(),
            bank_base: Default::default(),
            l_signed: Default::default(),
            l_wide: Default::default(),
            l_term: Default::default(),
            e_signed: Default::default(),
            bit_mask: std::array::from_fn(|k| Constant::new((1u64 << k).to_bits())),
            bit_index: std::array::from_fn(|k| Constant::new((k as u64).to_bits())),
            unit_shift: Constant::new((UNIT_BITS as u64).to_bits()),
            round_up: Constant::new(((UNITS - 1) as u64).to_bits()),
            units_count: Constant::new((UNITS as u64).to_bits()),
            all_live: Constant::new(((1u64 << UNITS) - 1).to_bits()),
            one_word: Constant::new(1u64.to_bits()),
            one_count: Constant::new(1u64.to_bits()),
            place_shift: Constant::new((UNIT_SPIN_BITS as u64).to_bits()),
            part_shift: Constant::new((PART_BITS as u64).to_bits()),
            last_part: Constant::new(((1u64 << PART_BITS) - 1).to_bits()),
        }
    }
}

impl Logic for IncrementalMatvec {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            first_q,
            sealed,
            places,
            row,
            iv,
            irow,
            walk,
            r_valid,
            r_place,
            r_mask,
            x_valid,
            x_place,
            x_mask,
            x_word,
            x_low,
            x_low_index,
            lv,
            lneg,
            ldouble,
            lv2,
            lneg2,
            ldouble2,
            l_q,
            sigma_l,
            rp,
            rq,
            rv,
            rplace,
            rpart,
            rlive,
            e_acc,
            e_count,
            e4_q,
            peek_sel
        );
        self.engine.clock.next = self.clock.val();
        self.flips.clock.next = self.clock.val();
        self.readout.clock.next = self.clock.val();
        self.spins.read_clock.next = self.clock.val();
        self.spins.write_clock.next = self.clock.val();
        self.linear.read_clock.next = self.clock.val();
        self.linear.write_clock.next = self.clock.val();
        // the engine's load ports, passed through
        self.engine.load_start.next = self.load_start.val();
        self.load_ready.next = self.engine.load_ready.val();
        self.engine.owner_valid.next = self.owner_valid.val();
        self.engine.owner_lane.next = self.owner_lane.val();
        self.engine.entry_valid.next = self.entry_valid.val();
        self.engine.entry_row.next = self.entry_row.val();
        self.engine.entry_weight.next = self.entry_weight.val();
        self.engine.column_end.next = self.column_end.val();
        self.engine.column_next.next = self.column_next.val();
        self.error_group.next = self.engine.error_group.val();
        self.error_words.next = self.engine.error_words.val();
        self.linear.write_address.next = self.linear_waddr.val();
        self.linear.write_data.next = self.linear_wdata.val();
        self.linear.write_enable.next = self.linear_we.val();
        // the core's spin words: into the bank, and through the queue
        self.spins.write_address.next = self.spin_waddr.val();
        self.spins.write_data.next = self.spin_wdata.val();
        self.spins.write_enable.next = self.spin_we.val();
        self.flips.we.next = self.spin_we.val();
        self.flips.place.next =
            bit_cast::<UNIT_SPIN_BITS, SPIN_WORD_ADDR_BITS>(self.spin_waddr.val());
        self.flips.word.next = self.spin_wdata.val();
        self.flips.push.next = true;
        self.flips.clear.next = false;
        self.flips.pop.next = false;
        self.bank_base.next =
            bit_cast::<SPIN_WORD_ADDR_BITS, BANK_BITS>(self.bank.val()) << self.place_shift.val();
        // defaults
        self.engine.init_valid.next = self.iv.q.val();
        self.engine.init_row.next = self.irow.q.val();
        self.engine.init_linear.next = self.linear.read_data.val();
        self.iv.d.next = false;
        self.engine.col_valid.next = false;
        self.engine.read_slot.next = bit_cast::<SLOT_BITS, COUNT_BITS>(self.rp.q.val() >> 1);
        self.linear.read_address.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.row.q.val());
        self.spins.read_address.next = bit_cast::<SPIN_WORD_ADDR_BITS, SPIN_ADDR_BITS>(
            self.peek_addr.val() >> self.unit_shift.val(),
        );
        self.peek_sel.d.next = bit_cast::<UNIT_BITS, SPIN_ADDR_BITS>(self.peek_addr.val());
        self.peek_bit.next =
            ((self.spins.read_data.val() >> self.peek_sel.q.val()) & self.one_word.val()).any();
        self.done.next = false;
        self.busy.next = self.state.q.val() != IncState::Idle;
        self.e4.next = self.e4_q.q.val();
        // the spins below n at the place `live_at` (the walk's or the readout's)
        self.live_at.next = self.walk.q.val();
        if self.state.q.val() == IncState::Read {
            self.live_at.next = self.rp.q.val();
        }
        self.left.next = self.n.val() - (self.live_at.val() << self.unit_shift.val());
        self.live_of.next = self.all_live.val();
        if self.left.val() < self.units_count.val() {
            self.live_of.next =
                bit_cast::<UNITS, COUNT_BITS>((self.one_count.val() << self.left.val()) - 1);
        }
        // X: its lowest column to the engine
        self.rest.next = self.x_mask.q.val() & !self.x_low.q.val();
        self.engine.col.next = (bit_cast::<SPIN_BITS, UNIT_SPIN_BITS>(self.x_place.q.val())
            << self.unit_shift.val())
            | bit_cast::<SPIN_BITS, UNIT_BITS>(self.x_low_index.q.val());
        self.engine.col_neg.next = (self.x_word.q.val() & self.x_low.q.val()).any();
        self.engine.col_double.next = !self.first_q.q.val();
        self.accept.next = false;
        self.x_take.next = false;
        self.r_take.next = false;
        // the source of words: a first pass's walk, or the queue
        self.src_valid.next = self.flips.out_valid.val();
        self.src_place.next = self.flips.out_place.val();
        self.src_mask.next = self.flips.out_mask.val();
        if self.first_q.q.val() {
            self.src_valid.next = self.walk.q.val() < self.places.q.val();
            self.src_place.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.walk.q.val());
            self.src_mask.next = self.live_of.val();
        }
        // `Σ σ·l`: the column taken two cycles before, its `l` registered as it arrived
        self.lv.d.next = false;
        self.lv2.d.next = self.lv.q.val();
        self.lneg2.d.next = self.lneg.q.val();
        self.ldouble2.d.next = self.ldouble.q.val();
        self.l_q.d.next = self.linear.read_data.val();
        self.l_signed.next = signed_cast::<LINEAR_BITS>(self.l_q.q.val());
        self.l_wide.next = signed_bit_cast::<ACC_BITS, LINEAR_BITS>(self.l_signed.val());
        self.l_term.next = self.l_wide.val();
        if self.ldouble2.q.val() {
            self.l_term.next = self.l_wide.val() + self.l_wide.val();
        }
        if self.lv2.q.val() {
            if self.lneg2.q.val() {
                self.sigma_l.d.next = self.sigma_l.q.val() - self.l_term.val();
            } else {
                self.sigma_l.d.next = self.sigma_l.q.val() + self.l_term.val();
            }
        }
        // the readout
        self.rv.d.next = false;
        self.readout.valid.next = self.rv.q.val();
        self.readout.place.next = self.rplace.q.val();
        self.readout.part.next = self.rpart.q.val();
        self.readout.live.next = self.rlive.q.val();
        self.readout.spins.next = self.spins.read_data.val();
        for l in 0..LANES {
            self.readout.acc[l].next = self.engine.acc[l].val();
            self.readout.row_lanes[l].next = self.engine.row_lanes[l].val();
        }
        self.word_valid.next = self.readout.out_valid.val();
        self.word_place.next = self.readout.out_place.val();
        self.word_part.next = self.readout.out_part.val();
        for m in 0..READ_FIELDS {
            self.fields[m].next = self.readout.fields[m].val();
        }
        self.e_signed.next = self.readout.e_sum.val();
        if self.readout.e_valid.val() {
            self.e_acc.d.next = self.e_acc.q.val()
                + signed_bit_cast::<ACC_BITS, TERM_SUM_BITS>(self.e_signed.val());
            self.e_count.d.next = self.e_count.q.val() + 1;
        }
        match self.state.q.val() {
            IncState::Idle => {
                if self.start.val() {
                    self.first_q.d.next = self.first.val();
                    self.sealed.d.next = self.first.val() | self.seal.val();
                    self.places.d.next =
                        (self.n.val() + self.round_up.val()) >> self.unit_shift.val();
                    self.row.d.next = 0.into();
                    self.walk.d.next = 0.into();
                    self.rp.d.next = 0.into();
                    self.rq.d.next = 0.into();
                    self.e_acc.d.next = 0.into();
                    self.e_count.d.next = 0.into();
                    self.state.d.next = IncState::Columns;
                    if self.first.val() {
                        self.sigma_l.d.next = 0.into();
                        self.state.d.next = IncState::Init;
                    }
                }
            }
            IncState::Init => {
                // (after whatever a stopped pass left in the engine)
                self.flips.clear.next = true;
                if !self.engine.busy.val() | self.iv.q.val() {
                    self.iv.d.next = true;
                    self.irow.d.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.row.q.val());
                    self.row.d.next = self.row.q.val() + 1;
                    if (self.row.q.val() + 1) == self.n.val() {
                        self.state.d.next = IncState::InitWait;
                    }
                }
            }
            IncState::InitWait => {
                if !self.iv.q.val() & !self.engine.busy.val() {
                    self.state.d.next = IncState::Columns;
                }
            }
            IncState::Columns => {
                if self.seal.val() {
                    self.sealed.d.next = true;
                }
                self.engine.col_valid.next = self.x_valid.q.val();
                self.accept.next = self.x_valid.q.val() & self.engine.col_ready.val();
                self.x_take.next =
                    !self.x_valid.q.val() | (self.accept.val() & !self.rest.val().any());
                self.r_take.next =
                    (!self.r_valid.q.val() | self.x_take.val()) & self.src_valid.val();
                // `l` of the column taken
                self.linear.read_address.next = self.engine.col.val();
                self.lv.d.next = self.accept.val();
                self.lneg.d.next = self.engine.col_neg.val();
                self.ldouble.d.next = !self.first_q.q.val();
                if self.accept.val() {
                    self.x_mask.d.next = self.rest.val();
                    if !self.rest.val().any() {
                        self.x_valid.d.next = false;
                    }
                }
                // R's word to X (its spins arrive now); a first pass's word becomes the
                // queue's copy
                if self.x_take.val() {
                    self.x_valid.d.next = self.r_valid.q.val();
                    self.x_place.d.next = self.r_place.q.val();
                    self.x_mask.d.next = self.r_mask.q.val();
                    self.x_word.d.next = self.spins.read_data.val();
                    if self.r_valid.q.val() & self.first_q.q.val() {
                        self.flips.we.next = true;
                        self.flips.place.next = self.r_place.q.val();
                        self.flips.word.next = self.spins.read_data.val();
                        self.flips.push.next = false;
                    }
                }
                // the source's word to R, its spins read; or R waits, its spins held out
                self.spins.read_address.next = self.bank_base.val()
                    | bit_cast::<SPIN_WORD_ADDR_BITS, UNIT_SPIN_BITS>(self.r_place.q.val());
                if self.r_take.val() {
                    self.r_valid.d.next = true;
                    self.r_place.d.next = self.src_place.val();
                    self.r_mask.d.next = self.src_mask.val();
                    self.spins.read_address.next = self.bank_base.val()
                        | bit_cast::<SPIN_WORD_ADDR_BITS, UNIT_SPIN_BITS>(self.src_place.val());
                    self.flips.pop.next = !self.first_q.q.val();
                    self.walk.d.next = self.walk.q.val() + 1;
                } else if self.x_take.val() {
                    self.r_valid.d.next = false;
                }
                // (once the last word is written and the queue has taken it)
                if self.sealed.q.val()
                    & !self.src_valid.val()
                    & !self.r_valid.q.val()
                    & !self.x_valid.q.val()
                    & self.flips.quiet.val()
                {
                    self.state.d.next = IncState::Drain;
                }
            }
            IncState::Drain => {
                if !self.engine.busy.val() {
                    self.state.d.next = IncState::Read;
                }
            }
            IncState::Read => {
                self.spins.read_address.next = self.bank_base.val()
                    | bit_cast::<SPIN_WORD_ADDR_BITS, COUNT_BITS>(self.rp.q.val());
                self.rv.d.next = true;
                self.rplace.d.next = bit_cast::<UNIT_SPIN_BITS, COUNT_BITS>(self.rp.q.val());
                self.rpart.d.next = self.rq.q.val();
                self.rlive.d.next = self.live_of.val();
                self.rq.d.next = self.rq.q.val() + 1;
                if self.rq.q.val() == self.last_part.val() {
                    self.rp.d.next = self.rp.q.val() + 1;
                    if (self.rp.q.val() + 1) == self.places.q.val() {
                        self.state.d.next = IncState::Finish;
                    }
                }
            }
            IncState::Finish => {
                if self.e_count.q.val() == (self.places.q.val() << self.part_shift.val()) {
                    self.e4_q.d.next = self.e_acc.q.val() - self.sigma_l.q.val();
                    self.state.d.next = IncState::Done;
                }
            }
            IncState::Done => {
                self.done.next = true;
                self.state.d.next = IncState::Idle;
            }
            _ => {
                self.state.d.next = IncState::Idle;
            }
        }
        if self.stop.val() {
            self.state.d.next = IncState::Idle;
            self.iv.d.next = false;
            self.lv.d.next = false;
            self.lv2.d.next = false;
            self.r_valid.d.next = false;
            self.x_valid.d.next = false;
            self.rv.d.next = false;
        }
        // X's next lowest column, from the mask it takes
        self.next_mask.next = self.x_mask.d.val();
        self.low.next = self.next_mask.val() & (!self.next_mask.val() + 1);
        self.low_index.next = 0.into();
        for k in 0..UNITS {
            if (self.low.val() & self.bit_mask[k].val()).any() {
                self.low_index.next = self.bit_index[k].val();
            }
        }
        self.x_low.d.next = self.low.val();
        self.x_low_index.d.next = self.low_index.val();
    }
}
