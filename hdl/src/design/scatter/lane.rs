//! One lane of the scatter engine: its slice of every column word (the bank address and weight
//! of one entry of a row this lane owns) and its bank of field accumulators. Each cycle a word
//! arrives, the lane adds `±2w` or `±4w` into one accumulator; a block of its own because the
//! engine's lanes are an unrolled loop, where rust_hdl cannot cast (`entry.rs`).

use super::super::widths::*;
use super::{ACC_BITS, LANE_ENTRY_BITS, SLOT_BITS, WORD_ADDR_BITS};
use crate::widgets::acc_bank::AccBank;
use rust_hdl::prelude::*;

/// A lane (its ports are driven by [`super::Scatter`]).
#[derive(LogicBlock)]
pub struct ScatterLane {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The column word read this cycle (every lane at once).
    pub word_raddr: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The loader's write of this lane's slice of a word.
    pub word_waddr: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// Its entry: bank address in bits `0..SLOT_BITS`, weight above.
    pub word_wdata: Signal<In, Bits<LANE_ENTRY_BITS>>,
    /// Write this lane's slice.
    pub word_we: Signal<In, Bit>,
    /// The word read two cycles before (registered as it left the memory) is a column's: add
    /// its entry.
    pub add: Signal<In, Bit>,
    /// Subtract it instead (`σ_j = −1`).
    pub neg: Signal<In, Bit>,
    /// Four times the weight, not two (a flip: `σ_j` went from `−s` to `s`).
    pub double: Signal<In, Bit>,
    /// A row's start is decoded this cycle: when `set_lane` is this lane, set accumulator
    /// `set_slot` to `set_value` the cycle after (over `add`; the engine never asks both).
    /// The decode is registered here, in the lane, since the compare, its fan-out to 32 lanes
    /// and the bank's address multiplexer in one cycle held the engine at 73.45 MHz.
    pub set: Signal<In, Bit>,
    /// See `set`: the lane holding the row.
    pub set_lane: Signal<In, Bits<LANE_BITS>>,
    /// This lane's number.
    pub index: Signal<In, Bits<LANE_BITS>>,
    /// See `set`, the cycle after.
    pub set_slot: Signal<In, Bits<SLOT_BITS>>,
    /// See `set`, the cycle after.
    pub set_value: Signal<In, Bits<ACC_BITS>>,
    /// Accumulator read on a cycle without an update.
    pub read_slot: Signal<In, Bits<SLOT_BITS>>,
    /// The accumulator at `read_slot`, the cycle after.
    pub acc: Signal<Out, Bits<ACC_BITS>>,
    words: RAM<Bits<LANE_ENTRY_BITS>, WORD_ADDR_BITS>,
    /// The word registered as it leaves the block RAM (a DP16KD's output takes 5.8 ns on the
    /// ECP5, and the banks sit far from the word memories: unregistered, the decode and the
    /// negation held the engine at 56.7 MHz).
    word_q: DFF<Bits<LANE_ENTRY_BITS>>,
    bank: AccBank<SLOT_BITS, ACC_BITS>,
    /// `set` for this lane, registered.
    set_q: DFF<Bit>,
    /// Where the weight starts in an entry (rust_hdl writes consts into Verilog by name).
    weight_at: Constant<Bits<8>>,
    /// The entry's weight, sign-extended.
    weight: Signal<Local, Signed<ACC_BITS>>,
    /// The weight or twice it, as bits.
    term: Signal<Local, Bits<ACC_BITS>>,
    /// What the bank adds.
    delta: Signal<Local, Bits<ACC_BITS>>,
}

impl Default for ScatterLane {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            word_raddr: Default::default(),
            word_waddr: Default::default(),
            word_wdata: Default::default(),
            word_we: Default::default(),
            add: Default::default(),
            neg: Default::default(),
            double: Default::default(),
            set: Default::default(),
            set_lane: Default::default(),
            index: Default::default(),
            set_slot: Default::default(),
            set_value: Default::default(),
            read_slot: Default::default(),
            acc: Default::default(),
            words: Default::default(),
            word_q: Default::default(),
            bank: Default::default(),
            set_q: Default::default(),
            weight_at: Constant::new((SLOT_BITS as u64).to_bits()),
            weight: Default::default(),
            term: Default::default(),
            delta: Default::default(),
        }
    }
}

impl Logic for ScatterLane {
    #[hdl_gen]
    fn update(&mut self) {
        self.words.read_clock.next = self.clock.val();
        self.words.write_clock.next = self.clock.val();
        self.words.read_address.next = self.word_raddr.val();
        self.words.write_address.next = self.word_waddr.val();
        self.words.write_data.next = self.word_wdata.val();
        self.words.write_enable.next = self.word_we.val();
        self.bank.clock.next = self.clock.val();
        self.word_q.clock.next = self.clock.val();
        self.set_q.clock.next = self.clock.val();
        self.set_q.d.next = self.set.val() & (self.set_lane.val() == self.index.val());
        self.word_q.d.next = self.words.read_data.val();
        self.weight.next = signed_bit_cast::<ACC_BITS, WEIGHT_BITS>(signed_cast::<WEIGHT_BITS>(
            self.word_q
                .q
                .val()
                .get_bits::<WEIGHT_BITS>(self.weight_at.val().index()),
        ));
        self.term.next = unsigned_cast::<ACC_BITS>(self.weight.val()) << 1;
        if self.double.val() {
            self.term.next = unsigned_cast::<ACC_BITS>(self.weight.val()) << 2;
        }
        self.delta.next = self.term.val();
        if self.neg.val() {
            self.delta.next = !self.term.val() + 1;
        }
        self.bank.valid.next = self.add.val() | self.set_q.q.val();
        self.bank.set.next = self.set_q.q.val();
        self.bank.addr.next = bit_cast::<SLOT_BITS, LANE_ENTRY_BITS>(self.word_q.q.val());
        self.bank.delta.next = self.delta.val();
        if self.set_q.q.val() {
            self.bank.addr.next = self.set_slot.val();
            self.bank.delta.next = self.set_value.val();
        }
        self.bank.read_addr.next = self.read_slot.val();
        self.acc.next = self.bank.read_data.val();
    }
}
