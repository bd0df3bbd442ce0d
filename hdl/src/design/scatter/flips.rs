//! The flipped-spin queue of the incremental matvec: which spins a step changed, gathered as
//! the step's spin words are written, so that the next pass reads only their columns.
//!
//! The queue keeps its own copy of the spins the last pass added (a word of `UNITS` spins at
//! each place). A word written with `push` is compared with that copy: the copy takes the new
//! word, and where any spin differs the place and the changed bits (`mask`) go into a FIFO.
//! A word written without `push` only sets the copy (a run's first pass, which adds every
//! column). The consumer takes one entry a cycle (`pop` with `out_valid`): the entry's place and
//! mask, in the order the words were written.
//!
//! Two stages: the copy's word at the written place is read, then compared, written back and
//! queued. A copy read meets a write only when one place is written twice in a row, which no
//! core does (a step writes each place once), so the colliding read is never used
//! (`crate::ram_collisions`). The FIFO holds one step's words (`2^UNIT_SPIN_BITS`): a pass takes
//! its step's entries before any spin of the next step is decided, since those spins wait for
//! the pass's fields. An entry is offered from the second cycle after it is queued (the FIFO's
//! read port then holds it), so `out_valid` stays low in a cycle after a push.

use super::super::widths::*;
use rust_hdl::prelude::*;

/// A FIFO entry: the changed bits, the place above.
const ENTRY_BITS: usize = UNITS + UNIT_SPIN_BITS;
/// Bits of the FIFO's count: up to and including `2^UNIT_SPIN_BITS` entries.
const FILL_BITS: usize = UNIT_SPIN_BITS + 1;

/// The queue.
#[derive(LogicBlock)]
pub struct FlipQueue {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Empty the FIFO (the copy is kept).
    pub clear: Signal<In, Bit>,
    /// A spin word is written: spins `place·UNITS ..` (bit `p` set for −1).
    pub we: Signal<In, Bit>,
    /// See `we`.
    pub place: Signal<In, Bits<UNIT_SPIN_BITS>>,
    /// See `we`.
    pub word: Signal<In, Bits<UNITS>>,
    /// Queue the word's changes (otherwise only the copy is set).
    pub push: Signal<In, Bit>,
    /// An entry is offered.
    pub out_valid: Signal<Out, Bit>,
    /// Its place.
    pub out_place: Signal<Out, Bits<UNIT_SPIN_BITS>>,
    /// Its changed spins (bit `p`: spin `place·UNITS + p`).
    pub out_mask: Signal<Out, Bits<UNITS>>,
    /// Take the offered entry this cycle.
    pub pop: Signal<In, Bit>,
    /// No word is being compared or queued: every word written before this cycle is in the
    /// FIFO and offered (or changed nothing).
    pub quiet: Signal<Out, Bit>,
    /// The spins the last pass added, a word a place.
    copy: RAM<Bits<UNITS>, UNIT_SPIN_BITS>,
    fifo: RAM<Bits<ENTRY_BITS>, UNIT_SPIN_BITS>,
    /// The word being compared (the copy's word arrives this cycle).
    c_valid: DFF<Bit>,
    c_push: DFF<Bit>,
    c_place: DFF<Bits<UNIT_SPIN_BITS>>,
    c_word: DFF<Bits<UNITS>>,
    /// FIFO pointers and count.
    head: DFF<Bits<UNIT_SPIN_BITS>>,
    tail: DFF<Bits<UNIT_SPIN_BITS>>,
    fill: DFF<Bits<FILL_BITS>>,
    /// An entry was queued in the cycle before.
    pushed: DFF<Bit>,
    /// The changed bits of the word being compared.
    changed: Signal<Local, Bits<UNITS>>,
    /// An entry is queued this cycle.
    enqueue: Signal<Local, Bit>,
    /// The offered entry is taken this cycle.
    dequeue: Signal<Local, Bit>,
    /// Where the place starts in an entry (rust_hdl writes consts into Verilog by name).
    place_at: Constant<Bits<8>>,
}

impl Default for FlipQueue {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            we: Default::default(),
            place: Default::default(),
            word: Default::default(),
            push: Default::default(),
            out_valid: Default::default(),
            out_place: Default::default(),
            out_mask: Default::default(),
            pop: Default::default(),
            quiet: Default::default(),
            copy: Default::default(),
            fifo: Default::default(),
            c_valid: Default::default(),
            c_push: Default::default(),
            c_place: Default::default(),
            c_word: Default::default(),
            head: Default::default(),
            tail: Default::default(),
            fill: Default::default(),
            pushed: Default::default(),
            changed: Default::default(),
            enqueue: Default::default(),
            dequeue: Default::default(),
            place_at: Constant::new((UNITS as u64).to_bits()),
        }
    }
}

impl Logic for FlipQueue {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, c_valid, c_push, c_place, c_word, head, tail, fill, pushed);
        self.copy.read_clock.next = self.clock.val();
        self.copy.write_clock.next = self.clock.val();
        self.fifo.read_clock.next = self.clock.val();
        self.fifo.write_clock.next = self.clock.val();
        // stage 1: the copy's word at the written place is read
        self.copy.read_address.next = self.place.val();
        self.c_valid.d.next = self.we.val();
        self.c_push.d.next = self.push.val();
        self.c_place.d.next = self.place.val();
        self.c_word.d.next = self.word.val();
        // stage 2: compare, write the copy, queue the changes
        self.changed.next = self.copy.read_data.val() ^ self.c_word.q.val();
        self.copy.write_address.next = self.c_place.q.val();
        self.copy.write_data.next = self.c_word.q.val();
        self.copy.write_enable.next = self.c_valid.q.val();
        self.enqueue.next = self.c_valid.q.val() & self.c_push.q.val() & self.changed.val().any();
        self.fifo.write_address.next = self.tail.q.val();
        self.fifo.write_data.next = bit_cast::<ENTRY_BITS, UNITS>(self.changed.val())
            | (bit_cast::<ENTRY_BITS, UNIT_SPIN_BITS>(self.c_place.q.val()) << self.place_at.val());
        self.fifo.write_enable.next = self.enqueue.val();
        self.pushed.d.next = self.enqueue.val();
        self.quiet.next = !self.c_valid.q.val() & !self.pushed.q.val();
        // the head entry, offered once its write is behind the read port
        self.out_valid.next = self.fill.q.val().any() & !self.pushed.q.val();
        self.out_mask.next = bit_cast::<UNITS, ENTRY_BITS>(self.fifo.read_data.val());
        self.out_place.next = self
            .fifo
            .read_data
            .val()
            .get_bits::<UNIT_SPIN_BITS>(self.place_at.val().index());
        self.dequeue.next = self.pop.val() & self.out_valid.val();
        self.fifo.read_address.next = self.head.q.val();
        if self.dequeue.val() {
            self.fifo.read_address.next = self.head.q.val() + 1;
            self.head.d.next = self.head.q.val() + 1;
        }
        if self.enqueue.val() {
            self.tail.d.next = self.tail.q.val() + 1;
        }
        if self.enqueue.val() & !self.dequeue.val() {
            self.fill.d.next = self.fill.q.val() + 1;
        }
        if !self.enqueue.val() & self.dequeue.val() {
            self.fill.d.next = self.fill.q.val() - 1;
        }
        if self.clear.val() {
            self.head.d.next = 0.into();
            self.tail.d.next = 0.into();
            self.fill.d.next = 0.into();
            self.fifo.read_address.next = 0.into();
        }
    }
}
