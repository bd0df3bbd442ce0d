//! `npim train --config FILE`: DAS training with checkpoints, a curve CSV and a PNG plot.

use crate::cli::TrainArgs;
use crate::plot;
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use npim_sim::npim::NpimParams;
use npim_sim::train::{Checkpoint, TrainConfig, Trainer};
use npim_sim::Ising;
use std::path::{Path, PathBuf};

/// The config's training and test sets (paths relative to `base`, the config's folder).
pub(crate) fn instance_sets(config: &TrainConfig, base: &Path) -> Result<(Vec<Ising>, Vec<Ising>)> {
    let train = config
        .train
        .load(base)
        .map_err(|e| anyhow!("training set: {e}"))?;
    let test = config
        .test
        .load(base)
        .map_err(|e| anyhow!("test set: {e}"))?;
    Ok((train, test))
}

/// A run from the config's start: its `init` (random, greedy or a parameter file).
pub(crate) fn new_trainer(
    config: &TrainConfig,
    base: &Path,
    train: Vec<Ising>,
    test: Vec<Ising>,
) -> Result<Trainer> {
    let init = match config.init.as_str() {
        "random" | "greedy" => None,
        path => Some(NpimParams::load(&base.join(path))?),
    };
    Trainer::new(config.clone(), train, test, init).map_err(|e| anyhow!(e))
}

pub fn run(args: TrainArgs) -> Result<()> {
    let mut config = TrainConfig::load(&args.config).map_err(|e| anyhow!(e))?;
    if let Some(epochs) = args.epochs {
        config.epochs = epochs;
    }
    let base = args.config.parent().unwrap_or(Path::new(".")).to_path_buf();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("runs").join(&config.name));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let checkpoint_path = out.join("checkpoint.json");

    let (train, test) = instance_sets(&config, &base)?;
    let mut trainer = if checkpoint_path.exists() && !args.fresh {
        let text = std::fs::read_to_string(&checkpoint_path)?;
        let mut cp: Checkpoint = serde_json::from_str(&text)
            .with_context(|| format!("reading {}", checkpoint_path.display()))?;
        let mut saved = cp.config.clone();
        saved.epochs = config.epochs;
        if saved != config {
            bail!(
                "{} belongs to a different config; use --fresh to start over or another --out",
                checkpoint_path.display()
            );
        }
        cp.config.epochs = config.epochs;
        eprintln!(
            "resuming {} at epoch {}",
            checkpoint_path.display(),
            cp.epoch
        );
        Trainer::resume(cp, train, test).map_err(|e| anyhow!(e))?
    } else {
        new_trainer(&config, &base, train, test)?
    };

    let multi = MultiProgress::new();
    let epochs_bar = multi.add(ProgressBar::new(config.epochs as u64));
    epochs_bar.set_style(
        ProgressStyle::with_template("epoch {pos}/{len} [{bar:30}] {elapsed} eta {eta} {msg}")?
            .progress_chars("=> "),
    );
    epochs_bar.set_position(trainer.epoch() as u64);
    let traj_bar = multi.add(ProgressBar::new(trainer.trajectories_per_epoch() as u64));
    traj_bar.set_style(
        ProgressStyle::with_template("  trajectories [{bar:30}] {pos}/{len}")?
            .progress_chars("=> "),
    );
    if args.quiet {
        epochs_bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        traj_bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut last_test = None;
    while !trainer.finished() {
        traj_bar.reset();
        let report = trainer.run_epoch(&|| traj_bar.inc(1));
        if report.test_success.is_some() {
            last_test = report.test_success;
        }
        epochs_bar.set_position(report.epoch as u64);
        epochs_bar.set_message(format!(
            "reward {:.3}, train success {:.3}, test success {}",
            report.mean_reward,
            report.train_success,
            last_test.map_or("-".into(), |v| format!("{v:.3}"))
        ));
        save_json(&checkpoint_path, trainer.checkpoint())?;
        write_curve(&out.join("curve.csv"), trainer.checkpoint())?;
        if report.test_success.is_some() {
            trainer.params().save(&out.join("params.json"))?;
            plot::training_curve(&out.join("curve.png"), &config.name, trainer.checkpoint())?;
        }
    }
    traj_bar.finish_and_clear();
    epochs_bar.finish();
    let params = trainer.params();
    params.save(&out.join("params.json"))?;
    plot::training_curve(&out.join("curve.png"), &config.name, trainer.checkpoint())?;
    write_curve(&out.join("curve.csv"), trainer.checkpoint())?;
    if let Some(path) = &args.params_out {
        params.save(path)?;
        println!("wrote {}", path.display());
    }
    let cp = trainer.checkpoint();
    let last = cp.curve.last().expect("at least one epoch");
    println!(
        "{}: {} epochs, last mean reward {:.4}, test success {}",
        config.name,
        cp.epoch,
        last.mean_reward,
        last_test
            .or_else(|| cp.curve.iter().rev().find_map(|r| r.test_success))
            .map_or("-".into(), |v| format!("{v:.4}"))
    );
    println!(
        "outputs in {} (params.json, curve.csv, curve.png, checkpoint.json)",
        out.display()
    );
    Ok(())
}

fn save_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string(value)?)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn write_curve(path: &Path, cp: &Checkpoint) -> Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "epoch",
        "mean_reward",
        "train_success",
        "test_success",
        "tau",
        "dt",
        "window",
        "seconds",
    ])?;
    for r in &cp.curve {
        w.write_record([
            r.epoch.to_string(),
            format!("{:.6}", r.mean_reward),
            format!("{:.6}", r.train_success),
            r.test_success.map_or(String::new(), |v| format!("{v:.6}")),
            format!("{}", r.tau),
            format!("{:.6}", r.das.dt),
            format!("{:.6}", r.das.window),
            format!("{:.3}", r.seconds),
        ])?;
    }
    w.flush()?;
    Ok(())
}
