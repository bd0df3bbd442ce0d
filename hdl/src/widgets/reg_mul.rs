//! A 16 × 16 signed multiplier with its operands and its product registered inside it: two
//! cycles from operands to product, one product a cycle.
//!
//! The update unit registers each tap's weight and field before its multiplier and the product
//! after it, so that no multiplier waits on a block RAM and no adder waits on a multiplier.
//! Written as flip-flops around a `*`, those registers stay in the fabric: yosys's ECP5 flow
//! maps the `*` alone to a MULT18X18D and leaves its input and output registers unused, so each
//! product's 64 operand and result bits cross between the DSP row and the fabric flip-flops.
//! On the ECP5 (`NPIM_ECP5`, defined by `crate::boards::core_verilog` for that family) this
//! block instead instantiates the MULT18X18D with `REG_INPUTA`, `REG_INPUTB` and `REG_OUTPUT`
//! on: the same two-cycle behaviour, the registers in the DSP. Everywhere else (Verilator, the
//! iCE40, yosys's `check`) it is the flip-flops around a `*`, which is also the behavioural
//! model below; the two Verilog bodies compute the same function cycle for cycle (the DSP's
//! registers have no reset and no enable in use, like the flip-flops: `CE0` high, `RST0` low).

use rust_hdl::prelude::*;

/// `p` = `a · b` of two clock edges before (module docs).
#[derive(LogicBlock, Default)]
pub struct RegMul {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// First operand (the weight), registered at the next edge.
    pub a: Signal<In, Signed<16>>,
    /// Second operand (the field), registered at the next edge.
    pub b: Signal<In, Signed<16>>,
    /// The product of the operands registered at the edge before the last.
    pub p: Signal<Out, Signed<32>>,
    _a_q: Signed<16>,
    _b_q: Signed<16>,
}

impl Logic for RegMul {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.p.next = self._a_q * self._b_q;
            self._a_q = self.a.val();
            self._b_q = self.b.val();
        }
    }

    fn connect(&mut self) {
        self.p.connect();
    }

    fn hdl(&self) -> Verilog {
        let pins = |port: char, from: &str| -> String {
            (0..18)
                .map(|i| format!(".{port}{i}({from}[{}])", i.min(15)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let outs = (0..36)
            .map(|i| format!(".P{i}(p_full[{i}])"))
            .collect::<Vec<_>>()
            .join(", ");
        let zeros = |port: &str| -> String {
            (0..18)
                .map(|i| format!(".{port}{i}(1'b0)"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Verilog::Custom(format!(
            "\
`ifdef NPIM_ECP5
// (operands sign-extended to 18 bits: bits 16 and 17 repeat bit 15; taken through plain
// wires, since a signed port's bits on the primitive's pins make yosys re-elaborate the top
// module once the primitive's parameterised black box exists, after the flattening)
wire [15:0] a_bits = a;
wire [15:0] b_bits = b;
wire [35:0] p_full;
MULT18X18D #(
   .REG_INPUTA_CLK(\"CLK0\"), .REG_INPUTB_CLK(\"CLK0\"), .REG_OUTPUT_CLK(\"CLK0\"),
   .REG_INPUTA_CE(\"CE0\"), .REG_INPUTB_CE(\"CE0\"), .REG_OUTPUT_CE(\"CE0\"),
   .REG_INPUTA_RST(\"RST0\"), .REG_INPUTB_RST(\"RST0\"), .REG_OUTPUT_RST(\"RST0\"),
   .RESETMODE(\"SYNC\"), .GSR(\"DISABLED\")
) dsp (
   {a_pins},
   {b_pins},
   {c_pins},
   .SIGNEDA(1'b1), .SIGNEDB(1'b1), .SOURCEA(1'b0), .SOURCEB(1'b0),
   .CLK0(clock), .CLK1(1'b0), .CLK2(1'b0), .CLK3(1'b0),
   .CE0(1'b1), .CE1(1'b0), .CE2(1'b0), .CE3(1'b0),
   .RST0(1'b0), .RST1(1'b0), .RST2(1'b0), .RST3(1'b0),
   {outs}
);
always @(*) p = p_full[31:0];
`else
reg signed [15:0] a_q;
reg signed [15:0] b_q;
always @(posedge clock) begin
   a_q <= a;
   b_q <= b;
   p <= a_q * b_q;
end
`endif
",
            a_pins = pins('A', "a_bits"),
            b_pins = pins('B', "b_bits"),
            c_pins = zeros("C"),
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "reg_mul".into(),
            clock: "clock".into(),
            inputs: vec!["a".into(), "b".into()],
            outputs: vec!["p".into()],
        }]
    }
}
