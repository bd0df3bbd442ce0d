//! Driving the core: an image and a run seed in, every step's spins, fields and `E4` out, plus
//! the best energy, its step and the best spins, in rust_hdl's simulator or under Verilator.

use super::core::Core;
use super::matvec_sim::MatvecInput;
use super::update_sim::shifts;
use super::widths::*;
use crate::harness::verilator::Harness;
use npim_sim::fixed::image::CoreImage;
use rust_hdl::prelude::*;

pub use crate::harness::trace::{
    golden_trace, golden_trace_external, next_pattern, test_sample, Mode, RunTrace, StepTrace,
};

/// Whether this build's core can run `image` ([`npim_sim::fixed::CoreConfig::fits_converted`]:
/// the harness writes `J`'s memory itself, so either storage runs).
pub fn check_image(image: &CoreImage) -> Result<(), String> {
    config()
        .fits_converted(image)
        .map_err(|e| format!("this RTL build cannot run the image: {e}"))
}

/// The text commands of a run (see [`HARNESS_CPP`]).
pub fn commands(image: &CoreImage, run_seed: u32) -> Result<String, String> {
    commands_in(image, run_seed, Mode::Internal)
}

/// The text commands of a run in `mode`.
pub fn commands_in(image: &CoreImage, run_seed: u32, mode: Mode) -> Result<String, String> {
    check_image(image)?;
    let mv = MatvecInput::from_image(image, &vec![1; image.n])?;
    let mut s = mv.csr_commands();
    for (a, k) in image.schedule.iter().enumerate() {
        s += &format!("kn {a} {k}\n");
    }
    let [zr, zl, y0, y1] = shifts(image);
    let (external, seed, ideal) = match mode {
        Mode::Internal => (0, 0, 0),
        Mode::External(seed) => (1, seed, 0),
        Mode::ExternalIdeal(seed) => (1, seed, 1),
    };
    s += &format!(
        "run {} {} {} {} {} {} {zr} {zl} {y0} {y1} {run_seed} {external} {seed} {ideal}\n",
        image.n,
        image.tc,
        image.d,
        image.weights_per_knot(),
        image.steps,
        image.knot_shift
    );
    Ok(s)
}

/// Parses the harness output of a run. Each step has `n` spins, `n` fields, one `E4` and (in
/// external mode) `n` drive values, each kind in its own order, but the kinds of two steps
/// interleave (the update of step `t + 1` runs beside the matvec of step `t`), so the `k`-th
/// value of a kind belongs to step `k / n` (the `k`-th `E4` to step `k`).
pub fn parse_output(text: &str, n: usize) -> Result<RunTrace, String> {
    let mut trace = RunTrace::default();
    // the step the next value of a kind belongs to, created when first seen
    let step_of = |steps: &mut Vec<StepTrace>, count: &mut usize, per_step: usize| -> usize {
        let t = *count / per_step;
        *count += 1;
        while steps.len() <= t {
            steps.push(StepTrace {
                spins: vec![false; n],
                fields: vec![0; n],
                e4: 0,
                drives: Vec::new(),
            });
        }
        t
    };
    // values seen so far of each kind: spins, fields, drives, energies
    let (mut spins, mut fields, mut drives, mut energies) = (0usize, 0usize, 0usize, 0usize);
    let bad = |l: &str| format!("unexpected harness output `{l}`");
    let n_div = n.max(1);
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |k: usize| -> Result<i64, String> {
            f.get(k)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad(line))
        };
        match f.first().copied() {
            Some("w") => {
                // a word of spins: spin `w·UNITS + p` in bit `p`, those below `n`
                let (w, word) = (num(1)? as usize, num(2)?);
                for p in 0..UNITS {
                    let i = w * UNITS + p;
                    if i >= n {
                        break;
                    }
                    let t = step_of(&mut trace.steps, &mut spins, n_div);
                    let step = &mut trace.steps[t];
                    *step.spins.get_mut(i).ok_or_else(|| bad(line))? = (word >> p) & 1 == 1;
                }
            }
            Some("f") => {
                let (i, v) = (num(1)? as usize, num(2)?);
                let t = step_of(&mut trace.steps, &mut fields, n_div);
                let step = &mut trace.steps[t];
                *step.fields.get_mut(i).ok_or_else(|| bad(line))? = v;
            }
            Some("y") => {
                let (i, v) = (num(1)? as usize, num(2)?);
                let t = step_of(&mut trace.steps, &mut drives, n_div);
                let step = &mut trace.steps[t];
                if step.drives.is_empty() {
                    step.drives = vec![0; n];
                }
                *step.drives.get_mut(i).ok_or_else(|| bad(line))? = v;
            }
            Some("e") => {
                let v = super::widths::acc_value(num(2)?);
                let t = step_of(&mut trace.steps, &mut energies, 1);
                trace.steps[t].e4 = v;
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
                uut.matrix.rowptr_waddr.next = (f[0] as u64).to_bits();
                uut.matrix.rowptr_wdata.next = (f[1] as u64).to_bits();
                uut.matrix.rowptr_we.next = true;
                tick(&mut uut);
                uut.matrix.rowptr_we.next = false;
            }
            Some("en") => {
                uut.matrix.entry_waddr.next = (f[0] as u64).to_bits();
                uut.matrix.entry_wdata.next = (f[1] as u64).to_bits();
                uut.matrix.entry_we.next = true;
                tick(&mut uut);
                uut.matrix.entry_we.next = false;
            }
            Some("li") => {
                uut.matrix.linear_waddr.next = (f[0] as u64).to_bits();
                uut.matrix.linear_wdata.next = f[1].into();
                uut.matrix.linear_we.next = true;
                tick(&mut uut);
                uut.matrix.linear_we.next = false;
            }
            Some("kn") => {
                uut.knot_writes.knot_waddr.next = (f[0] as u64).to_bits();
                uut.knot_writes.knot_wdata.next = f[1].into();
                uut.knot_writes.knot_we.next = true;
                tick(&mut uut);
                uut.knot_writes.knot_we.next = false;
            }
            Some("run") => {
                uut.setup.n.next = (f[0] as u64).to_bits();
                uut.setup.tc.next = (f[1] as u64).to_bits();
                uut.setup.d.next = (f[2] as u64).to_bits();
                uut.setup.per_knot.next = (f[3] as u64).to_bits();
                uut.setup.steps.next = (f[4] as u64).to_bits();
                uut.setup.knot_shift.next = (f[5] as u64).to_bits();
                uut.setup.z_right.next = (f[6] as u64).to_bits();
                uut.setup.z_left.next = (f[7] as u64).to_bits();
                uut.setup.y_shift0.next = (f[8] as u64).to_bits();
                uut.setup.y_shift1.next = (f[9] as u64).to_bits();
                uut.run_seed.next = (f[10] as u64).to_bits();
                let external = f[11] == 1;
                let seed = f[12] as u32;
                let ideal = f[13] == 1;
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
                    uut.drive_ready.next = external && (ideal || bits & 3 != 0);
                    uut.sample_valid.next = external && (ideal || (bits >> 2) & 3 != 0);
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
                            "w {} {}\n",
                            uut.spin_word_index.val().index(),
                            uut.spin_word.val().index()
                        );
                    }
                    if uut.field_valid.val() {
                        out += &format!(
                            "f {} {}\n",
                            uut.field_index.val().index(),
                            uut.field.val().bigint()
                        );
                    }
                    if uut.field2_valid.val() {
                        out += &format!(
                            "f {} {}\n",
                            uut.field_index.val().index() + 1,
                            uut.field2.val().bigint()
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
    crate::harness::verilog_of(Core::default)
}

// The harness sign-extends the drive port from 48 bits.
const _: () = assert!(Y_BITS == 48);

/// The C++ side of the core's Verilator harness (same commands and output as
/// [`run_rust_hdl`]).
pub const HARNESS_CPP: &str = include_str!("cpp/core.cpp");

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
