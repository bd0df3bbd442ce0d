//! Blocks with no build parameters, compiled once and used by every build: the UART, the
//! byte-wide CRC-32, the single-port RAM (the UP5K's SPRAM, with its behavioural model) and the
//! three protocol blocks of the command engine: the frame receiver (COBS decoder and frame
//! buffer), the response writer (response buffer and its CRC) and the frame encoder (COBS out).

pub mod crc32;
pub mod frame_rx;
pub mod frame_tx;
pub mod response;
pub mod single_port_ram;
pub mod uart;
