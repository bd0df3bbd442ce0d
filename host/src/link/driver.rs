//! The host driver: commands over any [`Transport`], stop and wait, a bounded number of
//! retransmissions per command, a timeout on every wait, and errors that say what failed.

use super::transport::Transport;
use npim_proto::message::{
    capability, parse_response, BoardError, Command, ErrorCode, MAX_CHUNK, MAX_DRIVE, MAX_MEASURE,
    MAX_TRACE,
};
use npim_proto::reply::{
    pack_spins, parse_trace, BoardState, DriveReply, Identity, MeasureReply, RunResult, Status,
    StepReply,
};
use npim_proto::{encode, Deframer, Frame};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::CoreImage;
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
    // (the board's error is part of this message, not a `source`: a chain printer would
    // print it twice)
    #[error("{command}: {reply}")]
    Board {
        /// The command's name.
        command: String,
        /// The board's error.
        reply: BoardError,
    },
    /// The board's answer did not parse.
    #[error("{0}")]
    Malformed(String),
    /// The image cannot run on this board's core (checked before uploading).
    #[error("the image does not fit this board's core: {0}")]
    DoesNotFit(String),
    /// The board lacks a command this use needs.
    #[error("this board does not support {0}")]
    Unsupported(&'static str),
    /// A run stopped advancing.
    #[error(
        "the board reported no progress for {seconds:.0} s (run seed {run_seed}, step {step})"
    )]
    Stalled {
        /// The run's seed.
        run_seed: u32,
        /// The step it stayed at.
        step: u32,
        /// How long it stayed.
        seconds: f64,
    },
    /// The transport failed.
    #[error("link: {0}")]
    Io(#[from] std::io::Error),
    /// The board has no image any more: it was reset or power-cycled since the upload (it
    /// answered RUN with NotReady, or reported no image during a run).
    #[error("the board lost its image ({0}): was it reset or power-cycled?")]
    Reset(String),
}

/// The smallest LOAD chunk an upload shrinks to on a noisy wire.
pub const MIN_CHUNK: usize = 32;

/// The shortest wait for a LOAD reply once the link's speed is measured: a few scheduler ticks.
/// (A USB-UART bridge's latency timer, 16 ms on FTDI parts, is part of the measured round trip,
/// so the wait scales past it; a wait that proves too short costs a retransmission, which the
/// board answers from its kept response.)
pub const LOAD_TIMEOUT_FLOOR: Duration = Duration::from_millis(5);

/// A LOAD's wait is this many times the measured round trip for its size (TCP uses 4 deviations
/// over the mean; a fixed multiple of a per-byte time is enough for a link whose delay is its
/// bytes).
pub const LOAD_TIMEOUT_FACTOR: f64 = 4.0;

/// The driver.
pub struct Driver<T: Transport> {
    link: T,
    seq: u8,
    deframer: Deframer,
    /// Wait per attempt.
    pub timeout: Duration,
    /// Retransmissions per command.
    pub retries: usize,
    /// Beyond `retries`, keep retransmitting a command until it has been tried this long (zero:
    /// the count alone bounds it). A noisy wire then slows a batch down instead of ending it; a
    /// dead one still fails, after this long.
    pub patience: Duration,
    /// The LOAD chunk the next upload starts with; it halves after a chunk that needed a
    /// retransmission (down to [`MIN_CHUNK`]) and doubles after one that did not (up to
    /// `MAX_CHUNK`), so that on a noisy wire a frame and its reply get through.
    pub chunk: usize,
    /// Retransmissions so far (for reports and tests).
    pub retransmissions: usize,
    /// Longest a run may go without advancing a step before the driver gives up.
    pub stall: Duration,
    /// Seconds a LOAD exchange takes per byte on the wire (request and reply), smoothed over
    /// the exchanges answered at the first try (retransmitted ones say nothing about the
    /// link's speed). A lost LOAD frame then costs a few round trips, not [`Driver::timeout`].
    pub load_seconds_per_byte: Option<f64>,
    /// How long the last command's answer took, when it came at the first try.
    clean_round_trip: Option<Duration>,
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
            patience: Duration::ZERO,
            chunk: MAX_CHUNK,
            retransmissions: 0,
            stall: Duration::from_secs(30),
            load_seconds_per_byte: None,
            clean_round_trip: None,
        }
    }

    /// Sends a command and returns its response data.
    pub fn call(&mut self, cmd: &Command) -> Result<Vec<u8>, LinkError> {
        self.call_bounded(cmd, self.retries, self.patience, self.timeout)
    }

    /// [`Driver::call`] with its own bounds on retransmissions.
    fn call_bounded(
        &mut self,
        cmd: &Command,
        retries: usize,
        patience: Duration,
        timeout: Duration,
    ) -> Result<Vec<u8>, LinkError> {
        self.clean_round_trip = None;
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
        let started = Instant::now();
        let mut attempt = 0;
        while attempt <= retries || started.elapsed() < patience {
            if attempt > 0 {
                self.retransmissions += 1;
            }
            attempt += 1;
            let sent_at = Instant::now();
            self.link.send(&bytes)?;
            let deadline = Instant::now() + timeout;
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
                    Some(Ok(data)) => {
                        if attempt == 1 {
                            self.clean_round_trip = Some(sent_at.elapsed());
                        }
                        return Ok(data);
                    }
                    Some(Err(e)) if e.code == ErrorCode::BadFrame => break,
                    Some(Err(e)) => {
                        return Err(LinkError::Board {
                            command: name,
                            reply: e,
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
            tries: attempt,
        })
    }

    /// The board's protocol version, core and bitstream hash.
    pub fn identify(&mut self) -> Result<Identity, LinkError> {
        let p = self.call(&Command::Identify)?;
        Identity::parse(&p).map_err(LinkError::Malformed)
    }

    /// Checks `image` against the board's core, then streams it in chunks and commits it.
    pub fn upload(&mut self, identity: &Identity, image: &[u8]) -> Result<(), LinkError> {
        let decoded = CoreImage::from_bytes(image)
            .map_err(|e| LinkError::DoesNotFit(format!("the image is invalid: {e}")))?;
        identity
            .core
            .fits(&decoded)
            .map_err(|e| LinkError::DoesNotFit(e.to_string()))?;
        self.upload_unchecked(image, &mut |_| {})
    }

    /// Streams `image` and commits it; the board alone checks it. `sent` hears the bytes sent.
    pub fn upload_unchecked(
        &mut self,
        image: &[u8],
        sent: &mut dyn FnMut(usize),
    ) -> Result<(), LinkError> {
        let mut offset = 0;
        let mut size = self.chunk.clamp(MIN_CHUNK, MAX_CHUNK);
        // the end of a chunk sent without a reply: it may or may not have landed
        let mut maybe_landed: Option<usize> = None;
        while offset < image.len() {
            let end = (offset + size).min(image.len());
            let before = self.retransmissions;
            let load = Command::Load {
                offset: offset as u32,
                bytes: image[offset..end].to_vec(),
            };
            // on the wire: the frame (payload, seq, kind, CRC, COBS overhead, delimiter) and a
            // status-only reply
            let wire_bytes = (end - offset) + 4 + 6 + (end - offset) / 254 + 2 + 10;
            let timeout = self.load_timeout(wire_bytes);
            // a chunk larger than the smallest gets a few tries, then a smaller one goes out
            let result = if size > MIN_CHUNK {
                self.call_bounded(&load, 2, Duration::ZERO, timeout)
            } else {
                self.call_bounded(&load, self.retries, self.patience, timeout)
            };
            if let (Ok(_), Some(rtt)) = (&result, self.clean_round_trip) {
                let sample = rtt.as_secs_f64() / wire_bytes as f64;
                self.load_seconds_per_byte = Some(match self.load_seconds_per_byte {
                    None => sample,
                    Some(old) => 0.75 * old + 0.25 * sample,
                });
            }
            match result {
                Ok(_) => {
                    offset = end;
                    maybe_landed = None;
                    sent(offset);
                    // each LOAD is a new command (its retransmissions repeat its own bytes),
                    // so the board's image stays in order whatever size the next one has
                    size = if self.retransmissions > before {
                        (size / 2).max(MIN_CHUNK)
                    } else {
                        (size * 2).min(MAX_CHUNK)
                    };
                }
                Err(LinkError::NoReply { .. }) if size > MIN_CHUNK => {
                    size = (size / 4).max(MIN_CHUNK);
                    if offset > 0 {
                        if maybe_landed.is_some() {
                            // two chunks of unknown fate: start the image over (a LOAD at
                            // offset 0 always restarts it)
                            offset = 0;
                            maybe_landed = None;
                        } else {
                            maybe_landed = Some(end);
                        }
                    }
                }
                // the chunk sent without a reply had landed: go on after it
                Err(LinkError::Board { reply, .. })
                    if reply.code == ErrorCode::OutOfOrder && maybe_landed.is_some() =>
                {
                    offset = maybe_landed.take().expect("checked");
                    sent(offset);
                }
                Err(e) => return Err(e),
            }
        }
        self.chunk = size;
        self.call(&Command::Commit {
            len: image.len() as u32,
        })?;
        Ok(())
    }

    /// How long to wait for a LOAD reply of `wire_bytes` bytes on the wire: [`Driver::timeout`]
    /// until the link's speed is measured, then [`LOAD_TIMEOUT_FACTOR`] round trips of that
    /// size, at least [`LOAD_TIMEOUT_FLOOR`] and at most [`Driver::timeout`].
    pub fn load_timeout(&self, wire_bytes: usize) -> Duration {
        match self.load_seconds_per_byte {
            None => self.timeout,
            Some(per_byte) => {
                let t = Duration::from_secs_f64(LOAD_TIMEOUT_FACTOR * per_byte * wire_bytes as f64);
                t.max(LOAD_TIMEOUT_FLOOR).min(self.timeout)
            }
        }
    }

    /// The board's progress.
    pub fn status(&mut self) -> Result<Status, LinkError> {
        let p = self.call(&Command::Status)?;
        Status::parse(&p).map_err(LinkError::Malformed)
    }

    /// One run of the committed image with `seed`: starts it, polls its progress (reported to
    /// `progress` as steps done) until it ends, and reads its result.
    pub fn run_once(
        &mut self,
        seed: u32,
        progress: &mut dyn FnMut(u32),
    ) -> Result<RunResult, LinkError> {
        match self.call(&Command::Run { run_seed: seed }) {
            Err(LinkError::Board { reply, .. }) if reply.code == ErrorCode::NotReady => {
                return Err(LinkError::Reset("RUN answered NotReady".into()))
            }
            other => other?,
        };
        let mut poll = Duration::from_millis(1);
        let (mut last_step, mut since) = (u32::MAX, Instant::now());
        loop {
            let s = self.status()?;
            progress(s.step);
            match s.state {
                BoardState::Done => break,
                BoardState::Running => {}
                BoardState::Idle if s.steps == 0 => {
                    return Err(LinkError::Reset(
                        "STATUS shows no image during the run".into(),
                    ))
                }
                other => {
                    return Err(LinkError::Malformed(format!(
                        "the board reports {other:?} during a run"
                    )))
                }
            }
            if s.step != last_step {
                (last_step, since) = (s.step, Instant::now());
            } else if since.elapsed() > self.stall {
                return Err(LinkError::Stalled {
                    run_seed: seed,
                    step: s.step,
                    seconds: since.elapsed().as_secs_f64(),
                });
            }
            std::thread::sleep(poll);
            poll = (poll * 2).min(Duration::from_millis(50));
        }
        let p = self.call(&Command::ReadResult)?;
        let r = RunResult::parse(&p).map_err(LinkError::Malformed)?;
        if r.run_seed != seed {
            return Err(LinkError::Malformed(format!(
                "READ_RESULT for run seed {}, expected {seed}",
                r.run_seed
            )));
        }
        Ok(r)
    }

    /// `runs` runs, run `r` seeded with `run_seed(seed, r)` as `npim solve --algo golden` seeds
    /// them; `progress` hears (run, steps done in it).
    pub fn run(
        &mut self,
        runs: u32,
        seed: u64,
        progress: &mut dyn FnMut(u32, u32),
    ) -> Result<Vec<RunResult>, LinkError> {
        (0..runs)
            .map(|r| self.run_once(run_seed(seed, r as usize), &mut |s| progress(r, s)))
            .collect()
    }

    /// One step of the stepped run with `seed` (a new one starts when none is in progress).
    pub fn step(&mut self, identity: &Identity, seed: u32) -> Result<StepReply, LinkError> {
        if identity.capabilities & capability::STEP == 0 {
            return Err(LinkError::Unsupported("STEP"));
        }
        let p = self.call(&Command::Step { run_seed: seed })?;
        StepReply::parse(&p).map_err(LinkError::Malformed)
    }

    /// One run taken step by step with STEP (host in the loop: every step's spins come back),
    /// `steps` steps; the board's READ_RESULT then holds the same best as a RUN would.
    pub fn run_stepped(
        &mut self,
        identity: &Identity,
        seed: u32,
        steps: u32,
        progress: &mut dyn FnMut(u32),
    ) -> Result<RunResult, LinkError> {
        let mut best = RunResult {
            run_seed: seed,
            best_e4: i64::MAX,
            best_step: 0,
            best_spins: Vec::new(),
        };
        for t in 0..steps {
            let s = self.step(identity, seed)?;
            if s.step != t {
                return Err(LinkError::Malformed(format!(
                    "STEP answered step {}, expected {t}",
                    s.step
                )));
            }
            if s.e4 < best.best_e4 {
                (best.best_e4, best.best_step, best.best_spins) = (s.e4, t, s.spins);
            }
            progress(t + 1);
        }
        Ok(best)
    }

    /// External mode: the pre-sign outputs `y` of the current step of the external run with
    /// `seed` (a new one starts when none is in progress), all `n` of them, read in pages; and
    /// the step they belong to.
    pub fn drive(
        &mut self,
        identity: &Identity,
        seed: u32,
        n: usize,
    ) -> Result<(u32, Vec<i64>), LinkError> {
        if identity.capabilities & capability::EXTERNAL == 0 {
            return Err(LinkError::Unsupported("external mode (DRIVE and MEASURE)"));
        }
        let mut values = Vec::with_capacity(n);
        let mut step = None;
        while values.len() < n {
            let count = (n - values.len()).min(MAX_DRIVE) as u16;
            let p = self.call(&Command::Drive {
                run_seed: seed,
                first: values.len() as u32,
                count,
            })?;
            let r = DriveReply::parse(&p).map_err(LinkError::Malformed)?;
            if r.values.len() != usize::from(count) || step.is_some_and(|s| s != r.step) {
                return Err(LinkError::Malformed(format!(
                    "DRIVE gave {} values of step {}, asked for {count} of step {step:?}",
                    r.values.len(),
                    r.step
                )));
            }
            step = Some(r.step);
            values.extend(r.values);
        }
        Ok((step.unwrap_or(0), values))
    }

    /// External mode: the measured spins of the current step, sent in pages; the last page
    /// completes the step and the board answers its `E4`.
    pub fn measure(&mut self, spins: &[i8]) -> Result<MeasureReply, LinkError> {
        let mut sent = 0;
        loop {
            let count = (spins.len() - sent).min(MAX_MEASURE);
            let page = &spins[sent..sent + count];
            let p = self.call(&Command::Measure {
                first: sent as u32,
                count: count as u16,
                bits: pack_spins(page),
            })?;
            let r = MeasureReply::parse(&p).map_err(LinkError::Malformed)?;
            sent += count;
            if r.received as usize != sent {
                return Err(LinkError::Malformed(format!(
                    "MEASURE: the board holds {} spins, {sent} were sent",
                    r.received
                )));
            }
            if sent == spins.len() {
                return Ok(r);
            }
        }
    }

    /// The last run's `E4` per step, `steps` of them, read in pieces.
    pub fn trace(&mut self, identity: &Identity, steps: u32) -> Result<Vec<i64>, LinkError> {
        if identity.capabilities & capability::TRACE == 0 {
            return Err(LinkError::Unsupported("READ_TRACE"));
        }
        let mut out = Vec::with_capacity(steps as usize);
        while (out.len() as u32) < steps {
            let count = (steps - out.len() as u32).min(MAX_TRACE as u32) as u16;
            let p = self.call(&Command::ReadTrace {
                first: out.len() as u32,
                count,
            })?;
            let got = parse_trace(&p).map_err(LinkError::Malformed)?;
            if got.len() != usize::from(count) {
                return Err(LinkError::Malformed(format!(
                    "READ_TRACE gave {} steps, asked for {count}",
                    got.len()
                )));
            }
            out.extend(got);
        }
        Ok(out)
    }
}

/// A board's core in external mode, as the analog loop sees it
/// ([`npim_sim::oscillator::ExternalCore`]): DRIVE for each step's outputs, MEASURE for its spins.
pub struct LinkCore<'a, T: Transport> {
    /// The driver.
    pub driver: &'a mut Driver<T>,
    /// The board.
    pub identity: &'a Identity,
    /// The run's seed.
    pub seed: u32,
    /// Spins.
    pub n: usize,
    /// Steps taken.
    pub step: u32,
}

impl<T: Transport> npim_sim::oscillator::ExternalCore for LinkCore<'_, T> {
    fn pre_sign(&mut self) -> Result<Vec<i128>, String> {
        let (step, y) = self
            .driver
            .drive(self.identity, self.seed, self.n)
            .map_err(|e| e.to_string())?;
        if step != self.step {
            return Err(format!(
                "DRIVE answered step {step}, the loop is at step {}",
                self.step
            ));
        }
        Ok(y.into_iter().map(i128::from).collect())
    }

    fn apply(&mut self, spins: &[i8]) -> Result<i64, String> {
        let r = self.driver.measure(spins).map_err(|e| e.to_string())?;
        if r.step != self.step {
            return Err(format!(
                "MEASURE answered step {}, the loop is at step {}",
                r.step, self.step
            ));
        }
        self.step += 1;
        Ok(r.e4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::board::Board;
    use crate::link::transport::{Faults, LoopbackBoard};
    use npim_sim::fixed::{quantize, CoreConfig, GoldenCore, GoldenState};
    use npim_sim::formats::read_instance;
    use npim_sim::npim::params::field_scale;
    use npim_sim::npim::NpimParams;
    use npim_sim::Storage;
    use std::path::PathBuf;

    fn g11_image(steps: usize) -> (Vec<u8>, GoldenCore) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/gset/G11.txt");
        let ising = read_instance(&root, Storage::Auto).unwrap();
        let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
        let (image, _) = quantize(
            &ising,
            &params,
            &CoreConfig::preset("icebreaker").unwrap(),
            steps,
            0,
        )
        .unwrap();
        (image.to_bytes(), GoldenCore::new(&image))
    }

    fn board() -> Board {
        Board::new(CoreConfig::preset("icebreaker").unwrap(), [7; 32])
    }

    fn link(faults: Faults, seed: u64) -> Driver<LoopbackBoard> {
        Driver::new(LoopbackBoard::new(board(), faults, seed))
    }

    #[test]
    fn a_reset_board_is_recognised_and_runs_again_after_a_new_upload() {
        let (bytes, core) = g11_image(50);
        let mut d = link(Faults::default(), 1);
        let id = d.identify().unwrap();
        d.upload(&id, &bytes).unwrap();
        let before = d.run_once(run_seed(3, 0), &mut |_| {}).unwrap();
        // a power cycle: the board forgets its image
        d.link.board = board();
        match d.run_once(run_seed(3, 0), &mut |_| {}) {
            Err(LinkError::Reset(why)) => assert!(why.contains("NotReady"), "{why}"),
            other => panic!("expected a reset, got {other:?}"),
        }
        d.upload(&id, &bytes).unwrap();
        let after = d.run_once(run_seed(3, 0), &mut |_| {}).unwrap();
        assert_eq!(after, before);
        assert_eq!(after.best_e4, core.run(0, run_seed(3, 0)).best_e4);
    }

    #[test]
    fn a_board_error_is_printed_once_in_a_chain() {
        let e = anyhow::Error::from(LinkError::Board {
            command: "Load".into(),
            reply: BoardError {
                code: ErrorCode::Busy,
                message: String::new(),
            },
        })
        .context("uploading the image");
        assert_eq!(
            format!("{e:#}"),
            "uploading the image: Load: board error Busy: a run is in progress"
        );
    }

    #[test]
    fn external_steps_page_drives_and_spins_and_refuse_misuse() {
        // G11: 800 spins, so DRIVE takes 7 pages and the golden state is the reference.
        let (bytes, core) = g11_image(6);
        let mut d = link(Faults::default(), 3);
        let id = d.identify().unwrap();
        assert_ne!(id.capabilities & capability::EXTERNAL, 0);
        d.upload(&id, &bytes).unwrap();
        // MEASURE with no external run, then before its step's DRIVE
        let m = |first: u32, spins: &[i8]| Command::Measure {
            first,
            count: spins.len() as u16,
            bits: pack_spins(spins),
        };
        let code = |r: Result<Vec<u8>, LinkError>| match r {
            Err(LinkError::Board { reply, .. }) => reply.code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code(d.call(&m(0, &[1; 8]))), ErrorCode::NotReady);
        let mut golden = GoldenState::new(&core, 44);
        let mut flip = 1i8;
        for t in 0..6u32 {
            let (step, y) = d.drive(&id, 44, 800).unwrap();
            assert_eq!(step, t);
            let want = golden.pre_sign();
            assert_eq!(y.iter().map(|&v| i128::from(v)).collect::<Vec<_>>(), want);
            // some spins disagree with sign(y): the board must take what was measured
            let spins: Vec<i8> = want
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    if i % 7 == 0 {
                        flip
                    } else if v < 0 {
                        -1
                    } else {
                        1
                    }
                })
                .collect();
            flip = -flip;
            if t == 0 {
                // out of order: a page that skips spins
                assert_eq!(code(d.call(&m(8, &spins[8..16]))), ErrorCode::OutOfOrder);
                // a page that runs past N
                let long = Command::Measure {
                    first: 0,
                    count: 801,
                    bits: pack_spins(&[1; 801]),
                };
                assert_eq!(code(d.call(&long)), ErrorCode::BadLength);
            }
            let r = d.measure(&spins).unwrap();
            assert_eq!((r.received, r.step), (800, t));
            assert_eq!(r.e4, golden.apply(&spins));
        }
        // the run is over after T steps: READ_RESULT holds its best
        let best = RunResult::parse(&d.call(&Command::ReadResult).unwrap()).unwrap();
        assert_eq!(best.run_seed, 44);
        assert_eq!(d.status().unwrap().state, BoardState::Done);
    }

    #[test]
    fn a_clean_link_gives_the_golden_results() {
        let (bytes, core) = g11_image(200);
        let mut d = link(Faults::default(), 1);
        let id = d.identify().unwrap();
        assert_eq!(id.core.n_max, 800);
        assert_eq!(id.hash, [7; 32]);
        d.upload(&id, &bytes).unwrap();
        let mut polled = 0;
        let results = d.run(4, 9, &mut |_, _| polled += 1).unwrap();
        assert!(polled >= 4);
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
    fn stepped_runs_and_traces_follow_the_golden_model() {
        let (bytes, core) = g11_image(40);
        let mut d = link(Faults::default(), 6);
        let id = d.identify().unwrap();
        d.upload(&id, &bytes).unwrap();
        let mut state = GoldenState::new(&core, 1234);
        let mut trace = Vec::new();
        for t in 0..40 {
            let s = d.step(&id, 1234).unwrap();
            let e4 = state.step();
            trace.push(e4);
            assert_eq!((s.step, s.e4, &s.spins[..]), (t, e4, state.spins()));
        }
        // the stepped run ended: its result and trace are the golden run's
        let want = core.run(0, 1234);
        let p = d.call(&Command::ReadResult).unwrap();
        let got = RunResult::parse(&p).unwrap();
        assert_eq!(
            (got.best_e4, got.best_step as usize),
            (want.best_e4, want.best_step)
        );
        assert_eq!(d.trace(&id, 40).unwrap(), trace);
        // a full run's trace, read in several pieces
        let (bytes, core) = g11_image(300);
        d.upload(&id, &bytes).unwrap();
        d.run_once(77, &mut |_| {}).unwrap();
        let mut state = GoldenState::new(&core, 77);
        let want: Vec<i64> = (0..300).map(|_| state.step()).collect();
        assert_eq!(d.trace(&id, 300).unwrap(), want);
    }

    #[test]
    fn a_wire_with_a_percent_of_byte_faults_still_gives_the_golden_results() {
        // 1 % of bytes dropped, 1 % duplicated, 1 % corrupted: a 1 020-byte LOAD would almost
        // never get through, so the chunks shrink; unanswered chunks are settled by the board's
        // OutOfOrder or a restart, and the default patience outlasts the retransmissions
        let (bytes, core) = g11_image(200);
        let faults = Faults {
            drop: 0.01,
            duplicate: 0.01,
            corrupt: 0.01,
        };
        let mut d = link(faults, 7);
        d.patience = Duration::from_secs(10);
        d.upload_unchecked(&bytes, &mut |_| {}).unwrap();
        assert!(d.chunk < MAX_CHUNK, "the chunks shrank ({})", d.chunk);
        let results = d.run(3, 5, &mut |_, _| {}).unwrap();
        for (r, got) in results.iter().enumerate() {
            let want = core.run(r, run_seed(5, r));
            assert_eq!(
                (got.best_e4, &got.best_spins),
                (want.best_e4, &want.best_spins)
            );
        }
    }

    #[test]
    fn a_faulty_link_completes_with_identical_results_or_fails_clearly() {
        let (bytes, core) = g11_image(200);
        let faults = Faults {
            drop: 0.0005,
            duplicate: 0.0005,
            corrupt: 0.0005,
        };
        let mut d = link(faults, 2);
        d.retries = 20;
        d.upload_unchecked(&bytes, &mut |_| {}).unwrap();
        let results = d.run(3, 5, &mut |_, _| {}).unwrap();
        for (r, got) in results.iter().enumerate() {
            let want = core.run(r, run_seed(5, r));
            assert_eq!(
                (got.best_e4, &got.best_spins),
                (want.best_e4, &want.best_spins)
            );
        }
        assert!(d.retransmissions > 0, "the faults were exercised");
        // a link that loses most bytes stops with a clear error after bounded retries
        let mut d = link(
            Faults {
                drop: 0.5,
                ..Faults::default()
            },
            3,
        );
        d.retries = 3;
        let e = d
            .upload_unchecked(&bytes, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no valid reply to Load") && e.contains("after 4 tries"),
            "{e}"
        );
    }

    #[test]
    fn board_errors_reach_the_user() {
        let mut d = link(Faults::default(), 4);
        let e = d
            .call(&Command::Run { run_seed: 1 })
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("NotReady") && e.contains("no committed image"),
            "{e}"
        );
        let (mut bytes, _) = g11_image(200);
        let k = bytes.len() / 2;
        bytes[k] ^= 1;
        let e = d
            .upload_unchecked(&bytes, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains("ImageInvalid") && e.contains("CRC"), "{e}");
        let e = d
            .call(&Command::Load {
                offset: 5000,
                bytes: vec![1; 10],
            })
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("OutOfOrder") && e.contains("LOAD at byte 5000"),
            "{e}"
        );
        // an image for a bigger core does not fit this board: the board refuses it, and the
        // driver's check says so before sending a byte
        let small = Board::new(
            CoreConfig {
                n_max: 500,
                ..CoreConfig::preset("icebreaker").unwrap()
            },
            [0; 32],
        );
        let mut d = Driver::new(LoopbackBoard::new(small, Faults::default(), 5));
        let (bytes, _) = g11_image(200);
        let e = d
            .upload_unchecked(&bytes, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("DoesNotFit") && e.contains("N 800 exceeds this core's 500 (over by 300)"),
            "{e}"
        );
        let id = d.identify().unwrap();
        let e = d.upload(&id, &bytes).unwrap_err().to_string();
        assert!(
            e.starts_with("the image does not fit this board's core: N 800"),
            "{e}"
        );
        // a board without STEP says so
        let mut id = id;
        id.capabilities = 0;
        let e = d.step(&id, 1).unwrap_err().to_string();
        assert_eq!(e, "this board does not support STEP");
    }
}
