//! The ULX3S 85F: a Lattice ECP5 LFE5U-85F-6BG381C with a 25 MHz oscillator and an FT231X
//! USB-UART; pins in `constraints/ulx3s.lpf`.

use super::{Board, Device, Family};

/// The board.
pub fn board() -> Board {
    Board {
        name: "ulx3s",
        description: "ULX3S 85F (Lattice ECP5 LFE5U-85F-6BG381C, 25 MHz, FT231X USB-UART)",
        family: Family::Ecp5,
        device: Device {
            part: "LFE5U-85F",
            luts: 83_640,
            multipliers: 156,
            ram_read_bits: 208 * 36,
        },
        device_args: &["--85k", "--package", "CABGA381"],
        osc_mhz: 25.0,
        default_mhz: 65.0,
        route_mhz: Some(75.0),
        default_core: "rtl",
        constraints_file: "ulx3s.lpf",
        constraints: include_str!("../../../constraints/ulx3s.lpf"),
        load_sram: &["openFPGALoader", "-b", "ulx3s"],
        load_flash: &["openFPGALoader", "-b", "ulx3s", "-f"],
    }
}
