//! `npim study cits`: seed 004's comparison of CITS with its two primal heuristics (parallel SA
//! and the poor man's CIM), per instance: success rate within the epoch budget, epochs to
//! solution (quartiles over the successful runs) and TTS99 in epochs; CSV and PNG.

use crate::cli::{Algo, CitsStudyArgs};
use crate::options::split_target;
use crate::pipeline::baseline;
use anyhow::{anyhow, bail, Context, Result};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::baselines;
use npim_sim::formats::read_instance;
use npim_sim::generate::{generate, known_max_cut, Spec};
use npim_sim::stats::{Proportion, Tts};
use npim_sim::{Ising, Storage};
use plotters::prelude::*;
use std::io::Write;
use std::path::PathBuf;

/// Seed 004's instance families at the sizes of its figures.
const DEFAULT_GRAPHS: &[&str] = &[
    "lattice:rows=10,cols=10",
    "lattice:rows=11,cols=11",
    "ladder:n=60",
    "ladder:n=62",
    "mobius:n=60",
    "mobius:n=62",
];

/// One instance with its target cut and where the target came from.
struct Case {
    name: String,
    ising: Ising,
    target: Option<(f64, &'static str)>,
}

/// One algorithm on one instance.
struct Row {
    instance: String,
    n: usize,
    edges: usize,
    target: f64,
    target_source: &'static str,
    algo: String,
    best_cut: f64,
    ps: Proportion,
    /// Epochs to solution of the successful runs, sorted.
    epochs: Vec<f64>,
    tts: Tts,
}

fn algo_name(a: Algo) -> String {
    a.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_else(|| format!("{a:?}"))
}

/// The `q`-quantile of sorted values (linear interpolation).
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

fn cases(args: &CitsStudyArgs) -> Result<Vec<Case>> {
    let mut out = Vec::new();
    let specs: Vec<String> = if args.generate.is_empty() && args.instances.is_empty() {
        DEFAULT_GRAPHS.iter().map(|s| s.to_string()).collect()
    } else {
        args.generate.clone()
    };
    for text in &specs {
        let (spec_text, given) = split_target(text);
        let spec: Spec = spec_text.parse()?;
        let ising = generate(&spec)?;
        let target = match given {
            Some(t) => Some((t, "given")),
            None => known_max_cut(&spec).map(|t| (t, "exact")),
        };
        out.push(Case {
            name: spec_text.to_string(),
            ising,
            target,
        });
    }
    for text in &args.instances {
        let (path, given) = split_target(text);
        let ising = read_instance(&PathBuf::from(path), Storage::Auto)
            .with_context(|| format!("reading {path}"))?;
        out.push(Case {
            name: ising.meta.name.clone().unwrap_or_else(|| path.to_string()),
            ising,
            target: given.map(|t| (t, "given")),
        });
    }
    for c in &out {
        if !c.ising.has_zero_field() {
            bail!(
                "{}: the CITS study is a Max-Cut study; this instance has a linear term",
                c.name
            );
        }
    }
    Ok(out)
}

pub fn run(args: CitsStudyArgs) -> Result<()> {
    if args.runs.count == 0 || args.steps == 0 || args.algo.is_empty() {
        bail!("--runs, --steps and --algo need at least one each");
    }
    for &a in &args.algo {
        if matches!(a, Algo::Gw | Algo::Dnpim | Algo::Cnpim | Algo::Golden) {
            bail!(
                "--algo {}: the study compares the baselines (psa, pmcim, cits, cits-complete, sa, cac, dsbm, aim)",
                algo_name(a)
            );
        }
    }
    let cases = cases(&args)?;
    std::fs::create_dir_all(&args.out)?;
    let bar = ProgressBar::new((cases.len() * args.algo.len() * args.runs.count) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:32} [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let mut rows = Vec::new();
    for case in &cases {
        let ising = &case.ising;
        let mut per_algo = Vec::new();
        for &a in &args.algo {
            bar.set_message(format!("{} {}", case.name, algo_name(a)));
            let (algo, _) = baseline(a, ising, None)?;
            let on_done = || bar.inc(1);
            let results = baselines::solve(
                algo.as_ref(),
                ising,
                args.steps,
                args.runs.count,
                args.seed.value,
                &on_done,
            );
            per_algo.push((a, results));
        }
        let best_found = per_algo
            .iter()
            .flat_map(|(_, rs)| rs.iter().map(|r| ising.cut_from_energy(r.best_energy)))
            .fold(f64::NEG_INFINITY, f64::max);
        let (target, source) = case.target.unwrap_or((best_found, "best found"));
        for (a, results) in per_algo {
            let cuts: Vec<f64> = results
                .iter()
                .map(|r| ising.cut_from_energy(r.best_energy))
                .collect();
            let mut epochs: Vec<f64> = results
                .iter()
                .zip(&cuts)
                .filter(|(_, &c)| c >= target - 1e-9)
                .map(|(r, _)| (r.best_step + 1) as f64)
                .collect();
            epochs.sort_by(f64::total_cmp);
            let ps = Proportion::wilson(epochs.len(), results.len());
            rows.push(Row {
                instance: case.name.clone(),
                n: ising.n(),
                edges: ising.edges().len(),
                target,
                target_source: source,
                algo: algo_name(a),
                best_cut: cuts.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ps,
                epochs,
                tts: Tts::from_probability(ps.p, args.steps),
            });
        }
    }
    bar.finish_and_clear();
    report(&args, &rows)?;
    Ok(())
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |x| format!("{x:.0}"))
}

fn report(args: &CitsStudyArgs, rows: &[Row]) -> Result<()> {
    let csv_path = args.out.join("cits.csv");
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(&csv_path).with_context(|| csv_path.display().to_string())?,
    );
    writeln!(
        w,
        "instance,n,edges,target_cut,target_source,algo,runs,epochs_budget,best_cut,successes,ps,ps_low,ps_high,epochs_q1,epochs_median,epochs_q3,tts99_epochs"
    )?;
    println!(
        "{:<26} {:>4} {:>6} {:<14} {:>22} {:>16} {:>10}",
        "instance", "N", "target", "algo", "P_s [95%]", "epochs q1/med/q3", "TTS99"
    );
    for r in rows {
        let (q1, med, q3) = (
            quantile(&r.epochs, 0.25),
            quantile(&r.epochs, 0.5),
            quantile(&r.epochs, 0.75),
        );
        let opt = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x}"));
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{:.4},{:.4},{:.4},{},{},{},{}",
            r.instance.replace(',', ";"),
            r.n,
            r.edges,
            r.target,
            r.target_source,
            r.algo,
            r.ps.trials,
            args.steps,
            r.best_cut,
            r.ps.successes,
            r.ps.p,
            r.ps.low,
            r.ps.high,
            opt(q1),
            opt(med),
            opt(q3),
            opt(r.tts.steps()),
        )?;
        println!(
            "{:<26} {:>4} {:>6} {:<14} {:>6.2} [{:.2}, {:.2}] {:>16} {:>10}",
            r.instance,
            r.n,
            r.target,
            r.algo,
            r.ps.p,
            r.ps.low,
            r.ps.high,
            format!("{}/{}/{}", fmt_opt(q1), fmt_opt(med), fmt_opt(q3)),
            r.tts
                .steps()
                .map_or_else(|| "-".to_string(), |t| format!("{t:.0}")),
        );
    }
    w.flush()?;
    // Speed-ups in median epochs to solution, CITS over each other algorithm.
    let mut instances: Vec<&str> = rows.iter().map(|r| r.instance.as_str()).collect();
    instances.dedup();
    for cits in ["cits", "cits-complete"] {
        for inst in &instances {
            let Some(c) = rows.iter().find(|r| r.instance == *inst && r.algo == cits) else {
                continue;
            };
            let parts: Vec<String> = rows
                .iter()
                .filter(|r| r.instance == *inst && !r.algo.starts_with("cits"))
                .map(
                    |r| match (quantile(&r.epochs, 0.5), quantile(&c.epochs, 0.5)) {
                        (Some(o), Some(m)) => format!("{} {:.2}x", r.algo, o / m),
                        _ => format!("{} -", r.algo),
                    },
                )
                .collect();
            if !parts.is_empty() {
                println!(
                    "speed-up of {cits} in median epochs on {inst}: {}",
                    parts.join(", ")
                );
            }
        }
    }
    let png = args.out.join("cits.png");
    plot(&png, rows, &instances)?;
    println!("wrote {} and {}", csv_path.display(), png.display());
    Ok(())
}

/// Two panels: P_s per instance and algorithm, and median epochs to solution with the
/// interquartile range.
fn plot(path: &std::path::Path, rows: &[Row], instances: &[&str]) -> Result<()> {
    let root = BitMapBackend::new(path, (1200, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let (left, right) = root.split_horizontally(600);
    let mut algos: Vec<&str> = rows.iter().map(|r| r.algo.as_str()).collect();
    algos.sort_unstable();
    algos.dedup();
    let width = 0.8 / algos.len() as f64;
    let xmax = instances.len() as f64;
    let ymax_epochs = rows
        .iter()
        .filter_map(|r| quantile(&r.epochs, 0.75))
        .fold(1.0f64, f64::max)
        * 1.15;
    for (panel, title, ymax) in [
        (&left, "success rate P_s", 1.05),
        (&right, "epochs to solution (median, IQR)", ymax_epochs),
    ] {
        let mut chart = ChartBuilder::on(panel)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..xmax, 0.0..ymax)
            .map_err(|e| anyhow!("{e}"))?;
        let labels: Vec<String> = instances.iter().map(|s| s.to_string()).collect();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(instances.len().max(1) * 2 + 1)
            .x_label_formatter(&|x| {
                let k = x.floor() as usize;
                if (x - k as f64 - 0.5).abs() < 0.01 && k < labels.len() {
                    labels[k]
                        .replace("lattice:", "")
                        .replace("rows=", "")
                        .replace(",cols=", "x")
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (k, algo) in algos.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let mut bars = Vec::new();
            let mut whiskers = Vec::new();
            for (i, inst) in instances.iter().enumerate() {
                let Some(r) = rows.iter().find(|r| r.instance == *inst && r.algo == *algo) else {
                    continue;
                };
                let x0 = i as f64 + 0.1 + k as f64 * width;
                let value = if ymax <= 1.05 {
                    Some(r.ps.p)
                } else {
                    quantile(&r.epochs, 0.5)
                };
                if let Some(v) = value {
                    bars.push(Rectangle::new(
                        [(x0, 0.0), (x0 + width * 0.9, v)],
                        color.filled(),
                    ));
                }
                if ymax > 1.05 {
                    if let (Some(a), Some(b)) =
                        (quantile(&r.epochs, 0.25), quantile(&r.epochs, 0.75))
                    {
                        let xm = x0 + width * 0.45;
                        whiskers.push(PathElement::new(vec![(xm, a), (xm, b)], BLACK));
                    }
                }
            }
            chart
                .draw_series(bars)
                .map_err(|e| anyhow!("{e}"))?
                .label(*algo)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
            chart.draw_series(whiskers).map_err(|e| anyhow!("{e}"))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
    }
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.25), Some(2.0));
        assert_eq!(quantile(&[1.0, 2.0], 0.5), Some(1.5));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
