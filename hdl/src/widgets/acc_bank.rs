//! A bank of accumulators taking one read-modify-write a cycle: one lane's `J·σ` accumulators
//! in the incremental matvec (`sim/src/fixed/scatter.rs`, `docs/rtl.md`, "Next: an incremental
//! matvec"), where each cycle a word of column entries adds `±w` or `±2w` into one row of every
//! lane's bank (`crate::builds::rtl::scatter`, itself in no core yet).
//!
//! Two stages on one memory with a registered read port and a write port. Stage 1 (the cycle an
//! update is presented): the memory reads `addr`. Stage 2: the word arrives, the sum (or, for a
//! `set`, the delta alone) is formed and written back. An update to the address written back
//! in the same cycle as its read (the update just before it, to the same row) would read the
//! old word, so stage 2 takes the sum it registered instead: the colliding read is one the next
//! cycle ignores, as `crate::ram_collisions` requires of every memory in the design, and the
//! bank is correct with such reads poisoned. Back-to-back updates to one row, in any pattern,
//! therefore add up. `read_addr` reads a word out (a cycle later on `read_data`) on a cycle
//! without an update, two cycles after the last update to that word.

use rust_hdl::prelude::*;

/// `2^A` accumulators of `W` bits (two's complement, wrapping), one update a cycle.
#[derive(LogicBlock, Default)]
pub struct AccBank<const A: usize, const W: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Update `mem[addr]` this cycle.
    pub valid: Signal<In, Bit>,
    /// Write `delta` itself (clearing or loading), not `mem[addr] + delta`.
    pub set: Signal<In, Bit>,
    /// The accumulator updated.
    pub addr: Signal<In, Bits<A>>,
    /// Added to it.
    pub delta: Signal<In, Bits<W>>,
    /// Accumulator read on a cycle without an update.
    pub read_addr: Signal<In, Bits<A>>,
    /// `mem[read_addr]`, the cycle after.
    pub read_data: Signal<Out, Bits<W>>,
    mem: RAM<Bits<W>, A>,
    /// Stage 2's update: valid, set, address, delta.
    s_valid: DFF<Bit>,
    s_set: DFF<Bit>,
    s_addr: DFF<Bits<A>>,
    s_delta: DFF<Bits<W>>,
    /// The update written back the cycle before: valid, address, value.
    w_valid: DFF<Bit>,
    w_addr: DFF<Bits<A>>,
    w_sum: DFF<Bits<W>>,
    /// The word stage 2 adds to: the memory's, or the one just written to the same address.
    base: Signal<Local, Bits<W>>,
    /// What stage 2 writes.
    sum: Signal<Local, Bits<W>>,
}

impl<const A: usize, const W: usize> Logic for AccBank<A, W> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, s_valid, s_set, s_addr, s_delta, w_valid, w_addr, w_sum);
        self.mem.read_clock.next = self.clock.val();
        self.mem.write_clock.next = self.clock.val();
        // stage 1
        self.mem.read_address.next = self.read_addr.val();
        if self.valid.val() {
            self.mem.read_address.next = self.addr.val();
        }
        self.s_valid.d.next = self.valid.val();
        self.s_set.d.next = self.set.val();
        self.s_addr.d.next = self.addr.val();
        self.s_delta.d.next = self.delta.val();
        // stage 2
        self.base.next = self.mem.read_data.val();
        if self.w_valid.q.val() & (self.w_addr.q.val() == self.s_addr.q.val()) {
            self.base.next = self.w_sum.q.val();
        }
        self.sum.next = self.base.val() + self.s_delta.q.val();
        if self.s_set.q.val() {
            self.sum.next = self.s_delta.q.val();
        }
        self.mem.write_address.next = self.s_addr.q.val();
        self.mem.write_data.next = self.sum.val();
        self.mem.write_enable.next = self.s_valid.q.val();
        self.w_valid.d.next = self.s_valid.q.val();
        self.w_addr.d.next = self.s_addr.q.val();
        self.w_sum.d.next = self.sum.val();
        self.read_data.next = self.mem.read_data.val();
    }
}
