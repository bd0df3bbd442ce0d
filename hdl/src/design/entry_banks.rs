//! The J entry banks: `LANES` banks of entry words side by side in one single-port memory of
//! `2^BANK_ADDR_BITS` words of `LANES · ENTRY_BITS` bits, each bank written on its own (a lane
//! write enable) and all read together. The matvec engine always reads every bank at one
//! address and the loader writes one entry at a time while no pass runs, so one port serves
//! both. Packed this way the `icebreaker` build's four 12-bit banks fill three UP5K SPRAMs
//! (16 384 × 48 bits, each bank on three of an SPRAM's four nibble write enables) instead of
//! four, which leaves the fourth for the field history.

use super::widths::*;
use rust_hdl::prelude::*;

/// The entry banks.
#[derive(LogicBlock, Default)]
pub struct EntryBanks {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Word read (every bank) on a cycle without a write.
    pub read_address: Signal<In, Bits<BANK_ADDR_BITS>>,
    /// Bank `b`'s entry at the last read address.
    pub read_data: [Signal<Out, Bits<ENTRY_BITS>>; LANES],
    /// Word written when `write_enable` is high.
    pub write_address: Signal<In, Bits<BANK_ADDR_BITS>>,
    /// The bank written (the entry index's low `LANE_BITS` bits).
    pub write_lane: Signal<In, Bits<8>>,
    /// Entry to write.
    pub write_data: Signal<In, Bits<ENTRY_BITS>>,
    /// Write (and do not read) this cycle.
    pub write_enable: Signal<In, Bit>,
    _words: Vec<[Bits<ENTRY_BITS>; LANES]>,
}

impl Logic for EntryBanks {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self._words.is_empty() {
                self._words = vec![[Bits::default(); LANES]; 1 << BANK_ADDR_BITS];
            }
            if self.write_enable.val() {
                let lane = self.write_lane.val().index() & (LANES - 1);
                self._words[self.write_address.val().index()][lane] = self.write_data.val();
            } else {
                let word = self._words[self.read_address.val().index()];
                for (out, entry) in self.read_data.iter_mut().zip(word) {
                    out.next = entry;
                }
            }
        }
    }

    fn connect(&mut self) {
        for out in &mut self.read_data {
            out.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        let slice = |b: usize| format!("[{}:{}]", (b + 1) * ENTRY_BITS - 1, b * ENTRY_BITS);
        let writes: String = (0..LANES)
            .map(|b| match LANES {
                1 => format!("      mem[address]{} <= write_data;\n", slice(b)),
                _ => format!(
                    "      if (write_lane[{}:0] == {b}) mem[address]{} <= write_data;\n",
                    LANE_BITS - 1,
                    slice(b)
                ),
            })
            .collect();
        let reads = (0..LANES)
            .rev()
            .map(|b| format!("read_data${b}"))
            .collect::<Vec<_>>()
            .join(", ");
        Verilog::Custom(format!(
            "\
reg [{top}:0] mem [0:{last}];
wire [{abits}:0] address = write_enable ? write_address : read_address;

always @(posedge clock) begin
   if (write_enable) begin
{writes}   end else begin
      {{{reads}}} <= mem[address];
   end
end
// (the lane number's bits above log2(LANES): all of them with one lane)
/* verilator lint_off UNUSEDSIGNAL */
wire unused_write_lane = |write_lane;
/* verilator lint_on UNUSEDSIGNAL */
",
            top = LANES * ENTRY_BITS - 1,
            last = (1usize << BANK_ADDR_BITS) - 1,
            abits = BANK_ADDR_BITS - 1,
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "entry_banks".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "write_address".into(),
                "write_lane".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into()],
        }]
    }
}
