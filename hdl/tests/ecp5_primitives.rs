//! The widgets that instantiate ECP5 primitives under `NPIM_ECP5`.
//!
//! The registered multiplier (`npim_hdl::widgets::reg_mul`): its behavioural model registers
//! each product at the edge after the one that registers its operands; on the ECP5 its Verilog
//! is one MULT18X18D with its input and output registers in use and no flip-flop left in the
//! fabric (the same Verilog without `NPIM_ECP5` leaves all 64 in the fabric, so the check is
//! not vacuous); and that instance, simulated under Verilator with a model of the primitive
//! written from Lattice's description of it (yosys ships no simulation model of MULT18X18D),
//! gives the fabric version's products cycle for cycle: the pins, the sign extension and the
//! registers are wired as meant.
//!
//! The kept register (`npim_hdl::widgets::copy_reg`): two copies of one value stay two on the
//! ECP5, where the same Verilog without the define is merged into one.

use npim_hdl::harness::verilog_of;
use npim_hdl::widgets::copy_reg::CopyReg;
use npim_hdl::widgets::reg_mul::RegMul;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::path::PathBuf;
use std::process::Command;

fn tick(uut: &mut RegMul) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 100));
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 100));
}

#[test]
fn each_product_is_registered_the_edge_after_its_operands() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(21);
    let mut uut = RegMul::default();
    uut.connect_all();
    uut.clock.next = Clock { clk: false };
    simulate(&mut uut, 100);
    let mut sent: Vec<(i64, i64)> = Vec::new();
    for n in 0..2000 {
        // the extremes first (-32768 · -32768 = 2^30 needs the product's 32 bits)
        let (a, b) = match n {
            0 => (-32768, -32768),
            1 => (32767, -32768),
            _ => (rng.gen_range(-32768..32768), rng.gen_range(-32768..32768)),
        };
        uut.a.next = a.into();
        uut.b.next = b.into();
        sent.push((a, b));
        tick(&mut uut);
        // the operands set before edge `n - 1` are registered by it; edge `n` registers their
        // product
        if n >= 1 {
            let (x, y) = sent[n - 1];
            let got: i64 = uut.p.val().bigint().try_into().unwrap();
            assert_eq!(got, x * y, "operands {x}, {y}");
        }
    }
}

/// yosys's ECP5 synthesis of `verilog` (with or without the ECP5 define): the JSON netlist.
fn synth_ecp5(name: &str, verilog: String, define: bool) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ecp5_primitives");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.v"));
    let json = dir.join(format!("{name}.json"));
    let text = if define {
        format!("`define NPIM_ECP5\n{verilog}")
    } else {
        verilog
    };
    std::fs::write(&file, text).unwrap();
    let script = format!(
        "read_verilog {}; synth_ecp5 -top top -json {}",
        file.display(),
        json.display()
    );
    let out = Command::new("yosys")
        .args(["-q", "-p", &script])
        .output()
        .expect("yosys is installed (./scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(json).unwrap()
}

fn count(netlist: &str, what: &str) -> usize {
    netlist.matches(what).count()
}

#[test]
fn on_the_ecp5_the_registers_are_the_dsps() {
    let dsp = synth_ecp5("mul-dsp", verilog_of(RegMul::default), true);
    assert_eq!(count(&dsp, "\"type\": \"MULT18X18D\""), 1);
    for reg in ["REG_INPUTA_CLK", "REG_INPUTB_CLK", "REG_OUTPUT_CLK"] {
        assert_eq!(count(&dsp, &format!("\"{reg}\": \"CLK0\"")), 1, "{reg}");
    }
    assert_eq!(count(&dsp, "\"type\": \"TRELLIS_FF\""), 0);

    let fabric = synth_ecp5("mul-fabric", verilog_of(RegMul::default), false);
    assert_eq!(count(&fabric, "\"type\": \"MULT18X18D\""), 1);
    assert_eq!(count(&fabric, "\"REG_OUTPUT_CLK\": \"CLK0\""), 0);
    assert_eq!(count(&fabric, "\"type\": \"TRELLIS_FF\""), 64);
}

/// A simulation model of the MULT18X18D for the modes `RegMul` uses: each of the A, B and
/// output registers on `CLK0` or absent, both operands signed or both unsigned, `CE0` and
/// `RST0` (synchronous) on every register used. Written from Lattice's sysDSP description
/// (TN1267): `P = A × B`, 36 bits.
fn mult18x18d_model() -> String {
    let bits = |port: &str, n: usize| -> String {
        (0..n)
            .rev()
            .map(|i| format!("{port}{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let inputs: Vec<String> = ["A", "B", "C"]
        .iter()
        .map(|p| format!("input {}", bits(p, 18)))
        .collect();
    format!(
        "\
module MULT18X18D({a_ports}, {b_ports}, {c_ports}, SIGNEDA, SIGNEDB, SOURCEA, SOURCEB,
    CLK0, CLK1, CLK2, CLK3, CE0, CE1, CE2, CE3, RST0, RST1, RST2, RST3, {p_ports});
  {inputs};
  input SIGNEDA, SIGNEDB, SOURCEA, SOURCEB, CLK0, CLK1, CLK2, CLK3, CE0, CE1, CE2, CE3;
  input RST0, RST1, RST2, RST3;
  output {p_ports};
  parameter REG_INPUTA_CLK = \"NONE\";
  parameter REG_INPUTA_CE = \"CE0\";
  parameter REG_INPUTA_RST = \"RST0\";
  parameter REG_INPUTB_CLK = \"NONE\";
  parameter REG_INPUTB_CE = \"CE0\";
  parameter REG_INPUTB_RST = \"RST0\";
  parameter REG_OUTPUT_CLK = \"NONE\";
  parameter REG_OUTPUT_CE = \"CE0\";
  parameter REG_OUTPUT_RST = \"RST0\";
  parameter RESETMODE = \"SYNC\";
  parameter GSR = \"ENABLED\";
  wire [17:0] a = {{{a_ports}}};
  wire [17:0] b = {{{b_ports}}};
  reg [17:0] a_q = 0, b_q = 0;
  reg [35:0] p_q = 0;
  always @(posedge CLK0) if (CE0) begin
    a_q <= RST0 ? 18'd0 : a;
    b_q <= RST0 ? 18'd0 : b;
  end
  wire [17:0] a_in = REG_INPUTA_CLK == \"CLK0\" ? a_q : a;
  wire [17:0] b_in = REG_INPUTB_CLK == \"CLK0\" ? b_q : b;
  wire [35:0] product = (SIGNEDA && SIGNEDB)
      ? $signed({{{{18{{a_in[17]}}}}, a_in}}) * $signed({{{{18{{b_in[17]}}}}, b_in}})
      : {{18'd0, a_in}} * {{18'd0, b_in}};
  always @(posedge CLK0) if (CE0) p_q <= RST0 ? 36'd0 : product;
  assign {{{p_ports}}} = REG_OUTPUT_CLK == \"CLK0\" ? p_q : product;
endmodule
",
        a_ports = bits("A", 18),
        b_ports = bits("B", 18),
        c_ports = bits("C", 18),
        p_ports = bits("P", 36),
        inputs = inputs.join(";\n  "),
    )
}

#[test]
fn the_dsp_instance_computes_what_the_fabric_version_does() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reg_mul_dsp");
    std::fs::create_dir_all(&dir).unwrap();
    let verilog = verilog_of(RegMul::default);
    // the fabric version first: the ECP5 define then holds for the DSP version only
    let fabric = verilog.replacen("module top(", "module mul_fabric(", 1);
    let dsp = format!(
        "`define NPIM_ECP5\n{}",
        verilog.replacen("module top(", "module mul_dsp(", 1)
    );
    let bench = "\
module bench;
  reg clock = 0;
  always #5 clock = ~clock;
  reg [15:0] a = 16'h8000, b = 16'h8000;
  wire [31:0] p_fabric, p_dsp;
  mul_fabric fabric(.clock(clock), .a(a), .b(b), .p(p_fabric));
  mul_dsp dsp(.clock(clock), .a(a), .b(b), .p(p_dsp));
  integer n = 0, mismatches = 0;
  always @(posedge clock) begin
    n <= n + 1;
    // (two cycles to fill both pipelines)
    if (n >= 2 && p_fabric !== p_dsp) begin
      mismatches = mismatches + 1;
      $display(\"mismatch at %0d: %h against %h\", n, p_dsp, p_fabric);
    end
    a <= n == 0 ? 16'h8000 : n == 1 ? 16'h7fff : $random;
    b <= n < 2 ? 16'h8000 : $random;
    if (n == 20000) begin
      $display(\"compared %0d products, %0d mismatches\", n - 2, mismatches);
      $finish;
    end
  end
endmodule
";
    let files = [
        ("fabric.v", fabric),
        ("dsp.v", dsp),
        ("mult18x18d.v", mult18x18d_model()),
        ("bench.v", bench.to_string()),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = Command::new("verilator")
        .current_dir(&dir)
        .args([
            "--binary",
            "--timing",
            "-Wno-fatal",
            "--top-module",
            "bench",
        ])
        .args(files.iter().map(|(name, _)| *name))
        .args(["-o", "bench"])
        .output()
        .expect("verilator is installed (./scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(dir.join("obj_dir/bench")).output().unwrap();
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.contains("compared 19998 products, 0 mismatches"),
        "{text}"
    );
}

/// Two copies of one 6-bit value, each feeding its own logic.
#[derive(LogicBlock, Default)]
struct TwoCopies {
    clock: Signal<In, Clock>,
    value: Signal<In, Bits<6>>,
    x: Signal<In, Bits<6>>,
    sum: Signal<Out, Bits<6>>,
    mix: Signal<Out, Bits<6>>,
    first: CopyReg<6>,
    second: CopyReg<6>,
}

impl Logic for TwoCopies {
    #[hdl_gen]
    fn update(&mut self) {
        self.first.clock.next = self.clock.val();
        self.second.clock.next = self.clock.val();
        self.first.d.next = self.value.val();
        self.second.d.next = self.value.val();
        self.sum.next = self.first.q.val() + self.x.val();
        self.mix.next = self.second.q.val() ^ self.x.val();
    }
}

#[test]
fn copies_stay_copies_on_the_ecp5() {
    let kept = synth_ecp5("copies-ecp5", verilog_of(TwoCopies::default), true);
    assert_eq!(count(&kept, "\"type\": \"TRELLIS_FF\""), 12);
    let merged = synth_ecp5("copies-plain", verilog_of(TwoCopies::default), false);
    assert_eq!(count(&merged, "\"type\": \"TRELLIS_FF\""), 6);

    // and each copy is a register of its input
    let mut uut = CopyReg::<6>::default();
    uut.connect_all();
    for v in [5u64, 63, 0, 17] {
        uut.d.next = v.to_bits();
        uut.clock.next = Clock { clk: true };
        assert!(simulate(&mut uut, 100));
        assert_eq!(uut.q.val(), v.to_bits::<6>());
        uut.clock.next = Clock { clk: false };
        assert!(simulate(&mut uut, 100));
    }
}
