//! Driving the update unit from a golden-model state: the same per-step weights, history and
//! noise states, in rust_hdl's simulator or under Verilator.

use super::update::Update;
use super::widths::*;
use crate::harness::verilator::Harness;
use npim_sim::fixed::image::CoreImage;
use npim_sim::fixed::golden::Shifts;
use npim_sim::fixed::{CoreConfig, GoldenCore, GoldenState};
use rust_hdl::prelude::*;

/// The unit's inputs for one step.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateInput {
    /// Spins.
    pub n: usize,
    /// History length.
    pub tc: usize,
    /// Hidden units.
    pub d: usize,
    /// Shifts: `z_right, z_left, y_shift0, y_shift1`.
    pub shifts: [u32; 4],
    /// `q(t)`: `W⁰, W¹, W²` at their places in the unit's weight memory ([`weight_place`]).
    pub weights: Vec<(usize, i64)>,
    /// `(address, field)` of every history slot (`i·32 + slot`).
    pub hist: Vec<(usize, i64)>,
    /// Noise states.
    pub noise: Vec<u32>,
    /// Run the pass pipelined (the core's internal mode).
    pub pipelined: bool,
}

/// The unit's outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateOutput {
    /// `(index, spin bit)` in order (bit 1 = −1).
    pub spins: Vec<(usize, bool)>,
    /// Cycles from `start` to `done`.
    pub cycles: u64,
}

/// The per-image shifts `[z_right, z_left, y_shift0, y_shift1]` of `docs/fixed-point.md`.
pub fn shifts(image: &CoreImage) -> [u32; 4] {
    let sh = Shifts::of(image.exponents, image.act_frac);
    let (zr, zl) = sh.z_right_left();
    [zr, zl, sh.y0, sh.y1]
}

/// The update unit's own limits: the build's ([`config`]), except schedule weights as wide as
/// its `W_BITS`-bit weight registers (the core holds them one bit narrower, for the knot
/// interpolation's difference) and the spins one unit holds (`N_MAX / UNITS`).
pub fn unit_config() -> CoreConfig {
    CoreConfig {
        w_bits: W_BITS as u8,
        n_max: N_MAX >> UNIT_BITS,
        ..config()
    }
}

/// Checks that the update unit of this build can run an image ([`CoreConfig::fits_converted`]
/// with [`unit_config`]).
pub fn check_image(image: &CoreImage) -> Result<(), String> {
    unit_config()
        .fits_converted(image)
        .map_err(|e| format!("this RTL build cannot run the image: {e}"))
}

impl UpdateInput {
    /// The inputs of the golden state's next step.
    pub fn from_golden(
        image: &CoreImage,
        core: &GoldenCore,
        state: &GoldenState,
    ) -> Result<Self, String> {
        check_image(image)?;
        let t = state.time();
        let mut q = vec![0i64; image.weights_per_knot()];
        core.weights_at(t, &mut q);
        let tc = image.tc;
        let weights = q
            .iter()
            .enumerate()
            .map(|(p, &w)| (weight_place(p, image.d, tc, t % tc), w))
            .collect();
        let mut hist = Vec::with_capacity(image.n * tc);
        for i in 0..image.n {
            for (s, &f) in state.history_of(i).iter().enumerate() {
                hist.push(((i << HIST_SLOT_BITS) | ((t + s) % tc), f));
            }
        }
        Ok(UpdateInput {
            n: image.n,
            tc,
            d: image.d,
            shifts: shifts(image),
            weights,
            hist,
            noise: state.noise_states().to_vec(),
            pipelined: true,
        })
    }

    /// The stimulus as text commands (see [`HARNESS_CPP`]).
    pub fn commands(&self) -> String {
        let mut s = String::new();
        for (a, w) in &self.weights {
            s += &format!("w {a} {w}\n");
        }
        for (a, f) in &self.hist {
            s += &format!("h {a} {f}\n");
        }
        for (a, x) in self.noise.iter().enumerate() {
            s += &format!("z {a} {x}\n");
        }
        let [zr, zl, y0, y1] = self.shifts;
        s += &format!(
            "go {} {} {} {zr} {zl} {y0} {y1} {}\n",
            self.n,
            self.tc,
            self.d,
            u8::from(self.pipelined)
        );
        s
    }
}

fn tick(uut: &mut Update) {
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 1000), "the unit's logic did not settle");
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 1000), "the unit's logic did not settle");
}

/// Runs one step in rust_hdl's simulator.
pub fn run_rust_hdl(input: &UpdateInput, max_cycles: u64) -> Result<UpdateOutput, String> {
    let mut uut = Update::default();
    uut.connect_all();
    uut.clock.next = Clock { clk: false };
    simulate(&mut uut, 1000);
    for &(a, w) in &input.weights {
        uut.weight_waddr.next = (a as u64).to_bits();
        uut.weight_wdata.next = w.into();
        uut.weight_we.next = true;
        tick(&mut uut);
    }
    uut.weight_we.next = false;
    for &(a, f) in &input.hist {
        uut.hist_waddr.next = (a as u64).to_bits();
        uut.hist_wdata.next = f.into();
        uut.hist_we.next = true;
        tick(&mut uut);
    }
    uut.hist_we.next = false;
    for (a, &x) in input.noise.iter().enumerate() {
        uut.noise_waddr.next = (a as u64).to_bits();
        uut.noise_wdata.next = u64::from(x).to_bits();
        uut.noise_we.next = true;
        tick(&mut uut);
    }
    uut.noise_we.next = false;
    let [zr, zl, y0, y1] = input.shifts;
    uut.n.next = (input.n as u64).to_bits();
    // every spin's field is in the history
    uut.avail.next = (input.n as u64).to_bits();
    uut.tc.next = (input.tc as u64).to_bits();
    uut.d.next = (input.d as u64).to_bits();
    uut.z_right.next = u64::from(zr).to_bits();
    uut.z_left.next = u64::from(zl).to_bits();
    uut.y_shift0.next = u64::from(y0).to_bits();
    uut.y_shift1.next = u64::from(y1).to_bits();
    uut.pipelined.next = input.pipelined;
    // the configuration is held before the start, as the core's is (loaded with the image):
    // the unit's own copies of it (`CopyReg`) take up to three cycles to settle
    for _ in 0..3 {
        tick(&mut uut);
    }
    uut.start.next = true;
    tick(&mut uut);
    uut.start.next = false;
    let mut out = UpdateOutput {
        spins: Vec::new(),
        cycles: 1,
    };
    // the core's part: every decision offered is taken, and the unit told so a cycle later
    // (while it still offers it)
    let mut taken = false;
    loop {
        uut.taken.next = taken;
        let offered = uut.spin_valid.val() && !taken;
        if offered {
            out.spins
                .push((uut.spin_index.val().index(), uut.spin_bit.val()));
        }
        if uut.done.val() {
            return Ok(out);
        }
        if out.cycles >= max_cycles {
            return Err(format!("no done after {max_cycles} cycles"));
        }
        tick(&mut uut);
        out.cycles += 1;
        taken = offered;
    }
}

/// The Verilog of the unit.
pub fn verilog() -> String {
    crate::harness::verilog_of(Update::default)
}

/// The C++ side of the Verilator harness: reads [`UpdateInput::commands`] on stdin, prints
/// `s INDEX BIT` per decided spin and `done CYCLES`.
pub const HARNESS_CPP: &str = include_str!("cpp/update.cpp");

/// Runs one step under Verilator.
pub fn run_verilator(harness: &Harness, input: &UpdateInput) -> Result<UpdateOutput, String> {
    let text = harness.run(&input.commands())?;
    let mut out = UpdateOutput {
        spins: Vec::new(),
        cycles: 0,
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["s", i, b] => out
                .spins
                .push((i.parse().map_err(|e| format!("{e}"))?, *b == "1")),
            ["done", c] => {
                out.cycles = c.parse().map_err(|e| format!("{e}"))?;
                return Ok(out);
            }
            _ => return Err(format!("unexpected harness output `{line}`")),
        }
    }
    Err("the harness ended without `done`".into())
}
