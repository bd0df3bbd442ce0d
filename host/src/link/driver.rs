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

/// Whether the board answers `cmd` as soon as it has read it (no step of the core, no image
/// check in between), so that its round trip is the link's alone and its wait can be a few
/// measured round trips ([`Driver::quick_timeout`]) instead of [`Driver::timeout`].
fn answered_at_once(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Identify
            | Command::Status
            | Command::Run { .. }
            | Command::RunPhase { .. }
            | Command::ReadResult
            | Command::ReadTrace { .. }
    )
}

/// The longest a backed-off wait grows, in multiples of the first (measured) one.
pub const BACKOFF_LIMIT: u32 = 8;

/// Times [`Driver::upload_unchecked`] begins an image again after the board lost it.
pub const UPLOAD_RESTARTS: usize = 3;

/// How one pass of an upload ended badly.
enum UploadError {
    /// The board no longer holds the chunks it acknowledged (it was reset): begin again.
    Lost(String),
    /// Anything else.
    Link(LinkError),
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
    /// Uploads begun again because the board lost the partial image (for reports and tests).
    pub upload_restarts: usize,
    /// What the board said when it last lost a partial image.
    pub last_loss: Option<String>,
    /// Longest a run may go without advancing a step before the driver gives up.
    pub stall: Duration,
    /// Seconds a LOAD exchange takes per byte on the wire (request and reply), smoothed over
    /// the exchanges answered at the first try (retransmitted ones say nothing about the
    /// link's speed). A lost LOAD frame then costs a few round trips, not [`Driver::timeout`].
    pub load_seconds_per_byte: Option<f64>,
    /// Seconds the exchange of each command kind that the board answers at once takes,
    /// smoothed over those answered at the first try (indexed by kind; `None` until one is).
    quick_seconds: [Option<f64>; 256],
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
            upload_restarts: 0,
            last_loss: None,
            stall: Duration::from_secs(30),
            load_seconds_per_byte: None,
            quick_seconds: [None; 256],
            clean_round_trip: None,
        }
    }

    /// Sends a command and returns its response data. A command the board answers at once
    /// waits a few of its measured round trips ([`Driver::quick_timeout`]); others wait
    /// [`Driver::timeout`].
    pub fn call(&mut self, cmd: &Command) -> Result<Vec<u8>, LinkError> {
        if !answered_at_once(cmd) {
            return self.call_bounded(cmd, self.retries, self.patience, self.timeout, false);
        }
        let kind = usize::from(cmd.kind());
        let wait = self.quick_timeout(cmd);
        let result = self.call_bounded(cmd, self.retries, self.patience, wait, true);
        if let (Ok(_), Some(rtt)) = (&result, self.clean_round_trip) {
            let sample = rtt.as_secs_f64();
            self.quick_seconds[kind] = Some(match self.quick_seconds[kind] {
                None => sample,
                Some(old) => 0.75 * old + 0.25 * sample,
            });
        }
        result
    }

    /// How long to wait for the answer to `cmd`, a command the board answers at once:
    /// [`LOAD_TIMEOUT_FACTOR`] times its kind's smoothed round trip once one of its kind has
    /// been answered at the first try; before that, the time the measured LOAD speed gives an
    /// exchange as long as a full chunk (on a wire so noisy that no answer comes at the first
    /// try, the wait would otherwise stay at the timeout); [`Driver::timeout`] when nothing is
    /// measured yet. At least [`LOAD_TIMEOUT_FLOOR`], at most [`Driver::timeout`]. (Per kind,
    /// because a READ_RESULT carries the spins and a STATUS a few bytes.)
    pub fn quick_timeout(&self, cmd: &Command) -> Duration {
        let estimate = match (
            self.quick_seconds[usize::from(cmd.kind())],
            self.load_seconds_per_byte,
        ) {
            (Some(rtt), _) => rtt,
            (None, Some(per_byte)) => per_byte * (cmd.payload().len() + MAX_CHUNK + 64) as f64,
            (None, None) => return self.timeout,
        };
        Duration::from_secs_f64(LOAD_TIMEOUT_FACTOR * estimate)
            .max(LOAD_TIMEOUT_FLOOR)
            .min(self.timeout)
    }

    /// [`Driver::call`] with its own bounds on retransmissions. With `backoff` each unanswered
    /// try doubles the wait, up to [`BACKOFF_LIMIT`] times the first and at most
    /// [`Driver::timeout`], so a wait measured too short on a link that slowed down costs a few
    /// retransmissions, not the command, while on a wire that loses frames the patience still
    /// holds many tries (a late answer to an earlier try is taken during a later one).
    fn call_bounded(
        &mut self,
        cmd: &Command,
        retries: usize,
        patience: Duration,
        timeout: Duration,
        backoff: bool,
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
        let mut wait = timeout;
        while attempt <= retries || started.elapsed() < patience {
            if attempt > 0 {
                self.retransmissions += 1;
                if backoff {
                    wait = (wait * 2).min((timeout * BACKOFF_LIMIT).min(self.timeout.max(timeout)));
                }
            }
            attempt += 1;
            let sent_at = Instant::now();
            self.link.send(&bytes)?;
            let deadline = Instant::now() + wait;
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
    /// A board that loses the partial image (reset or power-cycled mid-upload) is sent it again
    /// from the start, up to [`UPLOAD_RESTARTS`] times.
    pub fn upload_unchecked(
        &mut self,
        image: &[u8],
        sent: &mut dyn FnMut(usize),
    ) -> Result<(), LinkError> {
        let mut restarts = 0;
        loop {
            match self.upload_once(image, sent) {
                Err(UploadError::Lost(why)) if restarts < UPLOAD_RESTARTS => {
                    restarts += 1;
                    self.upload_restarts += 1;
                    self.last_loss = Some(why);
                }
                Err(UploadError::Lost(why)) => {
                    return Err(LinkError::Reset(format!(
                        "{} uploads in a row cut short; the last: {why}",
                        restarts + 1
                    )))
                }
                Err(UploadError::Link(e)) => return Err(e),
                Ok(()) => return Ok(()),
            }
        }
    }

    /// One pass of [`Driver::upload_unchecked`]: the chunks from byte 0, then COMMIT.
    fn upload_once(
        &mut self,
        image: &[u8],
        sent: &mut dyn FnMut(usize),
    ) -> Result<(), UploadError> {
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
                self.call_bounded(&load, 2, Duration::ZERO, timeout, false)
            } else {
                self.call_bounded(&load, self.retries, self.patience, timeout, false)
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
                // every chunk before this one was acknowledged: the board forgot them
                Err(LinkError::Board { reply, .. }) if reply.code == ErrorCode::OutOfOrder => {
                    return Err(UploadError::Lost(reply.message));
                }
                Err(e) => return Err(UploadError::Link(e)),
            }
        }
        self.chunk = size;
        let len = image.len() as u32;
        match self.call(&Command::Commit { len }) {
            Ok(_) => Ok(()),
            Err(LinkError::Board { reply, command }) if reply.code == ErrorCode::ImageInvalid => {
                // an image the board refuses, or one it lost after the last chunk: an empty
                // LOAD at the image's end is accepted only if the board still holds it all
                let probe = Command::Load {
                    offset: len,
                    bytes: Vec::new(),
                };
                match self.call(&probe) {
                    Err(LinkError::Board { reply: lost, .. })
                        if lost.code == ErrorCode::OutOfOrder =>
                    {
                        Err(UploadError::Lost(lost.message))
                    }
                    _ => Err(UploadError::Link(LinkError::Board { reply, command })),
                }
            }
            Err(e) => Err(UploadError::Link(e)),
        }
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
        self.run_started_by(&Command::Run { run_seed: seed }, seed, progress)
    }

    /// A run that `start` (RUN or RUN_PHASE with run seed `seed`) starts: polls its progress
    /// until it ends and reads its result.
    pub(super) fn run_started_by(
        &mut self,
        start: &Command,
        seed: u32,
        progress: &mut dyn FnMut(u32),
    ) -> Result<RunResult, LinkError> {
        match self.call(start) {
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
        // STATUS said Done: a board that then has no finished run was reset in between
        let p = self
            .call(&Command::ReadResult)
            .map_err(|e| reset_if_not_ready(e, "READ_RESULT"))?;
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
            let p = self
                .call(&Command::Drive {
                    run_seed: seed,
                    first: values.len() as u32,
                    count,
                })
                .map_err(|e| reset_if_not_ready(e, "DRIVE"))?;
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
            // (the host always drives a step before measuring it, so NotReady here means the
            // board forgot the external run: a reset)
            let p = self
                .call(&Command::Measure {
                    first: sent as u32,
                    count: count as u16,
                    bits: pack_spins(page),
                })
                .map_err(|e| reset_if_not_ready(e, "MEASURE"))?;
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

/// A board's NotReady to a command that needs the committed image, as [`LinkError::Reset`].
fn reset_if_not_ready(e: LinkError, command: &str) -> LinkError {
    match e {
        LinkError::Board { reply, .. } if reply.code == ErrorCode::NotReady => {
            LinkError::Reset(format!("{command} answered NotReady"))
        }
        other => other,
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
    /// The board lost its image during the run (a reset): the caller may upload it again.
    pub lost_image: bool,
}

impl<'a, T: Transport> LinkCore<'a, T> {
    /// A new external run of `n` spins with `seed` on the board `identity` names, at step 0.
    pub fn new(driver: &'a mut Driver<T>, identity: &'a Identity, seed: u32, n: usize) -> Self {
        LinkCore {
            driver,
            identity,
            seed,
            n,
            step: 0,
            lost_image: false,
        }
    }

    /// A driver error as the loop's text, noting a reset.
    fn note(&mut self, e: LinkError) -> String {
        if matches!(e, LinkError::Reset(_)) {
            self.lost_image = true;
        }
        e.to_string()
    }
}

impl<T: Transport> npim_sim::oscillator::ExternalCore for LinkCore<'_, T> {
    fn pre_sign(&mut self) -> Result<Vec<i128>, String> {
        let (step, y) = match self.driver.drive(self.identity, self.seed, self.n) {
            Ok(v) => v,
            Err(e) => return Err(self.note(e)),
        };
        if step != self.step {
            return Err(format!(
                "DRIVE answered step {step}, the loop is at step {}",
                self.step
            ));
        }
        Ok(y.into_iter().map(i128::from).collect())
    }

    fn apply(&mut self, spins: &[i8]) -> Result<i64, String> {
        let r = match self.driver.measure(spins) {
            Ok(r) => r,
            Err(e) => return Err(self.note(e)),
        };
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
#[path = "driver_tests.rs"]
mod tests;
