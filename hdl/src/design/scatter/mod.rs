//! The scatter engine: the incremental matvec of issue 21 in RTL, specified by
//! `npim_sim::fixed::scatter` (layout and arithmetic; `docs/rtl.md`, "Next: an incremental
//! matvec"). Not yet part of any core: compiled into the `rtl` build only, and checked against
//! the specification and the golden model's fields in `hdl/tests/scatter.rs`.
//!
//! `LANES` lanes each own the field accumulators (`f = 2·J_q·σ − l`) of at most `2^SLOT_BITS`
//! rows (a bank per lane, [`ScatterLane`](crate::builds::rtl::scatter::lane::ScatterLane)). Column `j` is
//! `count_j` consecutive words from `first_j` (the column memory holds both); lane `l` of a
//! word holds one entry of a row lane `l` owns, as its bank address and weight (weight 0: the
//! lane idles). A column handed in with its
//! sign (`col_neg`: `σ_j = −1`) and `col_double` (a flip) adds `±2w` or `±4w` per entry, one
//! word a cycle, columns back to back with no gap: a pass costs the words of its columns (and a
//! cycle for a column of none), plus five cycles to drain.
//!
//! Pipeline: (A) a column accepted, its first word and count read from the column memory; (G)
//! the word addresses walked, one a cycle, taking A's column as the last word of the one
//! before issues; (W) the words arrive and are registered in the lanes; (X) each lane adds its
//! entry in its bank's read-modify-write (two stages more, `crate::widgets::acc_bank`).
//!
//! Protocol: load an image through the packer
//! ([`packer`](crate::builds::rtl::scatter::packer): `load_start`, the owners, the columns'
//! entries) while idle; before a run, start every row's accumulator at `−l_i`
//! (`init_valid` with row `init_row` and its `l` on `init_linear`, a row a cycle in any order;
//! each row's lane comes from the packer's lane table two cycles later, and each lane decodes
//! whether the row is its own in a cycle of its own); once `busy` is low, hand in columns
//! (`col_valid` held until `col_ready`): every column with `col_double` low on the run's first
//! pass, the flipped ones with it high after; once `busy` is low, `read_slot` reads every
//! lane's accumulator at that address, the cycle after on `acc`, and the lane table's row there
//! on `row_lanes` (row `read_slot·LANES + k` is in lane `row_lanes[k]`): the fields themselves.

pub mod flips;
pub mod incremental;
pub mod lane;
pub mod packer;
pub mod readout;

use super::widths::*;
use lane::ScatterLane;
use packer::ScatterPacker;
use rust_hdl::prelude::*;

/// Address bits of a row's accumulator in its lane's bank: a lane owns at most `⌈N/L⌉` rows.
pub const SLOT_BITS: usize = SPIN_BITS - LANE_BITS;
/// Bits of a column's word count: at most `2^SLOT_BITS` (every row of one lane in a column).
pub const RUN_BITS: usize = SLOT_BITS + 1;
/// Address bits of the word memories: room for twice the build's entries, since a column
/// takes as many words as its fullest lane (the study's G1 layout at 32 lanes: 2 716 words for
/// 38 352 entries, 1 199 full).
pub const WORD_ADDR_BITS: usize = ENTRY_ADDR_BITS - LANE_BITS + 1;
/// A lane's entry: bank address, weight above.
pub const LANE_ENTRY_BITS: usize = SLOT_BITS + WEIGHT_BITS;
/// A column memory word: first word, count above.
pub const COLUMN_BITS: usize = WORD_ADDR_BITS + RUN_BITS;
/// Width of an accumulator: `|f_i| ≤ 2·N_MAX·2^(WEIGHT_BITS−1) + 2^(LINEAR_BITS−1)`, below
/// `2^(SPIN_BITS + WEIGHT_BITS + 1)`, and the sign; every partial sum of a pass is some
/// `2·J_q·σ' − l`, so none is wider.
pub const ACC_BITS: usize = SPIN_BITS + WEIGHT_BITS + 2;
const _: () = assert!(LINEAR_BITS <= SPIN_BITS + WEIGHT_BITS);

/// Fields the incremental matvec's readout hands out a cycle (a part of a place; `readout.rs`
/// says why not a whole place).
pub const READ_FIELDS: usize = 4;
/// `log2(UNITS / READ_FIELDS)`: bits of a part's number within its place.
pub const PART_BITS: usize = UNIT_BITS - 2;
const _: () = assert!(READ_FIELDS << PART_BITS == UNITS);

/// These widths as the loader packs a layout for them
/// (`npim_sim::fixed::scatter::ScatterLayout::check_fits`, `column_word`, `lane_entry`).
pub const WIDTHS: npim_sim::fixed::scatter::ScatterWidths =
    npim_sim::fixed::scatter::ScatterWidths {
        slot_bits: SLOT_BITS as u32,
        weight_bits: WEIGHT_BITS as u32,
        word_addr_bits: WORD_ADDR_BITS as u32,
    };

/// The engine's Verilog (`npim hdl verilog --block scatter`: synthesized alone, as
/// `scripts/block-fmax.sh scatter` does, it measures the engine's resources and clock).
pub fn verilog() -> String {
    crate::harness::verilog_of(Scatter::default)
}

/// The engine.
#[derive(LogicBlock)]
pub struct Scatter {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Begin loading an image (`packer`): clear the word memories, `load_ready` low meanwhile.
    pub load_start: Signal<In, Bit>,
    /// See `load_start`.
    pub load_ready: Signal<Out, Bit>,
    /// The next row's lane, rows in index order from 0 (`packer`).
    pub owner_valid: Signal<In, Bit>,
    /// See `owner_valid`.
    pub owner_lane: Signal<In, Bits<LANE_BITS>>,
    /// An entry `J[i, j]` of the column being loaded, rows ascending (`packer`).
    pub entry_valid: Signal<In, Bit>,
    /// Its row `i`.
    pub entry_row: Signal<In, Bits<SPIN_BITS>>,
    /// Its weight.
    pub entry_weight: Signal<In, Bits<WEIGHT_BITS>>,
    /// The column being loaded has no more entries; the next column follows.
    pub column_end: Signal<In, Bit>,
    /// With `column_end`: the column the next entries belong to (the columns before it are
    /// empty).
    pub column_next: Signal<In, Bits<SPIN_BITS>>,
    /// The owners broke the grouped layout (sticky until `load_start`).
    pub error_group: Signal<Out, Bit>,
    /// The columns took more words than the memories hold (sticky until `load_start`).
    pub error_words: Signal<Out, Bit>,
    /// Start row `init_row`'s accumulator at `−init_linear` (before a run, while not busy).
    pub init_valid: Signal<In, Bit>,
    /// See `init_valid`.
    pub init_row: Signal<In, Bits<SPIN_BITS>>,
    /// See `init_valid`: the row's `l` (two's complement).
    pub init_linear: Signal<In, Bits<LINEAR_BITS>>,
    /// A column to add.
    pub col_valid: Signal<In, Bit>,
    /// See `col_valid`.
    pub col: Signal<In, Bits<SPIN_BITS>>,
    /// Its spin is −1: subtract.
    pub col_neg: Signal<In, Bit>,
    /// Add twice (the spin flipped).
    pub col_double: Signal<In, Bit>,
    /// The column is taken this cycle (with `col_valid`).
    pub col_ready: Signal<Out, Bit>,
    /// A column, a row's start or a load is in flight: the accumulators are not final.
    pub busy: Signal<Out, Bit>,
    /// Accumulator address read in every lane while not busy.
    pub read_slot: Signal<In, Bits<SLOT_BITS>>,
    /// Lane `l`'s accumulator at `read_slot`, the cycle after.
    pub acc: [Signal<Out, Bits<ACC_BITS>>; LANES],
    /// The lane holding row `read_slot·LANES + k`'s accumulator, the cycle after.
    pub row_lanes: [Signal<Out, Bits<LANE_BITS>>; LANES],
    packer: ScatterPacker,
    columns: RAM<Bits<COLUMN_BITS>, SPIN_BITS>,
    lanes: [ScatterLane; LANES],
    /// Lane numbers (rust_hdl writes consts into Verilog by name).
    lane_index: [Constant<Bits<LANE_BITS>>; LANES],
    /// Where the count starts in a column memory word.
    count_at: Constant<Bits<8>>,
    /// 1, where G's count ends.
    one: Constant<Bits<RUN_BITS>>,
    /// (A) a column whose first word and count are being read: valid, column, sign, flip.
    a_valid: DFF<Bit>,
    a_col: DFF<Bits<SPIN_BITS>>,
    a_neg: DFF<Bit>,
    a_double: DFF<Bit>,
    /// (G) the word issued this cycle, and how many of its column are left with it (taken
    /// from the column memory as they are, no subtraction after its output).
    g_valid: DFF<Bit>,
    g_addr: DFF<Bits<WORD_ADDR_BITS>>,
    g_left: DFF<Bits<RUN_BITS>>,
    g_neg: DFF<Bit>,
    g_double: DFF<Bit>,
    /// (W) the word arriving in the lanes this cycle.
    w_valid: DFF<Bit>,
    w_neg: DFF<Bit>,
    w_double: DFF<Bit>,
    /// (X) the word the lanes add this cycle.
    x_valid: DFF<Bit>,
    x_neg: DFF<Bit>,
    x_double: DFF<Bit>,
    /// The banks' second stage is writing a word's sums back.
    b_valid: DFF<Bit>,
    /// (I) a row's start while its lane is looked up (two cycles): its bank address and `−l`;
    /// then while each lane decodes whether the row is its own (a cycle); then the bank's
    /// second stage writing it.
    i_valid: DFF<Bit>,
    i_slot: DFF<Bits<SLOT_BITS>>,
    i_value: DFF<Bits<ACC_BITS>>,
    i_valid2: DFF<Bit>,
    i_slot2: DFF<Bits<SLOT_BITS>>,
    i_value2: DFF<Bits<ACC_BITS>>,
    i_valid3: DFF<Bit>,
    i_slot3: DFF<Bits<SLOT_BITS>>,
    i_value3: DFF<Bits<ACC_BITS>>,
    i_back: DFF<Bit>,
    /// `init_linear` sign-extended (through a signed signal: rust_hdl's Verilog zero-extends a
    /// cast of a cast).
    init_signed: Signal<Local, Signed<ACC_BITS>>,
    init_ext: Signal<Local, Bits<ACC_BITS>>,
    /// Where the bank address starts in a row index.
    slot_at: Constant<Bits<8>>,
    /// G issues its column's last word this cycle (or nothing): A's column goes next.
    g_free: Signal<Local, Bit>,
    /// A column is taken.
    accept: Signal<Local, Bit>,
    /// A's column's first word and count, from the column memory.
    first: Signal<Local, Bits<WORD_ADDR_BITS>>,
    count: Signal<Local, Bits<RUN_BITS>>,
    /// `busy` (read inside the block too).
    busy_now: Signal<Local, Bit>,
}

impl Default for Scatter {
    fn default() -> Self {
        Self {
            clock: Default::default(),
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
            init_valid: Default::default(),
            init_row: Default::default(),
            init_linear: Default::default(),
            col_valid: Default::default(),
            col: Default::default(),
            col_neg: Default::default(),
            col_double: Default::default(),
            col_ready: Default::default(),
            busy: Default::default(),
            read_slot: Default::default(),
            acc: Default::default(),
            row_lanes: Default::default(),
            packer: Default::default(),
            columns: Default::default(),
            lanes: std::array::from_fn(|_| ScatterLane::default()),
            lane_index: std::array::from_fn(|l| Constant::new((l as u64).to_bits())),
            count_at: Constant::new((WORD_ADDR_BITS as u64).to_bits()),
            one: Constant::new(1u64.to_bits()),
            a_valid: Default::default(),
            a_col: Default::default(),
            a_neg: Default::default(),
            a_double: Default::default(),
            g_valid: Default::default(),
            g_addr: Default::default(),
            g_left: Default::default(),
            g_neg: Default::default(),
            g_double: Default::default(),
            w_valid: Default::default(),
            w_neg: Default::default(),
            w_double: Default::default(),
            x_valid: Default::default(),
            x_neg: Default::default(),
            x_double: Default::default(),
            b_valid: Default::default(),
            i_valid: Default::default(),
            i_slot: Default::default(),
            i_value: Default::default(),
            i_valid2: Default::default(),
            i_slot2: Default::default(),
            i_value2: Default::default(),
            i_valid3: Default::default(),
            i_slot3: Default::default(),
            i_value3: Default::default(),
            i_back: Default::default(),
            init_signed: Default::default(),
            init_ext: Default::default(),
            slot_at: Constant::new((LANE_BITS as u64).to_bits()),
            g_free: Default::default(),
            accept: Default::default(),
            first: Default::default(),
            count: Default::default(),
            busy_now: Default::default(),
        }
    }
}

impl Logic for Scatter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_valid, a_col, a_neg, a_double, g_valid, g_addr, g_left, g_neg, g_double,
            w_valid, w_neg, w_double, x_valid, x_neg, x_double, b_valid, i_valid, i_slot, i_value,
            i_valid2, i_slot2, i_value2, i_valid3, i_slot3, i_value3, i_back
        );
        self.columns.read_clock.next = self.clock.val();
        self.columns.write_clock.next = self.clock.val();
        self.packer.clock.next = self.clock.val();
        self.packer.start.next = self.load_start.val();
        self.load_ready.next = self.packer.ready.val();
        self.packer.owner_valid.next = self.owner_valid.val();
        self.packer.owner_lane.next = self.owner_lane.val();
        self.packer.entry_valid.next = self.entry_valid.val();
        self.packer.entry_row.next = self.entry_row.val();
        self.packer.entry_weight.next = self.entry_weight.val();
        self.packer.column_end.next = self.column_end.val();
        self.packer.column_next.next = self.column_next.val();
        self.error_group.next = self.packer.error_group.val();
        self.error_words.next = self.packer.error_words.val();
        self.packer.read_group.next = self.read_slot.val();
        self.packer.lookup_valid.next = self.init_valid.val();
        self.packer.lookup_row.next = self.init_row.val();
        self.columns.write_address.next = self.packer.col_waddr.val();
        self.columns.write_data.next = self.packer.col_wdata.val();
        self.columns.write_enable.next = self.packer.col_we.val();
        self.busy_now.next = self.a_valid.q.val()
            | self.g_valid.q.val()
            | self.w_valid.q.val()
            | self.x_valid.q.val()
            | self.b_valid.q.val()
            | self.i_valid.q.val()
            | self.i_valid2.q.val()
            | self.i_valid3.q.val()
            | self.i_back.q.val()
            | self.packer.packing.val();
        self.busy.next = self.busy_now.val();
        // (A) take a column when A is empty or hands its column to G this cycle
        self.g_free.next = !self.g_valid.q.val() | (self.g_left.q.val() == self.one.val());
        self.col_ready.next = !self.a_valid.q.val() | self.g_free.val();
        self.accept.next = self.col_valid.val() & self.col_ready.val();
        // the column memory reads A's column while A waits, so its word stays out
        self.columns.read_address.next = self.a_col.q.val();
        if self.accept.val() {
            self.columns.read_address.next = self.col.val();
            self.a_valid.d.next = true;
            self.a_col.d.next = self.col.val();
            self.a_neg.d.next = self.col_neg.val();
            self.a_double.d.next = self.col_double.val();
        } else if self.g_free.val() {
            self.a_valid.d.next = false;
        }
        // (G) walk the column's words, then take A's
        self.first.next = bit_cast::<WORD_ADDR_BITS, COLUMN_BITS>(self.columns.read_data.val());
        self.count.next = self
            .columns
            .read_data
            .val()
            .get_bits::<RUN_BITS>(self.count_at.val().index());
        if !self.g_free.val() {
            self.g_addr.d.next = self.g_addr.q.val() + 1;
            self.g_left.d.next = self.g_left.q.val() - 1;
        } else if self.a_valid.q.val() {
            self.g_valid.d.next = self.count.val().any();
            self.g_addr.d.next = self.first.val();
            self.g_left.d.next = self.count.val();
            self.g_neg.d.next = self.a_neg.q.val();
            self.g_double.d.next = self.a_double.q.val();
        } else {
            self.g_valid.d.next = false;
        }
        // (W) the word arrives and is registered; (X) the lanes add their entries
        self.w_valid.d.next = self.g_valid.q.val();
        self.w_neg.d.next = self.g_neg.q.val();
        self.w_double.d.next = self.g_double.q.val();
        self.x_valid.d.next = self.w_valid.q.val();
        self.x_neg.d.next = self.w_neg.q.val();
        self.x_double.d.next = self.w_double.q.val();
        self.b_valid.d.next = self.x_valid.q.val();
        // (I) a row's start: `−l` into its lane's bank once the lane table names the lane
        self.init_signed.next = signed_bit_cast::<ACC_BITS, LINEAR_BITS>(
            signed_cast::<LINEAR_BITS>(self.init_linear.val()),
        );
        self.init_ext.next = unsigned_cast::<ACC_BITS>(self.init_signed.val());
        self.i_valid.d.next = self.init_valid.val();
        self.i_slot.d.next = self
            .init_row
            .val()
            .get_bits::<SLOT_BITS>(self.slot_at.val().index());
        self.i_value.d.next = !self.init_ext.val() + 1;
        self.i_valid2.d.next = self.i_valid.q.val();
        self.i_slot2.d.next = self.i_slot.q.val();
        self.i_value2.d.next = self.i_value.q.val();
        self.i_valid3.d.next = self.i_valid2.q.val();
        self.i_slot3.d.next = self.i_slot2.q.val();
        self.i_value3.d.next = self.i_value2.q.val();
        self.i_back.d.next = self.i_valid3.q.val();
        for l in 0..LANES {
            self.lanes[l].clock.next = self.clock.val();
            self.lanes[l].word_raddr.next = self.g_addr.q.val();
            self.lanes[l].word_waddr.next = self.packer.word_waddr.val();
            self.lanes[l].word_wdata.next = self.packer.word_wdata.val();
            self.lanes[l].word_we.next = self.packer.word_we.val()
                & (self.packer.word_wall.val()
                    | (self.packer.word_wlane.val() == self.lane_index[l].val()));
            self.lanes[l].add.next = self.x_valid.q.val();
            self.lanes[l].neg.next = self.x_neg.q.val();
            self.lanes[l].double.next = self.x_double.q.val();
            self.lanes[l].set.next = self.i_valid2.q.val();
            self.lanes[l].set_lane.next = self.packer.lookup_lane.val();
            self.lanes[l].index.next = self.lane_index[l].val();
            self.lanes[l].set_slot.next = self.i_slot3.q.val();
            self.lanes[l].set_value.next = self.i_value3.q.val();
            self.lanes[l].read_slot.next = self.read_slot.val();
            self.acc[l].next = self.lanes[l].acc.val();
            self.row_lanes[l].next = self.packer.lanes[l].val();
        }
    }
}
