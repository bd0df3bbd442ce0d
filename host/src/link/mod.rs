//! The serial link's software ends (`docs/protocol.md`): the board model the emulator runs
//! (golden model behind it), the host driver, the byte transports between them (in process,
//! serial port, the serial core's Verilator model), and the emulator's pseudo-terminal.

pub mod board;
pub mod driver;
pub mod phases;
pub mod pty;
pub mod rtl_uart;
pub mod serial;
pub mod transport;
