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
    // a core configuration wider than the RTL build is refused
    let o = npim(&["hdl", "verilog", "--core", "sim", "-o", v.to_str().unwrap()]);
    assert!(
        !o.status.success() && stderr(&o).contains("this RTL build has"),
        "{}",
        stderr(&o)
    );

    let image = dir.path().join("sk.npimg");
    let sk = shared("sk/SK1_N20_0.txt");
    let o = npim(&[
        "quantize",
        "-i",
        &sk,
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
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let rtl = stdout(&o);
    assert!(field(&rtl, "check").starts_with("every step of every run equals the golden model"));
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
    let rtl_best = field(&rtl, "best")
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(golden_best, rtl_best);
}
