//! A board as the protocol sees it, backed by the golden model: image buffer, commit with the
//! core's limit checks, configure, run, results. Frames in, frames out; the last command's seq
//! and response are kept so that a retransmitted command is answered, not executed, twice.

use npim_hdl::protocol::message::{
    response_payload, BoardError, Command, ErrorCode, PROTOCOL_VERSION,
};
use npim_hdl::protocol::{Frame, FrameError};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::{CoreConfig, CoreImage, GoldenCore, GoldenResult};

/// Largest image the board buffers.
pub const IMAGE_BUFFER: usize = 1 << 24;

/// The board model.
pub struct Board {
    core: CoreConfig,
    hash: [u8; 32],
    buffer: Vec<u8>,
    image: Option<CoreImage>,
    config: Option<(u32, u64)>,
    results: Vec<GoldenResult>,
    last: Option<(u8, Frame)>,
}

fn err(code: ErrorCode, message: impl Into<String>) -> BoardError {
    BoardError {
        code,
        message: message.into(),
    }
}

impl Board {
    /// A board with core configuration `core` and bitstream hash `hash`.
    pub fn new(core: CoreConfig, hash: [u8; 32]) -> Self {
        Board {
            core,
            hash,
            buffer: Vec::new(),
            image: None,
            config: None,
            results: Vec::new(),
            last: None,
        }
    }

    /// Answers one decoded frame (or a decoding error) with a response frame, if any.
    pub fn handle(&mut self, frame: Result<Frame, FrameError>) -> Option<Frame> {
        let frame = match frame {
            Ok(f) => f,
            Err(FrameError::Crc { seq, kind }) if kind & 0x80 == 0 => {
                let p = response_payload(&Err(err(ErrorCode::BadFrame, "CRC mismatch")));
                return Some(Frame {
                    seq,
                    kind: kind | 0x80,
                    payload: p,
                });
            }
            Err(_) => return None,
        };
        if let Some((seq, resp)) = &self.last {
            if *seq == frame.seq && resp.kind == frame.kind | 0x80 {
                return Some(resp.clone());
            }
        }
        let result = Command::parse(frame.kind, &frame.payload).and_then(|c| self.execute(c));
        let resp = Frame {
            seq: frame.seq,
            kind: frame.kind | 0x80,
            payload: response_payload(&result),
        };
        self.last = Some((frame.seq, resp.clone()));
        Some(resp)
    }

    fn execute(&mut self, c: Command) -> Result<Vec<u8>, BoardError> {
        let c0 = &self.core;
        match c {
            Command::Identify => {
                let mut p = PROTOCOL_VERSION.to_le_bytes().to_vec();
                p.extend((c0.n_max as u32).to_le_bytes());
                p.extend((c0.nnz_max as u32).to_le_bytes());
                p.extend([
                    c0.j_bits,
                    c0.field_bits,
                    c0.w_bits,
                    c0.act_frac,
                    c0.z_bits,
                    c0.table_bits,
                ]);
                p.extend((c0.knots_max as u32).to_le_bytes());
                p.extend((c0.t_max as u32).to_le_bytes());
                p.extend(self.hash);
                Ok(p)
            }
            Command::Load { offset, bytes } => {
                let end = offset as usize + bytes.len();
                if end > IMAGE_BUFFER {
                    return Err(err(
                        ErrorCode::ImageTooLarge,
                        format!("bytes up to {end}; the buffer holds {IMAGE_BUFFER}"),
                    ));
                }
                if self.buffer.len() < end {
                    self.buffer.resize(end, 0);
                }
                self.buffer[offset as usize..end].copy_from_slice(&bytes);
                Ok(Vec::new())
            }
            Command::Commit { len } => {
                if len as usize > self.buffer.len() {
                    return Err(err(
                        ErrorCode::ImageInvalid,
                        format!("{len} bytes committed, {} loaded", self.buffer.len()),
                    ));
                }
                let image = CoreImage::from_bytes(&self.buffer[..len as usize])
                    .map_err(|e| err(ErrorCode::ImageInvalid, e.to_string()))?;
                let limits = [
                    ("N", image.n, c0.n_max),
                    ("J entries", image.j.nnz(), c0.nnz_max),
                    ("steps", image.steps, c0.t_max),
                    (
                        "field bits",
                        usize::from(image.field_bits),
                        usize::from(c0.field_bits),
                    ),
                    (
                        "weight bits",
                        usize::from(image.w_bits),
                        usize::from(c0.w_bits),
                    ),
                ];
                for (what, have, limit) in limits {
                    if have > limit {
                        return Err(err(
                            ErrorCode::DoesNotFit,
                            format!(
                                "{what} {have} exceeds this core's {limit} (over by {})",
                                have - limit
                            ),
                        ));
                    }
                }
                self.image = Some(image);
                self.buffer.clear();
                self.results.clear();
                Ok(Vec::new())
            }
            Command::Configure { runs, seed } => {
                self.config = Some((runs, seed));
                self.results.clear();
                Ok(Vec::new())
            }
            Command::Run => {
                let image = self
                    .image
                    .as_ref()
                    .ok_or_else(|| err(ErrorCode::NotReady, "no committed image"))?;
                let (runs, seed) = self
                    .config
                    .ok_or_else(|| err(ErrorCode::NotReady, "not configured"))?;
                let core = GoldenCore::new(image);
                self.results = (0..runs as usize)
                    .map(|r| core.run(r, run_seed(seed, r)))
                    .collect();
                Ok(Vec::new())
            }
            Command::Status => {
                let state: u8 = if self.results.is_empty() { 0 } else { 2 };
                let mut p = vec![state];
                p.extend((self.results.len() as u32).to_le_bytes());
                p.extend((self.image.as_ref().map_or(0, |i| i.steps) as u32).to_le_bytes());
                Ok(p)
            }
            Command::ReadResult { run } => {
                let r = self
                    .results
                    .get(run as usize)
                    .ok_or_else(|| err(ErrorCode::NotReady, format!("no result for run {run}")))?;
                let mut p = r.run_seed.to_le_bytes().to_vec();
                p.extend(r.best_e4.to_le_bytes());
                p.extend((r.best_step as u32).to_le_bytes());
                p.extend((r.best_spins.len() as u32).to_le_bytes());
                let mut bits = vec![0u8; r.best_spins.len().div_ceil(8)];
                for (i, &s) in r.best_spins.iter().enumerate() {
                    if s < 0 {
                        bits[i / 8] |= 1 << (i % 8);
                    }
                }
                p.extend(bits);
                Ok(p)
            }
            Command::Step | Command::ReadTrace { .. } => Err(err(
                ErrorCode::UnknownCommand,
                "not implemented by this board model yet",
            )),
            Command::Reset => {
                *self = Board::new(self.core.clone(), self.hash);
                Ok(Vec::new())
            }
        }
    }
}

/// Decodes a READ_RESULT response: run seed, best `E4`, best step, best spins.
pub fn parse_result(p: &[u8]) -> Result<(u32, i64, u32, Vec<i8>), String> {
    if p.len() < 20 {
        return Err(format!("READ_RESULT response of {} bytes", p.len()));
    }
    let seed = u32::from_le_bytes(p[0..4].try_into().unwrap());
    let e4 = i64::from_le_bytes(p[4..12].try_into().unwrap());
    let step = u32::from_le_bytes(p[12..16].try_into().unwrap());
    let n = u32::from_le_bytes(p[16..20].try_into().unwrap()) as usize;
    if p.len() != 20 + n.div_ceil(8) {
        return Err(format!(
            "READ_RESULT response of {} bytes for {n} spins",
            p.len()
        ));
    }
    let spins = (0..n)
        .map(|i| {
            if p[20 + i / 8] >> (i % 8) & 1 == 1 {
                -1
            } else {
                1
            }
        })
        .collect();
    Ok((seed, e4, step, spins))
}
