//! One stored J entry, decoded into its column and weight. The build fixes the entry word's
//! layout: sparse builds (compressed sparse rows) store `column | weight << SPIN_BITS`; dense
//! builds store the weight alone, and the column is the entry's place in its row, which the
//! engine reading the memory counts (`position`).
//!
//! A block of its own because the engines decode one entry per matvec lane inside an unrolled
//! loop, where rust_hdl cannot cast (it evaluates a cast's operand outside the loop).

use super::widths::*;
use rust_hdl::prelude::*;

/// The decoder (combinational).
#[derive(LogicBlock)]
pub struct EntryDecode {
    /// The entry word as read from the J memory.
    pub word: Signal<In, Bits<ENTRY_BITS>>,
    /// The entry's index minus its row's first index (dense builds' column; unused by sparse).
    pub position: Signal<In, Bits<PTR_BITS>>,
    /// The entry's column.
    pub column: Signal<Out, Bits<SPIN_ADDR_BITS>>,
    /// The entry's weight.
    pub weight: Signal<Out, Signed<WEIGHT_BITS>>,
    /// `DENSE` as a signal (rust_hdl writes consts into Verilog by name).
    dense: Constant<Bit>,
    /// `2^SPIN_BITS − 1`: the column bits of a sparse entry word.
    column_mask: Constant<Bits<SPIN_ADDR_BITS>>,
    /// Where the weight starts in an entry word.
    weight_at: Constant<Bits<8>>,
}

impl Default for EntryDecode {
    fn default() -> Self {
        Self {
            word: Default::default(),
            position: Default::default(),
            column: Default::default(),
            weight: Default::default(),
            dense: Constant::new(DENSE),
            column_mask: Constant::new(((1u64 << SPIN_BITS) - 1).to_bits()),
            weight_at: Constant::new((WEIGHT_AT as u64).to_bits()),
        }
    }
}

impl Logic for EntryDecode {
    #[hdl_gen]
    fn update(&mut self) {
        self.weight.next = signed_cast::<WEIGHT_BITS>(
            self.word
                .val()
                .get_bits::<WEIGHT_BITS>(self.weight_at.val().index()),
        );
        self.column.next =
            bit_cast::<SPIN_ADDR_BITS, ENTRY_BITS>(self.word.val()) & self.column_mask.val();
        if self.dense.val() {
            self.column.next = bit_cast::<SPIN_ADDR_BITS, PTR_BITS>(self.position.val());
        }
    }
}
