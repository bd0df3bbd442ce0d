//! The serial protocol of `docs/protocol.md`: framing (COBS, CRC-32, sequence numbers), commands
//! and replies. Shared by the host driver, the board model and the tests that feed byte streams
//! to the RTL command engine.

pub mod frame;
pub mod message;
pub mod reply;

pub use frame::{decode, encode, Deframer, Frame, FrameError, MAX_PAYLOAD};
