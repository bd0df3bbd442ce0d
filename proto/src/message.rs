//! Commands and responses of `docs/protocol.md`, as typed values and as frame payloads.

/// Protocol version this build speaks.
pub const PROTOCOL_VERSION: u16 = 2;
/// Largest LOAD chunk: the payload limit minus the offset field.
pub const MAX_CHUNK: usize = crate::frame::MAX_PAYLOAD - 4;
/// Largest READ_TRACE count: `E4` values (8 bytes each) that fit one response.
pub const MAX_TRACE: usize = (crate::frame::MAX_PAYLOAD - 1) / 8;
/// Largest DRIVE count: drive values (8 bytes each) after the status byte and the step. Kept at
/// 30 since the first external-mode build, whose response buffer held 256 bytes; the buffer is
/// 1 KiB now, and hosts and boards agree on this count through IDENTIFY's protocol version.
pub const MAX_DRIVE: usize = 30;
/// Largest MEASURE count: spin bits after the offset and the count.
pub const MAX_MEASURE: usize = (crate::frame::MAX_PAYLOAD - 6) * 8;
/// Largest SET_LINEAR count: linear terms (i32 each) after the offset and the count.
pub const MAX_LINEAR: usize = (crate::frame::MAX_PAYLOAD - 6) / 4;
/// Largest SET_START count: spin bits after the offset and the count.
pub const MAX_START: usize = MAX_MEASURE;
/// Largest READ_WINDOW count: spin bits after the status byte (256 bytes, so that the RTL
/// engine's kept response, half of its 1 KiB response buffer, holds the reply).
pub const MAX_WINDOW_SPINS: usize = 2048;

/// The frame kinds of the commands; a response's kind is its command's with [`kind::RESPONSE`]
/// set. The board's command engine dispatches on these constants.
pub mod kind {
    /// IDENTIFY.
    pub const IDENTIFY: u8 = 0x01;
    /// LOAD.
    pub const LOAD: u8 = 0x02;
    /// COMMIT.
    pub const COMMIT: u8 = 0x03;
    /// RUN.
    pub const RUN: u8 = 0x05;
    /// STEP.
    pub const STEP: u8 = 0x06;
    /// STATUS.
    pub const STATUS: u8 = 0x07;
    /// READ_RESULT.
    pub const READ_RESULT: u8 = 0x08;
    /// READ_TRACE.
    pub const READ_TRACE: u8 = 0x09;
    /// RESET.
    pub const RESET: u8 = 0x0A;
    /// DRIVE.
    pub const DRIVE: u8 = 0x0B;
    /// MEASURE.
    pub const MEASURE: u8 = 0x0C;
    /// SET_LINEAR.
    pub const SET_LINEAR: u8 = 0x0D;
    /// SET_START.
    pub const SET_START: u8 = 0x0E;
    /// RUN_PHASE.
    pub const RUN_PHASE: u8 = 0x0F;
    /// READ_WINDOW.
    pub const READ_WINDOW: u8 = 0x10;
    /// Set in a response's kind.
    pub const RESPONSE: u8 = 0x80;
    /// Every command kind, with its name in `docs/protocol.md`.
    pub const ALL: [(u8, &str); 15] = [
        (IDENTIFY, "IDENTIFY"),
        (LOAD, "LOAD"),
        (COMMIT, "COMMIT"),
        (RUN, "RUN"),
        (STEP, "STEP"),
        (STATUS, "STATUS"),
        (READ_RESULT, "READ_RESULT"),
        (READ_TRACE, "READ_TRACE"),
        (RESET, "RESET"),
        (DRIVE, "DRIVE"),
        (MEASURE, "MEASURE"),
        (SET_LINEAR, "SET_LINEAR"),
        (SET_START, "SET_START"),
        (RUN_PHASE, "RUN_PHASE"),
        (READ_WINDOW, "READ_WINDOW"),
    ];
}

/// IDENTIFY's capability bits: what a board answers beyond the required commands.
pub mod capability {
    /// STEP (host in the loop).
    pub const STEP: u8 = 1;
    /// READ_TRACE (per-step energies of the last run).
    pub const TRACE: u8 = 2;
    /// DRIVE and MEASURE (external mode: the host closes the analog loop).
    pub const EXTERNAL: u8 = 4;
    /// SET_LINEAR, SET_START, RUN_PHASE and READ_WINDOW (learning on the core: runs with their
    /// own linear terms and start spins, the last steps' spins read back).
    pub const PHASES: u8 = 8;
}

/// A host command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Who are you: version, core limits, capabilities, bitstream hash.
    Identify,
    /// Image bytes at an offset; offsets follow each other (0 starts a new image).
    Load {
        /// Byte offset in the image: 0 or the bytes loaded so far.
        offset: u32,
        /// Up to [`MAX_CHUNK`] bytes.
        bytes: Vec<u8>,
    },
    /// The image is complete.
    Commit {
        /// Its total length.
        len: u32,
    },
    /// Start one run of the committed image.
    Run {
        /// The run's 32-bit seed (the host derives it from its master seed and the run index).
        run_seed: u32,
    },
    /// One step of a stepped run (host in the loop); starts a new stepped run with `run_seed`
    /// when none is in progress.
    Step {
        /// Seed of the stepped run.
        run_seed: u32,
    },
    /// Progress.
    Status,
    /// The last run's result.
    ReadResult,
    /// The last run's per-step energies.
    ReadTrace {
        /// First step.
        first: u32,
        /// Steps (at most [`MAX_TRACE`]).
        count: u16,
    },
    /// Back to the power-on state.
    Reset,
    /// External mode: the update unit's pre-sign outputs `y` of the current step, spins
    /// `first..first + count`; starts an external run with `run_seed` when none is in progress.
    Drive {
        /// Seed of the external run.
        run_seed: u32,
        /// First spin.
        first: u32,
        /// Spins (at most [`MAX_DRIVE`]).
        count: u16,
    },
    /// External mode: measured spins `first..first + count` of the current step (in order);
    /// the last page completes the step.
    Measure {
        /// First spin: the number already sent this step.
        first: u32,
        /// Spins in this page (at most [`MAX_MEASURE`]).
        count: u16,
        /// Their bits, packed as [`crate::reply::pack_spins`] (1 = −1).
        bits: Vec<u8>,
    },
    /// Linear terms `first..first + count` for the runs RUN_PHASE starts (pages in order from
    /// 0; the page that completes all `N` sets them). `first = count = 0` clears them: runs use
    /// the image's.
    SetLinear {
        /// First spin: 0, or the number already sent.
        first: u32,
        /// Terms in this page (at most [`MAX_LINEAR`]).
        values: Vec<i32>,
    },
    /// Start spins `first..first + count` for the runs RUN_PHASE starts (pages in order from 0;
    /// the page that completes all `N` sets them). `first = count = 0` clears them: runs start
    /// with an empty history.
    SetStart {
        /// First spin: 0, or the number already sent.
        first: u32,
        /// Spins in this page (at most [`MAX_START`]).
        count: u16,
        /// Their bits, packed as [`crate::reply::pack_spins`] (1 = −1).
        bits: Vec<u8>,
    },
    /// Start one run of the committed image with the set linear terms and start spins, keeping
    /// the spins of its last `window` steps.
    RunPhase {
        /// The run's 32-bit seed.
        run_seed: u32,
        /// Last steps kept (1 to `T`).
        window: u16,
    },
    /// Spins `first..first + count` of the last phase's window, the window's steps one after
    /// another (oldest first): spin `i` of window step `k` is at `k·N + i`.
    ReadWindow {
        /// First position.
        first: u32,
        /// Spins (at most [`MAX_WINDOW_SPINS`]).
        count: u16,
    },
}

/// A response's status byte for success; any other value is an [`ErrorCode`].
pub const STATUS_OK: u8 = 0;

/// Error codes of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorCode {
    /// A frame could not be decoded.
    BadFrame = 1,
    /// Unknown command kind.
    UnknownCommand = 2,
    /// Payload length wrong for the command.
    BadLength = 3,
    /// Image bytes beyond the board's buffer.
    ImageTooLarge = 4,
    /// The committed image fails its checks.
    ImageInvalid = 5,
    /// The image exceeds this core's limits.
    DoesNotFit = 6,
    /// A run is in progress.
    Busy = 7,
    /// No committed image, or no finished run to read.
    NotReady = 8,
    /// A LOAD offset that neither starts an image nor continues it.
    OutOfOrder = 9,
}

impl ErrorCode {
    /// Every code, in order.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::BadFrame,
        ErrorCode::UnknownCommand,
        ErrorCode::BadLength,
        ErrorCode::ImageTooLarge,
        ErrorCode::ImageInvalid,
        ErrorCode::DoesNotFit,
        ErrorCode::Busy,
        ErrorCode::NotReady,
        ErrorCode::OutOfOrder,
    ];

    /// What the code means, for a message when the board sends no text (the RTL engine never
    /// does).
    pub fn meaning(self) -> &'static str {
        match self {
            ErrorCode::BadFrame => "a frame could not be decoded",
            ErrorCode::UnknownCommand => "unknown command kind",
            ErrorCode::BadLength => "payload length wrong for the command",
            ErrorCode::ImageTooLarge => "image bytes beyond the board's buffer",
            ErrorCode::ImageInvalid => "the committed image fails its checks",
            ErrorCode::DoesNotFit => "the image exceeds this core's limits",
            ErrorCode::Busy => "a run is in progress",
            ErrorCode::NotReady => "no committed image, or no finished run to read",
            ErrorCode::OutOfOrder => "a LOAD offset that neither starts an image nor continues it",
        }
    }

    /// The code for a byte.
    pub fn from_u8(b: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| *c as u8 == b)
    }
}

/// An error reply: code and message (the code's meaning when the board sent no text).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("board error {code:?}: {}", if message.is_empty() { code.meaning() } else { message.as_str() })]
pub struct BoardError {
    /// The code.
    pub code: ErrorCode,
    /// What the board says.
    pub message: String,
}

impl Command {
    /// The frame kind.
    pub fn kind(&self) -> u8 {
        match self {
            Command::Identify => kind::IDENTIFY,
            Command::Load { .. } => kind::LOAD,
            Command::Commit { .. } => kind::COMMIT,
            Command::Run { .. } => kind::RUN,
            Command::Step { .. } => kind::STEP,
            Command::Status => kind::STATUS,
            Command::ReadResult => kind::READ_RESULT,
            Command::ReadTrace { .. } => kind::READ_TRACE,
            Command::Reset => kind::RESET,
            Command::Drive { .. } => kind::DRIVE,
            Command::Measure { .. } => kind::MEASURE,
            Command::SetLinear { .. } => kind::SET_LINEAR,
            Command::SetStart { .. } => kind::SET_START,
            Command::RunPhase { .. } => kind::RUN_PHASE,
            Command::ReadWindow { .. } => kind::READ_WINDOW,
        }
    }

    /// The payload bytes.
    pub fn payload(&self) -> Vec<u8> {
        let mut p = Vec::new();
        match self {
            Command::Load { offset, bytes } => {
                p.extend_from_slice(&offset.to_le_bytes());
                p.extend_from_slice(bytes);
            }
            Command::Commit { len } => p.extend_from_slice(&len.to_le_bytes()),
            Command::Run { run_seed } | Command::Step { run_seed } => {
                p.extend_from_slice(&run_seed.to_le_bytes())
            }
            Command::ReadTrace { first, count } => {
                p.extend_from_slice(&first.to_le_bytes());
                p.extend_from_slice(&count.to_le_bytes());
            }
            Command::Drive {
                run_seed,
                first,
                count,
            } => {
                p.extend_from_slice(&run_seed.to_le_bytes());
                p.extend_from_slice(&first.to_le_bytes());
                p.extend_from_slice(&count.to_le_bytes());
            }
            Command::Measure { first, count, bits } | Command::SetStart { first, count, bits } => {
                p.extend_from_slice(&first.to_le_bytes());
                p.extend_from_slice(&count.to_le_bytes());
                p.extend_from_slice(bits);
            }
            Command::SetLinear { first, values } => {
                p.extend_from_slice(&first.to_le_bytes());
                p.extend_from_slice(&(values.len() as u16).to_le_bytes());
                for v in values {
                    p.extend_from_slice(&v.to_le_bytes());
                }
            }
            Command::RunPhase { run_seed, window } => {
                p.extend_from_slice(&run_seed.to_le_bytes());
                p.extend_from_slice(&window.to_le_bytes());
            }
            Command::ReadWindow { first, count } => {
                p.extend_from_slice(&first.to_le_bytes());
                p.extend_from_slice(&count.to_le_bytes());
            }
            _ => {}
        }
        p
    }

    /// Parses a command frame's kind and payload.
    pub fn parse(kind: u8, p: &[u8]) -> Result<Self, BoardError> {
        let bad = |what: &str| BoardError {
            code: ErrorCode::BadLength,
            message: format!("{what}: payload of {} bytes", p.len()),
        };
        let u32_at = |o: usize| u32::from_le_bytes(p[o..o + 4].try_into().expect("4 bytes"));
        let exact = |n: usize, what: &str| if p.len() == n { Ok(()) } else { Err(bad(what)) };
        Ok(match kind {
            kind::IDENTIFY => exact(0, "IDENTIFY").map(|_| Command::Identify)?,
            kind::LOAD => {
                if p.len() < 4 || p.len() > 4 + MAX_CHUNK {
                    return Err(bad("LOAD"));
                }
                Command::Load {
                    offset: u32_at(0),
                    bytes: p[4..].to_vec(),
                }
            }
            kind::COMMIT => exact(4, "COMMIT").map(|_| Command::Commit { len: u32_at(0) })?,
            kind::RUN => exact(4, "RUN").map(|_| Command::Run {
                run_seed: u32_at(0),
            })?,
            kind::STEP => exact(4, "STEP").map(|_| Command::Step {
                run_seed: u32_at(0),
            })?,
            kind::STATUS => exact(0, "STATUS").map(|_| Command::Status)?,
            kind::READ_RESULT => exact(0, "READ_RESULT").map(|_| Command::ReadResult)?,
            kind::READ_TRACE => exact(6, "READ_TRACE").map(|_| Command::ReadTrace {
                first: u32_at(0),
                count: u16::from_le_bytes([p[4], p[5]]),
            })?,
            kind::RESET => exact(0, "RESET").map(|_| Command::Reset)?,
            kind::DRIVE => exact(10, "DRIVE").map(|_| Command::Drive {
                run_seed: u32_at(0),
                first: u32_at(4),
                count: u16::from_le_bytes([p[8], p[9]]),
            })?,
            kind::MEASURE | kind::SET_START => {
                let what = if kind == kind::MEASURE {
                    "MEASURE"
                } else {
                    "SET_START"
                };
                if p.len() < 6 {
                    return Err(bad(what));
                }
                let count = u16::from_le_bytes([p[4], p[5]]);
                exact(6 + usize::from(count).div_ceil(8), what)?;
                let (first, bits) = (u32_at(0), p[6..].to_vec());
                if kind == kind::MEASURE {
                    Command::Measure { first, count, bits }
                } else {
                    Command::SetStart { first, count, bits }
                }
            }
            kind::SET_LINEAR => {
                if p.len() < 6 {
                    return Err(bad("SET_LINEAR"));
                }
                let count = usize::from(u16::from_le_bytes([p[4], p[5]]));
                if count > MAX_LINEAR {
                    return Err(bad("SET_LINEAR"));
                }
                exact(6 + 4 * count, "SET_LINEAR")?;
                Command::SetLinear {
                    first: u32_at(0),
                    values: p[6..]
                        .chunks_exact(4)
                        .map(|c| i32::from_le_bytes(c.try_into().expect("4 bytes")))
                        .collect(),
                }
            }
            kind::RUN_PHASE => exact(6, "RUN_PHASE").map(|_| Command::RunPhase {
                run_seed: u32_at(0),
                window: u16::from_le_bytes([p[4], p[5]]),
            })?,
            kind::READ_WINDOW => exact(6, "READ_WINDOW").map(|_| Command::ReadWindow {
                first: u32_at(0),
                count: u16::from_le_bytes([p[4], p[5]]),
            })?,
            k => {
                return Err(BoardError {
                    code: ErrorCode::UnknownCommand,
                    message: format!("kind {k:#04x}"),
                })
            }
        })
    }
}

/// A response payload: status byte, then data or a message.
pub fn response_payload(result: &Result<Vec<u8>, BoardError>) -> Vec<u8> {
    match result {
        Ok(data) => {
            let mut p = vec![STATUS_OK];
            p.extend_from_slice(data);
            p
        }
        Err(e) => {
            let mut p = vec![e.code as u8];
            p.extend_from_slice(e.message.as_bytes());
            p.truncate(crate::frame::MAX_PAYLOAD);
            p
        }
    }
}

/// Parses a response payload into its data or the board's error.
pub fn parse_response(p: &[u8]) -> Result<Vec<u8>, BoardError> {
    match p.first() {
        Some(&STATUS_OK) => Ok(p[1..].to_vec()),
        Some(&c) => Err(BoardError {
            code: ErrorCode::from_u8(c).unwrap_or(ErrorCode::UnknownCommand),
            message: String::from_utf8_lossy(&p[1..]).into_owned(),
        }),
        None => Err(BoardError {
            code: ErrorCode::BadLength,
            message: "empty response".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_without_text_says_what_its_code_means() {
        let e = |message: &str| BoardError {
            code: ErrorCode::Busy,
            message: message.into(),
        };
        assert_eq!(e("").to_string(), "board error Busy: a run is in progress");
        assert_eq!(
            e("run 3 going").to_string(),
            "board error Busy: run 3 going"
        );
        for code in ErrorCode::ALL {
            assert!(!code.meaning().is_empty());
        }
    }

    #[test]
    fn commands_round_trip_and_bad_lengths_are_refused() {
        let all = [
            Command::Identify,
            Command::Load {
                offset: 77,
                bytes: vec![0, 1, 2, 255],
            },
            Command::Commit { len: 9999 },
            Command::Run { run_seed: 12 },
            Command::Step {
                run_seed: u32::MAX - 3,
            },
            Command::Status,
            Command::ReadResult,
            Command::ReadTrace {
                first: 20,
                count: 300,
            },
            Command::Reset,
            Command::Drive {
                run_seed: 7,
                first: 127,
                count: 30,
            },
            Command::Measure {
                first: 8,
                count: 11,
                bits: vec![0xA5, 0x03],
            },
            Command::SetLinear {
                first: 253,
                values: vec![-70_000, 0, 5, i32::MAX],
            },
            Command::SetLinear {
                first: 0,
                values: vec![],
            },
            Command::SetStart {
                first: 0,
                count: 9,
                bits: vec![0x0F, 0x01],
            },
            Command::RunPhase {
                run_seed: 99,
                window: 20,
            },
            Command::ReadWindow {
                first: 64,
                count: 42,
            },
        ];
        for c in all {
            let p = c.payload();
            assert_eq!(Command::parse(c.kind(), &p), Ok(c.clone()));
            let mut longer = p.clone();
            longer.extend([1; 20]);
            if !matches!(c, Command::Load { .. }) {
                assert_eq!(
                    Command::parse(c.kind(), &longer).unwrap_err().code,
                    ErrorCode::BadLength
                );
            }
        }
        assert_eq!(
            Command::parse(0x42, &[]).unwrap_err().code,
            ErrorCode::UnknownCommand
        );
        let e = BoardError {
            code: ErrorCode::Busy,
            message: "running".into(),
        };
        assert_eq!(parse_response(&response_payload(&Err(e.clone()))), Err(e));
        assert_eq!(
            parse_response(&response_payload(&Ok(vec![5, 6]))),
            Ok(vec![5, 6])
        );
    }
}
