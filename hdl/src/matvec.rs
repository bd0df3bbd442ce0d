//! The matvec engine: for each spin `i`, `f_i = 2·Σ_k J_q[i, col_k]·σ_{col_k} − l_i` over the
//! CSR row of `i`, and the energy register `E4 = Σ_i σ_i·(f_i − l_i)` (`docs/fixed-point.md`).
//!
//! Multiplier-free: each entry adds or subtracts its weight by the spin's sign bit (1 = −1).
//! Memories: row pointers, entry words (column | weight), spin bits and `l`, each one block RAM
//! with one read and one write port; the write ports are the load interface. One lane: a row's
//! entries stream through a three-stage pipeline at one entry per cycle, plus five cycles per
//! row (row pointers, drain, own spin and `l`).
//!
//! Protocol: load the memories through the write ports, set `n`, pulse `start`; the engine
//! emits one `(field_index, field)` per cycle with `field_valid` high, in index order, then
//! pulses `done` with `e4` final.

use crate::widths::*;
use rust_hdl::prelude::*;

// rust_hdl emits a const used as a bit offset literally into the Verilog, so the weight field's
// offset is written as the number 10 in `update`, and the second bank's base as 1024; this
// pins both to SPIN_BITS.
const _: () = assert!(SPIN_BITS == 10);

/// Engine states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum MatvecState {
    /// Waiting for `start`.
    Idle,
    /// Read `row_ptr[i]`.
    RowLo,
    /// `row_ptr[i]` arrives; read `row_ptr[i+1]`.
    RowLoWait,
    /// `row_ptr[i+1]` arrives.
    RowHiWait,
    /// The row's entries stream through a three-stage pipeline: read entry `k`; read the spin
    /// of the entry that arrived; accumulate the spin that arrived. One entry per cycle.
    Stream,
    /// Read `σ_i` and `l_i`.
    SelfAddr,
    /// Emit `f_i`, update `E4`.
    SelfData,
    /// Pulse `done`.
    Done,
}

/// The matvec engine.
#[derive(LogicBlock, Default)]
pub struct Matvec {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start a pass over spins `0..n`.
    pub start: Signal<In, Bit>,
    /// Number of spins.
    pub n: Signal<In, Bits<COUNT_BITS>>,
    /// Row-pointer write address.
    pub rowptr_waddr: Signal<In, Bits<COUNT_BITS>>,
    /// Row-pointer write data.
    pub rowptr_wdata: Signal<In, Bits<PTR_BITS>>,
    /// Row-pointer write enable.
    pub rowptr_we: Signal<In, Bit>,
    /// Entry write address.
    pub entry_waddr: Signal<In, Bits<ENTRY_ADDR_BITS>>,
    /// Entry write data (column | weight << SPIN_BITS).
    pub entry_wdata: Signal<In, Bits<ENTRY_BITS>>,
    /// Entry write enable.
    pub entry_we: Signal<In, Bit>,
    /// Which of the two spin banks the pass reads (the core keeps the best spins in the other).
    pub bank: Signal<In, Bit>,
    /// Spin write address: bank bit above the spin index.
    pub spin_waddr: Signal<In, Bits<COUNT_BITS>>,
    /// Spin bit to write (1 = −1).
    pub spin_wdata: Signal<In, Bit>,
    /// Spin write enable.
    pub spin_we: Signal<In, Bit>,
    /// Linear-term write address.
    pub linear_waddr: Signal<In, Bits<SPIN_BITS>>,
    /// `l_q` to write.
    pub linear_wdata: Signal<In, Signed<FIELD_BITS>>,
    /// Linear-term write enable.
    pub linear_we: Signal<In, Bit>,
    /// Spin address to read while idle (bank bit above the index), e.g. the best spins.
    pub peek_addr: Signal<In, Bits<COUNT_BITS>>,
    /// The spin bit at `peek_addr`, one cycle after it is presented.
    pub peek_bit: Signal<Out, Bit>,
    /// High for one cycle per emitted field.
    pub field_valid: Signal<Out, Bit>,
    /// Index of the emitted field.
    pub field_index: Signal<Out, Bits<SPIN_BITS>>,
    /// The emitted field.
    pub field: Signal<Out, Signed<FIELD_BITS>>,
    /// High for one cycle when the pass is complete.
    pub done: Signal<Out, Bit>,
    /// High while a pass runs.
    pub busy: Signal<Out, Bit>,
    /// `E4` of the pass (valid with `done`).
    pub e4: Signal<Out, Signed<ACC_BITS>>,
    rowptr: RAM<Bits<PTR_BITS>, COUNT_BITS>,
    entries: RAM<Bits<ENTRY_BITS>, ENTRY_ADDR_BITS>,
    spins: RAM<Bit, COUNT_BITS>,
    linear: RAM<Signed<FIELD_BITS>, SPIN_BITS>,
    state: DFF<MatvecState>,
    i: DFF<Bits<COUNT_BITS>>,
    k: DFF<Bits<PTR_BITS>>,
    hi: DFF<Bits<PTR_BITS>>,
    weight: DFF<Signed<ACC_BITS>>,
    acc: DFF<Signed<ACC_BITS>>,
    energy: DFF<Signed<ACC_BITS>>,
    v1: DFF<Bit>,
    v2: DFF<Bit>,
    entry_weight: Signal<Local, Signed<WEIGHT_BITS>>,
    f_wide: Signal<Local, Signed<ACC_BITS>>,
    l_wide: Signal<Local, Signed<ACC_BITS>>,
    f_minus_l: Signal<Local, Signed<ACC_BITS>>,
    i_next: Signal<Local, Bits<COUNT_BITS>>,
    bank_base: Signal<Local, Bits<COUNT_BITS>>,
}

impl Logic for Matvec {
    #[hdl_gen]
    fn update(&mut self) {
        // clocks
        self.rowptr.read_clock.next = self.clock.val();
        self.rowptr.write_clock.next = self.clock.val();
        self.entries.read_clock.next = self.clock.val();
        self.entries.write_clock.next = self.clock.val();
        self.spins.read_clock.next = self.clock.val();
        self.spins.write_clock.next = self.clock.val();
        self.linear.read_clock.next = self.clock.val();
        self.linear.write_clock.next = self.clock.val();
        dff_setup!(self, clock, state, i, k, hi, weight, acc, energy, v1, v2);
        // load ports
        self.rowptr.write_address.next = self.rowptr_waddr.val();
        self.rowptr.write_data.next = self.rowptr_wdata.val();
        self.rowptr.write_enable.next = self.rowptr_we.val();
        self.entries.write_address.next = self.entry_waddr.val();
        self.entries.write_data.next = self.entry_wdata.val();
        self.entries.write_enable.next = self.entry_we.val();
        self.spins.write_address.next = self.spin_waddr.val();
        self.spins.write_data.next = self.spin_wdata.val();
        self.spins.write_enable.next = self.spin_we.val();
        self.linear.write_address.next = self.linear_waddr.val();
        self.linear.write_data.next = self.linear_wdata.val();
        self.linear.write_enable.next = self.linear_we.val();
        // defaults
        self.rowptr.read_address.next = self.i.q.val();
        self.entries.read_address.next = bit_cast::<ENTRY_ADDR_BITS, PTR_BITS>(self.k.q.val());
        self.bank_base.next = 0.into();
        if self.bank.val() {
            self.bank_base.next = 1024.into();
        }
        self.spins.read_address.next = self.bank_base.val()
            + bit_cast::<COUNT_BITS, SPIN_BITS>(bit_cast::<SPIN_BITS, COUNT_BITS>(self.i.q.val()));
        self.linear.read_address.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.entry_weight.next =
            signed_cast::<WEIGHT_BITS>(self.entries.read_data.val().get_bits::<WEIGHT_BITS>(10));
        self.l_wide.next = signed_bit_cast::<ACC_BITS, FIELD_BITS>(self.linear.read_data.val());
        self.f_wide.next = self.acc.q.val() + self.acc.q.val() - self.l_wide.val();
        self.f_minus_l.next = self.f_wide.val() - self.l_wide.val();
        self.i_next.next = self.i.q.val() + 1;
        self.field_valid.next = false;
        self.field_index.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.i.q.val());
        self.field.next = signed_bit_cast::<FIELD_BITS, ACC_BITS>(self.f_wide.val());
        self.done.next = false;
        self.busy.next = self.state.q.val() != MatvecState::Idle;
        self.e4.next = self.energy.q.val();
        self.peek_bit.next = self.spins.read_data.val();
        match self.state.q.val() {
            MatvecState::Idle => {
                self.spins.read_address.next = self.peek_addr.val();
                if self.start.val() {
                    self.i.d.next = 0.into();
                    self.energy.d.next = 0.into();
                    self.state.d.next = MatvecState::RowLo;
                }
            }
            MatvecState::RowLo => {
                self.state.d.next = MatvecState::RowLoWait;
            }
            MatvecState::RowLoWait => {
                self.k.d.next = self.rowptr.read_data.val();
                self.rowptr.read_address.next = self.i_next.val();
                self.state.d.next = MatvecState::RowHiWait;
            }
            MatvecState::RowHiWait => {
                self.hi.d.next = self.rowptr.read_data.val();
                self.acc.d.next = 0.into();
                self.v1.d.next = false;
                self.v2.d.next = false;
                self.state.d.next = MatvecState::Stream;
            }
            MatvecState::Stream => {
                // stage 1: issue the read of entry k
                if self.k.q.val() < self.hi.q.val() {
                    self.k.d.next = self.k.q.val() + 1;
                    self.v1.d.next = true;
                } else {
                    self.v1.d.next = false;
                }
                // stage 2: the entry read last cycle arrives; read its column's spin
                if self.v1.q.val() {
                    self.spins.read_address.next = self.bank_base.val()
                        + bit_cast::<COUNT_BITS, SPIN_BITS>(
                            self.entries.read_data.val().get_bits::<SPIN_BITS>(0),
                        );
                    self.weight.d.next =
                        signed_bit_cast::<ACC_BITS, WEIGHT_BITS>(self.entry_weight.val());
                    self.v2.d.next = true;
                } else {
                    self.v2.d.next = false;
                }
                // stage 3: the spin read last cycle arrives; accumulate
                if self.v2.q.val() {
                    if self.spins.read_data.val() {
                        self.acc.d.next = self.acc.q.val() - self.weight.q.val();
                    } else {
                        self.acc.d.next = self.acc.q.val() + self.weight.q.val();
                    }
                }
                // the last spin (stage 3) is accumulated in this cycle
                if (self.k.q.val() == self.hi.q.val()) & !self.v1.q.val() {
                    self.state.d.next = MatvecState::SelfAddr;
                }
            }
            MatvecState::SelfAddr => {
                self.state.d.next = MatvecState::SelfData;
            }
            MatvecState::SelfData => {
                self.field_valid.next = true;
                if self.spins.read_data.val() {
                    self.energy.d.next = self.energy.q.val() - self.f_minus_l.val();
                } else {
                    self.energy.d.next = self.energy.q.val() + self.f_minus_l.val();
                }
                self.i.d.next = self.i_next.val();
                if self.i_next.val() == self.n.val() {
                    self.state.d.next = MatvecState::Done;
                } else {
                    self.state.d.next = MatvecState::RowLo;
                }
            }
            MatvecState::Done => {
                self.done.next = true;
                self.state.d.next = MatvecState::Idle;
            }
            _ => {
                self.state.d.next = MatvecState::Idle;
            }
        }
    }
}
