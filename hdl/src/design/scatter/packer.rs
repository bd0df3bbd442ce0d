//! The scatter engine's loader side: it packs `J` into the engine's column and word memories as
//! the image streams in, from the row layout the host chose, so the board needs no layout pass
//! of its own. Specified by `npim_sim::fixed::scatter::ScatterLayout` (`column_word`,
//! `lane_entry`): the memories it writes hold exactly those words.
//!
//! **The layout is grouped** (`npim_sim::fixed::matvec_work::grouped_owners`): the rows of each
//! group of `LANES` consecutive rows sit on distinct lanes, so row `i`'s bank address is
//! `i / LANES` and one read of every bank at address `s` gives rows `s·LANES ..` in some order of
//! the lanes. The lane table says which: `lanes[k]` at `read_group = s` is the lane of row
//! `s·LANES + k`. The packer refuses any other layout (`error_group`), since the readout
//! depends on it.
//!
//! **Protocol.** Pulse `start`: every word memory is cleared (one address of every lane a cycle,
//! `2^WORD_ADDR_BITS` cycles, `ready` low), so that a lane a column does not use idles at weight
//! 0 whatever an earlier image left, and so is the column memory (every column empty). Then,
//! once `ready`: the owners, row 0 first (`owner_valid`, `owner_lane`); then the columns in
//! order from 0, each as its entries (`entry_valid`, `entry_row` ascending, `entry_weight`) and
//! a `column_end` (never in the cycle of an entry) whose `column_next` names the column the
//! next entries belong to. A column of no entries needs no end of its own: the clear left it
//! empty, and the end before it skips it (a loader that learns a row's number only when its
//! entries come can then take any run of empty rows in one cycle). Entries and owners may come
//! every cycle. Each goes through three registered stages (the lane table's read, the fill
//! count, the write: `packing` high until the last is written). `error_words` rises where the layout takes more words than the memories hold.
//!
//! **Packing** (the specification's): entry `J[i, j]` goes to lane `owner[i]`, in the first word
//! of column `j` where that lane is still free, so a column takes as many words as its fullest
//! lane; the columns' words follow one another from word 0.

use super::super::widths::*;
use super::{COLUMN_BITS, LANE_ENTRY_BITS, RUN_BITS, SLOT_BITS, WORD_ADDR_BITS};
use rust_hdl::prelude::*;

/// Bits of the running word count: one more than a word address, so an overflow shows.
const BASE_BITS: usize = WORD_ADDR_BITS + 1;

/// The packer (module docs).
#[derive(LogicBlock)]
pub struct ScatterPacker {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Begin a load: clear the word memories and forget the last image's layout.
    pub start: Signal<In, Bit>,
    /// The clear is over: owners and columns may come.
    pub ready: Signal<Out, Bit>,
    /// A clear, an entry or a column end is still on its way into the memories.
    pub packing: Signal<Out, Bit>,
    /// The next row's lane (rows in index order from 0).
    pub owner_valid: Signal<In, Bit>,
    /// See `owner_valid`.
    pub owner_lane: Signal<In, Bits<LANE_BITS>>,
    /// An entry `J[i, j]` of the current column `j`.
    pub entry_valid: Signal<In, Bit>,
    /// Its row `i`.
    pub entry_row: Signal<In, Bits<SPIN_BITS>>,
    /// Its weight (two's complement).
    pub entry_weight: Signal<In, Bits<WEIGHT_BITS>>,
    /// The current column has no more entries.
    pub column_end: Signal<In, Bit>,
    /// With `column_end`: the column the next entries belong to (the columns before it are
    /// empty).
    pub column_next: Signal<In, Bits<SPIN_BITS>>,
    /// Two rows of one group were given one lane (sticky until `start`).
    pub error_group: Signal<Out, Bit>,
    /// The columns took more words than the memories hold (sticky until `start`).
    pub error_words: Signal<Out, Bit>,
    /// The engine's column memory write.
    pub col_we: Signal<Out, Bit>,
    /// See `col_we`.
    pub col_waddr: Signal<Out, Bits<SPIN_BITS>>,
    /// See `col_we`: first word, count above.
    pub col_wdata: Signal<Out, Bits<COLUMN_BITS>>,
    /// The engine's word memory write.
    pub word_we: Signal<Out, Bit>,
    /// Write every lane at once (the clear).
    pub word_wall: Signal<Out, Bit>,
    /// See `word_we`.
    pub word_waddr: Signal<Out, Bits<WORD_ADDR_BITS>>,
    /// See `word_we`: the lane written (without `word_wall`).
    pub word_wlane: Signal<Out, Bits<LANE_BITS>>,
    /// See `word_we`: bank address, weight above.
    pub word_wdata: Signal<Out, Bits<LANE_ENTRY_BITS>>,
    /// Look up row `lookup_row`'s lane (not with an entry): on `lookup_lane` two cycles after.
    pub lookup_valid: Signal<In, Bit>,
    /// See `lookup_valid`.
    pub lookup_row: Signal<In, Bits<SPIN_BITS>>,
    /// The lane of the row of the entry or lookup of two cycles before.
    pub lookup_lane: Signal<Out, Bits<LANE_BITS>>,
    /// A group's lane table row to read (the engine's bank address being read out).
    pub read_group: Signal<In, Bits<SLOT_BITS>>,
    /// `lanes[k]`: the lane of row `read_group·LANES + k`, the cycle after.
    pub lanes: [Signal<Out, Bits<LANE_BITS>>; LANES],
    /// The lane table: position `k`'s lane in each group.
    table: [RAM<Bits<LANE_BITS>, SLOT_BITS>; LANES],
    /// Lane and position numbers (rust_hdl writes consts into Verilog by name).
    lane_index: [Constant<Bits<LANE_BITS>>; LANES],
    /// The last word address, where the clear ends.
    last_word: Constant<Bits<WORD_ADDR_BITS>>,
    /// The words the memories hold.
    words_max: Constant<Bits<BASE_BITS>>,
    /// Lane 0's bit, shifted to a lane's.
    lane_bit0: Constant<Bits<LANES>>,
    /// Where the group starts in a row index, the weight in an entry, the count in a column
    /// word.
    group_at: Constant<Bits<8>>,
    weight_at: Constant<Bits<8>>,
    count_at: Constant<Bits<8>>,
    /// The clear in progress and the word it writes.
    clearing: DFF<Bit>,
    clear_addr: DFF<Bits<WORD_ADDR_BITS>>,
    /// The next owner's row, and the lanes its group has taken so far.
    owner_row: DFF<Bits<SPIN_BITS>>,
    used: DFF<Bits<LANES>>,
    /// The owner's lane as one bit of `LANES`.
    lane_bit: Signal<Local, Bits<LANES>>,
    /// (E) the entry or column end of the last cycle, its row split into group position and
    /// bank address, while the lane table reads its lane.
    e_valid: DFF<Bit>,
    e_end: DFF<Bit>,
    e_next: DFF<Bits<SPIN_BITS>>,
    e_pos: DFF<Bits<LANE_BITS>>,
    e_slot: DFF<Bits<SLOT_BITS>>,
    e_weight: DFF<Bits<WEIGHT_BITS>>,
    /// E's lane, from the lane table.
    lane: Signal<Local, Bits<LANE_BITS>>,
    /// (F) the entry or column end with its lane (registered: the lane table's 32-way pick and
    /// the fill count's would be one path).
    f_valid: DFF<Bit>,
    f_end: DFF<Bit>,
    f_next: DFF<Bits<SPIN_BITS>>,
    f_slot: DFF<Bits<SLOT_BITS>>,
    f_weight: DFF<Bits<WEIGHT_BITS>>,
    f_lane: DFF<Bits<LANE_BITS>>,
    /// (W) the memory writes, registered.
    w_we: DFF<Bit>,
    w_wall: DFF<Bit>,
    w_waddr: DFF<Bits<WORD_ADDR_BITS>>,
    w_wlane: DFF<Bits<LANE_BITS>>,
    w_wdata: DFF<Bits<LANE_ENTRY_BITS>>,
    c_we: DFF<Bit>,
    c_waddr: DFF<Bits<SPIN_BITS>>,
    c_wdata: DFF<Bits<COLUMN_BITS>>,
    /// How many words of the column F's lane has filled.
    filled: Signal<Local, Bits<RUN_BITS>>,
    /// Per lane, the words of the current column it has filled.
    fill: [DFF<Bits<RUN_BITS>>; LANES],
    /// The current column's words so far (its fullest lane's), its number, and its first word.
    run: DFF<Bits<RUN_BITS>>,
    col: DFF<Bits<SPIN_BITS>>,
    base: DFF<Bits<BASE_BITS>>,
    /// The word after the current column.
    next_base: Signal<Local, Bits<BASE_BITS>>,
    /// The current column's first word as an address.
    base_word: Signal<Local, Bits<WORD_ADDR_BITS>>,
    err_group: DFF<Bit>,
    err_words: DFF<Bit>,
}

impl Default for ScatterPacker {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            ready: Default::default(),
            owner_valid: Default::default(),
            owner_lane: Default::default(),
            entry_valid: Default::default(),
            entry_row: Default::default(),
            entry_weight: Default::default(),
            column_end: Default::default(),
            column_next: Default::default(),
            error_group: Default::default(),
            error_words: Default::default(),
            col_we: Default::default(),
            col_waddr: Default::default(),
            col_wdata: Default::default(),
            word_we: Default::default(),
            word_wall: Default::default(),
            word_waddr: Default::default(),
            word_wlane: Default::default(),
            word_wdata: Default::default(),
            lookup_valid: Default::default(),
            lookup_row: Default::default(),
            lookup_lane: Default::default(),
            read_group: Default::default(),
            lanes: Default::default(),
            table: Default::default(),
            lane_index: std::array::from_fn(|l| Constant::new((l as u64).to_bits())),
            last_word: Constant::new(((1u64 << WORD_ADDR_BITS) - 1).to_bits()),
            words_max: Constant::new((1u64 << WORD_ADDR_BITS).to_bits()),
            lane_bit0: Constant::new(1u64.to_bits()),
            group_at: Constant::new((LANE_BITS as u64).to_bits()),
            weight_at: Constant::new((SLOT_BITS as u64).to_bits()),
            count_at: Constant::new((WORD_ADDR_BITS as u64).to_bits()),
            clearing: Default::default(),
            clear_addr: Default::default(),
            owner_row: Default::default(),
            used: Default::default(),
            lane_bit: Default::default(),
            e_valid: Default::default(),
            e_end: Default::default(),
            e_next: Default::default(),
            e_pos: Default::default(),
            e_slot: Default::default(),
            e_weight: Default::default(),
            lane: Default::default(),
            f_valid: Default::default(),
            f_end: Default::default(),
            f_next: Default::default(),
            f_slot: Default::default(),
            f_weight: Default::default(),
            f_lane: Default::default(),
            w_we: Default::default(),
            w_wall: Default::default(),
            w_waddr: Default::default(),
            w_wlane: Default::default(),
            w_wdata: Default::default(),
            c_we: Default::default(),
            c_waddr: Default::default(),
            c_wdata: Default::default(),
            packing: Default::default(),
            filled: Default::default(),
            fill: Default::default(),
            run: Default::default(),
            col: Default::default(),
            base: Default::default(),
            next_base: Default::default(),
            base_word: Default::default(),
            err_group: Default::default(),
            err_words: Default::default(),
        }
    }
}

impl Logic for ScatterPacker {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, clearing, clear_addr, owner_row, used, e_valid, e_end, e_next, e_pos,
            e_slot, e_weight, f_valid, f_end, f_next, f_slot, f_weight, f_lane, w_we, w_wall,
            w_waddr, w_wlane, w_wdata, c_we, c_waddr, c_wdata, run, col, base, err_group,
            err_words
        );
        for l in 0..LANES {
            self.fill[l].clock.next = self.clock.val();
            self.fill[l].d.next = self.fill[l].q.val();
        }
        self.ready.next = !self.clearing.q.val();
        self.error_group.next = self.err_group.q.val();
        self.error_words.next = self.err_words.q.val();
        // the owners, into the lane table; a group's lanes must differ
        self.lane_bit.next = self.lane_bit0.val() << self.owner_lane.val();
        if self.owner_valid.val() {
            self.owner_row.d.next = self.owner_row.q.val() + 1;
            if self.owner_row.q.val().get_bits::<LANE_BITS>(0).any() {
                self.used.d.next = self.used.q.val() | self.lane_bit.val();
                if (self.used.q.val() & self.lane_bit.val()).any() {
                    self.err_group.d.next = true;
                }
            } else {
                self.used.d.next = self.lane_bit.val();
            }
        }
        for k in 0..LANES {
            self.table[k].read_clock.next = self.clock.val();
            self.table[k].write_clock.next = self.clock.val();
            self.table[k].write_address.next = self
                .owner_row
                .q
                .val()
                .get_bits::<SLOT_BITS>(self.group_at.val().index());
            self.table[k].write_data.next = self.owner_lane.val();
            self.table[k].write_enable.next = self.owner_valid.val()
                & (self.owner_row.q.val().get_bits::<LANE_BITS>(0) == self.lane_index[k].val());
            // an entry or a lookup reads its row's lane; otherwise the readout reads a group
            self.table[k].read_address.next = self.read_group.val();
            if self.entry_valid.val() {
                self.table[k].read_address.next = self
                    .entry_row
                    .val()
                    .get_bits::<SLOT_BITS>(self.group_at.val().index());
            } else if self.lookup_valid.val() {
                self.table[k].read_address.next = self
                    .lookup_row
                    .val()
                    .get_bits::<SLOT_BITS>(self.group_at.val().index());
            }
            self.lanes[k].next = self.table[k].read_data.val();
        }
        // (E) the entry waits a cycle for its lane
        self.e_valid.d.next = self.entry_valid.val();
        self.e_end.d.next = self.column_end.val();
        self.e_next.d.next = self.column_next.val();
        self.e_pos.d.next = self.entry_row.val().get_bits::<LANE_BITS>(0);
        if !self.entry_valid.val() {
            self.e_pos.d.next = self.lookup_row.val().get_bits::<LANE_BITS>(0);
        }
        self.e_slot.d.next = self
            .entry_row
            .val()
            .get_bits::<SLOT_BITS>(self.group_at.val().index());
        self.e_weight.d.next = self.entry_weight.val();
        self.lane.next = 0.into();
        for k in 0..LANES {
            if self.e_pos.q.val() == self.lane_index[k].val() {
                self.lane.next = self.table[k].read_data.val();
            }
        }
        // (F) the entry with its lane: its word and the column's count
        self.f_valid.d.next = self.e_valid.q.val();
        self.f_end.d.next = self.e_end.q.val();
        self.f_next.d.next = self.e_next.q.val();
        self.f_slot.d.next = self.e_slot.q.val();
        self.f_weight.d.next = self.e_weight.q.val();
        self.f_lane.d.next = self.lane.val();
        self.lookup_lane.next = self.f_lane.q.val();
        self.filled.next = 0.into();
        for l in 0..LANES {
            if self.f_lane.q.val() == self.lane_index[l].val() {
                self.filled.next = self.fill[l].q.val();
            }
        }
        // the entry into its lane's first free word of the column; the clear over everything
        self.base_word.next = bit_cast::<WORD_ADDR_BITS, BASE_BITS>(self.base.q.val());
        self.w_we.d.next = self.f_valid.q.val() | self.clearing.q.val();
        self.w_wall.d.next = self.clearing.q.val();
        self.w_wlane.d.next = self.f_lane.q.val();
        self.w_waddr.d.next =
            self.base_word.val() + bit_cast::<WORD_ADDR_BITS, RUN_BITS>(self.filled.val());
        self.w_wdata.d.next = bit_cast::<LANE_ENTRY_BITS, SLOT_BITS>(self.f_slot.q.val())
            | (bit_cast::<LANE_ENTRY_BITS, WEIGHT_BITS>(self.f_weight.q.val())
                << self.weight_at.val());
        if self.clearing.q.val() {
            self.w_waddr.d.next = self.clear_addr.q.val();
            self.w_wdata.d.next = 0.into();
        }
        if self.f_valid.q.val() {
            for l in 0..LANES {
                if self.f_lane.q.val() == self.lane_index[l].val() {
                    self.fill[l].d.next = self.filled.val() + 1;
                }
            }
            if self.filled.val() >= self.run.q.val() {
                self.run.d.next = self.filled.val() + 1;
            }
        }
        // a column's end: its first word and count, and the next column starts after it
        self.next_base.next = self.base.q.val() + bit_cast::<BASE_BITS, RUN_BITS>(self.run.q.val());
        self.c_we.d.next = self.f_end.q.val() | self.clearing.q.val();
        self.c_waddr.d.next = self.col.q.val();
        self.c_wdata.d.next = bit_cast::<COLUMN_BITS, WORD_ADDR_BITS>(self.base_word.val())
            | (bit_cast::<COLUMN_BITS, RUN_BITS>(self.run.q.val()) << self.count_at.val());
        if self.clearing.q.val() {
            // (every column empty: a word memory twice the column memory's depth, so each
            // column is cleared twice)
            self.c_waddr.d.next = self.clear_addr.q.val().get_bits::<SPIN_BITS>(0);
            self.c_wdata.d.next = 0.into();
        }
        if self.f_end.q.val() {
            self.col.d.next = self.f_next.q.val();
            self.base.d.next = self.next_base.val();
            self.run.d.next = 0.into();
            for l in 0..LANES {
                self.fill[l].d.next = 0.into();
            }
            if self.next_base.val() > self.words_max.val() {
                self.err_words.d.next = true;
            }
        }
        // (W) the writes leave registered (they fan out to every lane's memory)
        self.word_we.next = self.w_we.q.val();
        self.word_wall.next = self.w_wall.q.val();
        self.word_waddr.next = self.w_waddr.q.val();
        self.word_wlane.next = self.w_wlane.q.val();
        self.word_wdata.next = self.w_wdata.q.val();
        self.col_we.next = self.c_we.q.val();
        self.col_waddr.next = self.c_waddr.q.val();
        self.col_wdata.next = self.c_wdata.q.val();
        self.packing.next = self.clearing.q.val()
            | self.e_valid.q.val()
            | self.e_end.q.val()
            | self.f_valid.q.val()
            | self.f_end.q.val()
            | self.w_we.q.val()
            | self.c_we.q.val();
        // the clear, and a new load
        if self.clearing.q.val() {
            self.clear_addr.d.next = self.clear_addr.q.val() + 1;
            if self.clear_addr.q.val() == self.last_word.val() {
                self.clearing.d.next = false;
            }
        }
        if self.start.val() {
            self.clearing.d.next = true;
            self.clear_addr.d.next = 0.into();
            self.owner_row.d.next = 0.into();
            self.col.d.next = 0.into();
            self.base.d.next = 0.into();
            self.run.d.next = 0.into();
            self.err_group.d.next = false;
            self.err_words.d.next = false;
            for l in 0..LANES {
                self.fill[l].d.next = 0.into();
            }
        }
    }
}
