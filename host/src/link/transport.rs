//! Byte transports the driver talks through: anything that sends bytes and returns the bytes
//! that arrived within a timeout. `LoopbackBoard` connects the driver to an in-process board
//! model, optionally through a faulty wire (bytes dropped, duplicated or corrupted at set rates,
//! in both directions, from a seeded generator).

use super::board::Board;
use npim_proto::{encode, Deframer};
use npim_sim::rng::{stream, Rng};
use rand::Rng as _;
use std::collections::VecDeque;
use std::io;
use std::time::Duration;

/// A byte link.
pub trait Transport {
    /// Sends bytes.
    fn send(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Bytes that arrive within `timeout` (empty if none did).
    fn recv(&mut self, timeout: Duration) -> io::Result<Vec<u8>>;
}

/// Fault rates per byte.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Faults {
    /// Probability a byte is lost.
    pub drop: f64,
    /// Probability a byte arrives twice.
    pub duplicate: f64,
    /// Probability a byte arrives with a random bit pattern XORed in.
    pub corrupt: f64,
}

impl Faults {
    /// Passes `bytes` through the faulty wire into `out`.
    pub fn apply(&self, bytes: &[u8], rng: &mut Rng, out: &mut VecDeque<u8>) {
        for &b in bytes {
            if rng.gen::<f64>() < self.drop {
                continue;
            }
            let b = if rng.gen::<f64>() < self.corrupt {
                b ^ rng.gen_range(1..=255u8)
            } else {
                b
            };
            out.push_back(b);
            if rng.gen::<f64>() < self.duplicate {
                out.push_back(b);
            }
        }
    }
}

/// The driver's end of an in-process link to a [`Board`].
pub struct LoopbackBoard {
    /// The board at the other end.
    pub board: Board,
    /// The wire's faults (a test may change them mid-run).
    pub faults: Faults,
    rng: Rng,
    deframer: Deframer,
    to_host: VecDeque<u8>,
}

impl LoopbackBoard {
    /// A link to `board` through a wire with `faults`, seeded by `seed`.
    pub fn new(board: Board, faults: Faults, seed: u64) -> Self {
        LoopbackBoard {
            board,
            faults,
            rng: stream(seed, 77),
            deframer: Deframer::new(),
            to_host: VecDeque::new(),
        }
    }
}

impl Transport for LoopbackBoard {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut wire = VecDeque::new();
        self.faults.apply(bytes, &mut self.rng, &mut wire);
        let arrived: Vec<u8> = wire.into_iter().collect();
        for frame in self.deframer.push(&arrived) {
            if let Some(resp) = self.board.handle(frame) {
                let bytes = encode(&resp);
                let mut out = VecDeque::new();
                self.faults.apply(&bytes, &mut self.rng, &mut out);
                self.to_host.extend(out);
            }
        }
        Ok(())
    }

    fn recv(&mut self, _timeout: Duration) -> io::Result<Vec<u8>> {
        // in process, whatever the board answered has arrived; nothing more will come
        Ok(self.to_host.drain(..).collect())
    }
}
