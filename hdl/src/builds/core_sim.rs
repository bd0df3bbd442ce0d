//! Driving the core: an image and a run seed in, every step's spins, fields and `E4` out, plus
//! the best energy, its step and the best spins, in rust_hdl's simulator or under Verilator.

use super::core::Core;
use super::matvec_sim::MatvecInput;
use super::update_sim::{check_image, shifts};
use super::widths::*;
use crate::verilator::Harness;
use npim_sim::fixed::image::CoreImage;
use rust_hdl::prelude::*;

pub use crate::trace::{
    golden_trace, golden_trace_external, next_pattern, test_sample, Mode, RunTrace, StepTrace,
};

/// The text commands of a run (see [`HARNESS_CPP`]).
pub fn commands(image: &CoreImage, run_seed: u32) -> Result<String, String> {
    commands_in(image, run_seed, Mode::Internal)
}

/// The text commands of a run in `mode`.
pub fn commands_in(image: &CoreImage, run_seed: u32, mode: Mode) -> Result<String, String> {
    check_image(image)?;
    if image.w_bits > 15 || image.knot_shift > 15 || image.steps >= 1 << STEP_BITS {
        return Err("this RTL build needs w_bits <= 15, knot spacing <= 2^15, T < 2^20".into());
    }
    let mv = MatvecInput::from_image(image, &vec![1; image.n])?;
    let mut s = mv.csr_commands();
    for (a, k) in image.schedule.iter().enumerate() {
        s += &format!("kn {a} {k}\n");
    }
    let [zr, zl, y0, y1] = shifts(image);
    let (external, seed) = match mode {
        Mode::Internal => (0, 0),
        Mode::External(seed) => (1, seed),
    };
    s += &format!(
        "run {} {} {} {} {} {} {zr} {zl} {y0} {y1} {run_seed} {external} {seed}\n",
        image.n,
        image.tc,
        image.d,
        image.weights_per_knot(),
        image.steps,
        image.knot_shift
    );
    Ok(s)
}

/// Parses the harness output of a run.
pub fn parse_output(text: &str, n: usize) -> Result<RunTrace, String> {
    let mut trace = RunTrace::default();
    let mut cur = StepTrace {
        spins: vec![false; n],
        fields: vec![0; n],
        e4: 0,
        drives: Vec::new(),
    };
    let bad = |l: &str| format!("unexpected harness output `{l}`");
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |k: usize| -> Result<i64, String> {
            f.get(k)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad(line))
        };
        match f.first().copied() {
            Some("s") => cur.spins[num(1)? as usize] = num(2)? == 1,
            Some("f") => cur.fields[num(1)? as usize] = num(2)?,
            Some("y") => {
                if cur.drives.is_empty() {
                    cur.drives = vec![0; n];
                }
                cur.drives[num(1)? as usize] = num(2)?;
            }
            Some("e") => {
                cur.e4 = super::widths::acc_value(num(2)?);
                trace.steps.push(std::mem::replace(
                    &mut cur,
                    StepTrace {
                        spins: vec![false; n],
                        fields: vec![0; n],
                        e4: 0,
                        drives: Vec::new(),
                    },
                ));
            }
            Some("best") => {
                trace.best_e4 = super::widths::acc_value(num(1)?);
                trace.best_step = num(2)? as usize;
                trace.cycles = num(3)? as u64;
            }
            Some("b") => {
                trace.best_spins = f
                    .get(1)
                    .ok_or_else(|| bad(line))?
                    .chars()
                    .map(|c| c == '1')
                    .collect()
            }
            _ => return Err(bad(line)),
        }
    }
    Ok(trace)
}

fn tick(uut: &mut Core) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 2000), "the core's logic did not settle");
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 2000), "the core's logic did not settle");
}

/// Runs the core in rust_hdl's simulator (small instances: ~10^4 cycles/s).
pub fn run_rust_hdl(image: &CoreImage, run_seed: u32, max_cycles: u64) -> Result<RunTrace, String> {
    run_rust_hdl_in(image, run_seed, Mode::Internal, max_cycles)
}

/// [`run_rust_hdl`] in `mode`.
pub fn run_rust_hdl_in(
    image: &CoreImage,
    run_seed: u32,
    mode: Mode,
    max_cycles: u64,
) -> Result<RunTrace, String> {
    let cmds = commands_in(image, run_seed, mode)?;
    let mut uut = Core::default();
    uut.connect_all();
    uut.clock.next = Clock { clk: false };
    simulate(&mut uut, 2000);
    let mut out = String::new();
    for line in cmds.lines() {
        let f: Vec<i64> = line
            .split_whitespace()
            .skip(1)
            .map(|v| v.parse().unwrap())
            .collect();
        match line.split_whitespace().next() {
            Some("rp") => {
                uut.rowptr_waddr.next = (f[0] as u64).to_bits();
                uut.rowptr_wdata.next = (f[1] as u64).to_bits();
                uut.rowptr_we.next = true;
                tick(&mut uut);
                uut.rowptr_we.next = false;
            }
            Some("en") => {
                uut.entry_waddr.next = (f[0] as u64).to_bits();
                uut.entry_wdata.next = (f[1] as u64).to_bits();
                uut.entry_we.next = true;
                tick(&mut uut);
                uut.entry_we.next = false;
            }
            Some("li") => {
                uut.linear_waddr.next = (f[0] as u64).to_bits();
                uut.linear_wdata.next = f[1].into();
                uut.linear_we.next = true;
                tick(&mut uut);
                uut.linear_we.next = false;
            }
            Some("kn") => {
                uut.knot_waddr.next = (f[0] as u64).to_bits();
                uut.knot_wdata.next = f[1].into();
                uut.knot_we.next = true;
                tick(&mut uut);
                uut.knot_we.next = false;
            }
            Some("run") => {
                uut.n.next = (f[0] as u64).to_bits();
                uut.tc.next = (f[1] as u64).to_bits();
                uut.d.next = (f[2] as u64).to_bits();
                uut.per_knot.next = (f[3] as u64).to_bits();
                uut.steps.next = (f[4] as u64).to_bits();
                uut.knot_shift.next = (f[5] as u64).to_bits();
                uut.z_right.next = (f[6] as u64).to_bits();
                uut.z_left.next = (f[7] as u64).to_bits();
                uut.y_shift0.next = (f[8] as u64).to_bits();
                uut.y_shift1.next = (f[9] as u64).to_bits();
                uut.run_seed.next = (f[10] as u64).to_bits();
                let external = f[11] == 1;
                let seed = f[12] as u32;
                uut.external.next = external;
                uut.start.next = true;
                tick(&mut uut);
                uut.start.next = false;
                let mut cycles = 1u64;
                let mut pattern = seed | 1;
                let mut last_y = vec![0i64; image.n];
                let (mut t, mut j) = (0usize, 0usize);
                loop {
                    // this cycle's inputs, then its outputs
                    let bits = next_pattern(&mut pattern);
                    uut.drive_ready.next = external && bits & 3 != 0;
                    uut.sample_valid.next = external && (bits >> 2) & 3 != 0;
                    uut.sample.next = i64::from(test_sample(last_y[j], t, j, seed)).into();
                    assert!(simulate(&mut uut, 2000), "the core's logic did not settle");
                    if uut.drive_valid.val() && uut.drive_ready.val() {
                        let i = uut.drive_index.val().index();
                        last_y[i] = uut.drive_value.val().bigint().try_into().expect("64 bits");
                        out += &format!("y {i} {}\n", last_y[i]);
                    }
                    if uut.sample_valid.val() && uut.sample_ready.val() {
                        j = (j + 1) % image.n;
                    }
                    if uut.spin_valid.val() {
                        out += &format!(
                            "s {} {}\n",
                            uut.spin_index.val().index(),
                            u8::from(uut.spin_bit.val())
                        );
                    }
                    if uut.field_valid.val() {
                        out += &format!(
                            "f {} {}\n",
                            uut.field_index.val().index(),
                            uut.field.val().bigint()
                        );
                    }
                    if uut.step_done.val() {
                        out += &format!(
                            "e {} {}\n",
                            uut.step.val().index(),
                            uut.step_e4.val().bigint()
                        );
                        t += 1;
                    }
                    if uut.run_done.val() {
                        break;
                    }
                    if cycles >= max_cycles {
                        return Err(format!("no run_done after {max_cycles} cycles"));
                    }
                    tick(&mut uut);
                    cycles += 1;
                }
                uut.drive_ready.next = false;
                uut.sample_valid.next = false;
                tick(&mut uut);
                out += &format!(
                    "best {} {} {cycles}\n",
                    uut.best_e4.val().bigint(),
                    uut.best_step.val().index()
                );
                let mut bits = String::new();
                for i in 0..image.n {
                    uut.best_raddr.next = (i as u64).to_bits();
                    tick(&mut uut);
                    tick(&mut uut);
                    bits.push(if uut.best_rbit.val() { '1' } else { '0' });
                }
                out += &format!("b {bits}\n");
            }
            _ => return Err(format!("bad command `{line}`")),
        }
    }
    parse_output(&out, image.n)
}

/// The Verilog of the core.
pub fn verilog() -> String {
    let mut uut = Core::default();
    uut.connect_all();
    generate_verilog(&uut)
}

// The harness sign-extends the drive port from 48 bits.
const _: () = assert!(Y_BITS == 48);

/// The C++ side of the core's Verilator harness (same commands and output as
/// [`run_rust_hdl`]).
pub const HARNESS_CPP: &str = r#"
#include "Vtop.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <string>
static Vtop* top;
static VerilatedVcdC* tfp = nullptr;
static uint64_t simtime = 0;
static int16_t test_sample(long long y, long long t, long long i, uint32_t seed) {
    int s = y < 0 ? -1 : 1;
    if (((unsigned long long)t * 7919ULL + (unsigned long long)i * 104729ULL + seed) % 13 == 0) s = -s;
    if (s > 0 && (t + i) % 11 == 0) return 0;
    return (int16_t)(s * (1 + i % 50));
}
static void tick() {
    top->clock = 1; top->eval(); if (tfp) tfp->dump(simtime++);
    top->clock = 0; top->eval(); if (tfp) tfp->dump(simtime++);
}
int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    top = new Vtop;
    const char* vcd = getenv("NPIM_VCD");
    if (vcd) { Verilated::traceEverOn(true); tfp = new VerilatedVcdC; top->trace(tfp, 99); tfp->open(vcd); }
    top->clock = 0; top->eval();
    char cmd[8]; long long a, v;
    while (scanf("%7s", cmd) == 1) {
        if (!strcmp(cmd, "run")) {
            long long p[13];
            for (int k = 0; k < 13; k++) scanf("%lld", &p[k]);
            top->n = p[0]; top->tc = p[1]; top->d = p[2]; top->per_knot = p[3]; top->steps = p[4];
            top->knot_shift = p[5]; top->z_right = p[6]; top->z_left = p[7]; top->y_shift0 = p[8];
            top->y_shift1 = p[9]; top->run_seed = (uint32_t)p[10];
            int external = (int)p[11]; uint32_t seed = (uint32_t)p[12];
            top->external = external;
            top->start = 1; tick(); top->start = 0;
            unsigned long long cycles = 1;
            uint32_t pattern = seed | 1;
            static long long last_y[4096];
            for (long long i = 0; i < p[0]; i++) last_y[i] = 0;
            long long t = 0, j = 0;
            for (;;) {
                pattern ^= pattern << 13; pattern ^= pattern >> 17; pattern ^= pattern << 5;
                top->drive_ready = external && (pattern & 3) != 0;
                top->sample_valid = external && ((pattern >> 2) & 3) != 0;
                top->sample = (uint16_t)test_sample(last_y[j], t, j, seed);
                top->eval();
                if (top->drive_valid && top->drive_ready) {
                    int i = (int)top->drive_index;
                    // (a 48-bit signed port: sign-extended)
                    last_y[i] = ((long long)((unsigned long long)top->drive_value << 16)) >> 16;
                    printf("y %d %lld\n", i, last_y[i]);
                }
                if (top->sample_valid && top->sample_ready) j = (j + 1) % p[0];
                if (top->spin_valid) printf("s %d %d\n", (int)top->spin_index, (int)top->spin_bit);
                if (top->field_valid) printf("f %d %d\n", (int)top->field_index, (int)(int16_t)top->field);
                if (top->step_done) { printf("e %d %llu\n", (int)top->step, (unsigned long long)top->step_e4); t++; }
                if (top->run_done) break;
                tick(); cycles++;
            }
            top->drive_ready = 0; top->sample_valid = 0;
            tick();
            printf("best %llu %d %llu\n", (unsigned long long)top->best_e4, (int)top->best_step, cycles);
            std::string bits;
            for (long long i = 0; i < p[0]; i++) { top->best_raddr = i; tick(); tick(); bits.push_back(top->best_rbit ? '1' : '0'); }
            printf("b %s\n", bits.c_str());
            fflush(stdout);
            continue;
        }
        scanf("%lld %lld", &a, &v);
        if (!strcmp(cmd, "rp")) { top->rowptr_waddr = a; top->rowptr_wdata = v; top->rowptr_we = 1; tick(); top->rowptr_we = 0; }
        else if (!strcmp(cmd, "en")) { top->entry_waddr = a; top->entry_wdata = v; top->entry_we = 1; tick(); top->entry_we = 0; }
        else if (!strcmp(cmd, "li")) { top->linear_waddr = a; top->linear_wdata = (uint16_t)(int16_t)v; top->linear_we = 1; tick(); top->linear_we = 0; }
        else if (!strcmp(cmd, "kn")) { top->knot_waddr = a; top->knot_wdata = (uint16_t)(int16_t)v; top->knot_we = 1; tick(); top->knot_we = 0; }
    }
    if (tfp) tfp->close();
    delete top;
    return 0;
}
"#;

/// The core's Verilator harness (built with `--trace` so any run can dump a VCD), cached in
/// `cache`.
pub fn build_harness(cache: &std::path::Path) -> Result<Harness, String> {
    Harness::build_with(&verilog(), HARNESS_CPP, cache, &["--trace"])
}

/// The core's Verilator harness with every colliding memory read returning a wrong word
/// ([`crate::ram_collisions::poison_collisions`]): its runs equal [`build_harness`]'s exactly
/// when the design never uses such a read.
pub fn build_collision_harness(cache: &std::path::Path) -> Result<Harness, String> {
    let verilog = crate::ram_collisions::poison_collisions(&verilog());
    Harness::build_with(&verilog, HARNESS_CPP, cache, &["--trace"])
}

/// Runs the core under Verilator.
pub fn run_verilator(
    harness: &Harness,
    image: &CoreImage,
    run_seed: u32,
) -> Result<RunTrace, String> {
    run_verilator_in(harness, image, run_seed, Mode::Internal)
}

/// Runs the core under Verilator in `mode`.
pub fn run_verilator_in(
    harness: &Harness,
    image: &CoreImage,
    run_seed: u32,
    mode: Mode,
) -> Result<RunTrace, String> {
    let text = harness.run(&commands_in(image, run_seed, mode)?)?;
    parse_output(&text, image.n)
}

/// Runs the core under Verilator and writes a VCD of the run to `vcd`.
pub fn run_verilator_vcd(
    harness: &Harness,
    image: &CoreImage,
    run_seed: u32,
    vcd: &std::path::Path,
) -> Result<RunTrace, String> {
    let path = vcd.to_str().ok_or("the VCD path is not UTF-8")?;
    let text = harness.run_with_env(&commands(image, run_seed)?, &[("NPIM_VCD", path)])?;
    parse_output(&text, image.n)
}
