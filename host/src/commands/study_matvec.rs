//! `npim study matvec`: what the golden model's runs ask of the matvec engine (issue 21). Per
//! instance, the spins flipped each step and the `J` entries in their columns, and the
//! entry-read cycles of a pass for the engines `sim::fixed::matvec_work` models at the same
//! lanes: a full pass over every stored entry (the shipped cores), an incremental one over the
//! flipped columns (packed, a bound; and in the three lane-owned layouts a scatter can use, rows
//! owned by residue, balanced, and grouped: balanced with each group of `lanes` consecutive rows
//! on distinct lanes, so that the fields leave the banks in index order), and a hybrid that takes
//! the cheaper of the full pass and the grouped layout each pass; the words each layout stores
//! (the scatter engine's word memory must hold them); and the step's cycles on a core whose
//! lockstep update units (the build's, or `--units` and `--taps`) decide the spins while the
//! matvec scatters each flipped column of the grouped layout as its spin is decided
//! (`UnitSchedule`: a model, no such core is built). CSV per instance, CSV per step and a PNG.

use crate::cli::MatvecStudyArgs;
use crate::options::{check_outputs, split_target};
use crate::pipeline::{build_for, build_image, core_config, params_for};
use anyhow::{anyhow, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::matvec_work::{
    balanced_owners, column_words, grouped_owners, mod_owners, run_work, PassCycles, PassWork,
    UnitSchedule,
};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::GoldenCore;
use npim_sim::formats::read_instance;
use npim_sim::Storage;
use plotters::prelude::*;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Figures kept per step.
const COLUMNS: usize = 8;

/// One instance's passes, averaged over the runs.
struct InstanceWork {
    name: String,
    n: usize,
    nnz: u64,
    /// Per step: mean flips, touched entries, packed, residue-owned, balanced, grouped and
    /// hybrid cycles, and the modelled step's cycles (grouped layout).
    steps: Vec<[f64; COLUMNS]>,
    full: u64,
    /// Words the residue-owned, balanced and grouped layouts store.
    words: [u64; 3],
}

pub fn run(args: MatvecStudyArgs) -> Result<()> {
    let core_cfg = core_config(&args.core)?;
    let lanes = args.lanes.unwrap_or(core_cfg.lanes as u64);
    let build = build_for(&core_cfg)?;
    let units = args.units.map_or(build.units, |u| u as usize);
    let taps = args
        .taps
        .as_deref()
        .map_or(Ok(build.taps_per_cycle), str::parse)?;
    let out = &args.study.out;
    let paths = ["matvec.csv", "matvec-steps.csv", "matvec.png"].map(|f| out.join(f));
    std::fs::create_dir_all(out)?;
    let inputs: Vec<PathBuf> = args
        .study
        .instances
        .iter()
        .map(|s| PathBuf::from(split_target(s).0))
        .chain(args.study.params.clone())
        .collect();
    let input_refs: Vec<Option<&Path>> = inputs.iter().map(|p| Some(p.as_path())).collect();
    check_outputs(
        &paths
            .iter()
            .map(|p| ("-o", Some(p.as_path())))
            .collect::<Vec<_>>(),
        &input_refs,
    )?;
    let bar = ProgressBar::new((args.study.instances.len() * args.runs.count) as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:20} [{bar:30}] {pos}/{len} runs ({elapsed}, eta {eta})",
        )?
        .progress_chars("=> "),
    );
    let mut results = Vec::new();
    for spec in &args.study.instances {
        let path = split_target(spec).0;
        let ising = read_instance(&PathBuf::from(path), Storage::Auto)?;
        let name = ising.meta.name.clone().unwrap_or_else(|| path.to_string());
        let steps = args.study.steps.unwrap_or(ising.n());
        let params = params_for(args.study.params.as_deref(), &ising)?;
        let (image, _) = build_image(&ising, &params, &core_cfg, steps, args.study.seed.value)
            .map_err(|e| anyhow!("{name}: {e:#}"))?;
        let core = GoldenCore::new(&image);
        let nnz = core.stored_entries() as u64;
        let l = lanes as usize;
        let layouts = [
            column_words(&core, &mod_owners(core.n(), l), l),
            column_words(&core, &balanced_owners(&core, l), l),
            column_words(&core, &grouped_owners(&core, l), l),
        ];
        let words = layouts
            .each_ref()
            .map(|w| w.iter().map(|&c| u64::from(c)).sum());
        let schedule = UnitSchedule::of(&core, units, taps);
        bar.set_message(name.clone());
        let runs: Vec<Vec<PassWork>> = (0..args.runs.count)
            .into_par_iter()
            .map(|r| {
                let w = run_work(
                    &core,
                    run_seed(args.study.seed.value, r),
                    &layouts,
                    &schedule,
                );
                bar.inc(1);
                w
            })
            .collect();
        let per_run = runs.len() as f64;
        let steps = (0..steps)
            .map(|t| {
                let mut sum = [0.0; COLUMNS];
                for run in &runs {
                    let by_mod = PassCycles::of(&run[t], 0, nnz, lanes);
                    let balanced = PassCycles::of(&run[t], 1, nnz, lanes);
                    let grouped = PassCycles::of(&run[t], 2, nnz, lanes);
                    sum[0] += f64::from(run[t].flips);
                    sum[1] += run[t].touched as f64;
                    sum[2] += by_mod.incremental as f64;
                    sum[3] += by_mod.lane_owned as f64;
                    sum[4] += balanced.lane_owned as f64;
                    sum[5] += grouped.lane_owned as f64;
                    sum[6] += grouped.hybrid as f64;
                    sum[7] += run[t].step_cycles[2] as f64;
                }
                sum.map(|v| v / per_run)
            })
            .collect();
        results.push(InstanceWork {
            name,
            n: core.n(),
            nnz,
            steps,
            full: nnz.div_ceil(lanes),
            words,
        });
    }
    bar.finish_and_clear();
    write_csvs(
        &paths[0],
        &paths[1],
        &results,
        lanes,
        (units, taps),
        args.runs.count,
    )?;
    plot(&paths[2], &results)?;
    for r in &results {
        let full = r.full as f64;
        let [inc, owned, bal, grp, hyb] = [2, 3, 4, 5, 6].map(|k| mean(&r.steps, k));
        println!(
            "{}: {:.1} % of spins flip a step ({:.1} % in the second half); entry-read cycles a pass at {lanes} lanes: full {}, incremental packed {inc:.0} ({:.2}×), rows owned by residue {owned:.0} ({:.2}×), balanced {bal:.0} ({:.2}×), grouped {grp:.0} ({:.2}×), hybrid {hyb:.0} ({:.2}×)",
            r.name,
            100.0 * mean(&r.steps, 0) / r.n as f64,
            100.0 * mean(&r.steps[r.steps.len() / 2..], 0) / r.n as f64,
            r.full,
            inc / full,
            owned / full,
            bal / full,
            grp / full,
            hyb / full,
        );
        println!(
            "  words stored: residue {}, balanced {}, grouped {}; modelled step with the grouped scatter behind {units} units of {taps} taps: {:.0} cycles (mean over steps)",
            r.words[0],
            r.words[1],
            r.words[2],
            mean(&r.steps, 7)
        );
    }
    println!(
        "wrote {}, {} and {}",
        paths[0].display(),
        paths[1].display(),
        paths[2].display()
    );
    Ok(())
}

/// Entry-read cycles a pass of the engines, in both CSVs (per instance: means over the steps).
const ENGINE_CYCLES: [&str; 6] = [
    "full_cycles",
    "incremental_cycles",
    "lane_owned_cycles",
    "balanced_cycles",
    "grouped_cycles",
    "hybrid_cycles",
];

/// Mean of column `k` over the steps.
fn mean(steps: &[[f64; COLUMNS]], k: usize) -> f64 {
    steps.iter().map(|s| s[k]).sum::<f64>() / steps.len().max(1) as f64
}

fn write_csvs(
    summary: &Path,
    per_step: &Path,
    results: &[InstanceWork],
    lanes: u64,
    (units, taps): (usize, usize),
    runs: usize,
) -> Result<()> {
    let mut w = csv::Writer::from_path(summary)?;
    let header = [
        "instance",
        "n",
        "stored_entries",
        "steps",
        "runs",
        "lanes",
        "flip_fraction",
        "flip_fraction_second_half",
        "touched_entries",
    ]
    .into_iter()
    .chain(ENGINE_CYCLES)
    .chain([
        "incremental_over_full",
        "lane_owned_over_full",
        "balanced_over_full",
        "grouped_over_full",
        "hybrid_over_full",
        "lane_owned_words",
        "balanced_words",
        "grouped_words",
        "units",
        "taps",
        "modelled_step_cycles",
    ]);
    w.write_record(header)?;
    for r in results {
        let half = &r.steps[r.steps.len() / 2..];
        let full = r.full as f64;
        let [inc, owned, bal, grp, hyb] = [2, 3, 4, 5, 6].map(|k| mean(&r.steps, k));
        w.write_record([
            r.name.clone(),
            r.n.to_string(),
            r.nnz.to_string(),
            r.steps.len().to_string(),
            runs.to_string(),
            lanes.to_string(),
            format!("{:.5}", mean(&r.steps, 0) / r.n as f64),
            format!("{:.5}", mean(half, 0) / r.n as f64),
            format!("{:.1}", mean(&r.steps, 1)),
            r.full.to_string(),
            format!("{inc:.1}"),
            format!("{owned:.1}"),
            format!("{bal:.1}"),
            format!("{grp:.1}"),
            format!("{hyb:.1}"),
            format!("{:.4}", inc / full),
            format!("{:.4}", owned / full),
            format!("{:.4}", bal / full),
            format!("{:.4}", grp / full),
            format!("{:.4}", hyb / full),
            r.words[0].to_string(),
            r.words[1].to_string(),
            r.words[2].to_string(),
            units.to_string(),
            taps.to_string(),
            format!("{:.1}", mean(&r.steps, 7)),
        ])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(per_step)?;
    let header = ["instance", "step", "flips", "touched_entries"]
        .into_iter()
        .chain(ENGINE_CYCLES)
        .chain(["modelled_step_cycles"]);
    w.write_record(header)?;
    for r in results {
        for (t, s) in r.steps.iter().enumerate() {
            w.write_record([
                r.name.clone(),
                t.to_string(),
                format!("{:.2}", s[0]),
                format!("{:.1}", s[1]),
                r.full.to_string(),
                format!("{:.2}", s[2]),
                format!("{:.2}", s[3]),
                format!("{:.2}", s[4]),
                format!("{:.2}", s[5]),
                format!("{:.2}", s[6]),
                format!("{:.1}", s[7]),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Fraction of spins flipped per step, one line per instance (log scale: late steps flip few).
fn plot(path: &Path, results: &[InstanceWork]) -> Result<()> {
    let root = BitMapBackend::new(path, (900, 550)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let tmax = results
        .iter()
        .map(|r| r.steps.len())
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "spins flipped per step (mean over runs)",
            ("sans-serif", 20),
        )
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..tmax, (1e-4f64..1.0f64).log_scale())
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("fraction of spins")
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (k, r) in results.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let n = r.n as f64;
        chart
            .draw_series(LineSeries::new(
                r.steps
                    .iter()
                    .enumerate()
                    .map(|(t, s)| (t as f64, (s[0] / n).max(1e-4))),
                color,
            ))
            .map_err(|e| anyhow!("{e}"))?
            .label(r.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}
