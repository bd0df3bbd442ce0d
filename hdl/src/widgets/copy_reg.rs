//! A register that synthesis keeps as its own copy: for each update unit's registered copy of
//! a value all units share (the configuration: `D`, `Tc`, the span and stride of a hidden
//! unit's taps, the first `W²` place).
//!
//! The units hold such copies so that each one's address logic reads a register beside its own
//! memories instead of one register fanned out across the die. Written as rust_hdl `DFF`s, the
//! 16 copies never reach the ECP5: yosys's `opt_merge` merges flip-flops with the same input
//! into one (and `(* keep *)` does not stop it), and the logic computed from them is then shared
//! by all the units too. The shipped `rtl` netlist held one copy of `D`, `span` and `Tc`, and
//! the four-tap build's critical path ran from it through the shared adders to a unit's weight
//! memory address across the die (`docs/bitstreams.md`, "Four taps a cycle"). On the ECP5
//! (`NPIM_ECP5`) this block is one TRELLIS_FF instance per bit, which `opt_merge` leaves alone;
//! everywhere else it is a plain register, as the behavioural model below. Its fields are
//! named as a `DFF`'s (`clock`, `d`, `q`), so `dff_setup!` holds it like one.

use rust_hdl::prelude::*;

/// `q` = `d` of the last clock edge (module docs).
#[derive(LogicBlock, Default)]
pub struct CopyReg<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The value registered at the next edge.
    pub d: Signal<In, Bits<N>>,
    /// The value registered at the last edge.
    pub q: Signal<Out, Bits<N>>,
}

impl<const N: usize> Logic for CopyReg<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.q.next = self.d.val();
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
`ifdef NPIM_ECP5
// (one TRELLIS_FF a bit: yosys merges identical flip-flops it infers, not instances)
wire [{top}:0] q_bits;
genvar i;
generate for (i = 0; i < {N}; i = i + 1) begin : copy
   TRELLIS_FF #(.GSR(\"DISABLED\"), .CEMUX(\"1\"), .CLKMUX(\"CLK\"), .LSRMUX(\"LSR\"),
      .REGSET(\"RESET\")) ff (.CLK(clock), .CE(1'b1), .LSR(1'b0), .DI(d[i]), .Q(q_bits[i]));
end endgenerate
always @(*) q = q_bits;
`else
always @(posedge clock) q <= d;
`endif
",
            top = N - 1,
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "copy_reg".into(),
            clock: "clock".into(),
            inputs: vec!["d".into()],
            outputs: vec!["q".into()],
        }]
    }
}
