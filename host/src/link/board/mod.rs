//! A board as the protocol sees it: the streamed image, commit with the core's limit checks,
//! runs in the background with progress, stepped runs, results and traces. Behind it, the
//! golden model (fast) or the RTL core simulated by Verilator (slow; no STEP). Frames in, frames out; the last command's seq and response are kept so that a
//! retransmitted command is answered, not executed, twice.

use npim_hdl::builds::Build;
use npim_hdl::harness::verilator::Harness;
use npim_proto::message::{
    capability, BoardError, Command, ErrorCode, MAX_DRIVE, MAX_MEASURE, MAX_TRACE,
};
use npim_proto::reply::{
    unpack_spins, BoardState, DriveReply, Identity, MeasureReply, RunResult, Status, StepReply,
};
use npim_proto::{Frame, FrameError};
use npim_sim::fixed::{CoreConfig, CoreImage, GoldenCore, GoldenState, RunStart};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

mod phases;

/// Largest image the board buffers.
pub const IMAGE_BUFFER: usize = 1 << 24;

/// A run's best so far, its per-step energies and (a phase's) the spins of its last steps.
#[derive(Clone, Debug)]
struct Finished {
    result: RunResult,
    trace: Vec<i64>,
    window: Vec<Vec<i8>>,
}

impl Finished {
    fn new(run_seed: u32) -> Self {
        Finished {
            result: RunResult {
                run_seed,
                best_e4: i64::MAX,
                best_step: 0,
                best_spins: Vec::new(),
            },
            trace: Vec::new(),
            window: Vec::new(),
        }
    }

    /// Takes step `t`'s energy and spins (the golden model's best rule: strictly lower wins).
    fn record(&mut self, e4: i64, spins: &[i8]) {
        let t = self.trace.len() as u32;
        if e4 < self.result.best_e4 {
            self.result.best_e4 = e4;
            self.result.best_step = t;
            self.result.best_spins = spins.to_vec();
        }
        self.trace.push(e4);
    }
}

/// Progress of a background run, shared with its thread.
#[derive(Default)]
struct Progress {
    step: AtomicU32,
    best_e4: AtomicI64,
    cancel: AtomicBool,
}

/// A RUN in progress.
struct Background {
    progress: Arc<Progress>,
    thread: JoinHandle<Option<Finished>>,
}

/// A stepped run: a thread holds the golden state and takes one step per request.
struct Stepper {
    request: Sender<()>,
    reply: Receiver<(i64, Vec<i8>)>,
    seed: u32,
    so_far: Finished,
}

/// What an external run's thread is asked.
enum ExternalRequest {
    /// The current step's pre-sign outputs.
    PreSign,
    /// The measured spins: apply them, advance a step.
    Apply(Vec<i8>),
}

/// An external run (DRIVE and MEASURE): a thread holds the golden state in external mode; the
/// board keeps the current step's outputs once asked and the spins measured so far.
struct External {
    request: Sender<ExternalRequest>,
    drives: Receiver<Vec<i128>>,
    energies: Receiver<i64>,
    seed: u32,
    /// `y` of the current step, once a DRIVE asked for it.
    drive: Option<Vec<i128>>,
    /// Spins measured so far this step.
    measured: Vec<i8>,
    so_far: Finished,
}

/// What computes the runs.
#[derive(Clone)]
pub enum Engine {
    /// The golden model.
    Golden,
    /// The generated Verilog of an RTL build's core under Verilator (its built harness).
    Rtl(Arc<Harness>, &'static Build),
}

/// The board model.
pub struct Board {
    core: CoreConfig,
    hash: [u8; 32],
    engine: Engine,
    buffer: Vec<u8>,
    image: Option<Arc<CoreImage>>,
    golden: Option<Arc<GoldenCore>>,
    running: Option<Background>,
    stepping: Option<Stepper>,
    external: Option<External>,
    finished: Option<Finished>,
    /// Linear terms and start spins for RUN_PHASE.
    phase_inputs: phases::PhaseInputs,
    last: Option<(u8, Frame)>,
    /// Power-cycle before the command of this number (counting from 1) and every `.1` after
    /// it (fault injection; `None`: never).
    reset_schedule: Option<(u64, u64)>,
    /// Commands received (valid frames), for `reset_every`.
    received: u64,
    /// Power cycles so far.
    pub resets: u64,
}

fn err(code: ErrorCode, message: impl Into<String>) -> BoardError {
    BoardError {
        code,
        message: message.into(),
    }
}

impl Board {
    /// A board with core configuration `core` and bitstream hash `hash`, golden model behind.
    pub fn new(core: CoreConfig, hash: [u8; 32]) -> Self {
        Board::with_engine(core, hash, Engine::Golden)
    }

    /// A board with `engine` behind it.
    pub fn with_engine(core: CoreConfig, hash: [u8; 32], engine: Engine) -> Self {
        Board {
            core,
            hash,
            engine,
            buffer: Vec::new(),
            image: None,
            golden: None,
            running: None,
            stepping: None,
            external: None,
            finished: None,
            phase_inputs: phases::PhaseInputs::default(),
            last: None,
            reset_schedule: None,
            received: 0,
            resets: 0,
        }
    }

    /// Makes the board lose its state, as a reset or power cycle would, before every `k`-th
    /// command it receives (`npim emulate --reset-every`): a host must notice and upload its
    /// image again.
    pub fn reset_every(self, k: Option<u64>) -> Self {
        match k {
            Some(k) if k > 0 => self.reset_schedule(k, k),
            _ => self,
        }
    }

    /// Power-cycles before command number `first` (counting from 1), then before every
    /// `every`-th after it.
    pub fn reset_schedule(mut self, first: u64, every: u64) -> Self {
        self.reset_schedule = Some((first, every.max(1)));
        self
    }

    /// What a reset leaves: the configuration, no image, no run, no remembered reply.
    fn power_cycle(&mut self) {
        self.cancel();
        self.buffer.clear();
        self.image = None;
        self.golden = None;
        self.finished = None;
        self.phase_inputs = phases::PhaseInputs::default();
        self.last = None;
        self.resets += 1;
    }

    /// Answers one decoded frame (or a decoding error) with a response frame, if any.
    pub fn handle(&mut self, frame: Result<Frame, FrameError>) -> Option<Frame> {
        let frame = match frame {
            Ok(f) => f,
            Err(FrameError::Crc { seq, kind }) if kind & 0x80 == 0 => {
                let p = npim_proto::message::response_payload(&Err(err(
                    ErrorCode::BadFrame,
                    "CRC mismatch",
                )));
                return Some(Frame {
                    seq,
                    kind: kind | 0x80,
                    payload: p,
                });
            }
            Err(_) => return None,
        };
        self.received += 1;
        let due = |(first, every): (u64, u64)| {
            self.received >= first && (self.received - first).is_multiple_of(every)
        };
        if self.reset_schedule.is_some_and(due) {
            self.power_cycle();
        }
        if let Some((seq, resp)) = &self.last {
            if *seq == frame.seq && resp.kind == frame.kind | 0x80 {
                return Some(resp.clone());
            }
        }
        let result = Command::parse(frame.kind, &frame.payload).and_then(|c| self.execute(c));
        let resp = Frame {
            seq: frame.seq,
            kind: frame.kind | 0x80,
            payload: npim_proto::message::response_payload(&result),
        };
        self.last = Some((frame.seq, resp.clone()));
        Some(resp)
    }

    /// Collects a background run that has ended.
    fn poll(&mut self) {
        if self
            .running
            .as_ref()
            .is_some_and(|b| b.thread.is_finished())
        {
            let b = self.running.take().expect("checked");
            self.finished = b.thread.join().ok().flatten();
        }
    }

    fn steps(&self) -> u32 {
        self.golden.as_ref().map_or(0, |g| g.steps() as u32)
    }

    fn cancel(&mut self) {
        if let Some(b) = self.running.take() {
            b.progress.cancel.store(true, Ordering::Relaxed);
            let _ = b.thread.join();
        }
        self.stepping = None;
        self.external = None;
    }

    /// Starts a whole run (RUN, RUN_PHASE) in the background: the last run's result and any
    /// stepped or external run are forgotten.
    fn start_background<F>(&mut self, run: F)
    where
        F: FnOnce(&Progress) -> Option<Finished> + Send + 'static,
    {
        self.stepping = None;
        self.external = None;
        self.finished = None;
        let progress = Arc::new(Progress {
            best_e4: AtomicI64::new(i64::MAX),
            ..Progress::default()
        });
        let shared = progress.clone();
        let thread = std::thread::spawn(move || run(&shared));
        self.running = Some(Background { progress, thread });
    }

    fn committed(&self) -> Result<Arc<GoldenCore>, BoardError> {
        self.golden
            .clone()
            .ok_or_else(|| err(ErrorCode::NotReady, "no committed image"))
    }

    fn execute(&mut self, c: Command) -> Result<Vec<u8>, BoardError> {
        self.poll();
        let busy = self.running.is_some();
        match c {
            Command::Identify => {
                let caps = match self.engine {
                    Engine::Golden => {
                        capability::STEP
                            | capability::TRACE
                            | capability::EXTERNAL
                            | capability::PHASES
                    }
                    Engine::Rtl(..) => capability::TRACE,
                };
                Ok(Identity::new(&self.core, caps, self.hash).encode())
            }
            Command::Status => {
                let (state, step, best_e4) = if let Some(b) = &self.running {
                    (
                        BoardState::Running,
                        b.progress.step.load(Ordering::Relaxed),
                        b.progress.best_e4.load(Ordering::Relaxed),
                    )
                } else if let Some(s) = &self.stepping {
                    (
                        BoardState::Stepping,
                        s.so_far.trace.len() as u32,
                        s.so_far.result.best_e4,
                    )
                } else if let Some(x) = &self.external {
                    (
                        BoardState::External,
                        x.so_far.trace.len() as u32,
                        x.so_far.result.best_e4,
                    )
                } else if let Some(f) = &self.finished {
                    (BoardState::Done, f.trace.len() as u32, f.result.best_e4)
                } else {
                    (BoardState::Idle, 0, i64::MAX)
                };
                Ok(Status {
                    state,
                    step,
                    steps: self.steps(),
                    best_e4,
                }
                .encode())
            }
            Command::Reset => {
                self.cancel();
                *self = Board::with_engine(self.core.clone(), self.hash, self.engine.clone());
                Ok(Vec::new())
            }
            _ if busy => Err(err(ErrorCode::Busy, "a run is in progress")),
            Command::Load { offset, bytes } => {
                let offset = offset as usize;
                if offset != 0 && offset != self.buffer.len() {
                    return Err(err(
                        ErrorCode::OutOfOrder,
                        format!(
                            "LOAD at byte {offset}; the image continues at byte {}",
                            self.buffer.len()
                        ),
                    ));
                }
                let end = offset + bytes.len();
                if end > IMAGE_BUFFER {
                    return Err(err(
                        ErrorCode::ImageTooLarge,
                        format!("bytes up to {end}; the buffer holds {IMAGE_BUFFER}"),
                    ));
                }
                self.buffer.truncate(offset);
                self.buffer.extend_from_slice(&bytes);
                Ok(Vec::new())
            }
            Command::Commit { len } => {
                if len as usize != self.buffer.len() {
                    return Err(err(
                        ErrorCode::ImageInvalid,
                        format!("{len} bytes committed, {} loaded", self.buffer.len()),
                    ));
                }
                let image = CoreImage::from_bytes(&self.buffer)
                    .map_err(|e| err(ErrorCode::ImageInvalid, e.to_string()))?;
                self.core
                    .fits(&image)
                    .map_err(|e| err(ErrorCode::DoesNotFit, e.to_string()))?;
                if let Engine::Rtl(_, build) = self.engine {
                    (build.check_image)(&image).map_err(|e| err(ErrorCode::DoesNotFit, e))?;
                }
                self.stepping = None;
                self.external = None;
                self.finished = None;
                self.phase_inputs = phases::PhaseInputs::default();
                self.golden = Some(Arc::new(GoldenCore::new(&image)));
                self.image = Some(Arc::new(image));
                self.buffer.clear();
                Ok(Vec::new())
            }
            Command::Run { run_seed } => {
                let golden = self.committed()?;
                if let Engine::Rtl(harness, build) = &self.engine {
                    let (harness, build, image) = (
                        harness.clone(),
                        *build,
                        self.image.clone().expect("committed"),
                    );
                    self.start_background(move |shared| {
                        rtl_run(&harness, build, &image, run_seed, shared)
                    });
                    return Ok(Vec::new());
                }
                self.start_background(move |shared| {
                    golden_run(&golden, run_seed, &RunStart::default(), 0, shared)
                });
                Ok(Vec::new())
            }
            Command::Step { run_seed } => {
                let golden = self.committed()?;
                if let Engine::Rtl(..) = self.engine {
                    return Err(err(
                        ErrorCode::UnknownCommand,
                        "STEP: the RTL core runs whole runs",
                    ));
                }
                if self.stepping.as_ref().is_none_or(|s| s.seed != run_seed) {
                    self.external = None;
                    self.stepping = Some(start_stepper(golden.clone(), run_seed));
                }
                let s = self.stepping.as_mut().expect("set above");
                s.request
                    .send(())
                    .map_err(|_| err(ErrorCode::NotReady, "the stepped run ended"))?;
                let (e4, spins) = s
                    .reply
                    .recv()
                    .map_err(|_| err(ErrorCode::NotReady, "the stepped run ended"))?;
                let step = s.so_far.trace.len() as u32;
                s.so_far.record(e4, &spins);
                if s.so_far.trace.len() == golden.steps() {
                    self.finished = self.stepping.take().map(|s| s.so_far);
                }
                Ok(StepReply { step, e4, spins }.encode())
            }
            Command::Drive {
                run_seed,
                first,
                count,
            } => {
                let golden = self.committed()?;
                if let Engine::Rtl(..) = self.engine {
                    return Err(err(
                        ErrorCode::UnknownCommand,
                        "DRIVE: this RTL build has no external mode",
                    ));
                }
                let n = golden.n();
                let (first, count) = (first as usize, usize::from(count));
                if count > MAX_DRIVE || first + count > n {
                    return Err(err(
                        ErrorCode::BadLength,
                        format!(
                            "spins {first}..{} of {n}, at most {MAX_DRIVE} per reply",
                            first + count
                        ),
                    ));
                }
                if self.external.as_ref().is_none_or(|x| x.seed != run_seed) {
                    self.stepping = None;
                    self.external = Some(start_external(golden.clone(), run_seed));
                }
                let x = self.external.as_mut().expect("set above");
                if x.drive.is_none() {
                    x.request
                        .send(ExternalRequest::PreSign)
                        .map_err(|_| err(ErrorCode::NotReady, "the external run ended"))?;
                    x.drive = Some(
                        x.drives
                            .recv()
                            .map_err(|_| err(ErrorCode::NotReady, "the external run ended"))?,
                    );
                }
                let y = x.drive.as_ref().expect("set above");
                Ok(DriveReply {
                    step: x.so_far.trace.len() as u32,
                    values: y[first..first + count]
                        .iter()
                        .map(|&v| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
                        .collect(),
                }
                .encode())
            }
            Command::Measure { first, count, bits } => {
                let golden = self.committed()?;
                let n = golden.n();
                let x = self
                    .external
                    .as_mut()
                    .ok_or_else(|| err(ErrorCode::NotReady, "no external run: DRIVE starts one"))?;
                if x.drive.is_none() {
                    return Err(err(ErrorCode::NotReady, "MEASURE before this step's DRIVE"));
                }
                let count = usize::from(count);
                if first as usize != x.measured.len() {
                    return Err(err(
                        ErrorCode::OutOfOrder,
                        format!(
                            "spins from {first}; this step continues at spin {}",
                            x.measured.len()
                        ),
                    ));
                }
                if count > MAX_MEASURE || x.measured.len() + count > n {
                    return Err(err(
                        ErrorCode::BadLength,
                        format!("spins {first}..{} of {n}", x.measured.len() + count),
                    ));
                }
                x.measured.extend(unpack_spins(&bits, count));
                let step = x.so_far.trace.len() as u32;
                let mut e4 = 0;
                let received = x.measured.len() as u32;
                if x.measured.len() == n {
                    let spins = std::mem::take(&mut x.measured);
                    x.request
                        .send(ExternalRequest::Apply(spins.clone()))
                        .map_err(|_| err(ErrorCode::NotReady, "the external run ended"))?;
                    e4 = x
                        .energies
                        .recv()
                        .map_err(|_| err(ErrorCode::NotReady, "the external run ended"))?;
                    x.drive = None;
                    x.so_far.record(e4, &spins);
                    if x.so_far.trace.len() == golden.steps() {
                        self.finished = self.external.take().map(|x| x.so_far);
                    }
                }
                Ok(MeasureReply { received, step, e4 }.encode())
            }
            Command::ReadResult => self
                .finished
                .as_ref()
                .map(|f| f.result.encode())
                .ok_or_else(|| err(ErrorCode::NotReady, "no finished run")),
            Command::ReadTrace { first, count } => {
                let f = self
                    .finished
                    .as_ref()
                    .ok_or_else(|| err(ErrorCode::NotReady, "no finished run"))?;
                let (first, count) = (first as usize, usize::from(count));
                if count > MAX_TRACE || first + count > f.trace.len() {
                    return Err(err(
                        ErrorCode::BadLength,
                        format!(
                            "steps {first}..{} of a {}-step trace, at most {MAX_TRACE} per reply",
                            first + count,
                            f.trace.len()
                        ),
                    ));
                }
                Ok(f.trace[first..first + count]
                    .iter()
                    .flat_map(|e| e.to_le_bytes())
                    .collect())
            }
            Command::SetLinear { first, values } => self.set_linear(first, values),
            Command::SetStart { first, count, bits } => self.set_start(first, count, &bits),
            Command::RunPhase { run_seed, window } => self.run_phase(run_seed, window),
            Command::ReadWindow { first, count } => self.read_window(first, count),
        }
    }
}

/// One run on the golden model from `start`, keeping the spins of its last `window` steps;
/// `None` if cancelled.
fn golden_run(
    golden: &GoldenCore,
    run_seed: u32,
    start: &RunStart,
    window: usize,
    shared: &Progress,
) -> Option<Finished> {
    let mut state = GoldenState::start(golden, run_seed, start);
    let mut done = Finished::new(run_seed);
    let keep_from = golden.steps().saturating_sub(window);
    for t in 0..golden.steps() {
        if shared.cancel.load(Ordering::Relaxed) {
            return None;
        }
        let e4 = state.step();
        done.record(e4, state.spins());
        if window > 0 && t >= keep_from {
            done.window.push(state.spins().to_vec());
        }
        shared.best_e4.store(done.result.best_e4, Ordering::Relaxed);
        shared.step.store(t as u32 + 1, Ordering::Relaxed);
    }
    Some(done)
}

/// One run on the simulated RTL core; `None` if the simulation failed (reported as a run
/// that never finishes: the driver times out, naming the run).
fn rtl_run(
    harness: &Harness,
    build: &Build,
    image: &CoreImage,
    seed: u32,
    progress: &Progress,
) -> Option<Finished> {
    match (build.run_verilator)(harness, image, seed) {
        Ok(trace) => {
            let mut done = Finished::new(seed);
            for (t, step) in trace.steps.iter().enumerate() {
                let spins: Vec<i8> = step.spins.iter().map(|&b| if b { -1 } else { 1 }).collect();
                done.record(step.e4, &spins);
                progress.step.store(t as u32 + 1, Ordering::Relaxed);
            }
            progress
                .best_e4
                .store(done.result.best_e4, Ordering::Relaxed);
            Some(done)
        }
        Err(e) => {
            eprintln!("RTL simulation failed: {e}");
            None
        }
    }
}

fn start_stepper(golden: Arc<GoldenCore>, seed: u32) -> Stepper {
    let (request, requests) = channel::<()>();
    let (replies, reply) = channel();
    std::thread::spawn(move || {
        let mut state = GoldenState::new(&golden, seed);
        for _ in 0..golden.steps() {
            if requests.recv().is_err() {
                return;
            }
            let e4 = state.step();
            if replies.send((e4, state.spins().to_vec())).is_err() {
                return;
            }
        }
    });
    Stepper {
        request,
        reply,
        seed,
        so_far: Finished::new(seed),
    }
}

fn start_external(golden: Arc<GoldenCore>, seed: u32) -> External {
    let (request, requests) = channel::<ExternalRequest>();
    let (drive_out, drives) = channel();
    let (energy_out, energies) = channel();
    std::thread::spawn(move || {
        let mut state = GoldenState::new(&golden, seed);
        while let Ok(r) = requests.recv() {
            let sent = match r {
                ExternalRequest::PreSign => drive_out.send(state.pre_sign()).is_ok(),
                ExternalRequest::Apply(spins) => energy_out.send(state.apply(&spins)).is_ok(),
            };
            if !sent {
                return;
            }
        }
    });
    External {
        request,
        drives,
        energies,
        seed,
        drive: None,
        measured: Vec::new(),
        so_far: Finished::new(seed),
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        self.cancel();
    }
}
