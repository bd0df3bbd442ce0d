//! Where a spin sits in the spin memories: they hold the spins `UNITS` to a word (the update
//! units decide in lockstep and write a word at once), so a spin address (bank number above
//! the spin index) is a word address and a bit in that word.
//!
//! A block of its own because the matvec engine looks up one spin per lane inside an unrolled
//! loop, where rust_hdl cannot cast (it evaluates a cast's operand outside the loop).

use super::widths::*;
use rust_hdl::prelude::*;

/// The lookup (combinational).
#[derive(LogicBlock)]
pub struct SpinAt {
    /// The spin's address: bank number above the spin index.
    pub address: Signal<In, Bits<SPIN_ADDR_BITS>>,
    /// The word holding it.
    pub word: Signal<Out, Bits<SPIN_WORD_ADDR_BITS>>,
    /// Its place (bit) in that word (`0..UNITS`).
    pub place: Signal<Out, Bits<5>>,
    /// `UNIT_BITS` and `UNITS − 1` as signals (rust_hdl writes consts into Verilog by name).
    unit_shift: Constant<Bits<8>>,
    unit_mask: Constant<Bits<5>>,
}

impl Default for SpinAt {
    fn default() -> Self {
        Self {
            address: Default::default(),
            word: Default::default(),
            place: Default::default(),
            unit_shift: Constant::new((UNIT_BITS as u64).to_bits()),
            unit_mask: Constant::new(((UNITS - 1) as u64).to_bits()),
        }
    }
}

impl Logic for SpinAt {
    #[hdl_gen]
    fn update(&mut self) {
        self.word.next = bit_cast::<SPIN_WORD_ADDR_BITS, SPIN_ADDR_BITS>(
            self.address.val() >> self.unit_shift.val(),
        );
        self.place.next = bit_cast::<5, SPIN_ADDR_BITS>(self.address.val()) & self.unit_mask.val();
    }
}
