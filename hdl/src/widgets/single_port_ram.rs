//! A single-port RAM: one address serves the write port when `write_enable` is high and the
//! read port otherwise, and the read data holds through a write cycle. That is the shape of the
//! iCE40UP5K's SPRAM (SB_SPRAM256KA, 16 384 × 16), which yosys infers from this block's Verilog
//! with `synth_ice40 -spram`; elsewhere it maps to ordinary block RAM. The interface is that of
//! rust_hdl's two-port [`RAM`] with one clock, so a memory that is never
//! read and written in the same cycle (the J entries and the field history: loads write, runs
//! read; the matvec writes the history, the update unit reads it, one after the other) can move
//! to it without a change to its users. The bit-exact tests are what show that no user reads
//! during a write.

use rust_hdl::prelude::*;

/// A single-port RAM of `2^N` words.
#[derive(LogicBlock, Default)]
pub struct SinglePortRam<D: Synth, const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Address read on a cycle without a write.
    pub read_address: Signal<In, Bits<N>>,
    /// `mem[read_address]` of the last cycle without a write.
    pub read_data: Signal<Out, D>,
    /// Address written when `write_enable` is high.
    pub write_address: Signal<In, Bits<N>>,
    /// Word to write.
    pub write_data: Signal<In, D>,
    /// Write (and do not read) this cycle.
    pub write_enable: Signal<In, Bit>,
    _words: Vec<D>,
}

impl<D: Synth, const N: usize> Logic for SinglePortRam<D, N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self._words.is_empty() {
                self._words = vec![D::default(); 1 << N];
            }
            if self.write_enable.val() {
                self._words[self.write_address.val().index()] = self.write_data.val();
            } else {
                self.read_data.next = self._words[self.read_address.val().index()];
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
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
            name: "single_port_ram".into(),
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
