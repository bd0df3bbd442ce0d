//! `npim solve`, `generate`, `convert` and `info` from the command line.

use super::util::{field, npim, shared, stderr, stdout};

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn solve_g11_prints_the_summary_and_writes_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("g11.csv");
    let g11 = shared("gset/G11.txt");
    let out = npim(&[
        "solve",
        "--instance",
        &g11,
        "--runs",
        "8",
        "--steps",
        "400",
        "--target",
        "540",
        "--seed",
        "3",
        "-q",
        "--out",
        csv_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        field(&text, "instance").starts_with("G11: N=800, 1600 couplings"),
        "{text}"
    );
    assert!(
        field(&text, "target").starts_with("cut >= 540 (given)"),
        "{text}"
    );
    for label in ["best", "P_s", "TTS99", "time"] {
        field(&text, label);
    }
    let (header, rows) = read_csv(&csv_path);
    assert_eq!(
        header,
        ["run", "seed", "best_energy", "best_step", "cut", "success"]
    );
    assert_eq!(rows.len(), 8);
    let mut successes = 0;
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row[0], k.to_string());
        let energy: f64 = row[2].parse().unwrap();
        let cut: f64 = row[4].parse().unwrap();
        // G11 has total weight w_sum; cut = (w_sum − H)/2
        assert!(cut > 450.0 && cut <= 564.0, "cut {cut}");
        assert_eq!(row[5] == "1", cut >= 540.0);
        successes += usize::from(row[5] == "1");
        assert!(energy < 0.0);
    }
    assert!(
        field(&text, "P_s").contains(&format!("({successes}/8)")),
        "{text}"
    );
    // same seed, same numbers
    let again = npim(&[
        "solve",
        "--instance",
        &g11,
        "--runs",
        "8",
        "--steps",
        "400",
        "--target",
        "540",
        "--seed",
        "3",
        "-q",
    ]);
    assert_eq!(field(&text, "best"), field(&stdout(&again), "best"));
}

#[test]
fn solve_sk100_uses_energy_targets() {
    let sk = shared("sk/SK1_N100_0.txt");
    let out = npim(&[
        "solve",
        "-i",
        &sk,
        "--problem",
        "ising",
        "--runs",
        "64",
        "--target",
        "-734",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        field(&text, "target").starts_with("energy <= -734"),
        "{text}"
    );
    let best: f64 = field(&text, "best")
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(',')
        .parse()
        .unwrap();
    assert!((-734.0..-650.0).contains(&best), "{text}");
    // cNPIM runs the same instance
    let out = npim(&[
        "solve",
        "-i",
        &sk,
        "--algo",
        "cnpim",
        "--problem",
        "ising",
        "--runs",
        "8",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("cnpim (float)"));
}

#[test]
fn generate_then_solve_a_planted_instance() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.json");
    let out = npim(&[
        "generate",
        "wishart:n=40,alpha=0.75,seed=2",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("planted ground energy"));
    let info = stdout(&npim(&["info", "-i", path.to_str().unwrap()]));
    assert!(field(&info, "spins N").starts_with("40"));
    // the JSON keeps the ground energy, so solve targets it by default
    let out = npim(&[
        "solve",
        "-i",
        path.to_str().unwrap(),
        "--problem",
        "ising",
        "--runs",
        "32",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(field(&stdout(&out), "target").contains("instance's ground energy"));
    // --generate works directly too
    let out = npim(&[
        "solve",
        "--generate",
        "torus:rows=10,cols=8,seed=1",
        "--runs",
        "4",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(field(&stdout(&out), "target").contains("best found in this batch"));
}

#[test]
fn mis_clique_and_qubo_report_their_own_objectives() {
    let dir = tempfile::tempdir().unwrap();
    let graph = dir.path().join("g.txt");
    std::fs::write(&graph, "6 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 6 1\n6 1 1\n").unwrap();
    let g = graph.to_str().unwrap();
    // a 6-cycle: maximum independent set 3, maximum clique 2
    let out = stdout(&npim(&[
        "solve",
        "-i",
        g,
        "--problem",
        "mis",
        "--runs",
        "16",
        "--target",
        "3",
        "-q",
    ]));
    assert!(
        field(&out, "best").starts_with("independent_set_size 3"),
        "{out}"
    );
    let out = stdout(&npim(&[
        "solve",
        "-i",
        g,
        "--problem",
        "clique",
        "--runs",
        "16",
        "-q",
    ]));
    assert!(field(&out, "best").starts_with("clique_size 2"), "{out}");
    let q = dir.path().join("q.txt");
    // f = -x1 - x2 + 2 x1 x2 - x3: minimum -2 (x1 xor x2, x3 = 1)
    std::fs::write(&q, "3 4\n1 1 -1\n2 2 -1\n1 2 2\n3 3 -1\n").unwrap();
    let out = stdout(&npim(&[
        "solve",
        "-i",
        q.to_str().unwrap(),
        "--problem",
        "qubo",
        "--runs",
        "16",
        "--target",
        "-2",
        "-q",
    ]));
    assert!(field(&out, "best").starts_with("qubo_value -2"), "{out}");
}

#[test]
fn convert_round_trips_between_rudy_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("g1.json");
    let back = dir.path().join("g1.txt");
    let g1 = shared("gset/G1.txt");
    assert!(npim(&["convert", &g1, "-o", json.to_str().unwrap()])
        .status
        .success());
    assert!(npim(&[
        "convert",
        json.to_str().unwrap(),
        "-o",
        back.to_str().unwrap()
    ])
    .status
    .success());
    // the same edges with the same weights; the writer orders edges by (i, j)
    let lines = |p: &str| {
        let mut v: Vec<String> = std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        v.sort();
        v
    };
    let same = lines(&g1) == lines(back.to_str().unwrap());
    assert!(same, "G1 did not survive rudy -> json -> rudy");
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "3 2\n1 2 1\n2 9 1\n").unwrap();
    let out = npim(&["solve", "-i", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bad.txt:3: vertex 9 is out of range 1..=3"),
        "{err}"
    );
    let out = npim(&["solve", "-g", "sk:n=10,size=3"]);
    assert!(stderr(&out).contains("unknown key `size`"));
    let params = dir.path().join("p.json");
    std::fs::write(&params, "{}").unwrap();
    let out = npim(&["solve", "-g", "sk:n=10", "-p", params.to_str().unwrap()]);
    assert!(stderr(&out).contains("p.json:1:"), "{}", stderr(&out));
    let out = npim(&["solve", "-g", "sk:n=10", "--runs", "0"]);
    assert!(stderr(&out).contains("at least 1"));
    // a baseline's parameters: a partial override keeps the other defaults, a misspelt name is
    // named
    let cac = dir.path().join("cac.json");
    let solve_cac = || {
        npim(&[
            "solve",
            "-g",
            "sk:n=10",
            "--algo",
            "cac",
            "-T",
            "20",
            "-R",
            "2",
            "-q",
            "--algo-params",
            cac.to_str().unwrap(),
        ])
    };
    std::fs::write(&cac, r#"{"tau": 123}"#).unwrap();
    let out = solve_cac();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let solver = field(&text, "solver");
    assert!(
        solver.contains(r#""tau":123.0"#) && solver.contains(r#""dt":0.05"#),
        "{solver}"
    );
    std::fs::write(&cac, r#"{"taux": 1}"#).unwrap();
    let out = solve_cac();
    assert!(
        !out.status.success() && stderr(&out).contains("unknown field `taux`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn default_run_uses_the_bundled_instance() {
    let out = npim(&["solve", "--runs", "4", "--steps", "200", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(field(&text, "instance").starts_with("G11: N=800"));
    assert!(field(&text, "target").contains("best-known cut of the bundled G11"));
}

#[test]
fn a_tiny_bench_suite_writes_its_table_with_finite_times() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("tiny.toml");
    std::fs::write(
        &suite,
        format!(
            "[[instance]]\npath = \"{}\"\nenergy = -62\nparams = \"auto\"\n",
            shared("sk/SK1_N20_0.txt")
        ),
    )
    .unwrap();
    let out = dir.path().join("bench");
    let o = npim(&[
        "bench",
        "--suite",
        suite.to_str().unwrap(),
        "-R",
        "20",
        "--budgets",
        "40",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("params auto: SK"), "{}", stderr(&o));
    let (header, rows) = read_csv(&out.join("suite.csv"));
    assert_eq!(header[0], "instance");
    assert_eq!(header.len(), 17);
    assert_eq!(header[15], "best_objective");
    assert_eq!(rows.len(), 4, "golden, float, CAC, SA");
    for r in &rows {
        // an energy (SK): the best run is at or below the mean, and P_s > 0 means the best
        // reached the target
        let best: f64 = r[15].parse().unwrap();
        let mean: f64 = r[16].parse().unwrap();
        let target: f64 = r[2].parse().unwrap();
        assert!(best <= mean + 1e-9 && best < 0.0, "{r:?}");
        let ps: f64 = r[7].parse().unwrap();
        assert_eq!(ps > 0.0, best <= target + 1e-9, "{r:?}");
        let secs: f64 = r[10].parse().unwrap();
        assert!(secs.is_finite() && secs > 0.0, "{r:?}");
        let ps: f64 = r[7].parse().unwrap();
        if ps > 0.0 {
            let tts: f64 = r[12].parse().unwrap();
            assert!(tts.is_finite() && tts > 0.0, "{r:?}");
        }
    }
    assert!(std::fs::read(out.join("suite.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));
    assert!(std::fs::read_to_string(out.join("machine.txt"))
        .unwrap()
        .starts_with("machine: "));
    // a suite needs a name or a file
    let o = npim(&["bench"]);
    assert!(stderr(&o).contains("name a suite"), "{}", stderr(&o));
}

#[test]
fn cits_study_compares_cits_with_its_primals() {
    let dir = tempfile::tempdir().unwrap();
    let out = npim(&[
        "study",
        "cits",
        "-g",
        "lattice:rows=6,cols=6",
        "-g",
        "mobius:n=10:14",
        "-R",
        "20",
        "-T",
        "60",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, rows) = read_csv(&dir.path().join("cits.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    // Two instances × the four default algorithms.
    assert_eq!(rows.len(), 8);
    for r in &rows {
        let algo = &r[col("algo")];
        assert!(["psa", "pmcim", "cits", "cits-complete"].contains(&algo.as_str()));
        let (target, best) = (&r[col("target_cut")], &r[col("best_cut")]);
        let best: f64 = best.parse().unwrap();
        if r[col("instance")].starts_with("lattice") {
            // The 6 × 6 torus is bipartite: every one of its 72 edges is cut at the optimum.
            assert_eq!(target, "72");
            assert_eq!(&r[col("target_source")], "exact");
        } else {
            assert_eq!(target, "14");
            assert_eq!(&r[col("target_source")], "given");
        }
        // No run cuts more than the optimum (the 10-node Möbius ladder is bipartite: 15).
        assert!(best <= if target == "72" { 72.0 } else { 15.0 });
    }
    // CITS solves the small lattice within 60 epochs in most runs.
    let cits = rows
        .iter()
        .find(|r| r[col("algo")] == "cits" && r[col("instance")].starts_with("lattice"))
        .unwrap();
    assert!(cits[col("ps")].parse::<f64>().unwrap() >= 0.5, "{cits:?}");
    assert!(dir.path().join("cits.png").exists());
    let out = npim(&[
        "study",
        "cits",
        "-g",
        "lattice:rows=4,cols=4",
        "--algo",
        "gw",
    ]);
    assert!(
        stderr(&out).contains("compares the baselines"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn matvec_study_counts_flips_and_prices_the_engines() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let g11 = root.join("examples/G11.txt");
    let out = npim(&[
        "study",
        "matvec",
        "-i",
        g11.to_str().unwrap(),
        "-p",
        "handset",
        "-R",
        "4",
        "-T",
        "50",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, rows) = read_csv(&dir.path().join("matvec.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let num = |r: &Vec<String>, name: &str| r[col(name)].parse::<f64>().unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    // G11: 800 spins, 3 200 stored entries, 32 lanes (the `rtl` core's) by default.
    assert_eq!((num(r, "n"), num(r, "stored_entries")), (800.0, 3200.0));
    assert_eq!((num(r, "lanes"), num(r, "full_cycles")), (32.0, 100.0));
    let f = num(r, "flip_fraction");
    assert!(f > 0.0 && f < 1.0, "{r:?}");
    // A packed column never costs more than its lane-owned words; the hybrid is the cheaper.
    assert!(num(r, "incremental_cycles") <= num(r, "lane_owned_cycles"));
    assert!(num(r, "hybrid_cycles") <= num(r, "full_cycles"));
    assert!(num(r, "hybrid_cycles") <= num(r, "grouped_cycles"));
    // The first pass reads every column: each layout stores at least a word a column, and
    // G11's four entries a column fit one word in the grouped layout.
    assert!(num(r, "lane_owned_words") >= 800.0, "{r:?}");
    assert_eq!(num(r, "grouped_words"), 800.0, "{r:?}");
    // The hand-set rule (Tc 2, D 1) on `rtl`'s 16 units of four taps: the sequential schedule,
    // 1 + 12 + 2 cycles for each of 50 places after K + 6 = 10, and 3 for the last word.
    assert_eq!((num(r, "units"), num(r, "taps")), (16.0, 4.0));
    assert!(num(r, "modelled_step_cycles") >= 763.0, "{r:?}");
    let (_, steps) = read_csv(&dir.path().join("matvec-steps.csv"));
    assert_eq!(steps.len(), 50);
    // The first pass has no earlier fields: every spin counts, every entry is read.
    assert_eq!(
        (steps[0][2].as_str(), steps[0][3].as_str()),
        ("800.00", "3200.0")
    );
    assert!(dir.path().join("matvec.png").exists());
    let out = npim(&[
        "study",
        "matvec",
        "-i",
        g11.to_str().unwrap(),
        "--taps",
        "3",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--taps"), "{}", stderr(&out));
    // An instance inside the output folder under an output's name is refused before any work.
    let clash = dir.path().join("matvec.csv");
    std::fs::copy(&g11, &clash).unwrap();
    let out = npim(&[
        "study",
        "matvec",
        "-i",
        clash.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is also an input"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&clash).unwrap(), std::fs::read(&g11).unwrap());
}

/// The README's main command (its first line, run here with fewer runs) goes through the whole
/// data path: quantize, upload to the board emulator, the analog loop over the protocol.
#[test]
fn the_readme_main_command_runs_the_loop_end_to_end() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("a cargo run line");
    let args: Vec<&str> = line["cargo run --release -- ".len()..]
        .split('#')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(args[0], "hil", "{line}");
    assert!(args.contains(&"--emulate"), "{line}");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_npim"));
    cmd.current_dir(&root).args(&args).args(["-R", "2", "-q"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        field(&text, "link"),
        "in-process board model over the protocol"
    );
    assert!(
        field(&text, "target").contains("best-known cut of the bundled G11"),
        "{text}"
    );
    assert!(
        field(&text, "solver").starts_with("dNPIM core in external mode + Opo"),
        "{text}"
    );
}

/// `--params auto` reads the graph's class, names the file it chose, and runs exactly as that
/// file named by hand; no `--params` is `auto`; `handset` is the built-in rule whatever the
/// class; an instance of no class (a linear term) falls back to the hand-set rule and says so.
#[test]
fn params_auto_picks_the_class_file_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let cases = [
        (
            shared("gset/G11.txt"),
            "toroidal ±1",
            "gset-toroidal-n200-b20r400-das.json",
        ),
        (
            shared("gset/G14.txt"),
            "planar +1",
            "gset-planar-plus-n200-objective.json",
        ),
        (
            shared("gset/G1.txt"),
            "random +1",
            "gset-random-plus-n800-deg48-b20r400-stage2.json",
        ),
        (
            shared("gset/G6.txt"),
            "random ±1",
            "gset-random-pm1-n200-deg48-b20r400-das.json",
        ),
        (
            shared("gset/G22.txt"),
            "random +1",
            "gset-random-plus-n200-deg20-das-e2000.json",
        ),
        (shared("sk/SK1_N100_0.txt"), "SK", "sk-n100-das-e700.json"),
    ];
    for (k, (instance, class, file)) in cases.iter().enumerate() {
        let auto_csv = dir.path().join(format!("auto{k}.csv"));
        let named_csv = dir.path().join(format!("named{k}.csv"));
        let named = format!("{root}/../params/{file}");
        let run = |params: Option<&str>, csv: &std::path::Path| {
            let mut args = vec!["solve", "-i", instance, "-R", "3", "-T", "40"];
            if let Some(p) = params {
                args.extend(["-p", p]);
            }
            args.extend(["--threads", "1", "-o", csv.to_str().unwrap()]);
            npim(&args)
        };
        let a = run(Some("auto"), &auto_csv);
        assert!(a.status.success(), "{}", stderr(&a));
        let said = stderr(&a);
        assert!(
            said.contains(class) && said.contains(file),
            "{instance}: {said}"
        );
        assert!(stdout(&a).contains(file), "{}", stdout(&a));
        let b = run(Some(&named), &named_csv);
        assert!(b.status.success(), "{}", stderr(&b));
        assert_eq!(read_csv(&auto_csv), read_csv(&named_csv), "{instance}");
        if k == 0 {
            let default_csv = dir.path().join("default.csv");
            let d = run(None, &default_csv);
            assert!(d.status.success(), "{}", stderr(&d));
            assert!(stderr(&d).contains(file), "{}", stderr(&d));
            assert_eq!(read_csv(&default_csv), read_csv(&auto_csv), "no -p is auto");
            let handset_csv = dir.path().join("handset.csv");
            let h = run(Some("handset"), &handset_csv);
            assert!(h.status.success(), "{}", stderr(&h));
            assert!(stdout(&h).contains("hand-set"), "{}", stdout(&h));
            assert!(!stderr(&h).contains("params auto"), "{}", stderr(&h));
            assert_ne!(
                read_csv(&handset_csv),
                read_csv(&auto_csv),
                "handset is not auto"
            );
        }
    }
    let qubo = format!("{root}/../examples/qubo.txt");
    let q = npim(&[
        "solve",
        "-i",
        &qubo,
        "--problem",
        "qubo",
        "-p",
        "auto",
        "-R",
        "2",
    ]);
    assert!(q.status.success(), "{}", stderr(&q));
    assert!(stderr(&q).contains("hand-set rule"), "{}", stderr(&q));
    // cNPIM's default is the hand-set rule (the class files are dNPIM rules)
    let (c_default, c_handset) = (dir.path().join("c1.csv"), dir.path().join("c2.csv"));
    let g11 = shared("gset/G11.txt");
    for (extra, csv) in [(&[][..], &c_default), (&["-p", "handset"][..], &c_handset)] {
        let mut args = vec![
            "solve", "-i", &g11, "--algo", "cnpim", "-R", "2", "-T", "40",
        ];
        args.extend_from_slice(extra);
        args.extend(["-o", csv.to_str().unwrap()]);
        let c = npim(&args);
        assert!(c.status.success(), "{}", stderr(&c));
        assert!(!stderr(&c).contains("params auto"), "{}", stderr(&c));
    }
    assert_eq!(read_csv(&c_default), read_csv(&c_handset));
}
