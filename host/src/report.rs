//! The summary every solver prints (`npim solve`, `npim sim`, `npim run`): instance, solver,
//! best, target, P_s with its Wilson interval, TTS99, time; and the same CSV row per run. One
//! format, so results from the float model, the golden model, the RTL and a board compare
//! line for line.

use anyhow::{Context, Result};
use npim_sim::mapping::{Mapped, Problem};
use npim_sim::npim::RunResult;
use npim_sim::stats::{Proportion, Tts};
use std::path::Path;

/// What one batch of runs produced and how it was made.
pub struct Summary<'a> {
    /// The problem (the objective and the target's meaning).
    pub mapped: &'a Mapped,
    /// Per run.
    pub results: &'a [RunResult],
    /// Steps per run.
    pub steps: usize,
    /// The solver, as printed.
    pub solver: &'a str,
    /// Master seed.
    pub seed: u64,
    /// Parameters, as printed.
    pub params_note: &'a str,
    /// A target given by the user.
    pub target: Option<f64>,
    /// The target otherwise, with where it comes from.
    pub default_target: Option<(f64, String)>,
    /// Write one CSV row per run here.
    pub out: Option<&'a Path>,
    /// The `time` line.
    pub time_note: &'a str,
}

/// Prints the summary and writes the CSV.
pub fn report(s: &Summary) -> Result<()> {
    let (mapped, results) = (s.mapped, s.results);
    let objectives: Vec<f64> = results
        .iter()
        .map(|r| mapped.objective(&r.best_spins))
        .collect();
    let best_index = (0..results.len())
        .reduce(|a, b| {
            let better = if mapped.maximize() {
                objectives[b] > objectives[a]
            } else {
                objectives[b] < objectives[a]
            };
            if better {
                b
            } else {
                a
            }
        })
        .context("no runs to report")?;
    let (target, target_source) = match (s.target, &s.default_target) {
        (Some(t), _) => (t, "given"),
        (None, Some((t, source))) => (*t, source.as_str()),
        (None, None) => (objectives[best_index], "best found in this batch"),
    };
    let successes: Vec<bool> = objectives
        .iter()
        .map(|&v| mapped.meets(v, target))
        .collect();
    let ps = Proportion::wilson(successes.iter().filter(|&&s| s).count(), results.len());

    if let Some(path) = s.out {
        write_csv(path, mapped, results, &objectives, &successes)
            .with_context(|| format!("writing {}", path.display()))?;
    }

    let ising = &mapped.ising;
    let best = &results[best_index];
    let name = ising.meta.name.as_deref().unwrap_or("instance");
    println!(
        "instance  {name}: N={}, {} couplings, {}",
        ising.n(),
        ising.edges().len(),
        if ising.couplings().is_dense() {
            "dense"
        } else {
            "sparse"
        }
    );
    println!(
        "solver    {}, T={} steps, R={} runs, seed {}, {}",
        s.solver,
        s.steps,
        results.len(),
        s.seed,
        s.params_note
    );
    let objective = mapped.objective_name();
    let energy_note = match mapped.problem {
        Problem::Ising => String::new(),
        _ => format!(" (energy {})", fmt_num(best.best_energy)),
    };
    println!(
        "best      {objective} {}{energy_note}, run {} at step {}",
        fmt_num(objectives[best_index]),
        best.run,
        best.best_step
    );
    let relation = if mapped.maximize() { ">=" } else { "<=" };
    println!(
        "target    {objective} {relation} {} ({target_source})",
        fmt_num(target)
    );
    println!(
        "P_s       {:.4} [{:.4}, {:.4}] 95% Wilson ({}/{})",
        ps.p, ps.low, ps.high, ps.successes, ps.trials
    );
    let tts = Tts::from_probability(ps.p, s.steps);
    let tts_range = (
        Tts::from_probability(ps.high, s.steps),
        Tts::from_probability(ps.low, s.steps),
    );
    let in_steps = |t: Tts| match t {
        Tts::NotReached => "not reached".to_string(),
        Tts::Steps(v) => format!("{v:.4e} steps"),
    };
    println!(
        "TTS99     {} (95%: {} .. {})",
        in_steps(tts),
        in_steps(tts_range.0),
        in_steps(tts_range.1)
    );
    println!("time      {}", s.time_note);
    if let Some(path) = s.out {
        println!("wrote     {}", path.display());
    }
    Ok(())
}

fn write_csv(
    path: &Path,
    mapped: &Mapped,
    results: &[RunResult],
    objectives: &[f64],
    successes: &[bool],
) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "run",
        "seed",
        "best_energy",
        "best_step",
        mapped.objective_name(),
        "success",
    ])?;
    for ((r, obj), ok) in results.iter().zip(objectives).zip(successes) {
        w.write_record([
            r.run.to_string(),
            r.seed.to_string(),
            fmt_num(r.best_energy),
            r.best_step.to_string(),
            fmt_num(*obj),
            u8::from(*ok).to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Integers without a fraction, other values with enough digits to compare.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.6}")
    }
}

/// A run as the summary takes it, from a core's best (golden model, RTL or board).
pub fn core_run(
    mapped: &Mapped,
    run: usize,
    run_seed: u32,
    best_step: usize,
    spins: Vec<i8>,
) -> RunResult {
    RunResult {
        run,
        seed: u64::from(run_seed),
        best_energy: mapped.ising.energy(&spins),
        best_step,
        best_spins: spins,
        final_energy: f64::NAN,
        energies: Vec::new(),
    }
}

/// The CPU's model name, for benchmark headers.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
