//! `npim bench --suite NAME`: time to solution of our solvers (golden dNPIM, float dNPIM, CAC,
//! SA) and, with `--peers`, of the tools users would pick instead (dwave-samplers' simulated
//! annealing, the simulated-bifurcation package; from PyPI into `.venv-peers`, run as
//! subprocesses that time only their own solve call), on the same instances and targets, in
//! one run. Per instance, solver and budget: P_s with its Wilson interval, seconds per run on
//! one thread (and on all threads for ours), TTS99 in seconds and in iterations, the ratio
//! to the best peer, and the best and mean objective (cut or energy) of the runs, so that
//! quality at a fixed budget can be read where nobody reaches the target. A CSV, a PNG chart
//! and a header naming the machine.

use crate::cli::SuiteArgs;
use crate::pipeline::params_for;
use crate::report::cpu_model;
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::baselines::cac::CacParams;
use npim_sim::baselines::sa::SaParams;
use npim_sim::baselines::{self, Baseline};
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore};
use npim_sim::formats::read_instance;
use npim_sim::mapping::Mapped;
use npim_sim::npim::{self, RunOptions, Variant};
use npim_sim::stats::{Proportion, Tts};
use npim_sim::{Ising, Storage};
use plotters::prelude::*;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One instance of a suite: a file and a target in its problem's units.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteInstance {
    /// Instance file (relative paths: to the suite file, or to `--data` for built-in suites).
    pub path: PathBuf,
    /// Target cut (Max-Cut instances: no linear term).
    pub cut: Option<f64>,
    /// Target energy (reach it or lower).
    pub energy: Option<f64>,
    /// NPIM parameters for this instance: a file relative to the suite file, `auto` (the
    /// shipped file for the instance's class) or `handset` (the built-in rule); default:
    /// `--params`, else `auto`.
    pub params: Option<PathBuf>,
}

/// A suite file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteFile {
    /// Its instances.
    pub instance: Vec<SuiteInstance>,
}

/// The built-in suites; `gset` targets are the published best-known cuts, `sk100` targets the
/// ground energies listed beside the files.
fn builtin(name: &str, data: &Path) -> Result<Vec<SuiteInstance>> {
    let inst = |p: &str, cut: Option<f64>, energy: Option<f64>| SuiteInstance {
        path: data.join(p),
        cut,
        energy,
        params: None,
    };
    Ok(match name {
        "gset" => vec![
            inst("gset/G1.txt", Some(11624.0), None),
            inst("gset/G11.txt", Some(564.0), None),
            inst("gset/G14.txt", Some(3064.0), None),
            inst("gset/G22.txt", Some(13359.0), None),
        ],
        "sk100" => {
            let csv = data.join("sk/ground_energies.csv");
            let text = std::fs::read_to_string(&csv)
                .with_context(|| format!("reading {} (the SK targets)", csv.display()))?;
            let mut v = Vec::new();
            for k in 0..10 {
                let file = format!("SK1_N100_{k}.txt");
                let e = text
                    .lines()
                    .find(|l| l.contains(&file))
                    .and_then(|l| l.split(',').nth(3))
                    .and_then(|e| e.trim().parse::<f64>().ok())
                    .ok_or_else(|| anyhow!("no ground energy for {file} in {}", csv.display()))?;
                v.push(inst(&format!("sk/{file}"), None, Some(e)));
            }
            v
        }
        other => bail!("no suite `{other}`: gset, sk100, or a .toml file"),
    })
}

fn load_suite(args: &SuiteArgs) -> Result<Vec<SuiteInstance>> {
    let spec = args
        .suite
        .as_deref()
        .ok_or_else(|| anyhow!("name a suite: npim bench --suite gset|sk100|FILE.toml (or a subcommand: throughput, upload)"))?;
    if spec.ends_with(".toml") {
        let path = PathBuf::from(spec);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {spec}"))?;
        let file: SuiteFile = toml::from_str(&text).with_context(|| spec.to_string())?;
        let dir = path.parent().unwrap_or(Path::new("."));
        return Ok(file
            .instance
            .into_iter()
            .map(|mut i| {
                if i.path.is_relative() {
                    i.path = dir.join(&i.path);
                }
                if let Some(p) = &i.params {
                    if p.is_relative() && !crate::auto_params::is_keyword(p) {
                        i.params = Some(dir.join(p));
                    }
                }
                i
            })
            .collect());
    }
    builtin(spec, &args.data)
}

/// One measured cell.
#[derive(Clone, Debug)]
struct Row {
    instance: String,
    n: usize,
    target: f64,
    solver: String,
    budget: usize,
    runs: usize,
    ps: Proportion,
    /// The runs' objectives (cut or energy): the best one and their mean.
    quality: Quality,
    seconds_per_run: f64,
    seconds_per_run_all: Option<f64>,
}

/// The best and the mean objective over a cell's runs.
#[derive(Clone, Copy, Debug)]
struct Quality {
    best: f64,
    mean: f64,
}

impl Quality {
    /// Over the runs' final spins, in `mapped`'s objective and direction.
    fn of(mapped: &Mapped, spins: &[Vec<i8>]) -> Quality {
        let values: Vec<f64> = spins.iter().map(|s| mapped.objective(s)).collect();
        let pick = if mapped.maximize() {
            f64::max
        } else {
            f64::min
        };
        let start = if mapped.maximize() {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        Quality {
            best: values.iter().copied().fold(start, pick),
            mean: values.iter().sum::<f64>() / values.len().max(1) as f64,
        }
    }
}

impl Row {
    fn tts_seconds(&self) -> Option<f64> {
        match Tts::from_probability(self.ps.p, 1) {
            Tts::Steps(k) => Some(k * self.seconds_per_run),
            Tts::NotReached => None,
        }
    }

    fn tts_iterations(&self) -> Option<f64> {
        match Tts::from_probability(self.ps.p, self.budget) {
            Tts::Steps(k) => Some(k),
            Tts::NotReached => None,
        }
    }
}

/// Runs `f` (R runs) on a pool of `threads` threads; seconds per run.
fn timed<T: Send>(threads: usize, runs: usize, f: impl FnOnce() -> T + Send) -> Result<(T, f64)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let start = Instant::now();
    let out = pool.install(f);
    Ok((out, start.elapsed().as_secs_f64() / runs as f64))
}

/// Our solvers on one instance at one budget: (name, per-run spins, s/run 1 thread, s/run all).
#[allow(clippy::type_complexity)]
fn ours(
    ising: &Ising,
    params: &npim::NpimParams,
    budget: usize,
    runs: usize,
    seed: u64,
    all: usize,
) -> Result<Vec<(String, Vec<Vec<i8>>, f64, f64)>> {
    let mut out = Vec::new();
    let (image, _) = quantize(
        ising,
        params,
        &CoreConfig::preset("sim").expect("preset"),
        budget,
        seed,
    )
    .map_err(|e| anyhow!("{e}"))?;
    let core = GoldenCore::new(&image);
    let golden = |threads| {
        timed(threads, runs, || {
            core.solve(runs, seed, &|| {})
                .into_iter()
                .map(|r| r.best_spins)
                .collect::<Vec<_>>()
        })
    };
    let (spins, one) = golden(1)?;
    let (_, many) = golden(all)?;
    out.push(("golden dNPIM".to_string(), spins, one, many));
    let options = RunOptions {
        variant: Variant::Dnpim,
        steps: budget,
        record_energies: false,
    };
    let float = |threads| {
        timed(threads, runs, || {
            npim::solve(ising, params, &options, runs, seed, &|| {})
                .into_iter()
                .map(|r| r.best_spins)
                .collect::<Vec<_>>()
        })
    };
    let (spins, one) = float(1)?;
    let (_, many) = float(all)?;
    out.push(("float dNPIM".to_string(), spins, one, many));
    let algos: [(&str, Box<dyn Baseline>); 2] = [
        ("CAC", Box::new(CacParams::for_instance(ising))),
        ("SA", Box::new(SaParams::for_instance(ising))),
    ];
    for (name, algo) in algos {
        let run = |threads| {
            timed(threads, runs, || {
                baselines::solve(algo.as_ref(), ising, budget, runs, seed, &|| {})
                    .into_iter()
                    .map(|r| r.best_spins)
                    .collect::<Vec<_>>()
            })
        };
        let (spins, one) = run(1)?;
        let (_, many) = run(all)?;
        out.push((name.to_string(), spins, one, many));
    }
    Ok(out)
}

/// The peers' driver, run by the peers' Python: reads a rudy file, solves, prints JSON with
/// the spins of every read and the seconds of the solve call alone.
const PEERS_PY: &str = r#"
import json, sys, time, os
def read(path):
    with open(path) as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith(('#', '%'))]
    n = int(lines[0][0])
    return n, [(int(a) - 1, int(b) - 1, float(w)) for a, b, w in lines[1:]]
peer, path, budget, reads, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
n, edges = read(path)
if peer == "dwave-sa":
    from dwave.samplers import SimulatedAnnealingSampler
    J = {(i, j): w for i, j, w in edges}
    s = SimulatedAnnealingSampler()
    t = time.perf_counter()
    res = s.sample_ising({}, J, num_reads=reads, num_sweeps=budget, beta_range=(0.1, 3.0), seed=seed)
    dt = time.perf_counter() - t
    names = list(res.variables)
    spins = []
    for row in res.record.sample.tolist():
        d = dict(zip(names, row))
        spins.append([int(d.get(v, 1)) for v in range(n)])
elif peer == "sb":
    import torch
    torch.set_num_threads(int(os.environ.get("NPIM_PEER_THREADS", "1")))
    import simulated_bifurcation as sb
    m = torch.zeros((n, n), dtype=torch.float32)
    for i, j, w in edges:
        m[i, j] = w; m[j, i] = w
    torch.manual_seed(seed)
    sb.set_env(time_step=0.5)
    t = time.perf_counter()
    x, _ = sb.minimize(m, domain="spin", agents=reads, max_steps=budget, best_only=False, mode="ballistic", heated=False, verbose=False, early_stopping=False)
    dt = time.perf_counter() - t
    spins = [[1 if v >= 0 else -1 for v in row] for row in x.tolist()]
else:
    sys.exit("unknown peer " + peer)
json.dump({"seconds": dt, "spins": spins}, sys.stdout)
"#;

/// The peers' virtual environment, made and filled on first use.
fn peers_python() -> Result<PathBuf> {
    let venv = PathBuf::from(".venv-peers");
    let python = venv.join("bin/python");
    if !python.is_file() {
        eprintln!("installing the peers (dwave-samplers, simulated-bifurcation) into .venv-peers");
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("python3 -m venv")?
            .success()
            && Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "dwave-samplers", "simulated-bifurcation"])
                .status()
                .context("pip install")?
                .success();
        if !ok {
            bail!("could not install the peers into .venv-peers (pip needs PyPI)");
        }
    }
    Ok(python)
}

fn peer(
    python: &Path,
    name: &str,
    file: &Path,
    budget: usize,
    runs: usize,
    seed: u64,
) -> Result<(Vec<Vec<i8>>, f64)> {
    let script = std::env::temp_dir().join("npim-peers.py");
    std::fs::write(&script, PEERS_PY)?;
    let out = Command::new(python)
        .arg(&script)
        .args([
            name,
            &file.display().to_string(),
            &budget.to_string(),
            &runs.to_string(),
            &(seed % (1 << 31)).to_string(),
        ])
        .env("OMP_NUM_THREADS", "1")
        .env("NPIM_PEER_THREADS", "1")
        .output()
        .with_context(|| format!("running peer {name}"))?;
    if !out.status.success() {
        bail!(
            "peer {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    #[derive(Deserialize)]
    struct Reply {
        seconds: f64,
        spins: Vec<Vec<i8>>,
    }
    let r: Reply =
        serde_json::from_slice(&out.stdout).with_context(|| format!("peer {name}'s output"))?;
    Ok((r.spins, r.seconds / runs as f64))
}

pub fn run(args: SuiteArgs) -> Result<()> {
    let suite = load_suite(&args)?;
    let all = rayon::current_num_threads();
    let python = if args.peers {
        Some(peers_python()?)
    } else {
        None
    };
    std::fs::create_dir_all(&args.out)?;
    let versions = match &python {
        Some(py) => Command::new(py)
            .args([
                "-c",
                "import importlib.metadata as m; print('dwave-samplers', m.version('dwave-samplers') + ',', 'simulated-bifurcation', m.version('simulated-bifurcation') + ',', 'torch', m.version('torch'))",
            ])
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default(),
        None => "no peers".to_string(),
    };
    let header = format!(
        "machine: {}, {all} threads; ours on 1 and {all} threads, peers on 1; R = {} runs; {}; {versions}",
        cpu_model(),
        args.runs.count,
        concat!("npim ", env!("CARGO_PKG_VERSION"))
    );
    println!("{header}");
    let bar = ProgressBar::new(suite.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:18} [{bar:30}] {pos}/{len} ({elapsed})")?
            .progress_chars("=> "),
    );
    let mut rows: Vec<Row> = Vec::new();
    for inst in &suite {
        let ising = read_instance(&inst.path, Storage::Auto)?;
        let name = ising
            .meta
            .name
            .clone()
            .unwrap_or_else(|| inst.path.display().to_string());
        bar.set_message(name.clone());
        let (mapped, target) = match (inst.cut, inst.energy) {
            (Some(c), None) => (Mapped::max_cut(ising.clone()), c),
            (None, Some(e)) => (Mapped::ising(ising.clone()), e),
            _ => bail!(
                "{}: give exactly one of `cut` and `energy`",
                inst.path.display()
            ),
        };
        let params = params_for(inst.params.as_deref().or(args.params.as_deref()), &ising)?;
        let budgets: Vec<usize> = if args.budgets.is_empty() {
            vec![ising.n(), 4 * ising.n()]
        } else {
            args.budgets.clone()
        };
        let score = |spins: &[Vec<i8>]| {
            let ok = spins
                .iter()
                .filter(|s| mapped.meets(mapped.objective(s), target))
                .count();
            (
                Proportion::wilson(ok, spins.len()),
                Quality::of(&mapped, spins),
            )
        };
        for &budget in &budgets {
            for (solver, spins, one, many) in ours(
                &ising,
                &params,
                budget,
                args.runs.count,
                args.seed.value,
                all,
            )? {
                let (ps, quality) = score(&spins);
                rows.push(Row {
                    instance: name.clone(),
                    n: ising.n(),
                    target,
                    solver,
                    budget,
                    runs: spins.len(),
                    ps,
                    quality,
                    seconds_per_run: one,
                    seconds_per_run_all: Some(many),
                });
            }
            if let Some(py) = &python {
                for p in ["dwave-sa", "sb"] {
                    let (spins, one) =
                        peer(py, p, &inst.path, budget, args.runs.count, args.seed.value)?;
                    let (ps, quality) = score(&spins);
                    rows.push(Row {
                        instance: name.clone(),
                        n: ising.n(),
                        target,
                        solver: p.to_string(),
                        budget,
                        runs: spins.len(),
                        ps,
                        quality,
                        seconds_per_run: one,
                        seconds_per_run_all: None,
                    });
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    report(&args, &header, &rows)
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or("not reached".into(), |x| format!("{x:.4e}"))
}

fn report(args: &SuiteArgs, header: &str, rows: &[Row]) -> Result<()> {
    let csv_path = args.out.join("suite.csv");
    let mut w = csv::Writer::from_path(&csv_path)?;
    w.write_record([
        "instance",
        "n",
        "target",
        "solver",
        "budget",
        "runs",
        "successes",
        "ps",
        "ps_low",
        "ps_high",
        "seconds_per_run_1t",
        "seconds_per_run_all",
        "tts99_seconds",
        "tts99_iterations",
        "ratio_to_best_peer",
        "best_objective",
        "mean_objective",
    ])?;
    println!(
        "{:<12} {:<14} {:>7} {:>9} {:>12} {:>13} {:>13} {:>10} {:>12} {:>12}",
        "instance",
        "solver",
        "budget",
        "P_s",
        "s/run (1t)",
        "TTS99 s",
        "TTS99 iter",
        "vs peer",
        "best",
        "mean"
    );
    for r in rows {
        let best_peer = rows
            .iter()
            .filter(|p| p.instance == r.instance && p.seconds_per_run_all.is_none())
            .filter_map(Row::tts_seconds)
            .fold(f64::INFINITY, f64::min);
        let ratio = match r.tts_seconds() {
            Some(t) if best_peer.is_finite() => format!("{:.3}", t / best_peer),
            _ => String::new(),
        };
        w.write_record([
            r.instance.clone(),
            r.n.to_string(),
            r.target.to_string(),
            r.solver.clone(),
            r.budget.to_string(),
            r.runs.to_string(),
            r.ps.successes.to_string(),
            format!("{:.4}", r.ps.p),
            format!("{:.4}", r.ps.low),
            format!("{:.4}", r.ps.high),
            format!("{:.6e}", r.seconds_per_run),
            r.seconds_per_run_all
                .map_or(String::new(), |v| format!("{v:.6e}")),
            fmt_opt(r.tts_seconds()),
            fmt_opt(r.tts_iterations()),
            ratio.clone(),
            r.quality.best.to_string(),
            format!("{:.3}", r.quality.mean),
        ])?;
        println!(
            "{:<12} {:<14} {:>7} {:>9.4} {:>12.3e} {:>13} {:>13} {:>10} {:>12} {:>12.2}",
            r.instance,
            r.solver,
            r.budget,
            r.ps.p,
            r.seconds_per_run,
            fmt_opt(r.tts_seconds()),
            fmt_opt(r.tts_iterations()),
            ratio,
            r.quality.best,
            r.quality.mean
        );
    }
    w.flush()?;
    std::fs::write(args.out.join("machine.txt"), format!("{header}\n"))?;
    let png = args.out.join("suite.png");
    chart(&png, rows)?;
    println!("wrote {} and {}", csv_path.display(), png.display());
    Ok(())
}

/// Best TTS99 (over budgets) per instance and solver, log scale.
fn chart(path: &Path, rows: &[Row]) -> Result<()> {
    let mut instances: Vec<String> = Vec::new();
    let mut solvers: Vec<String> = Vec::new();
    for r in rows {
        if !instances.contains(&r.instance) {
            instances.push(r.instance.clone());
        }
        if !solvers.contains(&r.solver) {
            solvers.push(r.solver.clone());
        }
    }
    let best = |i: &str, s: &str| {
        rows.iter()
            .filter(|r| r.instance == i && r.solver == s)
            .filter_map(Row::tts_seconds)
            .fold(f64::INFINITY, f64::min)
    };
    let values: Vec<f64> = instances
        .iter()
        .flat_map(|i| solvers.iter().map(move |s| (i, s)))
        .map(|(i, s)| best(i, s))
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let lo = values
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .min(1e-3)
        / 2.0;
    let hi = values.iter().copied().fold(0.0f64, f64::max).max(1e-2) * 2.0;
    let root = BitMapBackend::new(path, (900, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let mut c = ChartBuilder::on(&root)
        .caption(
            "TTS99 (best budget), seconds on one thread",
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5..instances.len() as f64 - 0.5, (lo..hi).log_scale())
        .map_err(|e| anyhow!("{e}"))?;
    let names = instances.clone();
    c.configure_mesh()
        .x_labels(instances.len())
        .x_label_formatter(&|x| {
            let k = x.round() as usize;
            if (x - x.round()).abs() < 0.01 && k < names.len() {
                names[k].clone()
            } else {
                String::new()
            }
        })
        .y_desc("TTS99 (s)")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (k, s) in solvers.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let off = (k as f64 - solvers.len() as f64 / 2.0) * 0.06;
        let pts: Vec<(f64, f64)> = instances
            .iter()
            .enumerate()
            .map(|(x, i)| (x as f64 + off, best(i, s)))
            .filter(|(_, v)| v.is_finite())
            .collect();
        c.draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
            .map_err(|e| anyhow!("{e}"))?
            .label(s.clone())
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, color.filled()));
    }
    c.configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
