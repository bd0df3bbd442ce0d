//! `npim bench train -c CONFIG`: how fast the trainer runs a config's epochs on this machine.
//! The epochs are the config's own first ones (same batch, same perturbations, same seeds as
//! `npim train` would run) without the reference runs before them (`reference_runs = 0`: they
//! only set the energies rewards are measured against, not the trajectories' work), and nothing
//! is written but the optional CSV, so that two builds or two machines compare on equal work.

use super::train::{instance_sets, new_trainer};
use crate::cli::BenchTrainArgs;
use crate::report::cpu_model;
use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::train::TrainConfig;
use std::path::Path;
use std::time::Instant;

pub fn run(args: BenchTrainArgs) -> Result<()> {
    let mut config = TrainConfig::load(&args.config).map_err(|e| anyhow!(e))?;
    config.reference_runs = 0;
    let base = args.config.parent().unwrap_or(Path::new("."));
    let (train, test) = instance_sets(&config, base)?;
    let n = train[0].n();
    crate::options::check_outputs(&[("-o", args.out.as_deref())], &[Some(&args.config)])?;
    let mut trainer = new_trainer(&config, base, train, test)?;
    let threads = rayon::current_num_threads();
    println!(
        "machine: {}, {threads} threads; config {} (N = {n}, T = {}, {} trajectories an epoch)",
        cpu_model(),
        config.name,
        config.steps,
        trainer.trajectories_per_epoch()
    );
    println!(
        "{:>5} {:>12} {:>10} {:>20} {:>18}",
        "epoch", "trajectories", "seconds", "trajectory-steps/s", "spin-steps/s"
    );
    let mut rows = Vec::new();
    for _ in 0..args.epochs {
        let trajectories = trainer.trajectories_per_epoch();
        let bar = ProgressBar::new(trajectories as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} trajectories {elapsed}")
                .expect("template"),
        );
        let start = Instant::now();
        let report = trainer.run_epoch(&|| bar.inc(1));
        let seconds = start.elapsed().as_secs_f64();
        bar.finish_and_clear();
        let steps = (trajectories * config.steps) as f64;
        let row = (
            report.epoch,
            trajectories,
            seconds,
            steps / seconds,
            steps * n as f64 / seconds,
        );
        println!(
            "{:>5} {:>12} {:>10.3} {:>20.4e} {:>18.4e}",
            row.0, row.1, row.2, row.3, row.4
        );
        rows.push(row);
    }
    if let Some(path) = &args.out {
        let mut csv =
            csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
        csv.write_record([
            "config",
            "threads",
            "n",
            "steps",
            "epoch",
            "trajectories",
            "seconds",
            "trajectory_steps_per_s",
            "spin_steps_per_s",
        ])?;
        for (epoch, trajectories, seconds, tps, sps) in &rows {
            csv.write_record([
                config.name.clone(),
                threads.to_string(),
                n.to_string(),
                config.steps.to_string(),
                epoch.to_string(),
                trajectories.to_string(),
                format!("{seconds:.6}"),
                format!("{tps:.6e}"),
                format!("{sps:.6e}"),
            ])?;
        }
        csv.flush()
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
