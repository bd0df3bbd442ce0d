//! `npim study hil`: how much the analog half costs. For each instance, the digital dNPIM
//! (golden model) and the closed loop (the same core in external mode, modelled oscillators)
//! over a grid of ADC widths × measurement-noise levels; P_s against one target per instance,
//! and the ratio to the digital P_s. CSV and PNG.

use crate::cli::HilStudyArgs;
use crate::pipeline::params_for;
use anyhow::{anyhow, bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore};
use npim_sim::formats::read_instance;
use npim_sim::oscillator::closed_loop::Keep;
use npim_sim::oscillator::{run_dnpim, LoopConfig, OscillatorKind};
use npim_sim::stats::Proportion;
use npim_sim::Storage;
use plotters::prelude::*;
use rayon::prelude::*;
use std::path::PathBuf;

/// One point of the sweep on one instance.
struct Point {
    instance: String,
    adc_bits: u32,
    noise: f64,
    ps: Proportion,
}

pub fn run(args: HilStudyArgs) -> Result<()> {
    let base = crate::options::loop_config(args.config.as_deref(), args.oscillator)?;
    if args.runs.count == 0 || args.adc.is_empty() || args.noise.is_empty() {
        bail!("--runs, --adc and --noise need at least one value each");
    }
    std::fs::create_dir_all(&args.study.out)?;
    let total = args.study.instances.len() * (1 + args.adc.len() * args.noise.len());
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let mut points = Vec::new();
    let mut digital = Vec::new();
    for spec in &args.study.instances {
        let (path, target) = crate::options::split_target(spec);
        let ising = read_instance(&PathBuf::from(path), Storage::Auto)?;
        let name = ising.meta.name.clone().unwrap_or_else(|| path.to_string());
        let steps = args.study.steps.unwrap_or(ising.n());
        let params = params_for(args.study.params.as_deref(), &ising)?;
        let (image, _) = quantize(
            &ising,
            &params,
            &CoreConfig::preset("sim").expect("preset"),
            steps,
            args.study.seed.value,
        )
        .map_err(|e| anyhow!("{name}: {e}"))?;
        let core = GoldenCore::new(&image);
        bar.set_message(format!("{name} digital"));
        let golden: Vec<f64> = (0..args.runs.count)
            .into_par_iter()
            .map(|r| ising.energy(&core.run(r, run_seed(args.study.seed.value, r)).best_spins))
            .collect();
        let mut grid: Vec<(u32, f64, Vec<f64>)> = Vec::new();
        for &adc in &args.adc {
            for &noise in &args.noise {
                bar.inc(0);
                bar.set_message(format!("{name} adc {adc} noise {noise}"));
                let cfg = LoopConfig {
                    adc_bits: adc,
                    measurement_noise: noise,
                    ..base.clone()
                };
                cfg.validate().map_err(|e| anyhow!(e))?;
                let energies: Vec<f64> = (0..args.runs.count)
                    .into_par_iter()
                    .map(|r| {
                        let t = run_dnpim(
                            &core,
                            run_seed(args.study.seed.value, r),
                            &cfg,
                            args.study.seed.value,
                            Keep::default(),
                        );
                        ising.energy(&t.best_spins)
                    })
                    .collect();
                grid.push((adc, noise, energies));
                bar.inc(1);
            }
        }
        bar.inc(1);
        let best = golden
            .iter()
            .copied()
            .chain(grid.iter().flat_map(|g| g.2.iter().copied()))
            .fold(f64::INFINITY, f64::min);
        let target = target.unwrap_or(best);
        let ps = |e: &[f64]| {
            let tol = 1e-9 * target.abs().max(1.0);
            Proportion::wilson(e.iter().filter(|&&v| v <= target + tol).count(), e.len())
        };
        digital.push((name.clone(), target, ps(&golden)));
        for (adc, noise, e) in &grid {
            points.push(Point {
                instance: name.clone(),
                adc_bits: *adc,
                noise: *noise,
                ps: ps(e),
            });
        }
    }
    bar.finish_and_clear();
    let csv_path = args.study.out.join("hil.csv");
    let mut w = csv::Writer::from_path(&csv_path)?;
    w.write_record([
        "instance",
        "target",
        "adc_bits",
        "noise",
        "ps",
        "ps_low",
        "ps_high",
        "digital_ps",
        "ratio",
    ])?;
    println!(
        "{:<14} {:>9} {:>6} {:>7} {:>7} {:>7}",
        "instance", "adc bits", "noise", "P_s", "digital", "ratio"
    );
    for (name, target, d) in &digital {
        w.write_record([
            name.as_str(),
            &target.to_string(),
            "digital",
            "0",
            &format!("{:.4}", d.p),
            &format!("{:.4}", d.low),
            &format!("{:.4}", d.high),
            &format!("{:.4}", d.p),
            "1",
        ])?;
        for p in points.iter().filter(|p| &p.instance == name) {
            let ratio = if d.p > 0.0 { p.ps.p / d.p } else { f64::NAN };
            w.write_record([
                name.as_str(),
                &target.to_string(),
                &p.adc_bits.to_string(),
                &p.noise.to_string(),
                &format!("{:.4}", p.ps.p),
                &format!("{:.4}", p.ps.low),
                &format!("{:.4}", p.ps.high),
                &format!("{:.4}", d.p),
                &format!("{ratio:.3}"),
            ])?;
            println!(
                "{:<14} {:>9} {:>6} {:>7.3} {:>7.3} {:>7.3}",
                name, p.adc_bits, p.noise, p.ps.p, d.p, ratio
            );
        }
    }
    w.flush()?;
    let png = args.study.out.join("hil.png");
    plot(&png, &args.noise, &points, &digital, base.oscillator)?;
    println!("wrote {} and {}", csv_path.display(), png.display());
    Ok(())
}

/// Mean P_s ratio to digital over the instances, against ADC bits, one line per noise level.
fn plot(
    path: &std::path::Path,
    noises: &[f64],
    points: &[Point],
    digital: &[(String, f64, Proportion)],
    kind: OscillatorKind,
) -> Result<()> {
    let root = BitMapBackend::new(path, (900, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let max_bits = points.iter().map(|p| p.adc_bits).max().unwrap_or(12) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{kind:?} loop: P_s relative to the digital dNPIM"),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(0.5..max_bits + 0.5, 0.0..1.6)
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("ADC bits")
        .y_desc("P_s / digital P_s (mean over instances)")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (k, &noise) in noises.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let mut bits: Vec<u32> = points.iter().map(|p| p.adc_bits).collect();
        bits.sort_unstable();
        bits.dedup();
        let series: Vec<(f64, f64)> = bits
            .iter()
            .filter_map(|&b| {
                let ratios: Vec<f64> = points
                    .iter()
                    .filter(|p| p.adc_bits == b && p.noise == noise)
                    .filter_map(|p| {
                        let d = digital.iter().find(|d| d.0 == p.instance)?.2.p;
                        (d > 0.0).then(|| p.ps.p / d)
                    })
                    .collect();
                (!ratios.is_empty()).then(|| {
                    (
                        f64::from(b),
                        ratios.iter().sum::<f64>() / ratios.len() as f64,
                    )
                })
            })
            .collect();
        chart
            .draw_series(LineSeries::new(series.clone(), color.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?
            .label(format!("measurement noise {noise}"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
        chart
            .draw_series(series.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
    chart
        .draw_series(LineSeries::new(
            vec![(0.5, 1.0), (max_bits + 0.5, 1.0)],
            BLACK.stroke_width(2),
        ))
        .map_err(|e| anyhow!("{e}"))?
        .label("digital")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
