//! `npim hdl verilog` and `npim sim` from the command line.

use super::util::{field, npim, shared, stderr, stdout};

#[test]
fn verilog_is_written_and_sim_matches_the_golden_model() {
    let dir = tempfile::tempdir().unwrap();
    let v = dir.path().join("core.v");
    let o = npim(&["hdl", "verilog", "-o", v.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&v).unwrap();
    assert!(text.contains("module top(") && text.contains("endmodule"));
    // a core configuration wider than every RTL build is refused, naming what does not fit
    let o = npim(&["hdl", "verilog", "--core", "sim", "-o", v.to_str().unwrap()]);
    assert!(
        !o.status.success() && stderr(&o).contains("no RTL build holds core `sim`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("n_max 20000 > 2048"), "{}", stderr(&o));
    // each build by name; the four-lane build's matvec engine has four entry banks, the
    // default (32 lanes) 32
    let o = npim(&[
        "hdl",
        "verilog",
        "--core",
        "rtl4",
        "-o",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let four = std::fs::read_to_string(&v).unwrap();
    assert!(four.contains("read_data$3") && !four.contains("read_data$4"));
    assert!(text.contains("read_data$31") && !text.contains("read_data$32"));
    // the incremental matvec's blocks are the `rtl` build's alone; elsewhere a clear refusal
    let o = npim(&[
        "hdl",
        "verilog",
        "--block",
        "scatter",
        "-o",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let scatter = std::fs::read_to_string(&v).unwrap();
    assert!(scatter.contains("module top(") && scatter.contains("row_lanes$31"));
    let o = npim(&[
        "hdl",
        "verilog",
        "--block",
        "incremental",
        "-o",
        v.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let incremental = std::fs::read_to_string(&v).unwrap();
    // (four fields a cycle, a part of a place)
    assert!(
        incremental.contains("module top(")
            && incremental.contains("fields$3")
            && !incremental.contains("fields$4")
            && incremental.contains("word_part")
    );
    let o = npim(&[
        "hdl",
        "verilog",
        "--block",
        "incremental",
        "--core",
        "rtl4",
        "-o",
        v.to_str().unwrap(),
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("build `rtl4` has no incremental matvec"),
        "{}",
        stderr(&o)
    );

    let image = dir.path().join("sk.npimg");
    let sk = shared("sk/SK1_N20_0.txt");
    let o = npim(&[
        "quantize",
        "-i",
        &sk,
        "-p",
        "handset",
        "--core",
        "rtl",
        "-T",
        "30",
        "--seed",
        "2",
        "-o",
        image.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cache = dir.path().join("cache");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_npim"))
        .env("NPIM_CACHE", &cache)
        .args([
            "sim",
            "--image",
            image.to_str().unwrap(),
            "-R",
            "3",
            "--check",
            "-q",
            "--problem",
            "ising",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let rtl = stdout(&o);
    assert!(field(&rtl, "check").starts_with("every step of every run equals the golden model"));
    assert!(field(&rtl, "solver").starts_with("rtl build `rtl` (32 matvec lanes, 16 update units"));
    // the other builds give the same runs, `rtl4` in more cycles (fewer lanes and units); the
    // 4-bit build refuses the 8-bit image, naming why
    let sim_on = |core: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_npim"))
            .env("NPIM_CACHE", &cache)
            .args([
                "sim",
                "--image",
                image.to_str().unwrap(),
                "-R",
                "3",
                "--check",
                "-q",
                "--problem",
                "ising",
            ])
            .args(["--core", core])
            .output()
            .unwrap()
    };
    let o = sim_on("rtl4");
    assert!(o.status.success(), "{}", stderr(&o));
    let rtl4 = stdout(&o);
    assert_eq!(field(&rtl4, "best"), field(&rtl, "best"));
    let cycles = |text: &str| -> f64 {
        field(text, "cycles")
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(cycles(&rtl) < cycles(&rtl4));
    // the dense build runs the CSR image from its n × n weights: the same runs
    let o = sim_on("dense");
    assert!(o.status.success(), "{}", stderr(&o));
    let dense = stdout(&o);
    assert_eq!(field(&dense, "best"), field(&rtl, "best"));
    assert!(field(&dense, "solver").contains("dense J"));
    let o = sim_on("small");
    assert!(
        !o.status.success() && stderr(&o).contains("J bits 8 exceeds this core's 4"),
        "{}",
        stderr(&o)
    );
    // the same best energy as the golden model run from the same image
    let g = npim(&[
        "solve",
        "--algo",
        "golden",
        "-i",
        &sk,
        "--problem",
        "ising",
        "--image",
        image.to_str().unwrap(),
        "-R",
        "3",
        "-q",
    ]);
    let golden_best = field(&stdout(&g), "best")
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(',')
        .to_string();
    // (npim sim prints the summary npim solve does)
    let rtl_best = field(&rtl, "best")
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(',')
        .to_string();
    assert_eq!(golden_best, rtl_best);
}

/// Equilibrium propagation on the serial core's Verilog under Verilator, through the phase
/// commands at its UART pins (linear terms in place, start spins for the reverse-annealed
/// nudged phase, windows read back), trains the same network, bit for bit, as on the golden
/// model; accuracies are the same.
#[test]
fn ep_on_the_rtl_serial_core_equals_ep_on_the_golden_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();
    let common = [
        "ep",
        "train",
        "--data",
        "iris",
        "--hidden",
        "6",
        "--epochs",
        "1",
        "--reverse",
        "0.5",
        "-q",
    ];
    let golden = out("golden");
    let o = npim(&[&common[..], &["-o", &golden]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let rtl = out("rtl");
    let o = npim(&[&common[..], &["--rtl", "-o", &rtl]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the serial core of build `rtl` under Verilator"),
        "{}",
        stderr(&o)
    );
    let read = |d: &str| std::fs::read(std::path::Path::new(d).join("network.json")).unwrap();
    assert_eq!(read(&rtl), read(&golden));
    // the same accuracies (every column but the epoch's seconds)
    let accuracies = |d: &str| -> Vec<String> {
        std::fs::read_to_string(std::path::Path::new(d).join("curve.csv"))
            .unwrap()
            .lines()
            .map(|l| l.rsplit_once(',').unwrap().0.to_string())
            .collect()
    };
    assert_eq!(accuracies(&rtl), accuracies(&golden));
    let o = npim(
        &[
            &common[..],
            &["--rtl", "--core", "small", "-o", &out("small")],
        ]
        .concat(),
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("leave --core out"), "{}", stderr(&o));
}
