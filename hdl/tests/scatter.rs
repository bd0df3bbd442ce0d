//! The scatter engine (`npim_hdl::builds::rtl::scatter`, the incremental matvec of issue 21, in
//! no core yet) against its specification (`npim_sim::fixed::scatter`) and the golden model:
//! on golden runs of sparse and dense images, loaded through the engine's packer under two
//! grouped row layouts, after every step's pass the banks read back through the lane table as
//! `2·acc − l` equal the golden model's fields, and a pass takes the cycles its words say; the
//! packer flags layouts the engine cannot take. The same cycles replayed on the generated
//! Verilog under Verilator, with every read that collides with a write made to return a wrong
//! word, give the same outputs cycle for cycle.

use npim_hdl::builds::rtl::params::{LANES, LANE_BITS, LINEAR_BITS, WEIGHT_BITS};
use npim_hdl::builds::rtl::scatter::{Scatter, ACC_BITS, SLOT_BITS, WIDTHS, WORD_ADDR_BITS};
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
    load_start: bool,
    owner_valid: bool,
    owner_lane: u64,
    entry_valid: bool,
    entry_row: u64,
    entry_weight: u64,
    column_end: bool,
    column_next: u64,
    init_valid: bool,
    init_row: u64,
    init_linear: u64,
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
        put(self.load_start.into(), 1);
        put(self.owner_valid.into(), 1);
        put(self.owner_lane, LANE_BITS);
        put(self.entry_valid.into(), 1);
        put(self.entry_row, 11);
        put(self.entry_weight, WEIGHT_BITS);
        put(self.column_end.into(), 1);
        put(self.column_next, 11);
        put(self.init_valid.into(), 1);
        put(self.init_row, 11);
        put(self.init_linear, LINEAR_BITS);
        put(self.col_valid.into(), 1);
        put(self.col, 11);
        put(self.col_neg.into(), 1);
        put(self.col_double.into(), 1);
        put(self.read_slot, SLOT_BITS);
        v
    }
}

/// Packed input bits (the sum of `packed`'s widths).
const INPUT_BITS: usize = 1
    + 1
    + LANE_BITS
    + 1
    + 11
    + WEIGHT_BITS
    + 1
    + 11
    + 1
    + 11
    + LINEAR_BITS
    + 1
    + 11
    + 1
    + 1
    + SLOT_BITS;

/// A cycle's flags before the clock edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Status {
    ready: bool,
    busy: bool,
    load_ready: bool,
    error_group: bool,
    error_words: bool,
}

/// The engine in rust_hdl's simulator, every cycle's inputs and outputs recorded: the flags
/// before the clock edge, the lanes' accumulators and the lane table's row after it.
struct Bench {
    uut: Box<Scatter>,
    inputs: Vec<Inputs>,
    outputs: Vec<String>,
    /// A load is in progress: the lane table's read port meets its writes.
    loading: bool,
    /// Per cycle, `loading`.
    loading_at: Vec<bool>,
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
            loading: false,
            loading_at: Vec::new(),
        }
    }

    /// One clock with `x` presented; returns the flags as they were before the edge.
    fn cycle(&mut self, x: Inputs) -> Status {
        let u = self.uut.as_mut();
        u.load_start.next = x.load_start;
        u.owner_valid.next = x.owner_valid;
        u.owner_lane.next = x.owner_lane.to_bits();
        u.entry_valid.next = x.entry_valid;
        u.entry_row.next = x.entry_row.to_bits();
        u.entry_weight.next = x.entry_weight.to_bits();
        u.column_end.next = x.column_end;
        u.column_next.next = x.column_next.to_bits();
        u.init_valid.next = x.init_valid;
        u.init_row.next = x.init_row.to_bits();
        u.init_linear.next = x.init_linear.to_bits();
        u.col_valid.next = x.col_valid;
        u.col.next = x.col.to_bits();
        u.col_neg.next = x.col_neg;
        u.col_double.next = x.col_double;
        u.read_slot.next = x.read_slot.to_bits();
        assert!(simulate(u, 1000));
        let status = Status {
            ready: u.col_ready.val(),
            busy: u.busy.val(),
            load_ready: u.load_ready.val(),
            error_group: u.error_group.val(),
            error_words: u.error_words.val(),
        };
        u.clock.next = Clock { clk: true };
        assert!(simulate(u, 1000));
        let accs: Vec<String> = u
            .acc
            .iter()
            .map(|a| format!("{:06x}", a.val().index()))
            .chain(
                u.row_lanes
                    .iter()
                    .map(|l| format!("{:02x}", l.val().index())),
            )
            .collect();
        u.clock.next = Clock { clk: false };
        assert!(simulate(u, 1000));
        self.inputs.push(x);
        self.outputs
            .push(line(status, self.loading, &accs.join(" ")));
        self.loading_at.push(self.loading);
        status
    }

    /// Start a load: the word memories' clear, which takes a cycle a word.
    fn start_load(&mut self) {
        self.cycle(Inputs {
            load_start: true,
            ..Default::default()
        });
        let mut clearing = 0;
        while !self.cycle(Inputs::default()).load_ready {
            clearing += 1;
        }
        assert_eq!(
            clearing,
            1 << WORD_ADDR_BITS,
            "the clear takes a cycle a word"
        );
    }

    /// Load `image`'s `J` under the row layout `owner` through the packer (`J` is symmetric:
    /// column `j` is row `j`). Returns the flags once the last column is written.
    fn load(&mut self, image: &CoreImage, owner: &[u16]) -> Status {
        let columns: Vec<Vec<(usize, i8)>> = (0..image.n)
            .map(|j| image.j.row(image.n, j).collect())
            .collect();
        self.load_columns(owner, &columns)
    }

    /// Load the owners, then each column's entries `(row, weight)` and its end, through the
    /// packer, a column of none skipped by the end before it (a lone end where the first
    /// columns have none). Returns the flags once the last column is written.
    fn load_columns(&mut self, owner: &[u16], columns: &[Vec<(usize, i8)>]) -> Status {
        self.loading = true;
        self.start_load();
        for &l in owner {
            self.cycle(Inputs {
                owner_valid: true,
                owner_lane: l.into(),
                ..Default::default()
            });
        }
        let filled: Vec<usize> = (0..columns.len())
            .filter(|&j| !columns[j].is_empty())
            .collect();
        if filled.first().is_some_and(|&j| j > 0) {
            self.cycle(Inputs {
                column_end: true,
                column_next: filled[0] as u64,
                ..Default::default()
            });
        }
        for (k, &j) in filled.iter().enumerate() {
            for &(i, w) in &columns[j] {
                self.cycle(Inputs {
                    entry_valid: true,
                    entry_row: i as u64,
                    entry_weight: u64::from(w as u8),
                    ..Default::default()
                });
            }
            self.cycle(Inputs {
                column_end: true,
                // (after the last, none: any column)
                column_next: filled.get(k + 1).map_or(0, |&n| n) as u64,
                ..Default::default()
            });
        }
        let drained = self.drain();
        if !columns.is_empty() {
            assert_eq!(drained, 3, "a column end takes three cycles to write");
        }
        let status = self.cycle(Inputs::default());
        self.loading = false;
        status
    }

    /// Clocks until `busy` is low; returns how many were busy.
    fn drain(&mut self) -> usize {
        let mut busy_cycles = 0;
        while self.cycle(Inputs::default()).busy {
            busy_cycles += 1;
        }
        busy_cycles
    }

    /// Start every row's accumulator at `−l_i`, a row a cycle in index order; the last
    /// start is written four cycles after it is handed in.
    fn init(&mut self, linear: &[i32]) {
        for (i, &l) in linear.iter().enumerate() {
            self.cycle(Inputs {
                init_valid: true,
                init_row: i as u64,
                init_linear: u64::from(l as u16),
                ..Default::default()
            });
        }
        assert_eq!(self.drain(), 4, "a start takes four cycles to write");
    }

    /// Hand in `columns` (column, spin −1, flip) back to back; returns the cycles from the
    /// first to the first with `busy` low.
    fn pass(&mut self, columns: &[(usize, bool, bool)]) -> usize {
        let mut cycles = 0;
        let mut next = 0;
        while next < columns.len() {
            let (j, neg, double) = columns[next];
            let status = self.cycle(Inputs {
                col_valid: true,
                col: j as u64,
                col_neg: neg,
                col_double: double,
                ..Default::default()
            });
            cycles += 1;
            if status.ready {
                next += 1;
            }
        }
        cycles + self.drain()
    }

    /// The `n` rows' fields, read a bank address a cycle: row `s·LANES + k` from the lane the
    /// lane table names.
    fn fields(&mut self, n: usize) -> Vec<i64> {
        let mut fields = Vec::with_capacity(n);
        for s in 0..n.div_ceil(LANES) {
            self.cycle(Inputs {
                read_slot: s as u64,
                ..Default::default()
            });
            for k in 0..LANES.min(n - s * LANES) {
                let lane = self.uut.row_lanes[k].val().index();
                let acc = signed(self.uut.acc[lane].val().index() as u64, ACC_BITS);
                fields.push(acc);
            }
        }
        fields
    }
}

/// A cycle's outputs as compared: the accumulators and the lane table's row only where they
/// are defined (neither busy nor `loading`: a busy bank's read port follows its updates, the
/// lane table's its writes, and poisoned collisions there are expected).
fn line(s: Status, loading: bool, accs: &str) -> String {
    let flags = [s.ready, s.busy, s.load_ready, s.error_group, s.error_words]
        .map(|b| u8::from(b).to_string())
        .join(" ");
    if s.busy || loading {
        flags
    } else {
        format!("{flags} {accs}")
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
    let mut image = image_of(spec, steps);
    // a linear term across its width's range (the Max-Cut images have none): the banks start
    // at `−l`
    image.linear = (0..image.n)
        .map(|i| (i as i32 * 37 % 201 - 100) * 327)
        .collect();
    let core = GoldenCore::new(&image);
    let n = core.n();
    let mut bench = Bench::new();
    // an earlier image with an entry in every column: a column this image leaves empty (its
    // ends skip it) is empty only because a load clears the column memory
    let earlier: Vec<Vec<(usize, i8)>> = (0..n).map(|j| vec![((j + 1) % n, 1)]).collect();
    bench.load_columns(&mod_owners(n, LANES), &earlier);
    for owner in [mod_owners(n, LANES), grouped_owners(&core, LANES)] {
        let loaded = bench.load(&image, &owner);
        assert!(
            !loaded.error_group && !loaded.error_words,
            "{spec}: {loaded:?}"
        );
        let layout = ScatterLayout::new(&core, owner, LANES);
        layout.check_fits(&WIDTHS).unwrap();
        for r in 0..runs {
            let mut state = GoldenState::new(&core, run_seed(3, r));
            bench.init(&image.linear);
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
                assert_eq!(bench.fields(n), state.fields(), "{spec}, run {r}, step {t}");
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
    // the column memory, every lane's word memory and bank, and the lane table's positions
    assert_eq!(memories(&verilog), 1 + 3 * LANES);
    let poisoned = poison_collisions(&verilog);
    assert_ne!(poisoned, verilog);
    let hex: String = bench
        .inputs
        .iter()
        .map(|x| format!("{:032x}\n", x.packed()))
        .collect();
    let accs: Vec<String> = (0..LANES).map(|l| format!("acc{l}")).collect();
    let lanes: Vec<String> = (0..LANES).map(|l| format!("lane{l}")).collect();
    let tb = format!(
        "module tb;\n\
         reg clock = 0; reg load_start; reg owner_valid; reg [{lb}:0] owner_lane; reg entry_valid;\n\
         reg [10:0] entry_row; reg [{wb}:0] entry_weight; reg column_end; reg [10:0] column_next;\n\
         reg init_valid;\n\
         reg [10:0] init_row; reg [{lnb}:0] init_linear;\n\
         reg col_valid; reg [10:0] col; reg col_neg; reg col_double; reg [{sl}:0] read_slot;\n\
         wire col_ready, busy, load_ready, error_group, error_words; reg r0, b0, lr0, eg0, ew0;\n\
         wire [{ab}:0] {acc_list};\n\
         wire [{lb}:0] {lane_list};\n\
         top uut(.clock(clock), .load_start(load_start), .load_ready(load_ready),\n\
           .owner_valid(owner_valid), .owner_lane(owner_lane), .entry_valid(entry_valid),\n\
           .entry_row(entry_row), .entry_weight(entry_weight), .column_end(column_end),\n\
           .column_next(column_next),\n\
           .error_group(error_group), .error_words(error_words), .init_valid(init_valid),\n\
           .init_row(init_row), .init_linear(init_linear),\n\
           .col_valid(col_valid), .col(col), .col_neg(col_neg), .col_double(col_double),\n\
           .col_ready(col_ready), .busy(busy), .read_slot(read_slot), {acc_ports},\n\
           {lane_ports});\n\
         reg [127:0] vec [0:{last}];\n\
         integer k;\n\
         initial begin\n\
           $readmemh(\"inputs.hex\", vec);\n\
           for (k = 0; k <= {last}; k = k + 1) begin\n\
             {{load_start, owner_valid, owner_lane, entry_valid, entry_row, entry_weight,\n\
               column_end, column_next, init_valid, init_row, init_linear, col_valid, col, col_neg, col_double,\n\
               read_slot}} = vec[k][{top}:0];\n\
             #1 r0 = col_ready; b0 = busy; lr0 = load_ready; eg0 = error_group; ew0 = error_words;\n\
             #4 clock = 1;\n\
             #1 $display(\"%0d %0d %0d %0d %0d {acc_fmt} {lane_fmt}\", r0, b0, lr0, eg0, ew0,\n\
               {acc_args}, {lane_args});\n\
             #4 clock = 0;\n\
           end\n\
           $finish;\n\
         end\n\
         endmodule\n",
        lb = LANE_BITS - 1,
        wb = WEIGHT_BITS - 1,
        lnb = LINEAR_BITS - 1,
        sl = SLOT_BITS - 1,
        ab = ACC_BITS - 1,
        acc_list = accs.join(", "),
        lane_list = lanes.join(", "),
        acc_ports = (0..LANES)
            .map(|l| format!(".acc${l}(acc{l})"))
            .collect::<Vec<_>>()
            .join(", "),
        lane_ports = (0..LANES)
            .map(|l| format!(".row_lanes${l}(lane{l})"))
            .collect::<Vec<_>>()
            .join(", "),
        acc_fmt = vec!["%06h"; LANES].join(" "),
        lane_fmt = vec!["%02h"; LANES].join(" "),
        acc_args = accs.join(", "),
        lane_args = lanes.join(", "),
        last = bench.inputs.len() - 1,
        top = INPUT_BITS - 1,
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scatter");
    let printed = run_testbench(&dir, &poisoned, &tb, &[("inputs.hex", &hex)]).unwrap();
    let got: Vec<String> = printed
        .lines()
        .filter(|l| !l.starts_with('-'))
        .zip(&bench.loading_at)
        .map(|(l, &loading)| {
            let f: Vec<&str> = l.splitn(6, ' ').collect();
            let flag = |k: usize| f[k] == "1";
            let status = Status {
                ready: flag(0),
                busy: flag(1),
                load_ready: flag(2),
                error_group: flag(3),
                error_words: flag(4),
            };
            line(status, loading, f[5])
        })
        .collect();
    assert_eq!(got.len(), bench.outputs.len(), "a line a cycle");
    for (k, (g, want)) in got.iter().zip(&bench.outputs).enumerate() {
        assert_eq!(g, want, "cycle {k}");
    }
}

#[test]
fn the_packer_flags_what_the_engine_cannot_take() {
    let mut bench = Bench::new();
    // a group's rows on distinct lanes; the next group may use them again
    let mut owner: Vec<u16> = (0..LANES as u16).collect();
    owner.push(0);
    assert!(!bench.load_columns(&owner, &[]).error_group);
    owner.push(0);
    assert!(bench.load_columns(&owner, &[]).error_group);
    assert!(
        !bench.load_columns(&[3, 4], &[]).error_group,
        "a load forgets"
    );
    // 2 048 columns of two entries on one lane take 2 words each: the memories, full
    let n = 1 << 11;
    let owner: Vec<u16> = (0..n).map(|i| (i % LANES) as u16).collect();
    let mut columns: Vec<Vec<(usize, i8)>> = (0..n)
        .map(|j| {
            let mut rows = vec![((j + LANES) % n, 1), ((j + 2 * LANES) % n, -1)];
            rows.sort_unstable();
            rows
        })
        .collect();
    let full = bench.load_columns(&owner, &columns);
    assert!(!full.error_words && !full.error_group, "{full:?}");
    // a third entry on that lane: one word more than the memories hold
    columns[n - 1].push((3 * LANES - 1, 1));
    columns[n - 1].sort_unstable();
    assert!(bench.load_columns(&owner, &columns).error_words);
}
