//! Bad input, table-driven: each case is a command line, the exit code it must end with and a
//! fragment its message must hold. Nothing may panic, hang, overwrite an input or exit 0 with a
//! wrong answer. Run in a scratch folder holding copies of the files the cases name.

use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `(arguments, exit code, fragment of what it prints: stderr, then stdout)`.
const CASES: &[(&str, i32, &str)] = &[
    // an output that is an input is refused before anything is written
    (
        "quantize -i g11.txt -p pp.json -o pp.json",
        1,
        "-o pp.json is also an input",
    ),
    ("quantize -i g11.txt -o g11.txt", 1, "is also an input"),
    ("solve -i g11.txt -R 2 -o g11.txt", 1, "is also an input"),
    (
        "solve --algo golden --image g11.img -R 2 -o g11.img",
        1,
        "is also an input",
    ),
    (
        "run --emulate --image g11.img -R 1 -o g11.img",
        1,
        "is also an input",
    ),
    (
        "run --emulate --image g11.img -R 1 --trace g11.img",
        1,
        "is also an input",
    ),
    (
        "sim --image g11.img -R 1 --vcd g11.img",
        1,
        "is also an input",
    ),
    (
        "hil -i g11.txt -p pp.json -T 10 -R 1 --trace pp.json",
        1,
        "is also an input",
    ),
    // an output folder that does not exist is found before the work
    (
        "solve -R 10 -o nodir/x.csv",
        1,
        "the folder nodir does not exist",
    ),
    ("quantize -i g11.txt -o nodir/g11.img", 1, "does not exist"),
    // targets no run can be judged by
    (
        "solve -i sk.txt --target -10 -R 2",
        1,
        "for an energy target add --problem ising",
    ),
    ("solve --target NaN -R 2", 1, "give a finite number"),
    (
        "solve -i sk.txt --problem ising --target inf -R 2",
        1,
        "give a finite number",
    ),
    (
        "solve -i sk.txt --problem ising --target=-inf -R 2",
        1,
        "give a finite number",
    ),
    // an image run against an instance it was not quantized from
    (
        "run --emulate --image g11.img -i other.txt -R 1",
        1,
        "the image was not quantized from other.txt: coupling",
    ),
    (
        "solve --algo golden --image g11.img -i other.txt -R 1",
        1,
        "was not quantized from this instance",
    ),
    (
        "sim --image g11.img -i other.txt -R 1",
        1,
        "was not quantized from other.txt",
    ),
    (
        "run --emulate --image g11.img -i sk.txt -R 1",
        1,
        "the instance has 20 spins, the image 800",
    ),
    // weights whose sums overflow
    ("solve -i huge.txt -R 2", 1, "the weights are too large"),
    // sizes refused before allocation
    (
        "generate sk:n=100000000 -o big.txt",
        1,
        "more than the 16777216",
    ),
    (
        "generate sk:n=30000 -o big.txt",
        1,
        "would need about 36.0 GB",
    ),
    ("generate gnm:n=1000000,m=900000000 -o big.txt", 1, "GB"),
    // an emulator never replaces a user's file with its link
    ("emulate --link g11.txt", 1, "exists and is not a link"),
    // parameters the core cannot run, loops that cannot close
    (
        "quantize -i g11.txt -p cnpim.json -o c.img",
        1,
        "the core runs dNPIM only",
    ),
    (
        "hil -i g11.txt -T 20 -R 1 --config lag.toml",
        1,
        "is not below the run's 20 steps",
    ),
    // an image's seed, or the one asked for
    (
        "solve --algo golden --image g11.img -R 1 --seed 3",
        0,
        "seed 3, image g11.img",
    ),
    // external mode needs Verilator
    (
        "sim --image g11.img -R 1 --external --engine rust-hdl",
        1,
        "--external needs the Verilator engine",
    ),
    // link settings
    ("emulate --baud 0", 2, "0 is not in 1.."),
    (
        "run --emulate --image g11.img --baud 0",
        2,
        "0 is not in 1..",
    ),
    // thread counts are capped with a word, and the run goes on
    (
        "--threads 10000 solve -R 2 -T 10",
        0,
        "--threads 10000: using",
    ),
    // a baseline's parameters inline, as the help says
    (
        "solve --algo cac --algo-params {\"tau\":400} -R 2 -T 50",
        0,
        "\"tau\":400.0",
    ),
    // a baseline's parameters out of range, or misspelt
    (
        "solve --algo cac --algo-params {\"tau\":0} -R 2 -T 50",
        1,
        "cac parameter tau = 0: iterations without improvement",
    ),
    (
        "solve --algo dsbm --algo-params {\"dt\":1e300} -R 2 -T 50",
        1,
        "dsbm parameter dt = 1e300: must be finite",
    ),
    (
        "solve --algo sa --algo-params {\"tua\":3} -R 2 -T 50",
        1,
        "unknown field `tua`: the parameters of sa are beta_end, beta_start",
    ),
    ("solve -R 0", 2, "--runs <R>': must be at least 1"),
    // files in other encodings, or with impossible sizes
    ("solve -i bom.txt -R 2 -T 10", 0, "P_s"),
    ("solve -i utf16.txt -R 2", 1, "UTF-16 text"),
    (
        "solve -i neg.txt -R 2",
        1,
        "vertex count `-5` must be a whole number, 1 or more",
    ),
    ("solve -i n0.json -R 2", 1, "`n` is 0"),
    ("convert g11.txt -o nodir/g11.json", 1, "cannot write"),
    // learning on the core: the data, the network's size and β are checked before any phase
    (
        "ep train --data badcols.csv -o ep1",
        1,
        "line 3: 2 columns where the header has 3",
    ),
    (
        "ep train --data nolabel.csv -o ep1",
        1,
        "the label (last column) `cat` is not a class number",
    ),
    (
        "ep train --data iris --hidden 900 --core icebreaker -o ep1",
        1,
        "the network has 903 spins (900 hidden + 3 outputs); core `icebreaker` holds 800",
    ),
    (
        "ep train --data digits --steps 1400 --window 1400 -o ep1",
        1,
        "--window 1400: a window of 1400 steps of 42 spins takes 4200 words; core `rtl` keeps 2048",
    ),
    (
        "ep train --data iris --core dense -o ep1",
        1,
        "core `dense` stores J dense",
    ),
    (
        "ep train --data iris --beta 0 -o ep1",
        1,
        "with β = 0 both phases are the same",
    ),
    (
        "ep train --data epout/curve.csv -o epout",
        1,
        "is the run's own curve.csv",
    ),
    (
        "ep train --data nosuch.csv -o ep1",
        1,
        "nosuch.csv: No such file",
    ),
];

#[test]
fn bad_input_gets_a_clear_error_and_loses_nothing() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(root.join("examples/G11.txt"), d.join("g11.txt")).unwrap();
    std::fs::copy(root.join("examples/sk20.txt"), d.join("sk.txt")).unwrap();
    std::fs::copy(
        root.join("params/gset-toroidal-n200.json"),
        d.join("pp.json"),
    )
    .unwrap();
    // another 800-spin torus with ±1 weights: G11's shape, other signs
    let o = Command::new(env!("CARGO_BIN_EXE_npim"))
        .args([
            "generate",
            "torus:rows=100,cols=8,seed=5",
            "-o",
            "other.txt",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(o.status.success());
    let pp = std::fs::read_to_string(d.join("pp.json")).unwrap();
    std::fs::write(
        d.join("cnpim.json"),
        pp.replacen("\"variant\": \"dnpim\"", "\"variant\": \"cnpim\"", 1),
    )
    .unwrap();
    std::fs::write(d.join("lag.toml"), "latency = 1000000000\n").unwrap();
    std::fs::write(d.join("huge.txt"), "3 3\n1 2 1e308\n2 3 1e308\n1 3 1e308\n").unwrap();
    let g11 = std::fs::read_to_string(d.join("g11.txt")).unwrap();
    std::fs::write(d.join("bom.txt"), format!("\u{feff}{g11}")).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(g11.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    std::fs::write(d.join("utf16.txt"), utf16).unwrap();
    std::fs::write(d.join("neg.txt"), "-5 1\n1 2 1\n").unwrap();
    std::fs::write(
        d.join("n0.json"),
        r#"{"format":"npim-instance","version":1,"n":0,"edges":[]}"#,
    )
    .unwrap();
    std::fs::write(d.join("badcols.csv"), "a,b,label\n1,2,0\n3,1\n").unwrap();
    std::fs::write(d.join("nolabel.csv"), "a,b,label\n1,2,0\n3,1,cat\n").unwrap();
    std::fs::create_dir(d.join("epout")).unwrap();
    std::fs::write(d.join("epout/curve.csv"), "a,b,label\n1,2,0\n3,1,1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_npim"))
        .args(["quantize", "-i", "g11.txt", "-T", "20", "-o", "g11.img"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(o.status.success());
    let before: Vec<(String, Vec<u8>)> =
        ["g11.txt", "sk.txt", "pp.json", "g11.img", "epout/curve.csv"]
            .iter()
            .map(|f| (f.to_string(), std::fs::read(d.join(f)).unwrap()))
            .collect();
    let mut failures = Vec::new();
    for (args, code, fragment) in CASES {
        let o = Command::new(env!("CARGO_BIN_EXE_npim"))
            .args(args.split_whitespace())
            .current_dir(d)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        let got = o.status.code();
        if got != Some(*code) || !err.contains(fragment) || err.contains("panicked") {
            failures.push(format!(
                "npim {args}: exit {got:?} (want {code}), stderr:\n{err}"
            ));
        }
    }
    for (f, bytes) in &before {
        assert_eq!(&std::fs::read(d.join(f)).unwrap(), bytes, "{f} was changed");
    }
    assert!(!d.join("big.txt").exists());
    assert!(
        !d.join("ep1").exists(),
        "a refused EP run made its output folder"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Ctrl-C during a long batch: the runs that finished are summarised and in the CSV, marked
/// partial, and the exit code says the batch is incomplete (130, not 0).
#[test]
fn ctrl_c_keeps_the_finished_runs() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("runs.csv");
    for args in [
        vec!["solve", "-R", "1000000", "-q", "-o", csv.to_str().unwrap()],
        vec![
            "run",
            "--emulate",
            "-i",
            "g11.txt",
            "-R",
            "1000000",
            "-q",
            "-o",
            csv.to_str().unwrap(),
        ],
        vec![
            "hil",
            "-i",
            "g11.txt",
            "-T",
            "100",
            "-R",
            "1000000",
            "-q",
            "-o",
            csv.to_str().unwrap(),
        ],
        vec![
            "hil",
            "--emulate",
            "-i",
            "g11.txt",
            "-T",
            "20",
            "-R",
            "1000000",
            "-q",
            "-o",
            csv.to_str().unwrap(),
        ],
    ] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::copy(root.join("examples/G11.txt"), dir.path().join("g11.txt")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_npim"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
        // SAFETY: signalling a child this test started and still owns.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGINT);
        }
        let o = child.wait_with_output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(130), "{args:?}: {out}");
        let finished: usize = out
            .lines()
            .find_map(|l| l.strip_prefix("partial   "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|k| k.parse().ok())
            .unwrap_or_else(|| panic!("{args:?}: no partial line in\n{out}"));
        assert!(finished >= 1, "{out}");
        let rows = std::fs::read_to_string(&csv).unwrap().lines().count();
        assert_eq!(rows, finished + 1, "{args:?}: one CSV row per finished run");
    }
}
