//! Board targets: what the open toolchain needs to know about each board (FPGA family, device
//! and package, oscillator, pins, default build), and the top level that wraps the serial core
//! with the board's clock (a PLL from the oscillator to the core's frequency, or the oscillator
//! itself), its UART pins and status LEDs. One file a board holds its data ([`icebreaker`],
//! [`ulx3s`]); the pin files live in `constraints/`; the build itself (yosys, nextpnr, packing)
//! is `npim hdl bitstream` in the host crate. Following LiteX's split: core / board / build.

/// FPGA families the open flow covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Lattice iCE40 (yosys `synth_ice40`, nextpnr-ice40, icepack, icepll).
    Ice40,
    /// Lattice ECP5 (yosys `synth_ecp5`, nextpnr-ecp5, ecppack, ecppll).
    Ecp5,
}

/// What the FPGA on a board holds, as data (LiteX keeps a platform's resources the same way):
/// the capacity the device bound of a step is measured against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Device {
    /// The part, for reports.
    pub part: &'static str,
    /// Logic cells (LUT4s).
    pub luts: u32,
    /// Hardware multipliers (ECP5: 18 × 18 `MULT18X18D`; iCE40: 16 × 16 `SB_MAC16`).
    pub multipliers: u32,
    /// Block-RAM bits the device can read in one cycle, every block on every read port at its
    /// widest (ECP5: 208 DP16KD × 36 bits; UP5K: 30 EBR × 16 + 4 SPRAM × 16).
    pub ram_read_bits: u32,
}

/// The work of one dNPIM step on an image: the update's multiplies and the matvec's J reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepWork {
    /// `N·D·Tc`: the `W²` taps of every spin's hidden units.
    pub multiplies: u64,
    /// `N`: the spins the update units share.
    pub spins: u64,
    /// `D` and `Tc`: the hidden units and taps of each spin.
    pub hidden: u64,
    /// See `hidden`.
    pub tc: u64,
    /// Stored J entries (both triangles, as the image holds them; `N²` for dense J).
    pub j_entries: u64,
    /// Bits of each stored weight.
    pub j_bits: u32,
}

impl StepWork {
    /// The work of a step of `image`.
    pub fn of(image: &npim_sim::fixed::CoreImage) -> Self {
        StepWork {
            multiplies: (image.n * image.d * image.tc) as u64,
            spins: image.n as u64,
            hidden: image.d as u64,
            tc: image.tc as u64,
            j_entries: image.j.nnz() as u64,
            j_bits: u32::from(image.j_bits),
        }
    }

    /// The bound of a build with `lanes` matvec lanes and `units` update units taking
    /// `taps_per_cycle` `W²` taps a cycle each: `⌈entries/L⌉` entry words and
    /// `⌈N/P⌉·D·⌈Tc/m⌉` cycles of taps (the unit with the most spins, `m` multiplies a cycle),
    /// one after the other, or the larger of the two where the update of a step runs beside the
    /// matvec of the step before (`overlap`).
    pub fn build_bound(&self, lanes: u32, units: u32, taps_per_cycle: u32, overlap: bool) -> u64 {
        let cycles_per_spin = self.hidden * self.tc.div_ceil(u64::from(taps_per_cycle.max(1)));
        let words = self.j_entries.div_ceil(u64::from(lanes.max(1)));
        let taps = self.spins.div_ceil(u64::from(units.max(1))) * cycles_per_spin;
        if overlap {
            words.max(taps)
        } else {
            words + taps
        }
    }
}

impl Device {
    /// The device bound of a step: `max(multiplies ÷ multipliers, J bits ÷ block-RAM bits read a
    /// cycle)` cycles, rounded up. No design on this device can take fewer cycles with these
    /// weights stored in block RAM and every multiply in a hardware multiplier.
    pub fn bound(&self, work: &StepWork) -> u64 {
        let by_multipliers = work.multiplies.div_ceil(u64::from(self.multipliers.max(1)));
        let by_memory = (work.j_entries * u64::from(work.j_bits))
            .div_ceil(u64::from(self.ram_read_bits.max(1)));
        by_multipliers.max(by_memory)
    }
}

/// A board.
#[derive(Clone, Debug)]
pub struct Board {
    /// Name (`npim hdl bitstream --board NAME`).
    pub name: &'static str,
    /// What it is, for reports.
    pub description: &'static str,
    /// The FPGA family.
    pub family: Family,
    /// The FPGA's capacity.
    pub device: Device,
    /// nextpnr's device and package arguments.
    pub device_args: &'static [&'static str],
    /// The oscillator's frequency in MHz.
    pub osc_mhz: f64,
    /// The core clock the board's build aims for, in MHz.
    pub default_mhz: f64,
    /// The clock place and route aims for with the default core clock, in MHz, when it is
    /// higher (a constraint on the clock net in the pin file): the clock the board's build is
    /// being worked toward, so that each routed build reports the paths between it and that
    /// target. Whether over-constraining also raises fmax is not shown: on the ULX3S, seed 1
    /// routed for 75 reached 67.81 MHz and seed 3 routed for its 65 MHz clock 67.77.
    pub route_mhz: Option<f64>,
    /// The RTL build it is built with unless told otherwise: the largest that fits.
    pub default_core: &'static str,
    /// The pin file's name in `constraints/`.
    pub constraints_file: &'static str,
    /// The pin file's text.
    pub constraints: &'static str,
    /// The programmer command for SRAM (volatile) loading; the bitstream path is appended.
    pub load_sram: &'static [&'static str],
    /// The programmer command for writing the configuration flash.
    pub load_flash: &'static [&'static str],
}

pub mod icebreaker;
pub mod ulx3s;

/// The boards.
pub fn boards() -> Vec<Board> {
    vec![icebreaker::board(), ulx3s::board()]
}

/// The board called `name`.
pub fn board(name: &str) -> Option<Board> {
    boards().into_iter().find(|b| b.name == name)
}

/// UART bit time in core clock cycles for `baud` at `clock_mhz`, or why it cannot be used
/// (the receiver needs at least 4 cycles a bit; the rate error must stay under 2 %).
pub fn divisor(clock_mhz: f64, baud: u32) -> Result<u16, String> {
    let exact = clock_mhz * 1e6 / f64::from(baud);
    let d = exact.round();
    if !(4.0..=65535.0).contains(&d) {
        return Err(format!(
            "{baud} baud at {clock_mhz} MHz needs {exact:.1} cycles a bit; 4..=65535 work"
        ));
    }
    let error = (d - exact).abs() / exact;
    if error > 0.02 {
        return Err(format!(
            "{baud} baud at {clock_mhz} MHz is off by {:.1} % (at most 2 %)",
            error * 100.0
        ));
    }
    Ok(d as u16)
}

/// The board's top level: the PLL module (`pll`, written by icepll or ecppll), a reset
/// synchroniser released 16 cycles after the PLL locks, the serial core
/// (module `serial_core`) with its UART on the board's pins, the divisor for `baud`, and LEDs
/// (busy, image loaded, link idle, PLL locked; active low on the iCEBreaker).
pub fn top_verilog(board: &Board, divisor: u16) -> String {
    match board.family {
        Family::Ice40 => format!(
            r#"// iCEBreaker top level (generated by npim; edit hdl/src/boards.rs, not this file)
module board_top(input CLK, input RX, output TX, output LEDR_N, output LEDG_N,
                 output LED1, output LED2, output LED3);
    wire clk, locked;
    pll pll_i(.clock_in(CLK), .clock_out(clk), .locked(locked));
    // reset: held from configuration until 16 cycles after the PLL locks, and raised again at
    // once if it loses lock (asserted asynchronously, released on the clock)
    reg [15:0] reset_sr = 16'hFFFF;
    always @(posedge clk or negedge locked)
        if (!locked) reset_sr <= 16'hFFFF;
        else reset_sr <= {{reset_sr[14:0], 1'b0}};
    wire reset = reset_sr[15];
    wire busy, loaded, idle;
    wire [7:0] bad_frames, framing_errors;
    serial_core core(.clock(clk), .reset(reset), .divisor(16'd{divisor}), .rx(RX), .tx(TX), .busy(busy),
        .loaded(loaded), .idle(idle), .bad_frames(bad_frames), .framing_errors(framing_errors));
    assign LEDR_N = ~busy;
    assign LEDG_N = ~loaded;
    assign LED1 = idle;
    assign LED2 = locked;
    assign LED3 = |bad_frames;
endmodule
"#
        ),
        Family::Ecp5 => format!(
            r#"// ULX3S top level (generated by npim; edit hdl/src/boards.rs, not this file)
module board_top(input clk_25mhz, input ftdi_txd, output ftdi_rxd, output [7:0] led,
                 output wifi_gpio0);
    wire clk, locked;
    pll pll_i(.clkin(clk_25mhz), .clkout0(clk), .locked(locked));
    // reset: held from configuration until 16 cycles after the PLL locks, and raised again at
    // once if it loses lock (asserted asynchronously, released on the clock)
    reg [15:0] reset_sr = 16'hFFFF;
    always @(posedge clk or negedge locked)
        if (!locked) reset_sr <= 16'hFFFF;
        else reset_sr <= {{reset_sr[14:0], 1'b0}};
    wire reset = reset_sr[15];
    wire busy, loaded, idle;
    wire [7:0] bad_frames, framing_errors;
    // keep the ESP32 from resetting the board
    assign wifi_gpio0 = 1'b1;
    serial_core core(.clock(clk), .reset(reset), .divisor(16'd{divisor}), .rx(ftdi_txd), .tx(ftdi_rxd),
        .busy(busy), .loaded(loaded), .idle(idle), .bad_frames(bad_frames),
        .framing_errors(framing_errors));
    assign led = {{framing_errors != 8'd0, bad_frames != 8'd0, 2'b00, locked, idle, loaded, busy}};
endmodule
"#
        ),
    }
}

/// The `pll` module of a build that runs on the oscillator itself (no PLL; `locked` high), with
/// the ports the family's PLL tool writes.
pub fn no_pll_verilog(board: &Board) -> String {
    let (input, output) = match board.family {
        Family::Ice40 => ("clock_in", "clock_out"),
        Family::Ecp5 => ("clkin", "clkout0"),
    };
    format!(
        "// {}: the core runs on the {} MHz oscillator, no PLL (generated by npim)\n\
         module pll(input {input}, output {output}, output locked);\n\
         \x20   assign {output} = {input};\n\
         \x20   assign locked = 1'b1;\n\
         endmodule\n",
        board.name, board.osc_mhz
    )
}

/// A build's serial core Verilog with its top module renamed `serial_core`, for a board of
/// `family`: its memories carry no read-write collision logic ([`crate::ram_collisions`]), and
/// those the family keeps out of block RAM say so ([`crate::memory_style`]); on the ECP5 the
/// multipliers with registered operands and product are its DSPs with their registers in use
/// (`NPIM_ECP5`, [`crate::widgets::reg_mul`]).
pub fn core_verilog(family: Family, build: &crate::builds::Build, hash: [u8; 32]) -> String {
    let v = crate::ram_collisions::without_collision_logic(&(build.serial_core_verilog)(hash));
    let core = crate::memory_style::for_family(family, &v).replacen(
        "module top(",
        "module serial_core(",
        1,
    );
    match family {
        Family::Ecp5 => format!("`define NPIM_ECP5\n{core}"),
        Family::Ice40 => core,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_and_tops() {
        assert_eq!(divisor(24.0, 115_200), Ok(208));
        assert_eq!(divisor(25.0, 115_200), Ok(217));
        assert!(divisor(1.0, 1_000_000).unwrap_err().contains("4..=65535"));
        assert!(divisor(25.0, 3_000_000).unwrap_err().contains("off by"));
        for b in boards() {
            let top = top_verilog(&b, 100);
            assert!(top.contains("module board_top(") && top.contains("16'd100"));
            assert!(top.contains(".reset(reset)") && top.contains("if (!locked) reset_sr <="));
            assert!(!b.constraints.is_empty());
            let pll = no_pll_verilog(&b);
            assert!(pll.contains("module pll(") && pll.contains("assign locked = 1'b1;"));
        }
        let rtl = crate::builds::by_name("rtl").unwrap();
        let ecp5 = core_verilog(Family::Ecp5, rtl, [0; 32]);
        assert!(ecp5.contains("module serial_core(") && ecp5.starts_with("`define NPIM_ECP5"));
        let ice40 = core_verilog(Family::Ice40, rtl, [0; 32]);
        assert!(ice40.contains("MULT18X18D") && !ice40.contains("`define NPIM_ECP5"));
    }

    #[test]
    fn device_bounds_take_the_scarcer_resource() {
        let ulx3s = board("ulx3s").unwrap().device;
        let up5k = board("icebreaker").unwrap().device;
        // G11 with Tc·D = 24: 19 200 multiplies, 3 200 stored entries
        let g11 = |j_bits| StepWork {
            multiplies: 800 * 24,
            spins: 800,
            hidden: 3,
            tc: 8,
            j_entries: 3_200,
            j_bits,
        };
        assert_eq!(ulx3s.bound(&g11(8)), 124); // ⌈19 200 / 156⌉: the multipliers
        assert_eq!(up5k.bound(&g11(2)), 2_400); // 19 200 / 8
        assert_eq!(g11(8).build_bound(1, 1, 1, false), 3_200 + 19_200);
        assert_eq!(g11(8).build_bound(4, 1, 1, false), 800 + 19_200);
        assert_eq!(g11(8).build_bound(4, 8, 1, false), 800 + 100 * 24);
        // ⌈800 / 3⌉ spins in unit 0
        assert_eq!(g11(8).build_bound(4, 3, 1, false), 800 + 267 * 24);
        // the update beside the matvec: the larger of the two
        assert_eq!(g11(8).build_bound(4, 8, 1, true), 100 * 24);
        assert_eq!(g11(8).build_bound(1, 16, 1, true), 3_200);
        // two taps a cycle: D·⌈Tc/2⌉ = 12 cycles a spin
        assert_eq!(g11(8).build_bound(32, 16, 2, true), 50 * 12);
        // four: D·⌈Tc/4⌉ = 6, below the 100 entry words
        assert_eq!(g11(8).build_bound(32, 16, 4, true), 50 * 6);
        // dense SK N = 2048 at 8 bits: the block RAM limits (4 194 304 · 8 / 7 488)
        let sk = StepWork {
            multiplies: 2_048 * 24,
            spins: 2_048,
            hidden: 3,
            tc: 8,
            j_entries: 2_048 * 2_048,
            j_bits: 8,
        };
        assert_eq!(ulx3s.bound(&sk), 4_482);
    }
}
