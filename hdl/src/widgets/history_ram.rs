//! The field history's memory, in one of two shapes chosen by the build (`DUAL`):
//!
//! - single-port (`DUAL = false`): one address serves the write port when `write_enable` is high
//!   and the read port otherwise, and the read data holds through a write cycle. That is the
//!   shape of the iCE40UP5K's SPRAM (SB_SPRAM256KA, 16 384 × 16), which yosys infers from this
//!   block's Verilog with `synth_ice40 -spram`. Its users never read and write in one cycle
//!   (the matvec writes the history, the update unit reads it, one after the other).
//! - simple dual-port (`DUAL = true`): a write port and a read port working in the same cycle,
//!   a read of the address being written returning the old word (as rust_hdl's [`RAM`]); block
//!   RAM on the ECP5. The core's overlap of a step's update with the matvec before it needs it:
//!   the matvec writes field `i` while the update unit reads the fields of earlier spins.
//!
//! The interface is that of rust_hdl's two-port [`RAM`] with one clock. The bit-exact tests,
//! with colliding reads poisoned (`crate::ram_collisions`), show that no user reads a word in
//! the cycle it is written.

use rust_hdl::prelude::*;

/// The field history's memory: `2^N` words, single-port or simple dual-port (module docs).
#[derive(LogicBlock, Default)]
pub struct HistoryRam<D: Synth, const N: usize, const DUAL: bool> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Address read (single-port: on a cycle without a write).
    pub read_address: Signal<In, Bits<N>>,
    /// `mem[read_address]` of the last cycle (single-port: of the last cycle without a write).
    pub read_data: Signal<Out, D>,
    /// Address written when `write_enable` is high.
    pub write_address: Signal<In, Bits<N>>,
    /// Word to write.
    pub write_data: Signal<In, D>,
    /// Write this cycle (single-port: and do not read).
    pub write_enable: Signal<In, Bit>,
    _words: Vec<D>,
}

impl<D: Synth, const N: usize, const DUAL: bool> Logic for HistoryRam<D, N, DUAL> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self._words.is_empty() {
                self._words = vec![D::default(); 1 << N];
            }
            if DUAL || !self.write_enable.val() {
                self.read_data.next = self._words[self.read_address.val().index()];
            }
            if self.write_enable.val() {
                self._words[self.write_address.val().index()] = self.write_data.val();
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        if DUAL {
            // written as rust_hdl writes its RAM, so that `crate::ram_collisions` finds it
            return Verilog::Custom(format!(
                "\
reg[{top}:0] mem[{last}:0];

always @(posedge clock) begin
   read_data <= mem[read_address];
end

always @(posedge clock) begin
   if (write_enable) begin
      mem[write_address] <= write_data;
   end
end
",
                top = D::BITS - 1,
                last = (1usize << N) - 1,
            ));
        }
        Verilog::Custom(format!(
            "\
reg [{top}:0] mem [0:{last}];
wire [{abits}:0] address = write_enable ? write_address : read_address;

always @(posedge clock) begin
   if (write_enable) begin
      mem[address] <= write_data;
   end else begin
      read_data <= mem[address];
   end
end
",
            top = D::BITS - 1,
            last = (1usize << N) - 1,
            abits = N - 1,
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "history_ram".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "write_address".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into()],
        }]
    }
}
