//! `npim train`: outputs, resume, and using the result with `npim solve`.

use super::util::{field, npim, stderr, stdout};

const CONFIG: &str = r#"
name = "e2e"
variant = "dnpim"
steps = 20
epochs = 4
batch_instances = 4
runs_per_instance = 10
reward = "success"
seed = 2
eval_every = 2
eval_runs = 10
reference_runs = 10
[architecture]
tc = 3
d = 2
m = 2
basis = "legendre"
[train]
generate = "sk:n=20"
count = 6
seed_start = 10
[test]
generate = "sk:n=20"
count = 2
seed_start = 99
"#;

#[test]
fn train_writes_its_outputs_resumes_and_feeds_solve() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let out = dir.path().join("run");
    let params = dir.path().join("p.json");
    let o = npim(&[
        "train",
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--epochs",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["checkpoint.json", "curve.csv", "curve.png", "params.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let png = std::fs::read(out.join("curve.png")).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
    // resume to 4 epochs
    let o = npim(&[
        "train",
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--params-out",
        params.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("resuming"), "{}", stderr(&o));
    let curve = std::fs::read_to_string(out.join("curve.csv")).unwrap();
    assert_eq!(curve.lines().count(), 1 + 4, "{curve}");
    // a different config refuses the old checkpoint
    std::fs::write(&cfg, CONFIG.replace("seed = 2", "seed = 3")).unwrap();
    let o = npim(&[
        "train",
        "-c",
        cfg.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        !o.status.success() && stderr(&o).contains("different config"),
        "{}",
        stderr(&o)
    );
    // the parameters run
    let o = npim(&[
        "solve",
        "-g",
        "sk:n=20,seed=99",
        "--problem",
        "ising",
        "-p",
        params.to_str().unwrap(),
        "-R",
        "8",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(field(&stdout(&o), "solver").contains("[das]"));
}

/// `npim bench train` times the config's first epochs and writes one CSV row per epoch with
/// the work it did (trajectories × T steps × N spins); nothing else is written.
#[test]
fn bench_train_reports_the_epochs_it_timed() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let csv = dir.path().join("bench.csv");
    let o = npim(&[
        "--threads",
        "1",
        "bench",
        "train",
        "-c",
        cfg.to_str().unwrap(),
        "--epochs",
        "2",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("trajectory-steps/s"), "{}", stdout(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(rows[0][7], "trajectory_steps_per_s");
    for (k, row) in rows[1..].iter().enumerate() {
        // config, threads, n, steps, epoch, trajectories (B·R = 4·10), seconds, rates
        assert_eq!(
            &row[..6],
            &["e2e", "1", "20", "20", &(k + 1).to_string(), "40"]
        );
        let seconds: f64 = row[6].parse().unwrap();
        let per_s: f64 = row[7].parse().unwrap();
        let spins_per_s: f64 = row[8].parse().unwrap();
        assert!((per_s * seconds / 800.0 - 1.0).abs() < 0.02, "{row:?}");
        assert!((spins_per_s / per_s - 20.0).abs() < 1e-4, "{row:?}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 2, "only the config and the CSV");
}
