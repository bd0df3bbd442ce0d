//! Blocks with no build parameters, compiled once and used by every build: the UART, the
//! byte-wide CRC-32 and the single-port RAM (the UP5K's SPRAM, with its behavioural model).

pub mod crc32;
pub mod single_port_ram;
pub mod uart;
