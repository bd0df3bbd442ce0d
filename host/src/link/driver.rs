//! The host driver: commands over any [`Transport`], stop and wait, a bounded number of
//! retransmissions per command, a timeout on every wait, and errors that say what failed.

use super::board::parse_result;
use super::transport::Transport;
use npim_hdl::protocol::message::{parse_response, BoardError, Command, ErrorCode, MAX_CHUNK};
use npim_hdl::protocol::{encode, Deframer, Frame};
use std::time::{Duration, Instant};

/// What went wrong on the link.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// No valid response after every retry.
    #[error("no valid reply to {command} (seq {seq}) after {tries} tries")]
    NoReply {
        /// The command's name.
        command: String,
        /// Its sequence number.
        seq: u8,
        /// Transmissions made.
        tries: usize,
    },
    /// The board answered with an error.
    #[error("{command}: {source}")]
    Board {
        /// The command's name.
        command: String,
        /// The board's error.
        source: BoardError,
    },
    /// The board's answer did not parse.
    #[error("{0}")]
    Malformed(String),
    /// The transport failed.
    #[error("link: {0}")]
    Io(#[from] std::io::Error),
}

/// One run's result as the board reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct BoardResult {
    /// Run seed.
    pub run_seed: u32,
    /// Best `E4`.
    pub best_e4: i64,
    /// First step reaching it.
    pub best_step: u32,
    /// Best spins.
    pub best_spins: Vec<i8>,
}

/// The driver.
pub struct Driver<T: Transport> {
    link: T,
    seq: u8,
    deframer: Deframer,
    /// Wait per attempt.
    pub timeout: Duration,
    /// Retransmissions per command.
    pub retries: usize,
    /// Retransmissions so far (for reports and tests).
    pub retransmissions: usize,
}

impl<T: Transport> Driver<T> {
    /// A driver over `link`.
    pub fn new(link: T) -> Self {
        Driver {
            link,
            seq: 0,
            deframer: Deframer::new(),
            timeout: Duration::from_millis(500),
            retries: 5,
            retransmissions: 0,
        }
    }

    /// Sends a command and returns its response data.
    pub fn call(&mut self, cmd: &Command) -> Result<Vec<u8>, LinkError> {
        self.seq = self.seq.wrapping_add(1);
        let frame = Frame {
            seq: self.seq,
            kind: cmd.kind(),
            payload: cmd.payload(),
        };
        let bytes = encode(&frame);
        let name = format!("{:?}", cmd)
            .split([' ', '{'])
            .next()
            .unwrap_or("command")
            .to_string();
        for attempt in 0..=self.retries {
            if attempt > 0 {
                self.retransmissions += 1;
            }
            self.link.send(&bytes)?;
            let deadline = Instant::now() + self.timeout;
            loop {
                let got = self
                    .link
                    .recv(deadline.saturating_duration_since(Instant::now()))?;
                let mut answer = None;
                for f in self.deframer.push(&got).into_iter().flatten() {
                    if f.seq == self.seq && f.kind == cmd.kind() | 0x80 {
                        answer = Some(parse_response(&f.payload));
                    }
                }
                match answer {
                    Some(Ok(data)) => return Ok(data),
                    Some(Err(e)) if e.code == ErrorCode::BadFrame => break,
                    Some(Err(e)) => {
                        return Err(LinkError::Board {
                            command: name,
                            source: e,
                        })
                    }
                    None if got.is_empty() || Instant::now() >= deadline => break,
                    None => {}
                }
            }
        }
        Err(LinkError::NoReply {
            command: name,
            seq: self.seq,
            tries: self.retries + 1,
        })
    }

    /// Uploads a core image in chunks and commits it.
    pub fn upload(&mut self, image: &[u8]) -> Result<(), LinkError> {
        for (k, chunk) in image.chunks(MAX_CHUNK).enumerate() {
            self.call(&Command::Load {
                offset: (k * MAX_CHUNK) as u32,
                bytes: chunk.to_vec(),
            })?;
        }
        self.call(&Command::Commit {
            len: image.len() as u32,
        })?;
        Ok(())
    }

    /// Configures, runs and reads every run's result.
    pub fn run(&mut self, runs: u32, seed: u64) -> Result<Vec<BoardResult>, LinkError> {
        self.call(&Command::Configure { runs, seed })?;
        self.call(&Command::Run)?;
        (0..runs)
            .map(|r| {
                let p = self.call(&Command::ReadResult { run: r })?;
                let (run_seed, best_e4, best_step, best_spins) =
                    parse_result(&p).map_err(LinkError::Malformed)?;
                Ok(BoardResult {
                    run_seed,
                    best_e4,
                    best_step,
                    best_spins,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::board::Board;
    use crate::link::transport::{Faults, LoopbackBoard};
    use npim_sim::fixed::noise::run_seed;
    use npim_sim::fixed::{quantize, CoreConfig, GoldenCore};
    use npim_sim::formats::read_instance;
    use npim_sim::npim::params::field_scale;
    use npim_sim::npim::NpimParams;
    use npim_sim::Storage;
    use std::path::PathBuf;

    fn g11_image() -> (Vec<u8>, GoldenCore) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/gset/G11.txt");
        let ising = read_instance(&root, Storage::Auto).unwrap();
        let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
        let (image, _) = quantize(
            &ising,
            &params,
            &CoreConfig::preset("icebreaker").unwrap(),
            200,
            0,
        )
        .unwrap();
        (image.to_bytes(), GoldenCore::new(&image))
    }

    fn board() -> Board {
        Board::new(CoreConfig::preset("icebreaker").unwrap(), [7; 32])
    }

    #[test]
    fn a_clean_link_gives_the_golden_results() {
        let (bytes, core) = g11_image();
        let mut d = Driver::new(LoopbackBoard::new(board(), Faults::default(), 1));
        let id = d.call(&Command::Identify).unwrap();
        assert_eq!(u16::from_le_bytes([id[0], id[1]]), 1);
        assert_eq!(u32::from_le_bytes(id[2..6].try_into().unwrap()), 800);
        d.upload(&bytes).unwrap();
        let results = d.run(4, 9).unwrap();
        for (r, got) in results.iter().enumerate() {
            let want = core.run(r, run_seed(9, r));
            assert_eq!(
                (
                    got.run_seed,
                    got.best_e4,
                    got.best_step as usize,
                    &got.best_spins
                ),
                (
                    want.run_seed,
                    want.best_e4,
                    want.best_step,
                    &want.best_spins
                )
            );
        }
        assert_eq!(d.retransmissions, 0);
    }

    #[test]
    fn a_faulty_link_completes_with_identical_results_or_fails_clearly() {
        let (bytes, core) = g11_image();
        let faults = Faults {
            drop: 0.0005,
            duplicate: 0.0005,
            corrupt: 0.0005,
        };
        let mut d = Driver::new(LoopbackBoard::new(board(), faults, 2));
        d.retries = 20;
        d.upload(&bytes).unwrap();
        let results = d.run(3, 5).unwrap();
        for (r, got) in results.iter().enumerate() {
            let want = core.run(r, run_seed(5, r));
            assert_eq!(
                (got.best_e4, &got.best_spins),
                (want.best_e4, &want.best_spins)
            );
        }
        assert!(d.retransmissions > 0, "the faults were exercised");
        // a link that loses most bytes stops with a clear error after bounded retries
        let mut d = Driver::new(LoopbackBoard::new(
            board(),
            Faults {
                drop: 0.5,
                ..Faults::default()
            },
            3,
        ));
        d.retries = 3;
        let e = d.upload(&bytes).unwrap_err().to_string();
        assert!(
            e.contains("no valid reply to Load") && e.contains("after 4 tries"),
            "{e}"
        );
    }

    #[test]
    fn board_errors_reach_the_user() {
        let mut d = Driver::new(LoopbackBoard::new(board(), Faults::default(), 4));
        let e = d.call(&Command::Run).unwrap_err().to_string();
        assert!(
            e.contains("NotReady") && e.contains("no committed image"),
            "{e}"
        );
        let (mut bytes, _) = g11_image();
        let k = bytes.len() / 2;
        bytes[k] ^= 1;
        let e = d.upload(&bytes).unwrap_err().to_string();
        assert!(e.contains("ImageInvalid") && e.contains("CRC"), "{e}");
        // an image for a bigger core does not fit this board
        let small = Board::new(
            CoreConfig {
                n_max: 500,
                ..CoreConfig::preset("icebreaker").unwrap()
            },
            [0; 32],
        );
        let mut d = Driver::new(LoopbackBoard::new(small, Faults::default(), 5));
        let (bytes, _) = g11_image();
        let e = d.upload(&bytes).unwrap_err().to_string();
        assert!(
            e.contains("DoesNotFit") && e.contains("N 800 exceeds this core's 500 (over by 300)"),
            "{e}"
        );
    }
}
