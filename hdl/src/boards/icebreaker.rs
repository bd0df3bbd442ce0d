//! The iCEBreaker: a Lattice iCE40UP5K-SG48 with a 12 MHz oscillator and an FT2232H USB-UART;
//! pins in `constraints/icebreaker.pcf`.

use super::{Board, Device, Family};

/// The board.
pub fn board() -> Board {
    Board {
        name: "icebreaker",
        description: "iCEBreaker (Lattice iCE40UP5K-SG48, 12 MHz, FT2232H USB-UART)",
        family: Family::Ice40,
        device: Device {
            part: "iCE40UP5K",
            luts: 5_280,
            multipliers: 8,
            ram_read_bits: 30 * 16 + 4 * 16,
        },
        device_args: &["--up5k", "--package", "sg48"],
        osc_mhz: 12.0,
        // the UP5K's PLL from the 12 MHz oscillator (it makes nothing under 16 MHz; 12 × 53 ÷ 32
        // is 19.875): the `icebreaker` build closes timing at 20.85 MHz with that
        // constraint (20.66 at 18)
        default_mhz: 19.875,
        route_mhz: None,
        default_core: "icebreaker",
        constraints_file: "icebreaker.pcf",
        constraints: include_str!("../../../constraints/icebreaker.pcf"),
        load_sram: &["iceprog", "-S"],
        load_flash: &["iceprog"],
    }
}
