//! The serial core's Verilator model (`npim_hdl`'s `rtl` build: UART, command engine, core) as a
//! byte transport: the driver talks to the generated Verilog at its UART pins exactly as to a
//! board over a serial port (`npim ep train --rtl`; `npim emulate --engine rtl-uart` serves the
//! same model on a pseudo-terminal).

use super::transport::Transport;
use npim_hdl::builds::rtl::serial_sim::{build_harness, SerialSim, SIM_DIVISOR};
use std::io;
use std::path::Path;
use std::time::Duration;

impl Transport for SerialSim {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        SerialSim::send(self, bytes)
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Vec<u8>> {
        SerialSim::recv(self, timeout)
    }
}

/// The serial core of the `rtl` build, its Verilator model built into (or found in) `cache`,
/// started with a zero bitstream hash.
pub fn start(cache: &Path) -> Result<SerialSim, String> {
    let harness = build_harness(cache, [0; 32])?;
    SerialSim::start(&harness, SIM_DIVISOR)
}
