//! The serial core under Verilator, driven at its UART pins with byte streams made by the
//! host's frame encoder: IDENTIFY, image upload, runs and results equal to the golden model's,
//! retransmissions answered without re-execution, corrupted frames, and external-mode steps
//! (host in the loop).

use npim_hdl::builds::rtl::serial_sim::{build_config, build_harness, SerialSim, SIM_DIVISOR};
use npim_hdl::harness::verilator::Harness;
use npim_proto::kind;
use npim_proto::message::{
    capability, parse_response, BoardError, Command, ErrorCode, MAX_CHUNK, MAX_DRIVE, STATUS_OK,
};
use npim_proto::reply::{
    pack_spins, BoardState, DriveReply, Identity, MeasureReply, RunResult, Status,
};
use npim_proto::{encode, Deframer, Frame};
use npim_sim::fixed::{quantize, CoreConfig, CoreImage, GoldenCore, GoldenState, RunStart};
use npim_sim::npim::params::field_scale;
use npim_sim::npim::{Architecture, Basis, NpimParams};
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const HASH: [u8; 32] = [0xA5; 32];

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
        build_harness(&cache, HASH).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// A minimal host: frames out, the matching response back.
struct Host {
    sim: SerialSim,
    deframer: Deframer,
    seq: u8,
}

impl Host {
    fn new() -> Self {
        Self::on(harness())
    }

    fn on(harness: &Harness) -> Self {
        Self::with_env(harness, &[])
    }

    fn with_env(harness: &Harness, env: &[(&str, &str)]) -> Self {
        Host {
            sim: SerialSim::start_with_env(harness, SIM_DIVISOR, env).unwrap(),
            deframer: Deframer::new(),
            seq: 0,
        }
    }

    /// Sends raw bytes and collects the frames that come back within `wait`.
    fn exchange(&mut self, bytes: &[u8], wait: Duration) -> Vec<Frame> {
        self.sim.send(bytes).unwrap();
        let deadline = Instant::now() + wait;
        let mut frames = Vec::new();
        while Instant::now() < deadline {
            let got = self.sim.recv(Duration::from_millis(20)).unwrap();
            frames.extend(self.deframer.push(&got).into_iter().map(|f| f.unwrap()));
            if !frames.is_empty() && got.is_empty() {
                break;
            }
        }
        frames
    }

    fn frame(&mut self, cmd: &Command) -> Vec<u8> {
        self.seq = self.seq.wrapping_add(1);
        encode(&Frame {
            seq: self.seq,
            kind: cmd.kind(),
            payload: cmd.payload(),
        })
    }

    fn call(&mut self, cmd: &Command) -> Result<Vec<u8>, BoardError> {
        let bytes = self.frame(cmd);
        let frames = self.exchange(&bytes, Duration::from_secs(20));
        assert_eq!(frames.len(), 1, "one response to {cmd:?}");
        let f = &frames[0];
        assert_eq!((f.seq, f.kind), (self.seq, cmd.kind() | 0x80));
        parse_response(&f.payload)
    }

    fn upload(&mut self, image: &[u8]) -> Result<(), BoardError> {
        for (k, chunk) in image.chunks(MAX_CHUNK).enumerate() {
            self.call(&Command::Load {
                offset: (k * MAX_CHUNK) as u32,
                bytes: chunk.to_vec(),
            })?;
        }
        self.call(&Command::Commit {
            len: image.len() as u32,
        })
        .map(|_| ())
    }

    fn run(&mut self, seed: u32) -> RunResult {
        self.call(&Command::Run { run_seed: seed }).unwrap();
        loop {
            let s = Status::parse(&self.call(&Command::Status).unwrap()).unwrap();
            if s.state == BoardState::Done {
                break;
            }
            assert_eq!(s.state, BoardState::Running);
        }
        RunResult::parse(&self.call(&Command::ReadResult).unwrap()).unwrap()
    }
}

fn image(seed: u64, n: usize) -> CoreImage {
    image_for(&build_config(), seed, n)
}

/// A random image quantized for the core configuration `core`.
fn image_for(core: &CoreConfig, seed: u64, n: usize) -> CoreImage {
    image_with_steps(core, seed, n, None)
}

/// As [`image_for`], with `steps` steps per run instead of a random 5..40.
fn image_with_steps(core: &CoreConfig, seed: u64, n: usize, steps: Option<usize>) -> CoreImage {
    let mut rng = stream(seed, 41);
    // weights within ±3 and the core's J range
    let w = core.j_max().min(3);
    let mut edges = Vec::new();
    for i in 0..n {
        for k in i + 1..n {
            if rng.gen::<f64>() < 0.25 {
                edges.push((i, k, f64::from(rng.gen_range(-w..=w))));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-2..=2))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Sparse).unwrap();
    let arch = Architecture {
        tc: rng.gen_range(1..5),
        d: rng.gen_range(1..3),
        m: 3,
        basis: Basis::Fourier,
    };
    let params = NpimParams::embedded_greedy(arch, field_scale(&ising).max(1.0), 2.0, 0.5);
    let random_steps = rng.gen_range(5..40);
    quantize(&ising, &params, core, steps.unwrap_or(random_steps), seed)
        .unwrap()
        .0
}

#[test]
fn identify_answers_the_build() {
    let mut host = Host::new();
    let id = Identity::parse(&host.call(&Command::Identify).unwrap()).unwrap();
    assert_eq!(
        id,
        Identity::new(
            &build_config(),
            capability::EXTERNAL | capability::PHASES,
            HASH
        )
    );
}

/// Host in the loop through the UART: DRIVE pages give the golden model's pre-sign outputs,
/// MEASURE pages with spins that disagree with some of the core's own decisions give the golden
/// external mode's `E4`, step after step, and READ_RESULT the run's best; misuse is refused.
#[test]
fn external_steps_through_the_uart_equal_the_golden_model() {
    let mut host = Host::new();
    let img = image(7, 45);
    host.upload(&img.to_bytes()).unwrap();
    let n = img.n;
    let golden = GoldenCore::new(&img);
    let mut state = GoldenState::new(&golden, 77);
    // MEASURE before any external run
    let measure = |first: u32, spins: &[i8]| Command::Measure {
        first,
        count: spins.len() as u16,
        bits: pack_spins(spins),
    };
    assert_eq!(code(host.call(&measure(0, &[1; 4]))), ErrorCode::NotReady);
    let (mut best, mut best_step) = (i64::MAX, 0);
    for t in 0..img.steps {
        // pages of 30, 15 (N = 45)
        let mut y = Vec::new();
        while y.len() < n {
            let count = (n - y.len()).min(30) as u16;
            let r = DriveReply::parse(
                &host
                    .call(&Command::Drive {
                        run_seed: 77,
                        first: y.len() as u32,
                        count,
                    })
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(r.step as usize, t);
            y.extend(r.values);
            if t == 0 && y.len() == 30 {
                // a page that skips ahead, and MEASURE before the step's drives are out
                let skip = Command::Drive {
                    run_seed: 77,
                    first: 40,
                    count: 5,
                };
                assert_eq!(code(host.call(&skip)), ErrorCode::OutOfOrder);
                assert_eq!(code(host.call(&measure(0, &[1; 4]))), ErrorCode::NotReady);
            }
        }
        let want: Vec<i64> = state.pre_sign().iter().map(|&v| v as i64).collect();
        assert_eq!(y, want, "drives at step {t}");
        let spins: Vec<i8> = y
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let s = if v < 0 { -1 } else { 1 };
                if (i + t) % 5 == 0 {
                    -s
                } else {
                    s
                }
            })
            .collect();
        // two pages: 20 spins, then 25
        let first = MeasureReply::parse(&host.call(&measure(0, &spins[..20])).unwrap()).unwrap();
        assert_eq!((first.received, first.step, first.e4), (20, t as u32, 0));
        if t == 0 {
            assert_eq!(
                code(host.call(&measure(30, &spins[30..]))),
                ErrorCode::OutOfOrder
            );
        }
        let done = MeasureReply::parse(&host.call(&measure(20, &spins[20..])).unwrap()).unwrap();
        let e4 = state.apply(&spins);
        assert_eq!(
            (done.received, done.step, done.e4),
            (n as u32, t as u32, e4)
        );
        if e4 < best {
            (best, best_step) = (e4, t);
        }
    }
    let r = RunResult::parse(&host.call(&Command::ReadResult).unwrap()).unwrap();
    assert_eq!(
        (r.run_seed, r.best_e4, r.best_step as usize),
        (77, best, best_step)
    );
}

/// An external run abandoned mid-page leaves nothing behind: a DRIVE with another seed (which
/// stops the core and starts a new run) while the first run's update units hold a decision the
/// DAC has not taken, then whole steps of the new run, equal the golden model of the new seed
/// alone, drives and `E4` (issue 21, item 8).
#[test]
fn an_external_run_abandoned_mid_page_does_not_reach_the_next() {
    let mut host = Host::new();
    let img = image(11, 45);
    host.upload(&img.to_bytes()).unwrap();
    let n = img.n;
    let drive = |run_seed: u32, first: u32, count: u16| Command::Drive {
        run_seed,
        first,
        count,
    };
    for abandoned_after in [1u16, 17, 30] {
        // the first run: one step's first page only
        let r = DriveReply::parse(&host.call(&drive(5, 0, abandoned_after)).unwrap()).unwrap();
        assert_eq!(r.values.len(), abandoned_after as usize);
        // the new run, three whole steps
        let seed = 900 + u32::from(abandoned_after);
        let golden = GoldenCore::new(&img);
        let mut state = GoldenState::new(&golden, seed);
        for t in 0..3.min(img.steps) {
            let mut y = Vec::new();
            while y.len() < n {
                let count = (n - y.len()).min(MAX_DRIVE) as u16;
                let r = DriveReply::parse(&host.call(&drive(seed, y.len() as u32, count)).unwrap())
                    .unwrap();
                assert_eq!(r.step as usize, t);
                y.extend(r.values);
            }
            let want: Vec<i64> = state.pre_sign().iter().map(|&v| v as i64).collect();
            assert_eq!(
                y, want,
                "abandoned after {abandoned_after}: drives at step {t}"
            );
            let spins: Vec<i8> = want.iter().map(|&v| if v < 0 { -1 } else { 1 }).collect();
            let m = Command::Measure {
                first: 0,
                count: n as u16,
                bits: pack_spins(&spins),
            };
            let done = MeasureReply::parse(&host.call(&m).unwrap()).unwrap();
            assert_eq!(
                done.e4,
                state.apply(&spins),
                "abandoned after {abandoned_after}: E4 at step {t}"
            );
        }
    }
}

#[test]
fn runs_through_the_uart_equal_the_golden_model() {
    runs_equal_the_golden_model(&mut Host::new());
}

/// The frame and response buffers, and every memory of the core, never hand on a read that
/// collides with a write (`npim_hdl::ram_collisions`): with such reads returning wrong words,
/// uploads, runs, results and a retransmitted response are unchanged.
#[test]
fn colliding_reads_are_never_used_by_the_serial_core() {
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
    let poisoned =
        npim_hdl::builds::rtl::serial_sim::build_collision_harness(&cache, HASH).unwrap();
    let mut host = Host::on(&poisoned);
    let id = host.call(&Command::Identify).unwrap();
    assert_eq!(
        Identity::parse(&id).unwrap(),
        Identity::new(
            &build_config(),
            capability::EXTERNAL | capability::PHASES,
            HASH
        )
    );
    runs_equal_the_golden_model(&mut host);
    // a phase from start spins with terms in place (the start and window memories, `l`)
    let img = image_with_steps(&build_config(), 33, 37, Some(12));
    host.upload(&img.to_bytes()).unwrap();
    let linear: Vec<i32> = (0..img.n as i32).map(|i| (i * 37) % 101 - 50).collect();
    let spins: Vec<i8> = (0..img.n)
        .map(|i| if i % 3 == 0 { -1 } else { 1 })
        .collect();
    host.set_linear(0, &linear).unwrap();
    host.set_start(0, &spins).unwrap();
    let start = RunStart {
        linear: Some(linear),
        spins: Some(spins),
    };
    assert_eq!(
        host.phase(4, 5, img.n, 1000),
        golden_window(&img, 4, &start, 5)
    );
    // a retransmission is answered from the kept response
    let again = host.frame(&Command::Status);
    let first = host.exchange(&again, Duration::from_secs(5));
    assert_eq!(host.exchange(&again, Duration::from_secs(5)), first);
}

/// A reset (a board's PLL losing lock) in the middle of a run returns every state machine to
/// idle and forgets the image: STATUS reports no run and no image, RUN is refused as NotReady
/// (which the host driver takes for a board reset), IDENTIFY is unchanged, and after a new
/// upload runs equal the golden model's again.
#[test]
fn a_reset_mid_run_forgets_the_image_and_runs_resume_after_an_upload() {
    let mut host = Host::new();
    let img = image_with_steps(&build_config(), 7, 60, Some(5_000));
    host.upload(&img.to_bytes()).unwrap();
    host.call(&Command::Run { run_seed: 9 }).unwrap();
    let s = Status::parse(&host.call(&Command::Status).unwrap()).unwrap();
    assert_eq!(
        s.state,
        BoardState::Running,
        "the run is long enough to be reset in"
    );
    host.sim.pulse_reset().unwrap();
    // the harness takes the signal between two cycles; give it time before the next frame
    std::thread::sleep(Duration::from_millis(200));
    let s = Status::parse(&host.call(&Command::Status).unwrap()).unwrap();
    assert_eq!((s.state, s.steps), (BoardState::Idle, 0), "{s:?}");
    assert_eq!(
        code(host.call(&Command::Run { run_seed: 9 })),
        ErrorCode::NotReady
    );
    let id = Identity::parse(&host.call(&Command::Identify).unwrap()).unwrap();
    assert_eq!(
        id,
        Identity::new(
            &build_config(),
            capability::EXTERNAL | capability::PHASES,
            HASH
        )
    );
    runs_equal_the_golden_model(&mut host);
}

/// Every register and memory that has no initial value starts random (Verilator's
/// X-randomisation, as a UP5K's SPRAM or a block RAM after a partial reconfiguration): after
/// the board's reset, uploads and runs equal the golden model's on the default and the
/// iCEBreaker builds, for several random starts.
#[test]
fn runs_equal_the_golden_model_from_random_registers_and_memories() {
    use npim_hdl::builds::icebreaker::serial_sim as ib;
    use npim_hdl::builds::rtl::serial_sim as rtl;
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
    let default_build = rtl::build_x_random_harness(&cache, HASH).unwrap();
    let icebreaker = ib::build_x_random_harness(&cache, HASH).unwrap();
    for random_seed in ["1", "2"] {
        let env = [("NPIM_RANDOM_RESET", random_seed)];
        let mut host = Host::with_env(&default_build, &env);
        runs_equal_the_golden_model(&mut host);
        let mut host = Host::with_env(&icebreaker, &env);
        for seed in 0..2 {
            let img = image_for(&ib::build_config(), 60 + seed, 15 + 11 * seed as usize);
            host.upload(&img.to_bytes()).unwrap();
            let golden = GoldenCore::new(&img);
            let (got, want) = (host.run(5), golden.run(0, 5));
            assert_eq!(
                (got.best_e4, got.best_step as usize, &got.best_spins),
                (want.best_e4, want.best_step, &want.best_spins),
                "icebreaker, random start {random_seed}, image {seed}"
            );
        }
    }
}

/// The iCEBreaker build has no external mode (`EXTERNAL = false`): IDENTIFY says so and DRIVE
/// and MEASURE are unknown commands; images upload through its narrowed loader and runs read
/// back the golden model's results, as on the default build.
#[test]
fn the_icebreaker_build_runs_without_external_mode() {
    use npim_hdl::builds::icebreaker::serial_sim as ib;
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
    let harness = ib::build_harness(&cache, HASH).unwrap();
    let mut host = Host::on(&harness);
    let id = Identity::parse(&host.call(&Command::Identify).unwrap()).unwrap();
    assert_eq!(id, Identity::new(&ib::build_config(), 0, HASH));
    for seed in 0..2 {
        let img = image_for(&ib::build_config(), 50 + seed, 20 + 9 * seed as usize);
        host.upload(&img.to_bytes()).unwrap();
        let drive = Command::Drive {
            run_seed: 1,
            first: 0,
            count: 4,
        };
        assert_eq!(code(host.call(&drive)), ErrorCode::UnknownCommand);
        let measure = Command::Measure {
            first: 0,
            count: 8,
            bits: vec![0],
        };
        assert_eq!(code(host.call(&measure)), ErrorCode::UnknownCommand);
        let golden = GoldenCore::new(&img);
        for run_seed in [3, 4 + seed as u32] {
            let got = host.run(run_seed);
            let want = golden.run(0, run_seed);
            assert_eq!(
                (got.best_e4, got.best_step as usize, &got.best_spins),
                (want.best_e4, want.best_step, &want.best_spins),
                "image {seed} run {run_seed}"
            );
        }
    }
}

fn runs_equal_the_golden_model(host: &mut Host) {
    for seed in 0..3 {
        let img = image(seed, 10 + 7 * seed as usize);
        host.upload(&img.to_bytes()).unwrap();
        let golden = GoldenCore::new(&img);
        for r in 0..2u32 {
            let run_seed = 1000 * seed as u32 + r;
            let got = host.run(run_seed);
            let want = golden.run(0, run_seed);
            assert_eq!(
                (
                    got.run_seed,
                    got.best_e4,
                    got.best_step as usize,
                    &got.best_spins
                ),
                (run_seed, want.best_e4, want.best_step, &want.best_spins),
                "image {seed} run {r}"
            );
        }
    }
}

/// The spins of the last `window` steps of a golden run from `start`, oldest first.
fn golden_window(img: &CoreImage, seed: u32, start: &RunStart, window: usize) -> Vec<Vec<i8>> {
    let golden = GoldenCore::new(img);
    let mut state = GoldenState::start(&golden, seed, start);
    let mut kept = Vec::new();
    for t in 0..img.steps {
        state.step();
        if t + window >= img.steps {
            kept.push(state.spins().to_vec());
        }
    }
    kept
}

impl Host {
    /// A learning phase (RUN_PHASE), waited for, and its window read back in pages of `page`
    /// spins.
    fn phase(&mut self, seed: u32, window: u16, n: usize, page: usize) -> Vec<Vec<i8>> {
        self.call(&Command::RunPhase {
            run_seed: seed,
            window,
        })
        .unwrap();
        while Status::parse(&self.call(&Command::Status).unwrap())
            .unwrap()
            .state
            != BoardState::Done
        {}
        let total = n * usize::from(window);
        let mut flat = Vec::new();
        while flat.len() < total {
            let count = (total - flat.len()).min(page);
            let bits = self
                .call(&Command::ReadWindow {
                    first: flat.len() as u32,
                    count: count as u16,
                })
                .unwrap();
            assert_eq!(bits.len(), count.div_ceil(8));
            flat.extend(npim_proto::reply::unpack_spins(&bits, count));
        }
        flat.chunks(n).map(<[i8]>::to_vec).collect()
    }

    fn set_linear(&mut self, first: usize, values: &[i32]) -> Result<Vec<u8>, BoardError> {
        self.call(&Command::SetLinear {
            first: first as u32,
            values: values.to_vec(),
        })
    }

    fn set_start(&mut self, first: usize, spins: &[i8]) -> Result<Vec<u8>, BoardError> {
        self.call(&Command::SetStart {
            first: first as u32,
            count: spins.len() as u16,
            bits: pack_spins(spins),
        })
    }
}

/// Learning phases through the UART (SET_LINEAR, SET_START, RUN_PHASE, READ_WINDOW): each
/// phase's window equals the golden model's run from the same linear terms and start spins,
/// spin for spin, read in pages that cross steps and words; the terms stay in place for plain
/// runs; a term too wide, a start page out of order, and windows of 0, beyond the run or beyond
/// the window memory are refused, and nothing is changed by a refused command.
#[test]
fn learning_phases_through_the_uart_equal_the_golden_model() {
    let mut host = Host::new();
    let core = build_config();
    let img = image_with_steps(&core, 31, 45, Some(24));
    let n = img.n;
    host.upload(&img.to_bytes()).unwrap();
    // no window before a phase; a plain run's image terms and empty history
    let read = |first: u32, count: u16| Command::ReadWindow { first, count };
    assert_eq!(code(host.call(&read(0, 8))), ErrorCode::NotReady);
    let w = host.phase(5, 6, n, 1000);
    assert_eq!(w, golden_window(&img, 5, &RunStart::default(), 6));
    // terms within the field budget, in two pages; start spins in pages that split a word
    let budget = npim_sim::fixed::phase::field_budget(&img, &core);
    let mut rng = stream(9, 1);
    let linear: Vec<i32> = budget
        .iter()
        .map(|&b| rng.gen_range(-b.min(300)..=b.min(300)) as i32)
        .collect();
    let spins: Vec<i8> = (0..n)
        .map(|_| if rng.gen::<bool>() { 1 } else { -1 })
        .collect();
    host.set_linear(0, &linear[..20]).unwrap();
    host.set_linear(20, &linear[20..]).unwrap();
    host.set_start(0, &spins[..13]).unwrap();
    assert_eq!(
        code(host.set_start(20, &spins[20..])),
        ErrorCode::OutOfOrder
    );
    host.set_start(13, &spins[13..]).unwrap();
    // a term wider than the build's 16 bits: refused whole, nothing written
    let mut wide = linear[..4].to_vec();
    wide[2] = 1 << 16;
    assert_eq!(code(host.set_linear(0, &wide)), ErrorCode::DoesNotFit);
    assert_eq!(
        code(host.set_linear(40, &linear[..6])),
        ErrorCode::BadLength
    );
    let both = RunStart {
        linear: Some(linear.clone()),
        spins: Some(spins.clone()),
    };
    for (seed, window, page) in [(7u32, 9u16, 37usize), (8, 24, 1000), (9, 1, 5)] {
        let got = host.phase(seed, window, n, page);
        assert_eq!(
            got,
            golden_window(&img, seed, &both, usize::from(window)),
            "phase {seed}"
        );
    }
    // past the last window (one step of 45 spins), and a page from the middle of the next
    assert_eq!(code(host.call(&read(40, 6))), ErrorCode::BadLength);
    let got = host.phase(10, 3, n, 1000);
    let mid = host.call(&read(50, 37)).unwrap();
    let want = golden_window(&img, 10, &both, 3).concat();
    assert_eq!(
        npim_proto::reply::unpack_spins(&mid, 37),
        want[50..87].to_vec()
    );
    assert_eq!(got.concat(), want);
    // start spins cleared; the terms stay, for phases and for plain runs
    host.set_start(0, &[]).unwrap();
    let linear_only = RunStart {
        linear: Some(linear.clone()),
        spins: None,
    };
    assert_eq!(
        host.phase(11, 4, n, 64),
        golden_window(&img, 11, &linear_only, 4)
    );
    let mut in_place = img.clone();
    in_place.linear = linear.clone();
    let want = GoldenCore::new(&in_place).run(0, 12);
    let got = host.run(12);
    assert_eq!(
        (got.best_e4, got.best_step as usize, &got.best_spins),
        (want.best_e4, want.best_step, &want.best_spins)
    );
    assert_eq!(code(host.call(&read(0, 8))), ErrorCode::NotReady);
    // windows of no steps and past the run
    let phase = |window: u16| Command::RunPhase {
        run_seed: 1,
        window,
    };
    assert_eq!(code(host.call(&phase(0))), ErrorCode::BadLength);
    assert_eq!(code(host.call(&phase(25))), ErrorCode::BadLength);
    // a window beyond the window memory: 3 words a step for 45 spins
    let long = image_with_steps(&core, 32, 45, Some(1400));
    host.upload(&long.to_bytes()).unwrap();
    let most = core.window_words / n.div_ceil(core.window_word_spins);
    assert_eq!(
        code(host.call(&phase(most as u16 + 1))),
        ErrorCode::DoesNotFit
    );
    assert!(core.window_fits(n, most + 1).is_err());
    assert_eq!(core.window_fits(n, most), Ok(()));
}

fn code<T: std::fmt::Debug>(r: Result<T, BoardError>) -> ErrorCode {
    r.expect_err("an error response").code
}

#[test]
fn errors_retransmissions_and_corrupted_frames() {
    let mut host = Host::new();
    // before an image
    assert_eq!(
        code(host.call(&Command::Run { run_seed: 1 })),
        ErrorCode::NotReady
    );
    assert_eq!(code(host.call(&Command::ReadResult)), ErrorCode::NotReady);
    let s = Status::parse(&host.call(&Command::Status).unwrap()).unwrap();
    assert_eq!(
        (s.state, s.steps, s.best_e4),
        (BoardState::Idle, 0, i64::MAX)
    );
    // not built, unknown, wrong length
    assert_eq!(
        code(host.call(&Command::Step { run_seed: 1 })),
        ErrorCode::UnknownCommand
    );
    assert_eq!(
        code(host.call(&Command::ReadTrace { first: 0, count: 1 })),
        ErrorCode::UnknownCommand
    );
    let bytes = encode(&Frame {
        seq: 200,
        kind: 0x42,
        payload: vec![],
    });
    let f = host.exchange(&bytes, Duration::from_secs(5));
    assert_eq!(
        parse_response(&f[0].payload).unwrap_err().code,
        ErrorCode::UnknownCommand
    );
    let bytes = encode(&Frame {
        seq: 201,
        kind: 0x07,
        payload: vec![1, 2],
    });
    let f = host.exchange(&bytes, Duration::from_secs(5));
    assert_eq!(
        parse_response(&f[0].payload).unwrap_err().code,
        ErrorCode::BadLength
    );
    // a LOAD that does not continue the image
    assert_eq!(
        code(host.call(&Command::Load {
            offset: 64,
            bytes: vec![1; 8]
        })),
        ErrorCode::OutOfOrder
    );
    // garbage on the line, then a frame with a flipped byte: BadFrame (seq and kind readable)
    let img = image(7, 15).to_bytes();
    let frame = host.frame(&Command::Load {
        offset: 0,
        bytes: img[..MAX_CHUNK.min(img.len())].to_vec(),
    });
    let mut bad = frame.clone();
    bad[40] ^= 0x10;
    let mut stream = vec![0x13, 0x77, 0x00, 0x05, 0x00];
    stream.extend(&bad);
    let f = host.exchange(&stream, Duration::from_secs(5));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].seq, f[0].kind), (host.seq, 0x82));
    assert_eq!(
        parse_response(&f[0].payload).unwrap_err().code,
        ErrorCode::BadFrame
    );
    // the same frame intact is executed; sent again (a lost response), it is answered from the
    // kept response and not executed twice (a second LOAD at 0 would restart the image: the
    // commit below would then fail)
    for _ in 0..2 {
        let f = host.exchange(&frame, Duration::from_secs(5));
        assert_eq!(f.len(), 1);
        assert_eq!(parse_response(&f[0].payload), Ok(vec![]));
    }
    // the rest of the image, and a commit of the wrong length, then the right one
    for (k, chunk) in img.chunks(MAX_CHUNK).enumerate().skip(1) {
        host.call(&Command::Load {
            offset: (k * MAX_CHUNK) as u32,
            bytes: chunk.to_vec(),
        })
        .unwrap();
    }
    assert_eq!(
        code(host.call(&Command::Commit {
            len: img.len() as u32 + 1
        })),
        ErrorCode::ImageInvalid
    );
    host.call(&Command::Commit {
        len: img.len() as u32,
    })
    .unwrap();
    let golden = GoldenCore::new(&image(7, 15));
    let got = host.run(5);
    assert_eq!(got.best_e4, golden.run(0, 5).best_e4);
    // RESET forgets the image
    host.call(&Command::Reset).unwrap();
    assert_eq!(
        code(host.call(&Command::Run { run_seed: 1 })),
        ErrorCode::NotReady
    );
    // a damaged image is refused at COMMIT; one beyond the build's limits too
    let mut damaged = img.clone();
    damaged[100] ^= 1;
    assert_eq!(code(host.upload(&damaged)), ErrorCode::ImageInvalid);
    let mut big = img.clone();
    big[12..16].copy_from_slice(&3000u32.to_le_bytes());
    assert_eq!(code(host.upload(&big)), ErrorCode::DoesNotFit);
}

#[test]
fn rust_hdl_and_verilator_agree_cycle_for_cycle_on_the_serial_core() {
    use npim_hdl::builds::rtl::serial_sim::{run_rust_hdl_batch, run_verilator_batch};
    let frame = |seq: u8, cmd: Command| {
        encode(&Frame {
            seq,
            kind: cmd.kind(),
            payload: cmd.payload(),
        })
    };
    let mut corrupted = frame(9, Command::Run { run_seed: 77 });
    corrupted[3] ^= 0x20;
    let mut garbage_then_status = vec![0x31, 0x00, 0x02, 0x07];
    garbage_then_status.extend(frame(4, Command::Status));
    let cases = [
        frame(1, Command::Identify),
        frame(2, Command::Run { run_seed: 5 }),
        corrupted,
        garbage_then_status,
        // the phase commands' dispatch (no image yet: NotReady; a bad length first)
        frame(
            5,
            Command::SetLinear {
                first: 0,
                values: vec![3, -4],
            },
        ),
        frame(
            6,
            Command::SetStart {
                first: 0,
                count: 9,
                bits: vec![0x5a, 1],
            },
        ),
        frame(
            7,
            Command::RunPhase {
                run_seed: 5,
                window: 3,
            },
        ),
        frame(8, Command::ReadWindow { first: 0, count: 9 }),
    ];
    for (k, input) in cases.iter().enumerate() {
        let vl = run_verilator_batch(harness(), input, 4).unwrap();
        let rh = run_rust_hdl_batch(input, 4, HASH, 200_000).unwrap();
        assert!(!vl.is_empty(), "case {k}: a response");
        assert_eq!(rh, vl, "case {k}: rust_hdl and Verilator differ");
        let bytes: Vec<u8> = vl.iter().map(|&(_, b)| b).collect();
        let frames: Vec<_> = Deframer::new().push(&bytes);
        assert_eq!(frames.len(), 1, "case {k}");
        assert!(frames[0].is_ok(), "case {k}");
    }
}

/// Every command kind the host knows (`npim_proto::kind::ALL`) reaches the engine's dispatch:
/// with a payload of the wrong length it is answered BadLength, unless IDENTIFY says the build
/// lacks it (then UnknownCommand); every status byte that comes back is one the host knows.
fn every_kind_is_dispatched(host: &mut Host) {
    let id = Identity::parse(&host.call(&Command::Identify).unwrap()).unwrap();
    let needs = |k: u8| match k {
        kind::STEP => capability::STEP,
        kind::READ_TRACE => capability::TRACE,
        kind::DRIVE | kind::MEASURE => capability::EXTERNAL,
        kind::SET_LINEAR | kind::SET_START | kind::RUN_PHASE | kind::READ_WINDOW => {
            capability::PHASES
        }
        _ => 0,
    };
    for (k, name) in kind::ALL {
        // one byte: short for every command with arguments, long for those without
        let bytes = encode(&Frame {
            seq: k.wrapping_add(100),
            kind: k,
            payload: vec![0xEE],
        });
        let f = host.exchange(&bytes, Duration::from_secs(5));
        assert_eq!(f.len(), 1, "{name}: one response");
        assert_eq!(f[0].kind, k | kind::RESPONSE, "{name}");
        let status = f[0].payload[0];
        assert!(
            status == STATUS_OK || ErrorCode::from_u8(status).is_some(),
            "{name}: status byte {status} is no protocol code"
        );
        let want = if id.capabilities & needs(k) == needs(k) {
            ErrorCode::BadLength
        } else {
            ErrorCode::UnknownCommand
        };
        assert_eq!(
            parse_response(&f[0].payload).unwrap_err().code,
            want,
            "{name}"
        );
    }
}

#[test]
fn every_protocol_kind_is_dispatched_on_both_serial_builds() {
    every_kind_is_dispatched(&mut Host::new());
    use npim_hdl::builds::icebreaker::serial_sim as ib;
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
    let harness = ib::build_harness(&cache, HASH).unwrap();
    every_kind_is_dispatched(&mut Host::on(&harness));
}
