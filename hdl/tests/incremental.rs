//! The incremental matvec (`npim_hdl::builds::rtl::scatter::incremental`: the scatter engine
//! with its flipped-spin queue, readout and `E4`, in no core yet) against the golden model: on
//! golden runs of sparse and dense images, `J` loaded through the packer under the grouped row
//! layout, each step's spin words written as a core writes them (every word, into banks in
//! turn) and a pass started (a first pass at each run's start), the pass hands out every
//! field of the step in index order, a place a cycle, and `E4`, equal to the golden model's;
//! a pass reads only the changed spins' columns, so it takes the cycles those columns' words
//! say; a pass stopped half-way leaves nothing behind for the next run. The same cycles
//! replayed on the generated Verilog under Verilator, with every read that collides with a write
//! made to return a wrong word, give the same outputs cycle for cycle.

use npim_hdl::builds::rtl::params::{
    LANES, LANE_BITS, LINEAR_BITS, SPIN_BITS, UNIT_BITS, WEIGHT_BITS,
};
use npim_hdl::builds::rtl::scatter::incremental::IncrementalMatvec;
use npim_hdl::builds::rtl::scatter::{PART_BITS, READ_FIELDS, WIDTHS};
use npim_hdl::harness::verilator::run_testbench;
use npim_hdl::harness::verilog_of;
use npim_hdl::ram_collisions::{memories, poison_collisions};
use npim_sim::fixed::matvec_work::grouped_owners;
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::scatter::ScatterLayout;
use npim_sim::fixed::{quantize, CoreConfig, CoreImage, GoldenCore, GoldenState};
use npim_sim::generate::generate;
use npim_sim::npim::params::{field_scale, NpimParams};
use rust_hdl::prelude::*;
use std::path::PathBuf;

/// `spec`'s image for the `rtl` build under the hand-set rule, with a linear term across a
/// field's range (the Max-Cut images have none).
fn image_of(spec: &str, steps: usize) -> CoreImage {
    let ising = generate(&spec.parse().unwrap()).unwrap();
    let params = NpimParams::annealed_greedy(field_scale(&ising), 1.0, 0.5);
    let mut image = quantize(
        &ising,
        &params,
        &CoreConfig::preset("rtl").unwrap(),
        steps,
        3,
    )
    .unwrap()
    .0;
    // as wide as a field allows: `|l_i| ≤ 2^(FIELD_BITS−1) − 1 − 2·Σ_j |J_ij|` (the quantizer's
    // bound, which keeps every field within its 16 bits)
    image.linear = (0..image.n)
        .map(|i| {
            let row: i32 = image
                .j
                .row(image.n, i)
                .map(|(_, w)| i32::from(w).abs())
                .sum();
            let bound = 32_767 - 2 * row;
            ((i as i32 * 37 % 201 - 100) * 327).clamp(-bound, bound)
        })
        .collect();
    image
}

/// Bits of a place in a spin word address (the bank above).
const UNIT_SPIN_BITS: usize = SPIN_BITS - UNIT_BITS;
/// Spins a word: the update units.
const UNITS: usize = 1 << UNIT_BITS;

/// Width of the core's `E4` in the `rtl` build.
const E4_BITS: usize = 29;
/// Bits of a spin word address: three banks above the place.
const SPIN_WORD_ADDR_BITS: usize = UNIT_SPIN_BITS + 2;

/// One cycle's inputs, as the Verilator replay packs them (first field in the top bits).
#[derive(Clone, Copy, Default)]
struct Inputs {
    start: bool,
    first: bool,
    seal: bool,
    stop: bool,
    load_start: bool,
    owner_valid: bool,
    owner_lane: u64,
    entry_valid: bool,
    entry_row: u64,
    entry_weight: u64,
    column_end: bool,
    column_next: u64,
    linear_we: bool,
    linear_waddr: u64,
    linear_wdata: u64,
    bank: u64,
    spin_we: bool,
    spin_waddr: u64,
    spin_wdata: u64,
}

/// The packed inputs' width.
const INPUT_BITS: usize =
    10 + LANE_BITS + 3 * SPIN_BITS + WEIGHT_BITS + LINEAR_BITS + 2 + SPIN_WORD_ADDR_BITS + UNITS;

impl Inputs {
    fn packed(&self) -> u128 {
        let mut v: u128 = 0;
        let mut put = |x: u64, bits: usize| v = (v << bits) | u128::from(x & ((1 << bits) - 1));
        put(self.start.into(), 1);
        put(self.first.into(), 1);
        put(self.seal.into(), 1);
        put(self.stop.into(), 1);
        put(self.load_start.into(), 1);
        put(self.owner_valid.into(), 1);
        put(self.owner_lane, LANE_BITS);
        put(self.entry_valid.into(), 1);
        put(self.entry_row, SPIN_BITS);
        put(self.entry_weight, WEIGHT_BITS);
        put(self.column_end.into(), 1);
        put(self.column_next, SPIN_BITS);
        put(self.linear_we.into(), 1);
        put(self.linear_waddr, SPIN_BITS);
        put(self.linear_wdata, LINEAR_BITS);
        put(self.bank, 2);
        put(self.spin_we.into(), 1);
        put(self.spin_waddr, SPIN_WORD_ADDR_BITS);
        put(self.spin_wdata, UNITS);
        v
    }
}

/// The block in rust_hdl's simulator, every cycle's inputs and outputs recorded.
struct Bench {
    uut: Box<IncrementalMatvec>,
    n: usize,
    /// The inputs of the cycle being set up.
    next: Inputs,
    inputs: Vec<Inputs>,
    outputs: Vec<String>,
}

/// A pass's outputs: the fields in index order, `E4`, and the cycles from `start` to `done`.
struct Pass {
    fields: Vec<i64>,
    e4: i64,
    cycles: usize,
}

impl Bench {
    fn new(n: usize) -> Self {
        let mut uut = Box::new(IncrementalMatvec::default());
        uut.connect_all();
        uut.clock.next = Clock { clk: false };
        uut.n.next = (n as u64).to_bits();
        simulate(uut.as_mut(), 1000);
        Bench {
            uut,
            n,
            next: Inputs::default(),
            inputs: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// One clock edge with `next`'s inputs; then every pulse input is lowered. Records the
    /// outputs after the edge: the flags always, the fields where `word_valid`, `E4` where
    /// `done` (the others hold nothing defined).
    fn cycle(&mut self) {
        let x = self.next;
        let u = self.uut.as_mut();
        u.start.next = x.start;
        u.first.next = x.first;
        u.seal.next = x.seal;
        u.stop.next = x.stop;
        u.load_start.next = x.load_start;
        u.owner_valid.next = x.owner_valid;
        u.owner_lane.next = x.owner_lane.to_bits();
        u.entry_valid.next = x.entry_valid;
        u.entry_row.next = x.entry_row.to_bits();
        u.entry_weight.next = x.entry_weight.to_bits();
        u.column_end.next = x.column_end;
        u.column_next.next = x.column_next.to_bits();
        u.linear_we.next = x.linear_we;
        u.linear_waddr.next = x.linear_waddr.to_bits();
        u.linear_wdata.next = x.linear_wdata.to_bits();
        u.bank.next = x.bank.to_bits();
        u.spin_we.next = x.spin_we;
        u.spin_waddr.next = x.spin_waddr.to_bits();
        u.spin_wdata.next = x.spin_wdata.to_bits();
        assert!(simulate(u, 1000));
        u.clock.next = Clock { clk: true };
        assert!(simulate(u, 1000));
        let mut line = format!(
            "{} {} {} {} {} {}",
            u8::from(u.busy.val()),
            u8::from(u.done.val()),
            u8::from(u.load_ready.val()),
            u8::from(u.error_group.val()),
            u8::from(u.error_words.val()),
            u8::from(u.word_valid.val()),
        );
        if u.word_valid.val() {
            line += &format!(
                " {:02x} {}",
                u.word_place.val().index(),
                u.word_part.val().index()
            );
            for k in 0..READ_FIELDS {
                let f: i64 = u.fields[k].val().bigint().try_into().unwrap();
                line += &format!(" {:04x}", f as u64 & 0xffff);
            }
        }
        if u.done.val() {
            let e: i64 = u.e4.val().bigint().try_into().unwrap();
            line += &format!(" {:08x}", e as u64 & ((1 << E4_BITS) - 1));
        }
        u.clock.next = Clock { clk: false };
        assert!(simulate(u, 1000));
        self.inputs.push(x);
        self.outputs.push(line);
        self.next = Inputs {
            first: x.first,
            bank: x.bank,
            ..Default::default()
        };
    }

    /// `J` through the packer under `owner`, and `l`.
    fn load(&mut self, image: &CoreImage, owner: &[u16]) {
        self.next.load_start = true;
        self.cycle();
        while !self.uut.load_ready.val() {
            self.cycle();
        }
        for &l in owner {
            self.next.owner_valid = true;
            self.next.owner_lane = u64::from(l);
            self.cycle();
        }
        // every column's end names the next column, so an empty one is ended alone
        for j in 0..image.n {
            for (i, w) in image.j.row(image.n, j) {
                self.next.entry_valid = true;
                self.next.entry_row = i as u64;
                self.next.entry_weight = u64::from(w as u8);
                self.cycle();
            }
            self.next.column_end = true;
            self.next.column_next = j as u64 + 1;
            self.cycle();
        }
        for (i, &l) in image.linear.iter().enumerate() {
            self.next.linear_we = true;
            self.next.linear_waddr = i as u64;
            self.next.linear_wdata = u64::from(l as u16);
            self.cycle();
        }
        for _ in 0..8 {
            self.cycle();
        }
        assert!(!self.uut.error_group.val() && !self.uut.error_words.val());
    }

    /// Write `spins` into `bank` a word a cycle, as a core does.
    fn write_spins(&mut self, bank: usize, spins: &[i8]) {
        for (w, chunk) in spins.chunks(UNITS).enumerate() {
            let word = chunk
                .iter()
                .enumerate()
                .filter(|(_, &s)| s < 0)
                .fold(0u64, |acc, (p, _)| acc | 1 << p);
            self.next.spin_we = true;
            self.next.spin_waddr = ((bank as u64) << UNIT_SPIN_BITS) | w as u64;
            self.next.spin_wdata = word;
            self.cycle();
        }
    }

    /// A pass over `bank` two cycles after the last spin word (a core's handoff takes as
    /// long): every field, `E4`, the cycles.
    fn pass(&mut self, bank: usize, first: bool) -> Pass {
        self.cycle();
        self.cycle();
        self.next.bank = bank as u64;
        self.next.first = first;
        self.next.seal = true;
        self.next.start = true;
        self.finish()
    }

    /// A later pass over `bank` started before `spins` are written there (its columns go to
    /// the engine as the words come), sealed after the last: every field, `E4`, the cycles.
    fn pass_streaming(&mut self, bank: usize, spins: &[i8]) -> Pass {
        // (the last pass's `done` cycle over)
        self.cycle();
        self.next.bank = bank as u64;
        self.next.first = false;
        self.next.start = true;
        self.cycle();
        self.write_spins(bank, spins);
        self.next.seal = true;
        self.finish()
    }

    /// Clocks until the pass is done: every field, `E4`, the cycles.
    fn finish(&mut self) -> Pass {
        let mut fields = vec![None; self.n];
        let mut cycles = 0;
        loop {
            self.cycle();
            cycles += 1;
            let u = self.uut.as_ref();
            if u.word_valid.val() {
                let place = u.word_place.val().index();
                let part = u.word_part.val().index();
                for k in 0..READ_FIELDS {
                    let i = place * UNITS + part * READ_FIELDS + k;
                    if i < self.n {
                        assert!(fields[i].is_none(), "field {i} twice");
                        fields[i] = Some(u.fields[k].val().bigint().try_into().unwrap());
                    }
                }
            }
            if u.done.val() {
                break;
            }
            assert!(cycles < 100_000, "no done");
        }
        Pass {
            fields: fields
                .into_iter()
                .enumerate()
                .map(|(i, f)| f.unwrap_or_else(|| panic!("no field {i}")))
                .collect(),
            e4: self.uut.e4.val().bigint().try_into().unwrap(),
            cycles,
        }
    }

    /// Start a pass over `spins` in `bank` and stop it after `after` cycles.
    fn abandon(&mut self, bank: usize, spins: &[i8], first: bool, after: usize) {
        self.write_spins(bank, spins);
        self.next.bank = bank as u64;
        self.next.first = first;
        self.next.start = true;
        for _ in 0..after {
            self.cycle();
        }
        self.next.stop = true;
        self.cycle();
        assert!(!self.uut.busy.val(), "idle after stop");
        // (the engine drains what it had taken)
        for _ in 0..8 {
            self.cycle();
        }
    }
}

/// The cycles from a pass's `start` to its `done` (the engine idle, the pass started two cycles
/// after the last spin word): a later pass's columns take their walk (a word a cycle, a cycle
/// for a column of none) and 6 cycles more (none without columns), and then each place
/// `UNITS / READ_FIELDS` cycles (a part a cycle) and 9 more; a first pass starts the `n` rows
/// first, `n + 6` cycles more.
fn pass_cycles(layout: &ScatterLayout, columns: &[usize], first: bool) -> usize {
    let n = layout.owner.len();
    let walk: usize = columns.iter().map(|&j| layout.column_len(j).max(1)).sum();
    let columns_phase = if columns.is_empty() { 0 } else { walk + 6 };
    let starts = if first { n + 6 } else { 0 };
    starts + columns_phase + n.div_ceil(UNITS) * (UNITS / READ_FIELDS) + 9
}

/// Whether the pass's last column has words (a pass ending in columns of none may drain the
/// engine sooner than its walk says).
fn last_column_has_words(layout: &ScatterLayout, columns: &[usize]) -> bool {
    columns.last().is_none_or(|&j| layout.column_len(j) > 0)
}

/// `runs` golden runs of `spec`, each step's pass equal to the golden model's fields and `E4`;
/// before each run after the first, a pass abandoned part-way (a later pass's columns, a first
/// pass's starts, or a readout). Returns the bench.
fn run_against_golden(spec: &str, steps: usize, runs: usize) -> Bench {
    let image = image_of(spec, steps);
    let core = GoldenCore::new(&image);
    let n = core.n();
    let owner = grouped_owners(&core, LANES);
    let layout = ScatterLayout::new(&core, owner.clone(), LANES);
    layout.check_fits(&WIDTHS).unwrap();
    let mut bench = Bench::new(n);
    bench.load(&image, &owner);
    for r in 0..runs {
        if r > 0 {
            let noise: Vec<i8> = (0..n)
                .map(|i| if (i * 7 + r) % 3 == 0 { -1 } else { 1 })
                .collect();
            bench.abandon(1, &noise, r % 2 == 0, 3 + 11 * r % 60);
        }
        let mut state = GoldenState::new(&core, run_seed(3, r));
        let mut before: Option<Vec<i8>> = None;
        for t in 0..steps {
            state.step();
            let spins = state.spins().to_vec();
            let bank = t % 3;
            // every third step's columns go to the engine while its spins are written
            let streaming = t % 3 == 2;
            let pass = if streaming {
                bench.pass_streaming(bank, &spins)
            } else {
                bench.write_spins(bank, &spins);
                bench.pass(bank, t == 0)
            };
            assert_eq!(pass.fields, state.fields(), "{spec}, run {r}, step {t}");
            assert_eq!(pass.e4, core.e4_of(&spins), "{spec}, run {r}, step {t}");
            let changed: Vec<usize> = (0..n)
                .filter(|&j| before.as_ref().is_none_or(|b| b[j] != spins[j]))
                .collect();
            let expected = pass_cycles(&layout, &changed, t == 0);
            if streaming {
                // (the writes' cycles, overlapped with the columns)
                assert!(
                    pass.cycles <= expected + n.div_ceil(UNITS) + 1,
                    "{spec}, run {r}, step {t}"
                );
            } else if last_column_has_words(&layout, &changed) {
                assert_eq!(pass.cycles, expected, "{spec}, run {r}, step {t}");
            } else {
                assert!(pass.cycles <= expected, "{spec}, run {r}, step {t}");
            }
            before = Some(spins);
        }
    }
    bench
}

#[test]
fn sparse_passes_are_the_golden_models_every_step() {
    // isolated spins (columns of no words) among them
    run_against_golden("gnp:n=150,p=0.015,weights=pm1,seed=4", 12, 3);
}

#[test]
fn dense_passes_are_the_golden_models_every_step() {
    run_against_golden("sk:n=70,seed=5", 10, 3);
}

#[test]
fn the_verilog_gives_the_same_outputs_every_cycle_with_colliding_reads_poisoned() {
    let bench = run_against_golden("gnp:n=80,p=0.12,weights=gauss,seed=6", 8, 3);
    let verilog = verilog_of(IncrementalMatvec::default);
    // the engine's (column memory, every lane's words and bank, the lane table's positions),
    // the queue's copy and FIFO, the spins and `l`
    assert_eq!(memories(&verilog), 1 + 3 * LANES + 4);
    let poisoned = poison_collisions(&verilog);
    assert_ne!(poisoned, verilog);
    let hex: String = bench
        .inputs
        .iter()
        .map(|x| format!("{:032x}\n", x.packed()))
        .collect();
    let fields: Vec<String> = (0..READ_FIELDS).map(|k| format!("f{k}")).collect();
    let tb = format!(
        "module tb;\n\
         reg clock = 0; reg start, first, seal, stop, load_start, owner_valid; reg [{lb}:0] owner_lane;\n\
         reg entry_valid; reg [{sb}:0] entry_row; reg [{wb}:0] entry_weight; reg column_end;\n\
         reg [{sb}:0] column_next;\n\
         reg linear_we; reg [{sb}:0] linear_waddr; reg [{lnb}:0] linear_wdata; reg [1:0] bank;\n\
         reg spin_we; reg [{swb}:0] spin_waddr; reg [{ub}:0] spin_wdata;\n\
         wire busy, done, load_ready, error_group, error_words, word_valid, peek_bit;\n\
         wire [{pb}:0] word_place; wire [{qb}:0] word_part; wire [15:0] {field_list};\n\
         wire [{eb}:0] e4;\n\
         top uut(.clock(clock), .start(start), .first(first), .seal(seal), .stop(stop), .n(12'd80),\n\
           .load_start(load_start), .load_ready(load_ready), .owner_valid(owner_valid),\n\
           .owner_lane(owner_lane), .entry_valid(entry_valid), .entry_row(entry_row),\n\
           .entry_weight(entry_weight), .column_end(column_end), .column_next(column_next),\n\
           .error_group(error_group),\n\
           .error_words(error_words), .linear_waddr(linear_waddr), .linear_wdata(linear_wdata),\n\
           .linear_we(linear_we), .bank(bank), .spin_waddr(spin_waddr), .spin_wdata(spin_wdata),\n\
           .spin_we(spin_we), .peek_addr(13'd0), .peek_bit(peek_bit), .word_valid(word_valid),\n\
           .word_place(word_place), .word_part(word_part), {field_ports}, .done(done),\n\
           .busy(busy), .e4(e4));\n\
         reg [127:0] vec [0:{last}];\n\
         integer k;\n\
         initial begin\n\
           $readmemh(\"inputs.hex\", vec);\n\
           for (k = 0; k <= {last}; k = k + 1) begin\n\
             {{start, first, seal, stop, load_start, owner_valid, owner_lane, entry_valid, entry_row,\n\
               entry_weight, column_end, column_next, linear_we, linear_waddr, linear_wdata, bank, spin_we,\n\
               spin_waddr, spin_wdata}} = vec[k][{top}:0];\n\
             #5 clock = 1;\n\
             #1 $write(\"%0d %0d %0d %0d %0d %0d\", busy, done, load_ready, error_group,\n\
               error_words, word_valid);\n\
             if (word_valid) $write(\" %02h %0d {field_fmt}\", word_place, word_part, {field_list});\n\
             if (done) $write(\" %08h\", e4);\n\
             $display(\"\");\n\
             #4 clock = 0;\n\
           end\n\
           $finish;\n\
         end\n\
         endmodule\n",
        lb = LANE_BITS - 1,
        sb = SPIN_BITS - 1,
        wb = WEIGHT_BITS - 1,
        lnb = LINEAR_BITS - 1,
        swb = SPIN_WORD_ADDR_BITS - 1,
        ub = UNITS - 1,
        pb = UNIT_SPIN_BITS - 1,
        qb = PART_BITS - 1,
        eb = E4_BITS - 1,
        field_list = fields.join(", "),
        field_ports = (0..READ_FIELDS)
            .map(|k| format!(".fields${k}(f{k})"))
            .collect::<Vec<_>>()
            .join(", "),
        field_fmt = ["%04h"; READ_FIELDS].join(" "),
        last = bench.inputs.len() - 1,
        top = INPUT_BITS - 1,
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("incremental");
    let printed = run_testbench(&dir, &poisoned, &tb, &[("inputs.hex", &hex)]).unwrap();
    let got: Vec<&str> = printed.lines().filter(|l| !l.starts_with('-')).collect();
    assert_eq!(got.len(), bench.outputs.len(), "a line a cycle");
    for (k, (g, want)) in got.iter().zip(&bench.outputs).enumerate() {
        assert_eq!(
            g,
            want,
            "cycle {k}; from cycle {}, Verilator {:?}, rust_hdl {:?}",
            k.saturating_sub(4),
            &got[k.saturating_sub(4)..k + 1],
            &bench.outputs[k.saturating_sub(4)..k + 1]
        );
    }
}
