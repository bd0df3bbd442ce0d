//! The serial link end to end over a real pseudo-terminal: `npim emulate` on one end, `npim run
//! --port` on the other, results compared with `npim solve --algo golden` file for file.

use super::util::{npim, shared, stderr, stdout};
use std::path::Path;

/// `npim emulate ARGS` from the current folder.
struct Emulator;

impl Emulator {
    fn start(args: &[&str]) -> super::util::Emulator {
        let mut all = vec!["emulate"];
        all.extend(args);
        super::util::Emulator::spawn(&all, Path::new("."))
    }
}

/// Quantizes with the hand-set rule (`D·Tc = 2`: the fastest images for the RTL engines).
fn quantize(source: &[&str], core: &str, steps: &str, out: &Path) {
    let mut args = vec!["quantize", "-p", "handset"];
    args.extend(source);
    args.extend(["--core", core, "-T", steps, "-o", out.to_str().unwrap()]);
    let o = npim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// G11 quantized for the iCEBreaker's core with the hand-set rule at `steps`, as `dir/g11.npimg`.
fn g11_for_the_icebreaker(dir: &Path, steps: &str) -> std::path::PathBuf {
    let image = dir.join("g11.npimg");
    quantize(
        &["-i", &shared("gset/G11.txt")],
        "icebreaker",
        steps,
        &image,
    );
    image
}

/// `npim run --port` and `npim solve --algo golden` on one image: the per-run CSVs (seed, best
/// energy, best step, objective, success) are the same bytes.
fn run_equals_solve(port: &str, image: &Path, runs: &str, extra: &[&str]) {
    let dir = image.parent().unwrap();
    let (got, want) = (dir.join("run.csv"), dir.join("solve.csv"));
    let mut args = vec![
        "run",
        "--port",
        port,
        "--image",
        image.to_str().unwrap(),
        "-R",
        runs,
        "-q",
        "-o",
        got.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = npim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o2 = npim(&[
        "solve",
        "--algo",
        "golden",
        "--image",
        image.to_str().unwrap(),
        "-R",
        runs,
        "-q",
        "-o",
        want.to_str().unwrap(),
    ]);
    assert!(o2.status.success(), "{}", stderr(&o2));
    assert_eq!(
        std::fs::read_to_string(&got).unwrap(),
        std::fs::read_to_string(&want).unwrap(),
        "{}",
        image.display()
    );
    let (a, b) = (stdout(&o), stdout(&o2));
    let best = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("best"))
            .unwrap()
            .to_string()
    };
    assert_eq!(best(&a), best(&b));
}

#[test]
fn a_board_on_a_pseudo_terminal_gives_the_golden_results() {
    let dir = tempfile::tempdir().unwrap();
    let ice = Emulator::start(&["--core", "icebreaker"]);
    for (name, steps) in [("G11", "300"), ("G14", "120"), ("G18", "120")] {
        let image = dir.path().join(format!("{name}.npimg"));
        let file = shared(&format!("gset/{name}.txt"));
        quantize(&["-i", &file], "icebreaker", steps, &image);
        run_equals_solve(&ice.path, &image, "3", &[]);
    }
    // host in the loop: every step a STEP round trip, the same results
    run_equals_solve(
        &ice.path,
        &dir.path().join("G11.npimg"),
        "2",
        &["--stepped"],
    );
    // an SK instance on a bigger core
    let sim = Emulator::start(&["--core", "sim"]);
    let image = dir.path().join("sk.npimg");
    quantize(&["-i", &shared("sk/SK1_N100_0.txt")], "sim", "200", &image);
    run_equals_solve(&sim.path, &image, "4", &[]);
    // the trace comes back: one row per step
    let trace = dir.path().join("trace.csv");
    let o = npim(&[
        "run",
        "--port",
        &sim.path,
        "--image",
        image.to_str().unwrap(),
        "-R",
        "1",
        "-q",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = std::fs::read_to_string(&trace).unwrap();
    assert_eq!(rows.lines().count(), 201);
    assert!(rows.starts_with("step,e4,energy\n0,"));
}

#[test]
fn a_faulty_wire_gives_the_same_results_or_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let image = g11_for_the_icebreaker(dir.path(), "200");
    let faulty = Emulator::start(&["--faults", "0.0005,0.0005,0.0005"]);
    run_equals_solve(
        &faulty.path,
        &image,
        "3",
        &["--retries", "40", "--timeout-ms", "150"],
    );
    // a board that stops answering: bounded retries, then an error naming the command
    let dead = Emulator::start(&["--faults", "0.99,0,0"]);
    let o = npim(&[
        "run",
        "--port",
        &dead.path,
        "--image",
        image.to_str().unwrap(),
        "--retries",
        "2",
        "--timeout-ms",
        "100",
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("identifying the board")
            && e.contains("no valid reply to Identify")
            && e.contains("after 3 tries"),
        "{e}"
    );
    // no such port
    let o = npim(&[
        "run",
        "--port",
        "/dev/npim-no-such-port",
        "--image",
        image.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("opening /dev/npim-no-such-port"),
        "{}",
        stderr(&o)
    );
    // an image for a bigger core is refused before a byte is sent
    let big = dir.path().join("big.npimg");
    quantize(&["-g", "sk:n=900,seed=1"], "sim", "10", &big);
    let ice = Emulator::start(&["--core", "icebreaker"]);
    let o = npim(&["run", "--port", &ice.path, "--image", big.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("does not fit this board's core: N 900 exceeds this core's 800"),
        "{e}"
    );
    // listing ports works on any machine (there may be none)
    assert!(npim(&["ports"]).status.success());
}

/// A bounded soak (issue 24; `results/link-faults/soak.sh` is the long one): one emulator
/// behind a wire with 10⁻³ byte faults of each kind answers batch after batch (each a fresh
/// upload and 8 runs: about 1 500 frames in all), every batch gives the golden model's CSV,
/// its resident memory stays flat from the second batch to the last, and a clean client
/// afterwards still gets the golden results (no stuck state).
#[test]
fn a_soak_over_a_faulty_wire_keeps_results_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let image = g11_for_the_icebreaker(dir.path(), "100");
    let emu = Emulator::start(&["--core", "icebreaker", "--faults", "0.001,0.001,0.001"]);
    let mut rss = Vec::new();
    for _ in 0..6 {
        run_equals_solve(
            &emu.path,
            &image,
            "8",
            &["--retries", "40", "--timeout-ms", "150"],
        );
        rss.push(emu.rss_kb());
    }
    // the first batch brings the image buffers and thread stacks in; after it, a leak of even
    // 1 kB a command would add several hundred kB
    let (settled, last) = (rss[1], *rss.last().unwrap());
    assert!(last <= settled + 1024, "resident kB by batch: {rss:?}");
    run_equals_solve(&emu.path, &image, "2", &[]);
}

/// A board reset mid-batch (the emulator's `--reset-every`: the board forgets its image every
/// K commands) gets the image again and the interrupted run again: the batch completes with
/// the same CSV as `solve --algo golden`, in process and over a pseudo-terminal, and says how
/// often it re-uploaded; a board that resets faster than an upload fails clearly.
#[test]
fn a_board_reset_mid_batch_completes_with_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let image = g11_for_the_icebreaker(dir.path(), "200");
    let resetting = Emulator::start(&["--core", "icebreaker", "--reset-every", "45"]);
    run_equals_solve(&resetting.path, &image, "6", &[]);
    let (got, want) = (dir.path().join("reset.csv"), dir.path().join("solve.csv"));
    let o = npim(&[
        "run",
        "--emulate",
        "--core",
        "icebreaker",
        "--reset-every",
        "45",
        "--image",
        image.to_str().unwrap(),
        "-R",
        "6",
        "-o",
        got.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("the board lost its image"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("uploading it again"), "{}", stderr(&o));
    // run_equals_solve left the golden model's CSV of the same image and runs
    assert_eq!(
        std::fs::read_to_string(&got).unwrap(),
        std::fs::read_to_string(&want).unwrap()
    );
    let o = npim(&[
        "run",
        "--emulate",
        "--core",
        "icebreaker",
        "--reset-every",
        "5",
        "--image",
        image.to_str().unwrap(),
        "-R",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("uploads in a row cut short"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_rtl_engines_behind_the_emulator_give_the_golden_results() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("sk30.npimg");
    quantize(&["-g", "sk:n=30,seed=5"], "rtl", "40", &image);
    let rtl = Emulator::start(&["--engine", "rtl"]);
    run_equals_solve(&rtl.path, &image, "2", &["--timeout-ms", "2000"]);
    // the dense build behind the emulator: a dense image (n × n weights, no column bits) gives
    // the golden runs; a CSR image does not fit it
    let dense_image = dir.path().join("sk30-dense.npimg");
    quantize(&["-g", "sk:n=30,seed=5"], "dense", "40", &dense_image);
    let dense = Emulator::start(&["--engine", "rtl", "--core", "dense"]);
    run_equals_solve(&dense.path, &dense_image, "2", &["--timeout-ms", "2000"]);
    let o = npim(&[
        "run",
        "--port",
        &dense.path,
        "--image",
        image.to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("the image stores J Sparse, this core Dense"),
        "{}",
        stderr(&o)
    );
    // the whole serial core: the bytes go through the UART, frame decoder and command engine
    // of the generated Verilog, over a wire that also drops, duplicates and corrupts bytes
    let uart = Emulator::start(&["--engine", "rtl-uart"]);
    run_equals_solve(&uart.path, &image, "2", &["--timeout-ms", "2000"]);
    let faulty = Emulator::start(&["--engine", "rtl-uart", "--faults", "0.0005,0.0005,0.0005"]);
    run_equals_solve(
        &faulty.path,
        &image,
        "2",
        &["--timeout-ms", "1000", "--retries", "40"],
    );
}

/// `npim hil` with the host in the loop over the protocol (DRIVE / MEASURE each step) gives the
/// in-process loop's results, run for run and step for step: over a pseudo-terminal to `npim
/// emulate`, and with the in-process board model (also on a faulty wire).
#[test]
fn the_analog_loop_over_the_link_equals_the_loop_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let config = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../results/hil/opo-realistic.toml");
    let hil = |tag: &str, extra: &[&str]| {
        let (csv, trace) = (
            dir.path().join(format!("{tag}.csv")),
            dir.path().join(format!("{tag}-trace.csv")),
        );
        let mut args = vec![
            "hil",
            "--oscillator",
            "opo",
            "-g",
            "sk:n=40,seed=9",
            "-q",
            "--config",
            config.to_str().unwrap(),
            "-o",
            csv.to_str().unwrap(),
            "--trace",
            trace.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = npim(&args);
        assert!(o.status.success(), "{tag}: {}", stderr(&o));
        (
            std::fs::read(csv).unwrap(),
            std::fs::read(trace).unwrap(),
            stdout(&o),
        )
    };
    // (in process the `sim` core; over the port, the core the board reports: the same)
    let local = hil("local", &["--core", "sim", "-T", "50", "-R", "3"]);
    let emulated = hil(
        "emulated",
        &["--core", "sim", "-T", "50", "-R", "3", "--emulate"],
    );
    assert_eq!(local.0, emulated.0);
    assert_eq!(local.1, emulated.1);
    assert!(
        emulated.2.contains("one step at a time over the link"),
        "{}",
        emulated.2
    );
    let board = Emulator::start(&["--core", "sim"]);
    let remote = hil("pty", &["-T", "50", "-R", "3", "--port", &board.path]);
    assert_eq!(local.0, remote.0);
    assert_eq!(local.1, remote.1);
    // The serial core's generated Verilog behind the pseudo-terminal (UART, command engine,
    // the core in external mode): the same loop, bit for bit, with an image for its build.
    let local_rtl = hil("local-rtl", &["--core", "rtl", "-T", "20", "-R", "2"]);
    let uart = Emulator::start(&["--engine", "rtl-uart"]);
    let remote_rtl = hil(
        "pty-rtl",
        &[
            "--core",
            "rtl",
            "-T",
            "20",
            "-R",
            "2",
            "--port",
            &uart.path,
            "--timeout-ms",
            "5000",
        ],
    );
    assert_eq!(local_rtl.0, remote_rtl.0);
    assert_eq!(local_rtl.1, remote_rtl.1);
    // A board without external mode (the RTL core's whole-run emulator) is refused before the
    // loop starts.
    let rtl = Emulator::start(&["--engine", "rtl"]);
    let o = npim(&[
        "hil",
        "-g",
        "sk:n=20,seed=1",
        "-T",
        "10",
        "-R",
        "1",
        "-q",
        "--core",
        "rtl",
        "--port",
        &rtl.path,
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("does not support external mode"),
        "{}",
        stderr(&o)
    );
}

/// `--link` makes a named link to the pseudo-terminal; SIGTERM ends the emulator cleanly and the
/// link goes with it, so no dangling link is left for the next client.
#[test]
fn the_emulators_link_goes_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("board");
    let e =
        super::util::Emulator::spawn(&["emulate", "--link", link.to_str().unwrap()], dir.path());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::path::PathBuf::from(&e.path)
    );
    let status = e.terminate();
    assert!(status.success(), "{status:?}");
    assert!(link.symlink_metadata().is_err(), "the link is left behind");
}
