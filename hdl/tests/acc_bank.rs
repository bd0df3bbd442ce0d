//! The incremental matvec's accumulator bank (`npim_hdl::widgets::acc_bank`): back-to-back
//! updates of one row add up, in rust_hdl's simulator and in its generated Verilog under
//! Verilator with every read that collides with a write made to return a wrong word.

use npim_hdl::harness::verilator::run_testbench;
use npim_hdl::harness::verilog_of;
use npim_hdl::ram_collisions::{memories, poison_collisions};
use npim_hdl::widgets::acc_bank::AccBank;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::path::PathBuf;

const A: usize = 3;
const W: usize = 16;

/// One cycle's inputs: an update (`set`, address, delta) or a read of an address.
#[derive(Clone, Copy, Debug)]
enum Op {
    Add(usize, i64),
    Set(usize, i64),
    Read(usize),
    Idle,
}

/// Updates packed on few addresses (every pattern of back-to-back collisions), with idle gaps
/// and sets, then a read of every word (two idle cycles first, as the bank asks).
fn ops(seed: u64, count: usize) -> Vec<Op> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut v = Vec::new();
    for _ in 0..count {
        let a = rng.gen_range(0..1usize << A);
        v.push(match rng.gen_range(0..10) {
            0 => Op::Set(a, rng.gen_range(-300..300)),
            1 => Op::Idle,
            _ => Op::Add(a, rng.gen_range(-300..300)),
        });
    }
    v.extend([Op::Idle, Op::Idle]);
    v.extend((0..1usize << A).map(Op::Read));
    v.push(Op::Idle);
    v
}

/// What the reads return: the model's words, wrapped to `W` bits.
fn expected(ops: &[Op]) -> Vec<i64> {
    let mut mem = [0i64; 1 << A];
    let mut reads = Vec::new();
    for op in ops {
        match *op {
            Op::Add(a, d) => mem[a] += d,
            Op::Set(a, d) => mem[a] = d,
            Op::Read(a) => reads.push(mem[a]),
            Op::Idle => {}
        }
    }
    reads.iter().map(|&v| wrap(v)).collect()
}

fn wrap(v: i64) -> i64 {
    let m = v & ((1 << W) - 1);
    if m >= 1 << (W - 1) {
        m - (1 << W)
    } else {
        m
    }
}

fn tick(uut: &mut AccBank<A, W>) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 100));
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 100));
}

/// The memory starts at zero in both simulations: every word is set before it is added to.
fn with_clear(mut body: Vec<Op>) -> Vec<Op> {
    let mut v: Vec<Op> = (0..1usize << A).map(|a| Op::Set(a, 0)).collect();
    v.append(&mut body);
    v
}

#[test]
fn back_to_back_updates_of_one_row_add_up_in_rust_hdl() {
    for seed in 0..4 {
        let ops = with_clear(ops(seed, 3000));
        let mut uut = AccBank::<A, W>::default();
        uut.connect_all();
        uut.clock.next = Clock { clk: false };
        simulate(&mut uut, 100);
        let mut got = Vec::new();
        for op in &ops {
            let (valid, set, addr, delta, read) = match *op {
                Op::Add(a, d) => (true, false, a, d, 0),
                Op::Set(a, d) => (true, true, a, d, 0),
                Op::Read(a) => (false, false, 0, 0, a),
                Op::Idle => (false, false, 0, 0, 0),
            };
            uut.valid.next = valid;
            uut.set.next = set;
            uut.addr.next = (addr as u64).to_bits();
            uut.delta.next = ((delta as u64) & ((1 << W) - 1)).to_bits();
            uut.read_addr.next = (read as u64).to_bits();
            tick(&mut uut);
            // the edge registered the read; the word is out until the next edge
            if matches!(op, Op::Read(_)) {
                got.push(wrap(uut.read_data.val().index() as i64));
            }
        }
        assert_eq!(got, expected(&ops), "seed {seed}");
    }
}

#[test]
fn the_verilog_adds_up_with_colliding_reads_poisoned() {
    let verilog = verilog_of(AccBank::<A, W>::default);
    assert_eq!(memories(&verilog), 1, "one memory, found and poisoned");
    let poisoned = poison_collisions(&verilog);
    assert_ne!(poisoned, verilog);
    let ops = with_clear(ops(7, 4000));
    // a testbench replaying the ops from a vector file, one a clock, printing each read's word
    let hex: String = ops
        .iter()
        .map(|op| {
            // valid, set, is_read, addr (3), read_addr (3), delta (16)
            let (valid, set, read, addr, raddr, delta) = match *op {
                Op::Add(a, d) => (1, 0, 0, a, 0, d),
                Op::Set(a, d) => (1, 1, 0, a, 0, d),
                Op::Read(a) => (0, 0, 1, 0, a, 0),
                Op::Idle => (0, 0, 0, 0, 0, 0),
            };
            let word = (valid << 24)
                | (set << 23)
                | (read << 22)
                | (addr << 19)
                | (raddr << 16)
                | ((delta as u64 as usize) & 0xffff);
            format!("{word:07x}\n")
        })
        .collect();
    let tb = format!(
        "module tb;\nreg clock = 0; reg valid = 0; reg set = 0; reg read_pending = 0;\n\
         reg [2:0] addr = 0; reg [15:0] delta = 0; reg [2:0] read_addr = 0;\n\
         wire [15:0] read_data;\n\
         top uut(.clock(clock), .valid(valid), .set(set), .addr(addr), .delta(delta),\n\
                 .read_addr(read_addr), .read_data(read_data));\n\
         reg [24:0] vec [0:{last}];\n\
         integer k;\n\
         initial begin\n\
           $readmemh(\"ops.hex\", vec);\n\
           for (k = 0; k <= {last}; k = k + 1) begin\n\
             {{valid, set, read_pending, addr, read_addr, delta}} = vec[k];\n\
             #5 clock = 1; #1 if (read_pending) $display(\"%0d\", $signed(read_data)); #4 clock = 0;\n\
           end\n\
           $finish;\n\
         end\n\
         endmodule\n",
        last = ops.len() - 1
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("acc_bank");
    let printed = run_testbench(&dir, &poisoned, &tb, &[("ops.hex", &hex)]).unwrap();
    let got: Vec<i64> = printed
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert_eq!(got, expected(&ops));
}
