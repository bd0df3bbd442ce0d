//! The matvec engine: for each spin `i`, `f_i = 2·Σ_k J_q[i, col_k]·σ_{col_k} − l_i` over the
//! CSR row of `i`, and the energy register `E4 = Σ_i σ_i·(f_i − l_i)` (`docs/fixed-point.md`).
//!
//! Multiplier-free: each entry adds or subtracts its weight by the spin's sign bit (1 = −1).
//! Memories: row pointers, entry words (column | weight), spin bits (two copies: one read port
//! for the entries' columns, one for each row's own spin) and `l`, each one block RAM with one
//! read and one write port; the write ports are the load interface.
//!
//! One lane, streaming: the entries of all rows go through a four-stage pipeline at one entry
//! per cycle with no gap between rows (an empty row takes one slot): (1) issue entry `k` of row
//! `r`, the row-pointer memory always reading `ptr[r + 1]`, the end of the issuing row; (2) the
//! entry arrives: read its column's spin, and the row's own spin and `l`; (3) accumulate; at a
//! row's last entry latch the sum; (4) emit `f_r = 2·sum − l_r` and update `E4`. A pass takes
//! `Σ_r max(1, nnz_r) + 6` cycles.
//!
//! Protocol: load the memories through the write ports, set `n`, pulse `start`; the engine
//! emits one `(field_index, field)` per cycle with `field_valid` high, in index order, then
//! pulses `done` with `e4` final.

use crate::widths::*;
use rust_hdl::prelude::*;

// rust_hdl emits a const used as a bit offset literally into the Verilog, so the weight field's
// offset is written as the number 10 in `update`, and the second bank's base as 1024; this
// pins both to SPIN_BITS.
const _: () = assert!(SPIN_BITS == 11);

/// Engine states.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum MatvecState {
    /// Waiting for `start`.
    Idle,
    /// `ptr[0]` arrives (the first entry); read `ptr[1]`.
    Setup,
    /// Issue one entry (or an empty row's slot) per cycle.
    Stream,
    /// The last slot is issued; the pipeline empties.
    Drain,
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
    own_spins: RAM<Bit, COUNT_BITS>,
    linear: RAM<Signed<FIELD_BITS>, SPIN_BITS>,
    state: DFF<MatvecState>,
    /// The issuing row.
    r: DFF<Bits<COUNT_BITS>>,
    /// The next entry to issue.
    k: DFF<Bits<PTR_BITS>>,
    // stage 1 → 2
    v1: DFF<Bit>,
    real1: DFF<Bit>,
    last1: DFF<Bit>,
    row1: DFF<Bits<SPIN_BITS>>,
    // stage 2 → 3
    v2: DFF<Bit>,
    last2: DFF<Bit>,
    row2: DFF<Bits<SPIN_BITS>>,
    weight2: DFF<Signed<ACC_BITS>>,
    // stage 3 → 4
    v3: DFF<Bit>,
    row3: DFF<Bits<SPIN_BITS>>,
    sum3: DFF<Signed<ACC_BITS>>,
    own3: DFF<Bit>,
    l3: DFF<Signed<FIELD_BITS>>,
    acc: DFF<Signed<ACC_BITS>>,
    energy: DFF<Signed<ACC_BITS>>,
    row_end: Signal<Local, Bits<PTR_BITS>>,
    has_entry: Signal<Local, Bit>,
    is_last: Signal<Local, Bit>,
    r_next: Signal<Local, Bits<COUNT_BITS>>,
    entry_weight: Signal<Local, Signed<WEIGHT_BITS>>,
    row_sum: Signal<Local, Signed<ACC_BITS>>,
    f_wide: Signal<Local, Signed<ACC_BITS>>,
    l_wide: Signal<Local, Signed<ACC_BITS>>,
    f_minus_l: Signal<Local, Signed<ACC_BITS>>,
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
        self.own_spins.read_clock.next = self.clock.val();
        self.own_spins.write_clock.next = self.clock.val();
        self.linear.read_clock.next = self.clock.val();
        self.linear.write_clock.next = self.clock.val();
        dff_setup!(
            self, clock, state, r, k, v1, real1, last1, row1, v2, last2, row2, weight2, v3, row3,
            sum3, own3, l3, acc, energy
        );
        // load ports (both spin copies take every spin write)
        self.rowptr.write_address.next = self.rowptr_waddr.val();
        self.rowptr.write_data.next = self.rowptr_wdata.val();
        self.rowptr.write_enable.next = self.rowptr_we.val();
        self.entries.write_address.next = self.entry_waddr.val();
        self.entries.write_data.next = self.entry_wdata.val();
        self.entries.write_enable.next = self.entry_we.val();
        self.spins.write_address.next = self.spin_waddr.val();
        self.spins.write_data.next = self.spin_wdata.val();
        self.spins.write_enable.next = self.spin_we.val();
        self.own_spins.write_address.next = self.spin_waddr.val();
        self.own_spins.write_data.next = self.spin_wdata.val();
        self.own_spins.write_enable.next = self.spin_we.val();
        self.linear.write_address.next = self.linear_waddr.val();
        self.linear.write_data.next = self.linear_wdata.val();
        self.linear.write_enable.next = self.linear_we.val();
        self.bank_base.next = 0.into();
        if self.bank.val() {
            self.bank_base.next = 2048.into();
        }
        // stage 1 signals: the row-pointer memory holds ptr[r + 1], the issuing row's end
        self.row_end.next = self.rowptr.read_data.val();
        self.has_entry.next = self.k.q.val() < self.row_end.val();
        self.is_last.next = !self.has_entry.val() | ((self.k.q.val() + 1) == self.row_end.val());
        self.r_next.next = self.r.q.val() + 1;
        self.rowptr.read_address.next = self.r_next.val();
        self.entries.read_address.next = bit_cast::<ENTRY_ADDR_BITS, PTR_BITS>(self.k.q.val());
        self.v1.d.next = false;
        // stage 2: the entry issued last cycle arrives; read its column's spin, and the row's
        // own spin and l
        self.entry_weight.next =
            signed_cast::<WEIGHT_BITS>(self.entries.read_data.val().get_bits::<WEIGHT_BITS>(11));
        self.spins.read_address.next = self.bank_base.val()
            + bit_cast::<COUNT_BITS, SPIN_BITS>(
                self.entries.read_data.val().get_bits::<SPIN_BITS>(0),
            );
        self.own_spins.read_address.next =
            self.bank_base.val() + bit_cast::<COUNT_BITS, SPIN_BITS>(self.row1.q.val());
        self.linear.read_address.next = self.row1.q.val();
        self.v2.d.next = self.v1.q.val();
        self.last2.d.next = self.last1.q.val();
        self.row2.d.next = self.row1.q.val();
        self.weight2.d.next = 0.into();
        if self.real1.q.val() {
            self.weight2.d.next = signed_bit_cast::<ACC_BITS, WEIGHT_BITS>(self.entry_weight.val());
        }
        // stage 3: the column's spin arrives; accumulate, latch the row's sum at its last slot
        self.row_sum.next = self.acc.q.val() + self.weight2.q.val();
        if self.spins.read_data.val() {
            self.row_sum.next = self.acc.q.val() - self.weight2.q.val();
        }
        self.v3.d.next = self.v2.q.val() & self.last2.q.val();
        self.row3.d.next = self.row2.q.val();
        self.sum3.d.next = self.row_sum.val();
        self.own3.d.next = self.own_spins.read_data.val();
        self.l3.d.next = self.linear.read_data.val();
        if self.v2.q.val() {
            self.acc.d.next = self.row_sum.val();
            if self.last2.q.val() {
                self.acc.d.next = 0.into();
            }
        }
        // stage 4: emit f = 2·sum − l; E4 += σ·(f − l)
        self.l_wide.next = signed_bit_cast::<ACC_BITS, FIELD_BITS>(self.l3.q.val());
        self.f_wide.next = self.sum3.q.val() + self.sum3.q.val() - self.l_wide.val();
        self.f_minus_l.next = self.f_wide.val() - self.l_wide.val();
        self.field_valid.next = self.v3.q.val();
        self.field_index.next = self.row3.q.val();
        self.field.next = signed_bit_cast::<FIELD_BITS, ACC_BITS>(self.f_wide.val());
        if self.v3.q.val() {
            if self.own3.q.val() {
                self.energy.d.next = self.energy.q.val() - self.f_minus_l.val();
            } else {
                self.energy.d.next = self.energy.q.val() + self.f_minus_l.val();
            }
        }
        self.done.next = false;
        self.busy.next = self.state.q.val() != MatvecState::Idle;
        self.e4.next = self.energy.q.val();
        self.peek_bit.next = self.spins.read_data.val();
        match self.state.q.val() {
            MatvecState::Idle => {
                self.spins.read_address.next = self.peek_addr.val();
                self.rowptr.read_address.next = 0.into();
                if self.start.val() {
                    self.r.d.next = 0.into();
                    self.acc.d.next = 0.into();
                    self.energy.d.next = 0.into();
                    self.state.d.next = MatvecState::Setup;
                }
            }
            MatvecState::Setup => {
                self.k.d.next = self.rowptr.read_data.val();
                self.state.d.next = MatvecState::Stream;
            }
            MatvecState::Stream => {
                self.v1.d.next = true;
                self.real1.d.next = self.has_entry.val();
                self.last1.d.next = self.is_last.val();
                self.row1.d.next = bit_cast::<SPIN_BITS, COUNT_BITS>(self.r.q.val());
                if self.has_entry.val() {
                    self.k.d.next = self.k.q.val() + 1;
                }
                if self.is_last.val() {
                    self.r.d.next = self.r_next.val();
                    self.rowptr.read_address.next = self.r_next.val() + 1;
                    if self.r_next.val() == self.n.val() {
                        self.state.d.next = MatvecState::Drain;
                    }
                }
            }
            MatvecState::Drain => {
                if !self.v1.q.val() & !self.v2.q.val() & !self.v3.q.val() {
                    self.state.d.next = MatvecState::Done;
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
