//! The serial protocol of `docs/protocol.md`: framing (COBS, CRC-32, sequence numbers), commands
//! and replies, the command kinds, error codes and size limits as named constants. One crate for
//! every end of the link: the board's command engine (`npim-hdl` builds its dispatch from these
//! constants), the host driver and the board emulator (`npim-host`) and the fuzz targets. It
//! needs no hardware description library, so the link and its fuzzing build without one.
#![deny(missing_docs)]

pub mod frame;
pub mod message;
pub mod reply;

pub use frame::{decode, encode, Deframer, Frame, FrameError, MAX_PAYLOAD};
pub use message::{kind, BoardError, Command, ErrorCode};
