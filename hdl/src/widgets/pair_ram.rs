//! A memory of two-field words, each half written on its own and a whole word read at once:
//! the update unit's field history and `W²` weights when it takes four taps a cycle
//! (`TAP_QUADS`). Two 16-bit values a word give two taps from one read, so four taps a cycle
//! take two such memories, where four 16-bit memories would take four: on the ECP5 a 512-word
//! one is one DP16KD in its 36-bit pseudo-dual-port mode (PDPW16KD, byte enables), the shape
//! of each update unit's two history memories (`docs/bitstreams.md`, "Block RAM for more taps
//! and lanes").
//!
//! A write port and a read port working in the same cycle (the matvec writes one field while
//! the unit reads the fields of earlier spins); a read of the word being written returns the
//! old word. The read port is written as rust_hdl writes a RAM's, so that
//! `crate::ram_collisions` marks the memory and poisons the reads that could collide with a
//! write; the bit-exact tests show that none is used.

use rust_hdl::prelude::*;

/// `2^N` words of two 16-bit halves (module docs).
#[derive(LogicBlock, Default)]
pub struct PairRam<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Address read.
    pub read_address: Signal<In, Bits<N>>,
    /// `mem[read_address]` of the last cycle (the high half the word's second field).
    pub read_data: Signal<Out, Bits<32>>,
    /// Word written when `write_enable` is high.
    pub write_address: Signal<In, Bits<N>>,
    /// Field to write into one half of it.
    pub write_data: Signal<In, Bits<16>>,
    /// Write the high half (else the low).
    pub write_high: Signal<In, Bit>,
    /// Write this cycle.
    pub write_enable: Signal<In, Bit>,
    _words: Vec<u32>,
}

impl<const N: usize> Logic for PairRam<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self._words.is_empty() {
                self._words = vec![0; 1 << N];
            }
            let w = self._words[self.read_address.val().index()];
            self.read_data.next = (w as u64).to_bits();
            if self.write_enable.val() {
                let a = self.write_address.val().index();
                let v = self.write_data.val().index() as u32 & 0xffff;
                self._words[a] = if self.write_high.val() {
                    (self._words[a] & 0xffff) | (v << 16)
                } else {
                    (self._words[a] & 0xffff_0000) | v
                };
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
reg[31:0] mem[{last}:0];

always @(posedge clock) begin
   read_data <= mem[read_address];
end

always @(posedge clock) begin
   if (write_enable) begin
      if (write_high) mem[write_address][31:16] <= write_data;
      else mem[write_address][15:0] <= write_data;
   end
end
",
            last = (1usize << N) - 1,
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "pair_ram".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "write_address".into(),
                "write_data".into(),
                "write_high".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into()],
        }]
    }
}
