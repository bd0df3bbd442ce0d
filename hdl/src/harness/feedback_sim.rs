//! Driving the CIM feedback engine: memories from a core image, one sample vector in, the drive
//! vector out, with the DAC's `ready` withheld on a pseudo-random pattern to exercise the
//! handshake; in rust_hdl's simulator or under Verilator.

use super::feedback::Feedback;
use super::matvec_sim::MatvecInput;
use crate::harness::verilator::Harness;
use npim_sim::fixed::feedback::Feedback as Spec;
use npim_sim::fixed::image::CoreImage;
use rust_hdl::prelude::*;

/// One feedback pass: the stimulus text (see [`HARNESS_CPP`]).
pub fn commands(
    image: &CoreImage,
    spec: &Spec,
    samples: &[i64],
    backpressure: u32,
) -> Result<String, String> {
    let mv = MatvecInput::from_image(image, &vec![1; image.n])?;
    let mut s = mv.csr_commands();
    s += &format!(
        "cfg {} {} {} {} {} {backpressure}\n",
        image.n, spec.adc_bits, spec.dac_bits, spec.beta_q, spec.beta_shift
    );
    for a in samples {
        s += &format!("sa {a}\n");
    }
    s += "go\n";
    Ok(s)
}

/// Parses `d INDEX VALUE` lines into the drive vector, and the `done CYCLES` line.
pub fn parse(text: &str, n: usize) -> Result<(Vec<i64>, u64), String> {
    let mut d = vec![i64::MIN; n];
    let mut order = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["d", i, v] => {
                let i: usize = i.parse().map_err(|e| format!("{e}"))?;
                if i != order {
                    return Err(format!("drive {i} out of order (expected {order})"));
                }
                order += 1;
                d[i] = v.parse().map_err(|e| format!("{e}"))?;
            }
            ["done", c] => return Ok((d, c.parse().map_err(|e| format!("{e}"))?)),
            _ => return Err(format!("unexpected harness output `{line}`")),
        }
    }
    Err("no `done`".into())
}

fn tick(uut: &mut Feedback) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 2000), "the engine's logic did not settle");
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 2000), "the engine's logic did not settle");
}

/// Runs the commands in rust_hdl's simulator (same protocol as the C++ harness).
pub fn run_rust_hdl(cmds: &str, n: usize) -> Result<(Vec<i64>, u64), String> {
    let mut uut = Feedback::default();
    uut.connect_all();
    uut.clock.next = Clock { clk: false };
    simulate(&mut uut, 2000);
    let mut out = String::new();
    let mut samples: Vec<i64> = Vec::new();
    let mut bp = 0u32;
    for line in cmds.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let num = |k: usize| w[k].parse::<i64>().unwrap();
        match w[0] {
            "rp" => {
                uut.matrix.rowptr_waddr.next = (num(1) as u64).to_bits();
                uut.matrix.rowptr_wdata.next = (num(2) as u64).to_bits();
                uut.matrix.rowptr_we.next = true;
                tick(&mut uut);
                uut.matrix.rowptr_we.next = false;
            }
            "en" => {
                uut.matrix.entry_waddr.next = (num(1) as u64).to_bits();
                uut.matrix.entry_wdata.next = (num(2) as u64).to_bits();
                uut.matrix.entry_we.next = true;
                tick(&mut uut);
                uut.matrix.entry_we.next = false;
            }
            "li" => {
                uut.matrix.linear_waddr.next = (num(1) as u64).to_bits();
                uut.matrix.linear_wdata.next = num(2).into();
                uut.matrix.linear_we.next = true;
                tick(&mut uut);
                uut.matrix.linear_we.next = false;
            }
            "cfg" => {
                uut.n.next = (num(1) as u64).to_bits();
                uut.adc_bits.next = (num(2) as u64).to_bits();
                uut.dac_bits.next = (num(3) as u64).to_bits();
                uut.beta_q.next = num(4).into();
                uut.beta_shift.next = (num(5) as u64).to_bits();
                bp = num(6) as u32;
            }
            "sa" => samples.push(num(1)),
            "go" => {
                let mut cycles = 0u64;
                let mut next = 0;
                let mut lfsr = bp | 1;
                let mut driven = 0;
                loop {
                    // offer the next sample; it is taken when ready is high at the edge
                    uut.sample_valid.next = next < samples.len();
                    uut.sample.next = samples.get(next).copied().unwrap_or(0).into();
                    lfsr ^= lfsr << 13;
                    lfsr ^= lfsr >> 17;
                    lfsr ^= lfsr << 5;
                    uut.drive_ready.next = bp == 0 || lfsr & 3 != 0;
                    simulate(&mut uut, 2000);
                    let took_sample = uut.sample_valid.val() && uut.sample_ready.val();
                    if uut.drive_valid.val() && uut.drive_ready.val() {
                        out += &format!(
                            "d {} {}\n",
                            uut.drive_index.val().index(),
                            uut.drive.val().bigint()
                        );
                        driven += 1;
                    }
                    tick(&mut uut);
                    cycles += 1;
                    if took_sample {
                        next += 1;
                    }
                    if driven == n {
                        break;
                    }
                    if cycles > 100_000_000 {
                        return Err("timeout".into());
                    }
                }
                out += &format!("done {cycles}\n");
            }
            _ => return Err(format!("bad command `{line}`")),
        }
    }
    parse(&out, n)
}

/// The Verilog of the engine.
pub fn verilog() -> String {
    crate::harness::verilog_of(Feedback::default)
}

/// The C++ side of the harness (same protocol as [`run_rust_hdl`]).
pub const HARNESS_CPP: &str = include_str!("cpp/feedback.cpp");

/// Runs one pass under Verilator.
pub fn run_verilator(harness: &Harness, cmds: &str, n: usize) -> Result<(Vec<i64>, u64), String> {
    parse(&harness.run(cmds)?, n)
}
