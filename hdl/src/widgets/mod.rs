//! Blocks with no build parameters, compiled once and used by the builds (the accumulator bank
//! of the incremental matvec by none yet): the UART, the
//! byte-wide CRC-32, a memory with two read ports (one block RAM for the update unit's weights), a memory of two-field words with half-word writes (the history and weights of a unit taking four taps a cycle), a multiplier with its operands and product registered (in the ECP5's DSP), the field history's RAM (single-port like the UP5K's SPRAM, or dual-port; with its behavioural model) and the
//! three protocol blocks of the command engine: the frame receiver (COBS decoder and frame
//! buffer), the response writer (response buffer and its CRC) and the frame encoder (COBS out).

pub mod acc_bank;
pub mod copy_reg;
pub mod crc32;
pub mod dual_read_ram;
pub mod frame_rx;
pub mod frame_tx;
pub mod history_ram;
pub mod pair_ram;
pub mod reg_mul;
pub mod response;
pub mod uart;
