//! A memory with two read ports, one of them sharing its address with the write port: the
//! shape of one ECP5 DP16KD in true dual-port mode (port A reads or writes, port B reads), so
//! a memory that needs two reads a cycle takes one block RAM instead of two copies.
//!
//! The update unit's schedule weights are such a memory: `W²` and `W⁰` are read on port A
//! while `W¹` is read on port B, and the core writes the weights (port A) only while the units
//! are idle. Port A returns nothing new in a write cycle (its read data holds); port B read at
//! the address being written returns the old word, a read no user keeps (the bit-exact tests
//! poison it, `crate::ram_collisions`).
//!
//! On the iCE40, whose block RAM has one read and one write port, yosys builds the memory as
//! two copies, as two rust_hdl RAMs were.

use rust_hdl::prelude::*;

/// `2^N` words of `D`: port A reads `read_address` or writes `write_address`, port B reads
/// `read_address_b` (module docs).
#[derive(LogicBlock, Default)]
pub struct DualReadRam<D: Synth, const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Port A's address on a cycle without a write.
    pub read_address: Signal<In, Bits<N>>,
    /// `mem[read_address]` of the last cycle without a write.
    pub read_data: Signal<Out, D>,
    /// Port B's address.
    pub read_address_b: Signal<In, Bits<N>>,
    /// `mem[read_address_b]` of the last cycle.
    pub read_data_b: Signal<Out, D>,
    /// Address written when `write_enable` is high (port A).
    pub write_address: Signal<In, Bits<N>>,
    /// Word to write.
    pub write_data: Signal<In, D>,
    /// Write this cycle (and do not read on port A).
    pub write_enable: Signal<In, Bit>,
    _words: Vec<D>,
}

impl<D: Synth, const N: usize> Logic for DualReadRam<D, N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self._words.is_empty() {
                self._words = vec![D::default(); 1 << N];
            }
            self.read_data_b.next = self._words[self.read_address_b.val().index()];
            if self.write_enable.val() {
                self._words[self.write_address.val().index()] = self.write_data.val();
            } else {
                self.read_data.next = self._words[self.read_address.val().index()];
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
        self.read_data_b.connect();
    }

    fn hdl(&self) -> Verilog {
        // the declaration and port B's read are written as rust_hdl writes a RAM's, so that
        // `crate::ram_collisions` marks the memory and poisons port B's colliding reads
        Verilog::Custom(format!(
            "\
reg[{top}:0] mem[{last}:0];
wire [{abits}:0] address_a = write_enable ? write_address : read_address;

always @(posedge clock) begin
   if (write_enable) begin
      mem[address_a] <= write_data;
   end else begin
      read_data <= mem[address_a];
   end
end

always @(posedge clock) begin
   {read_b}
end
",
            top = D::BITS - 1,
            last = (1usize << N) - 1,
            abits = N - 1,
            read_b = crate::ram_collisions::READ_B,
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "dual_read_ram".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "read_address_b".into(),
                "write_address".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into(), "read_data_b".into()],
        }]
    }
}
