//! The serial link's software ends (`docs/protocol.md`): the board model the emulator runs
//! (golden model behind it), the host driver, and byte transports between them.

pub mod board;
pub mod driver;
pub mod transport;
