//! The scatter engine (`npim_hdl::builds::rtl::scatter`, the incremental matvec of issue 21, in
//! no core yet) against its specification (`npim_sim::fixed::scatter`) and the golden model:
//! on golden runs of sparse and dense images, under both row layouts, after every step's pass
//! the banks read back as `2·acc − l` equal the golden model's fields, and a pass takes the
//! cycles its words say. The same cycles replayed on the generated Verilog under Verilator,
//! with every read that collides with a write made to return a wrong word, give the same
//! outputs cycle for cycle.

use npim_hdl::builds::rtl::params::LANES;
use npim_hdl::builds::rtl::scatter::{
    Scatter, ACC_BITS, LANE_ENTRY_BITS, SLOT_BITS, WIDTHS, WORD_ADDR_BITS,
};
use npim_hdl::harness::verilator::run_testbench;
use npim_hdl::harness::verilog_of;
use npim_hdl::ram_collisions::{memories, poison_collisions};
use npim_sim::fixed::matvec_work::{grouped_owners, mod_owners};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::scatter::ScatterLayout;
use npim_sim::fixed::{quantize, CoreConfig, CoreImage, GoldenCore, GoldenState};
use npim_sim::generate::generate;
use npim_sim::npim::params::{field_scale, NpimParams};
use rust_hdl::prelude::*;
use std::path::PathBuf;

/// `spec`'s image for the `rtl` build under the hand-set rule (`steps` steps).
fn image_of(spec: &str, steps: usize) -> CoreImage {
    let ising = generate(&spec.parse().unwrap()).unwrap();
    let params = NpimParams::annealed_greedy(field_scale(&ising), 1.0, 0.5);
    quantize(
        &ising,
        &params,
        &CoreConfig::preset("rtl").unwrap(),
        steps,
        3,
    )
    .unwrap()
    .0
}

/// One cycle's inputs.
#[derive(Clone, Copy, Default)]
struct Inputs {
    col_we: bool,
    col_waddr: u64,
    col_wdata: u64,
    word_we: bool,
    word_waddr: u64,
    word_wlane: u64,
    word_wdata: u64,
    clear: bool,
    col_valid: bool,
    col: u64,
    col_neg: bool,
    col_double: bool,
    read_slot: u64,
}

impl Inputs {
    /// The fields packed for the Verilator testbench, in its port order.
    fn packed(&self) -> u128 {
        let mut v: u128 = 0;
        let mut put = |x: u64, bits: usize| v = (v << bits) | u128::from(x & ((1 << bits) - 1));
        put(self.col_we.into(), 1);
        put(self.col_waddr, 11);
        put(self.col_wdata, 19);
        put(self.word_we.into(), 1);
        put(self.word_waddr, WORD_ADDR_BITS);
        put(self.word_wlane, 8);
        put(self.word_wdata, LANE_ENTRY_BITS);
        put(self.clear.into(), 1);
        put(self.col_valid.into(), 1);
        put(self.col, 11);
        put(self.col_neg.into(), 1);
        put(self.col_double.into(), 1);
        put(self.read_slot, SLOT_BITS);
        v
    }
}

/// Packed input bits (the sum of `packed`'s widths).
const INPUT_BITS: usize =
    1 + 11 + 19 + 1 + WORD_ADDR_BITS + 8 + LANE_ENTRY_BITS + 1 + 1 + 11 + 1 + 1 + SLOT_BITS;

/// The engine in rust_hdl's simulator, every cycle's inputs and outputs recorded: `col_ready`
/// and `busy` before the clock edge, the lanes' accumulators after it.
struct Bench {
    uut: Box<Scatter>,
    inputs: Vec<Inputs>,
    outputs: Vec<String>,
}

impl Bench {
    fn new() -> Self {
        let mut uut = Box::new(Scatter::default());
        uut.connect_all();
        uut.clock.next = Clock { clk: false };
        simulate(uut.as_mut(), 1000);
        Bench {
            uut,
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// One clock with `x` presented; returns `col_ready` as it was before the edge.
    fn cycle(&mut self, x: Inputs) -> (bool, bool) {
        let u = self.uut.as_mut();
        u.col_we.next = x.col_we;
        u.col_waddr.next = x.col_waddr.to_bits();
        u.col_wdata.next = x.col_wdata.to_bits();
        u.word_we.next = x.word_we;
        u.word_waddr.next = x.word_waddr.to_bits();
        u.word_wlane.next = x.word_wlane.to_bits();
        u.word_wdata.next = x.word_wdata.to_bits();
        u.clear.next = x.clear;
        u.col_valid.next = x.col_valid;
        u.col.next = x.col.to_bits();
        u.col_neg.next = x.col_neg;
        u.col_double.next = x.col_double;
        u.read_slot.next = x.read_slot.to_bits();
        assert!(simulate(u, 1000));
        let (ready, busy) = (u.col_ready.val(), u.busy.val());
        u.clock.next = Clock { clk: true };
        assert!(simulate(u, 1000));
        let accs: Vec<String> = u
            .acc
            .iter()
            .map(|a| format!("{:05x}", a.val().index()))
            .collect();
        u.clock.next = Clock { clk: false };
        assert!(simulate(u, 1000));
        self.inputs.push(x);
        self.outputs.push(line(ready, busy, &accs.join(" ")));
        (ready, busy)
    }

    /// Write the layout into the column and word memories, packed as the loader packs it
    /// (every lane of every word: a word memory keeps what an earlier image left).
    fn load(&mut self, layout: &ScatterLayout) {
        layout.check_fits(&WIDTHS).unwrap();
        for j in 0..layout.owner.len() {
            self.cycle(Inputs {
                col_we: true,
                col_waddr: j as u64,
                col_wdata: layout.column_word(j, &WIDTHS),
                ..Default::default()
            });
        }
        for k in 0..layout.words.len() {
            for l in 0..LANES {
                self.cycle(Inputs {
                    word_we: true,
                    word_waddr: k as u64,
                    word_wlane: l as u64,
                    word_wdata: layout.lane_entry(k, l, &WIDTHS),
                    ..Default::default()
                });
            }
        }
    }

    /// Clocks until `busy` is low; returns how many were busy.
    fn drain(&mut self) -> usize {
        let mut busy_cycles = 0;
        while self.cycle(Inputs::default()).1 {
            busy_cycles += 1;
        }
        busy_cycles
    }

    /// Clear every bank.
    fn clear(&mut self) {
        self.cycle(Inputs {
            clear: true,
            ..Default::default()
        });
        assert_eq!(
            self.drain(),
            1 << SLOT_BITS,
            "a clear takes a cycle an address"
        );
    }

    /// Hand in `columns` (column, spin −1, flip) back to back; returns the cycles from the
    /// first to the first with `busy` low.
    fn pass(&mut self, columns: &[(usize, bool, bool)]) -> usize {
        let mut cycles = 0;
        let mut next = 0;
        while next < columns.len() {
            let (j, neg, double) = columns[next];
            let (ready, _) = self.cycle(Inputs {
                col_valid: true,
                col: j as u64,
                col_neg: neg,
                col_double: double,
                ..Default::default()
            });
            cycles += 1;
            if ready {
                next += 1;
            }
        }
        cycles + self.drain()
    }

    /// Row `i`'s `2·acc − l` for every row, read a bank address a cycle.
    fn fields(&mut self, layout: &ScatterLayout, linear: &[i32]) -> Vec<i64> {
        let slots = layout.owner.len().div_ceil(LANES);
        let mut acc = vec![vec![0i64; LANES]; slots];
        for (s, row) in acc.iter_mut().enumerate() {
            self.cycle(Inputs {
                read_slot: s as u64,
                ..Default::default()
            });
            for (a, out) in row.iter_mut().zip(&self.uut.acc) {
                *a = signed(out.val().index() as u64, ACC_BITS);
            }
        }
        (0..layout.owner.len())
            .map(|i| {
                2 * acc[layout.slot[i] as usize][layout.owner[i] as usize] - i64::from(linear[i])
            })
            .collect()
    }
}

/// A cycle's outputs as compared: the accumulators only where they are defined (not busy; a
/// busy bank's read port follows its updates, and poisoned collisions there are expected).
fn line(ready: bool, busy: bool, accs: &str) -> String {
    if busy {
        format!("{} 1", u8::from(ready))
    } else {
        format!("{} 0 {accs}", u8::from(ready))
    }
}

/// A `bits`-bit two's-complement word as the number it stands for.
fn signed(v: u64, bits: usize) -> i64 {
    let sign = 1i64 << (bits - 1);
    ((v as i64 & ((sign << 1) - 1)) ^ sign) - sign
}

/// The cycles a pass over `columns` takes from its first column to the first cycle not busy:
/// its walk (a word a cycle, a cycle for a column of none) plus five to drain its last word
/// through the lanes and banks, or the walk plus one where it ends in columns of none.
fn pass_cycles(layout: &ScatterLayout, columns: &[(usize, bool, bool)]) -> usize {
    let (mut walk, mut last_word_end) = (0, 0);
    for &(j, _, _) in columns {
        walk += layout.column_len(j).max(1);
        if layout.column_len(j) > 0 {
            last_word_end = walk;
        }
    }
    (walk + 1).max(last_word_end + 5)
}

/// `runs` golden runs of `spec` under both row layouts: after every pass the banks give the
/// golden model's fields, and the pass takes its walk plus four cycles. Returns the bench.
fn run_against_golden(spec: &str, steps: usize, runs: usize) -> Bench {
    let image = image_of(spec, steps);
    let core = GoldenCore::new(&image);
    let n = core.n();
    let mut bench = Bench::new();
    for owner in [mod_owners(n, LANES), grouped_owners(&core, LANES)] {
        let layout = ScatterLayout::new(&core, owner, LANES);
        bench.load(&layout);
        for r in 0..runs {
            let mut state = GoldenState::new(&core, run_seed(3, r));
            bench.clear();
            let mut before: Option<Vec<i8>> = None;
            for t in 0..steps {
                state.step();
                let spins = state.spins().to_vec();
                let columns: Vec<(usize, bool, bool)> = (0..n)
                    .filter(|&j| before.as_ref().is_none_or(|b| b[j] != spins[j]))
                    .map(|j| (j, spins[j] < 0, before.is_some()))
                    .collect();
                let cycles = bench.pass(&columns);
                if !columns.is_empty() {
                    assert_eq!(
                        cycles,
                        pass_cycles(&layout, &columns),
                        "{spec}, run {r}, step {t}"
                    );
                }
                assert_eq!(
                    bench.fields(&layout, &image.linear),
                    state.fields(),
                    "{spec}, run {r}, step {t}"
                );
                before = Some(spins);
            }
        }
    }
    bench
}

#[test]
fn sparse_fields_are_the_golden_models_every_step() {
    // isolated spins (columns of no words) among them
    run_against_golden("gnp:n=150,p=0.015,weights=pm1,seed=4", 12, 2);
}

#[test]
fn dense_fields_are_the_golden_models_every_step() {
    run_against_golden("sk:n=70,seed=5", 10, 2);
}

#[test]
fn the_verilog_gives_the_same_outputs_every_cycle_with_colliding_reads_poisoned() {
    let bench = run_against_golden("gnp:n=80,p=0.12,weights=gauss,seed=6", 8, 1);
    let verilog = verilog_of(Scatter::default);
    // the column memory and every lane's word memory and bank
    assert_eq!(memories(&verilog), 1 + 2 * LANES);
    let poisoned = poison_collisions(&verilog);
    assert_ne!(poisoned, verilog);
    let hex: String = bench
        .inputs
        .iter()
        .map(|x| format!("{:032x}\n", x.packed()))
        .collect();
    let accs: Vec<String> = (0..LANES).map(|l| format!("acc{l}")).collect();
    let tb = format!(
        "module tb;\n\
         reg clock = 0; reg col_we; reg [10:0] col_waddr; reg [18:0] col_wdata; reg word_we;\n\
         reg [{wa}:0] word_waddr; reg [7:0] word_wlane; reg [{we}:0] word_wdata; reg clear;\n\
         reg col_valid; reg [10:0] col; reg col_neg; reg col_double; reg [{sl}:0] read_slot;\n\
         wire col_ready; wire busy; reg r0; reg b0;\n\
         wire [{ab}:0] {acc_list};\n\
         top uut(.clock(clock), .col_we(col_we), .col_waddr(col_waddr), .col_wdata(col_wdata),\n\
           .word_we(word_we), .word_waddr(word_waddr), .word_wlane(word_wlane),\n\
           .word_wdata(word_wdata), .clear(clear), .col_valid(col_valid), .col(col),\n\
           .col_neg(col_neg), .col_double(col_double), .col_ready(col_ready), .busy(busy),\n\
           .read_slot(read_slot), {acc_ports});\n\
         reg [127:0] vec [0:{last}];\n\
         integer k;\n\
         initial begin\n\
           $readmemh(\"inputs.hex\", vec);\n\
           for (k = 0; k <= {last}; k = k + 1) begin\n\
             {{col_we, col_waddr, col_wdata, word_we, word_waddr, word_wlane, word_wdata,\n\
               clear, col_valid, col, col_neg, col_double, read_slot}} = vec[k][{top}:0];\n\
             #1 r0 = col_ready; b0 = busy;\n\
             #4 clock = 1;\n\
             #1 $display(\"%0d %0d {acc_fmt}\", r0, b0, {acc_args});\n\
             #4 clock = 0;\n\
           end\n\
           $finish;\n\
         end\n\
         endmodule\n",
        wa = WORD_ADDR_BITS - 1,
        we = LANE_ENTRY_BITS - 1,
        sl = SLOT_BITS - 1,
        ab = ACC_BITS - 1,
        acc_list = accs.join(", "),
        acc_ports = (0..LANES)
            .map(|l| format!(".acc${l}(acc{l})"))
            .collect::<Vec<_>>()
            .join(", "),
        acc_fmt = vec!["%05h"; LANES].join(" "),
        acc_args = accs.join(", "),
        last = bench.inputs.len() - 1,
        top = INPUT_BITS - 1,
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scatter");
    let printed = run_testbench(&dir, &poisoned, &tb, &[("inputs.hex", &hex)]).unwrap();
    let got: Vec<String> = printed
        .lines()
        .filter(|l| !l.starts_with('-'))
        .map(|l| {
            let mut f = l.splitn(3, ' ');
            let (r, b, accs) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            line(r == "1", b == "1", accs)
        })
        .collect();
    assert_eq!(got.len(), bench.outputs.len(), "a line a cycle");
    for (k, (g, want)) in got.iter().zip(&bench.outputs).enumerate() {
        assert_eq!(g, want, "cycle {k}");
    }
}
