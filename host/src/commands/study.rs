//! `npim study quantization`: golden-model P_s against the float dNPIM over a one-at-a-time
//! sweep of core widths around the `sim` preset, with a CSV and a PNG chart.

use crate::cli::QuantizationArgs;
use crate::options::split_target;
use crate::pipeline::params_for;
use crate::plot;
use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore};
use npim_sim::formats::read_instance;
use npim_sim::npim::{self, RunOptions, Variant};
use npim_sim::stats::{Proportion, Tts};
use npim_sim::Storage;
use std::path::PathBuf;

/// One core configuration of the sweep: which width was changed, to what.
pub struct Variation {
    /// `float`, `default` or the field changed.
    pub parameter: &'static str,
    /// Its value (0 for float and default).
    pub value: usize,
    /// The configuration (None for the float reference).
    pub core: Option<CoreConfig>,
}

/// The sweep: the float reference, the default (`sim` preset), then one field at a time.
pub fn variations() -> Vec<Variation> {
    let base = CoreConfig::preset("sim").expect("preset");
    let mut v = vec![
        Variation {
            parameter: "float",
            value: 0,
            core: None,
        },
        Variation {
            parameter: "default",
            value: 0,
            core: Some(base.clone()),
        },
    ];
    for w in [5, 6, 8, 10, 16] {
        v.push(Variation {
            parameter: "w_bits",
            value: w,
            core: Some(CoreConfig {
                w_bits: w as u8,
                ..base.clone()
            }),
        });
    }
    for t in [2, 3, 4, 6, 10] {
        v.push(Variation {
            parameter: "table_bits",
            value: t,
            core: Some(CoreConfig {
                table_bits: t as u8,
                ..base.clone()
            }),
        });
    }
    for k in [2, 4, 8, 16, 256] {
        v.push(Variation {
            parameter: "knots_max",
            value: k,
            core: Some(CoreConfig {
                knots_max: k,
                ..base.clone()
            }),
        });
    }
    for a in [3, 4, 6, 10] {
        v.push(Variation {
            parameter: "act_frac",
            value: a,
            core: Some(CoreConfig {
                act_frac: a as u8,
                z_bits: (a + 8) as u8,
                ..base.clone()
            }),
        });
    }
    v
}

/// One measured cell.
pub struct Cell {
    pub instance: String,
    pub parameter: &'static str,
    pub value: usize,
    pub best: f64,
    pub energies: Vec<f64>,
}

pub fn quantization(args: QuantizationArgs) -> Result<()> {
    std::fs::create_dir_all(&args.study.out)?;
    let vars = variations();
    let mut cells: Vec<Cell> = Vec::new();
    let mut targets: Vec<(String, Option<f64>, usize)> = Vec::new();
    let bar = ProgressBar::new((args.study.instances.len() * vars.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:20} [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    for spec in &args.study.instances {
        let (path, target) = split_target(spec);
        let ising = read_instance(&PathBuf::from(path), Storage::Auto)?;
        let name = ising.meta.name.clone().unwrap_or_else(|| path.to_string());
        let steps = args.study.steps.unwrap_or(ising.n());
        let params = params_for(args.study.params.as_deref(), &ising)?;
        targets.push((name.clone(), target, steps));
        for v in &vars {
            bar.set_message(format!("{name} {}", v.parameter));
            let energies: Vec<f64> = match &v.core {
                None => {
                    let o = RunOptions {
                        variant: Variant::Dnpim,
                        steps,
                        record_energies: false,
                    };
                    npim::solve(
                        &ising,
                        &params,
                        &o,
                        args.runs.count,
                        args.study.seed.value,
                        &|| {},
                    )
                    .into_iter()
                    .map(|r| r.best_energy)
                    .collect()
                }
                Some(core) => {
                    let (image, _) = quantize(&ising, &params, core, steps, args.study.seed.value)
                        .map_err(|e| anyhow!(e))
                        .with_context(|| format!("{name}: {} = {}", v.parameter, v.value))?;
                    let g = GoldenCore::new(&image);
                    g.solve(args.runs.count, args.study.seed.value, &|| {})
                        .into_iter()
                        .map(|r| ising.energy(&r.best_spins))
                        .collect()
                }
            };
            let best = energies.iter().copied().fold(f64::INFINITY, f64::min);
            cells.push(Cell {
                instance: name.clone(),
                parameter: v.parameter,
                value: v.value,
                best,
                energies,
            });
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    // targets: given, else the best any configuration found
    let target_of = |inst: &str| -> (f64, usize) {
        let (_, t, steps) = targets
            .iter()
            .find(|(n, _, _)| n == inst)
            .expect("instance");
        let t = t.unwrap_or_else(|| {
            cells
                .iter()
                .filter(|c| c.instance == inst)
                .map(|c| c.best)
                .fold(f64::INFINITY, f64::min)
        });
        (t, *steps)
    };
    let mut w = csv::Writer::from_path(args.study.out.join("quantization.csv"))?;
    w.write_record([
        "instance",
        "parameter",
        "value",
        "target",
        "successes",
        "runs",
        "p_s",
        "low",
        "high",
        "tts_steps",
        "within_float_ci",
        "mean_best_energy",
        "sem",
        "gap_vs_float",
    ])?;
    let mean_sem = |e: &[f64]| {
        let n = e.len() as f64;
        let m = e.iter().sum::<f64>() / n;
        let v = e.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
        (m, (v / n).sqrt())
    };
    let mut summary: Vec<(String, &'static str, usize, f64, bool, f64)> = Vec::new();
    for c in &cells {
        let (target, steps) = target_of(&c.instance);
        let ok = c
            .energies
            .iter()
            .filter(|&&e| e <= target + 1e-9 * target.abs().max(1.0))
            .count();
        let p = Proportion::wilson(ok, c.energies.len());
        let float = cells
            .iter()
            .find(|f| f.instance == c.instance && f.parameter == "float")
            .expect("float row");
        let fok = float
            .energies
            .iter()
            .filter(|&&e| e <= target + 1e-9 * target.abs().max(1.0))
            .count();
        let fp = Proportion::wilson(fok, float.energies.len());
        let within = p.p >= fp.low && p.p <= fp.high;
        let (mean, sem) = mean_sem(&c.energies);
        let (fmean, _) = mean_sem(&float.energies);
        // relative gap of the mean best energy to the float reference's (positive: worse)
        let gap = (mean - fmean) / fmean.abs().max(1e-12);
        w.write_record([
            c.instance.clone(),
            c.parameter.to_string(),
            c.value.to_string(),
            format!("{target}"),
            ok.to_string(),
            c.energies.len().to_string(),
            format!("{:.4}", p.p),
            format!("{:.4}", p.low),
            format!("{:.4}", p.high),
            Tts::from_probability(p.p, steps)
                .steps()
                .map_or("not reached".into(), |s| format!("{s:.4e}")),
            u8::from(within).to_string(),
            format!("{mean:.4}"),
            format!("{sem:.4}"),
            format!("{gap:.6}"),
        ])?;
        summary.push((c.instance.clone(), c.parameter, c.value, p.p, within, gap));
    }
    w.flush()?;
    // mean P_s over instances per configuration
    println!(
        "{:<12} {:>6} {:>10} {:>27} {:>22}",
        "parameter", "value", "mean P_s", "instances within float CI", "mean best-energy gap"
    );
    let mut means = Vec::new();
    for v in &vars {
        let rows: Vec<_> = summary
            .iter()
            .filter(|s| s.1 == v.parameter && s.2 == v.value)
            .collect();
        let mean = rows.iter().map(|s| s.3).sum::<f64>() / rows.len() as f64;
        let within = rows.iter().filter(|s| s.4).count();
        let gap = rows.iter().map(|s| s.5).sum::<f64>() / rows.len() as f64;
        println!(
            "{:<12} {:>6} {:>10.4} {:>25}/{} {:>21.3}%",
            v.parameter,
            if v.value == 0 {
                "-".into()
            } else {
                v.value.to_string()
            },
            mean,
            within,
            rows.len(),
            100.0 * gap
        );
        means.push((v.parameter, v.value, mean));
    }
    plot::quantization(&args.study.out.join("quantization.png"), &means)?;
    println!(
        "wrote {} and {}",
        args.study.out.join("quantization.csv").display(),
        args.study.out.join("quantization.png").display()
    );
    Ok(())
}
