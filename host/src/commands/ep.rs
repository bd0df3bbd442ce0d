//! `npim ep train`: equilibrium propagation on the core's golden model, with the backprop
//! baseline in the same run, checkpoints, a curve CSV and a PNG plot.

use crate::auto_params;
use crate::cli::{EpBenchArgs, EpCommon, EpSweepArgs, EpTrainArgs};
use crate::link::board::Board;
use crate::link::driver::Driver;
use crate::link::phases::LinkPhases;
use crate::link::rtl_uart;
use crate::link::serial::SerialLink;
use crate::link::transport::{LoopbackBoard, Transport};
use crate::options::parse_faults;
use crate::pipeline::{core_config, handset_params, harness_cache, params_for};
use crate::plot;
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use npim_sim::ep::{EpCheckpoint, EpConfig, EpTrainer, GoldenPhases, Network, PhaseCore};
use npim_sim::fixed::CoreConfig;
use npim_sim::npim::NpimParams;
use npim_sim::Ising;
use std::path::{Path, PathBuf};

/// The files a run writes into its folder.
const OUTPUTS: [&str; 5] = [
    "checkpoint.json",
    "curve.csv",
    "curve.png",
    "network.json",
    "core.npimg",
];

fn config_of(
    c: &EpCommon,
    beta: f64,
    per_class: usize,
    reverse: Option<f64>,
    seed: u64,
) -> EpConfig {
    EpConfig {
        data: c.data.clone(),
        hidden: c.hidden,
        per_class,
        beta,
        epochs: c.epochs,
        lr: c.lr,
        bp_lr: c.bp_lr,
        batch: c.batch,
        steps: c.steps,
        window: c.window,
        reverse,
        init_scale: c.init_scale,
        test_fraction: c.test_fraction,
        seed,
    }
}

/// The rule phases run with: `handset` fitted to each batch's couplings, or one parameter
/// file (or `auto`'s choice for the network's couplings) for the whole run.
fn rule_for(
    params: &Path,
    net: &Network,
) -> Result<impl Fn(&Ising) -> Result<NpimParams, String> + Sync> {
    let fixed: Option<NpimParams> = if auto_params::is_handset(params) {
        None
    } else {
        Some(params_for(Some(params), &net.ising())?)
    };
    Ok(move |ising: &Ising| -> Result<NpimParams, String> {
        Ok(match &fixed {
            Some(p) => p.clone(),
            None => handset_params(ising),
        })
    })
}

/// Refuses a data file that is one of the run's outputs (it would be overwritten).
fn check_outputs(data: &str, out: &Path) -> Result<()> {
    let data_path = Path::new(data);
    if !data_path.exists() {
        return Ok(());
    }
    let data_real = data_path.canonicalize()?;
    for name in OUTPUTS {
        let p = out.join(name);
        if p.exists() && p.canonicalize()? == data_real {
            bail!(
                "--data {data} is the run's own {name} in {}: choose another --out",
                out.display()
            );
        }
        if !p.exists() && out.exists() && out.canonicalize()?.join(name) == data_real {
            bail!("--data {data} would be overwritten by the run's {name}: choose another --out");
        }
    }
    Ok(())
}

pub fn train(args: EpTrainArgs) -> Result<()> {
    let c = &args.common;
    let config = config_of(
        c,
        args.beta,
        args.outputs_per_class,
        args.reverse,
        args.seed,
    );
    config.validate().map_err(|e| anyhow!(e))?;
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = Path::new(&c.data)
            .file_stem()
            .map_or("data".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("runs").join(format!("ep-{stem}"))
    });
    check_outputs(&c.data, &out)?;
    match (&args.port, args.emulate) {
        (Some(port), _) => {
            let link = SerialLink::open(port, args.link.baud)
                .with_context(|| format!("opening {port} at {} baud", args.link.baud))?;
            train_over(&args, config, &out, link, None, port)
        }
        (None, true) => {
            let faults = args
                .faults
                .as_deref()
                .map(parse_faults)
                .transpose()?
                .unwrap_or_default();
            let board = Board::new(core_config(&c.core)?, [0; 32]);
            let what = format!("the in-process board model, faults {faults:?}");
            let link = LoopbackBoard::new(board, faults, 1);
            train_over(&args, config, &out, link, None, &what)
        }
        (None, false) if args.rtl => {
            let core = core_config(&c.core)?;
            if core.name != "rtl" {
                bail!(
                    "--rtl runs the serial core of build `rtl` (its Verilator model); --core {} has none: leave --core out",
                    c.core
                );
            }
            eprintln!(
                "building the serial core's Verilator model (cached in {})",
                harness_cache().display()
            );
            let sim = rtl_uart::start(&harness_cache()).map_err(|e| anyhow!(e))?;
            let what =
                "the serial core of build `rtl` under Verilator (UART, command engine, core)";
            train_over(&args, config, &out, sim, Some(core), what)
        }
        (None, false) => {
            let core = core_config(&c.core)?;
            let what = "the golden model, in process";
            train_on(
                &args,
                config,
                &out,
                core,
                &mut GoldenPhases::default(),
                what,
            )
        }
    }
}

/// The training loop on `phases` (the golden model, or a board through the link): resumes or
/// starts, runs the epochs, writes the outputs after each.
/// Trains with the phases on whatever answers at the end of `link` (a board, the board model,
/// the serial core's simulation): identified, checked for the phase commands, then
/// [`train_on`] with `core` (the board's own when `None`).
fn train_over<T: Transport>(
    args: &EpTrainArgs,
    config: EpConfig,
    out: &Path,
    link: T,
    core: Option<CoreConfig>,
    on: &str,
) -> Result<()> {
    let mut driver = Driver::new(link);
    args.link.configure(&mut driver);
    let identity = driver
        .identify()
        .with_context(|| format!("identifying {on}"))?;
    let core = core.unwrap_or_else(|| identity.core.clone());
    let mut phases = LinkPhases::new(&mut driver, &identity)?;
    train_on(args, config, out, core, &mut phases, on)
}

fn train_on(
    args: &EpTrainArgs,
    config: EpConfig,
    out: &Path,
    core: CoreConfig,
    phases: &mut dyn PhaseCore,
    on: &str,
) -> Result<()> {
    let c = &args.common;
    let checkpoint_path = out.join("checkpoint.json");
    let mut trainer = if checkpoint_path.exists() && !args.fresh {
        let text = std::fs::read_to_string(&checkpoint_path)
            .with_context(|| format!("reading {}", checkpoint_path.display()))?;
        let mut cp: EpCheckpoint = serde_json::from_str(&text)
            .with_context(|| format!("reading {}", checkpoint_path.display()))?;
        let mut saved = cp.config.clone();
        saved.epochs = config.epochs;
        if saved != config {
            bail!(
                "{} belongs to a different run (its flags differ); use --fresh to start over or another --out",
                checkpoint_path.display()
            );
        }
        cp.config.epochs = config.epochs;
        eprintln!(
            "resuming {} at epoch {}",
            checkpoint_path.display(),
            cp.epoch
        );
        EpTrainer::resume(cp, core).map_err(|e| anyhow!(e))?
    } else {
        EpTrainer::new(config.clone(), core).map_err(|e| anyhow!(e))?
    };
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;

    let rule = rule_for(&c.params, &trainer.checkpoint().network)?;
    let split = trainer.split();
    let net = &trainer.checkpoint().network;
    eprintln!(
        "{}: {} training and {} test examples, {} features, {} classes; network {} hidden + {} output spins ({} per class) on core `{}`: {on}",
        config.data,
        split.train.len(),
        split.test.len(),
        net.inputs,
        net.classes,
        net.hidden,
        net.outputs(),
        net.per_class,
        trainer.checkpoint().core
    );
    let multi = MultiProgress::new();
    let epochs_bar = multi.add(ProgressBar::new(config.epochs as u64));
    epochs_bar.set_style(
        ProgressStyle::with_template("epoch {pos}/{len} [{bar:30}] {elapsed} eta {eta} {msg}")?
            .progress_chars("=> "),
    );
    epochs_bar.set_position(trainer.epoch() as u64);
    let phase_bar = multi.add(ProgressBar::new(trainer.phases_per_epoch() as u64));
    phase_bar.set_style(
        ProgressStyle::with_template("  phases [{bar:30}] {pos}/{len}")?.progress_chars("=> "),
    );
    if c.quiet {
        epochs_bar.set_draw_target(ProgressDrawTarget::hidden());
        phase_bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    while !trainer.finished() {
        phase_bar.reset();
        let r = trainer
            .run_epoch(phases, &rule, &|| phase_bar.inc(1))
            .map_err(|e| anyhow!(e))?;
        epochs_bar.set_position(r.epoch as u64);
        epochs_bar.set_message(format!(
            "EP train {:.3} test {:.3} | backprop train {:.3} test {:.3}",
            r.train_accuracy, r.test_accuracy, r.bp_train_accuracy, r.bp_test_accuracy
        ));
        save(out, trainer.checkpoint())?;
    }
    phase_bar.finish_and_clear();
    epochs_bar.finish();
    save(out, trainer.checkpoint())?;
    let image = trainer.core_image(&rule).map_err(|e| anyhow!(e))?;
    write_atomic(&out.join("core.npimg"), &image.to_bytes())?;
    let cp = trainer.checkpoint();
    if let Some(last) = cp.curve.last() {
        println!(
            "{}: epoch {}: EP test accuracy {:.4} (train {:.4}); backprop, same width and split: test {:.4} (train {:.4})",
            config.data,
            last.epoch,
            last.test_accuracy,
            last.train_accuracy,
            last.bp_test_accuracy,
            last.bp_train_accuracy
        );
    }
    println!(
        "outputs in {} (curve.csv, curve.png, network.json, checkpoint.json, core.npimg: the couplings' core image)",
        out.display()
    );
    Ok(())
}

/// Writes the checkpoint, the network, the curve CSV and its plot (files replaced whole).
fn save(out: &Path, cp: &EpCheckpoint) -> Result<()> {
    write_atomic(&out.join("checkpoint.json"), &serde_json::to_vec(cp)?)?;
    write_atomic(
        &out.join("network.json"),
        &serde_json::to_vec_pretty(&cp.network)?,
    )?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "epoch",
        "ep_train_accuracy",
        "ep_test_accuracy",
        "bp_train_accuracy",
        "bp_test_accuracy",
        "saturated_bias_fraction",
        "max_weight",
        "seconds",
    ])?;
    for r in &cp.curve {
        w.write_record([
            r.epoch.to_string(),
            format!("{:.6}", r.train_accuracy),
            format!("{:.6}", r.test_accuracy),
            format!("{:.6}", r.bp_train_accuracy),
            format!("{:.6}", r.bp_test_accuracy),
            format!("{:.6}", r.saturated),
            format!("{:.6}", r.max_weight),
            format!("{:.3}", r.seconds),
        ])?;
    }
    write_atomic(&out.join("curve.csv"), &w.into_inner()?)?;
    let title = format!(
        "EP on the core: {} (H = {}, K = {}, beta = {})",
        cp.config.data, cp.config.hidden, cp.config.per_class, cp.config.beta
    );
    plot::ep_curve(&out.join("curve.png"), &title, &cp.curve)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// One sweep point's outcome, averaged over seeds.
struct SweepRow {
    beta: f64,
    per_class: usize,
    reverse: Option<f64>,
    /// Per seed: mean test accuracy of the last five epochs, best test accuracy, the
    /// baseline's last test accuracy.
    per_seed: Vec<(f64, f64, f64)>,
}

impl SweepRow {
    fn mean(&self, pick: impl Fn(&(f64, f64, f64)) -> f64) -> f64 {
        self.per_seed.iter().map(pick).sum::<f64>() / self.per_seed.len().max(1) as f64
    }
}

pub fn sweep(args: EpSweepArgs) -> Result<()> {
    let c = &args.common;
    let reverse: Vec<Option<f64>> = args
        .reverse
        .iter()
        .map(|r| match r.as_str() {
            "none" => Ok(None),
            v => v
                .parse::<f64>()
                .map(Some)
                .map_err(|_| anyhow!("--reverse {v}: a number between 0 and 1, or none")),
        })
        .collect::<Result<_>>()?;
    if args.seeds.is_empty() || args.betas.is_empty() || args.outputs_per_class.is_empty() {
        bail!("--betas, --outputs-per-class and --seeds need at least one value each");
    }
    let core = core_config(&c.core)?;
    // every setting checked before the first runs
    let mut settings = Vec::new();
    for &k in &args.outputs_per_class {
        for &r in &reverse {
            for &beta in &args.betas {
                let configs: Vec<EpConfig> = args
                    .seeds
                    .iter()
                    .map(|&seed| config_of(c, beta, k, r, seed))
                    .collect();
                for cfg in &configs {
                    cfg.validate()
                        .map_err(|e| anyhow!("β {beta}, K {k}: {e}"))?;
                }
                settings.push(configs);
            }
        }
    }
    let first = EpTrainer::new(settings[0][0].clone(), core.clone()).map_err(|e| anyhow!(e))?;
    let largest = settings.iter().map(|s| s[0].per_class).max().unwrap_or(1);
    EpTrainer::new(
        EpConfig {
            per_class: largest,
            ..settings[0][0].clone()
        },
        core.clone(),
    )
    .map_err(|e| anyhow!(e))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let rule = rule_for(&c.params, &first.checkpoint().network)?;
    let runs = settings.iter().map(Vec::len).sum::<usize>();
    let bar = ProgressBar::new((runs * c.epochs) as u64);
    bar.set_style(
        ProgressStyle::with_template("epochs [{bar:30}] {pos}/{len} {elapsed} eta {eta} {msg}")?
            .progress_chars("=> "),
    );
    if c.quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let mut golden = GoldenPhases::default();
    let mut rows = Vec::new();
    for configs in &settings {
        let mut row = SweepRow {
            beta: configs[0].beta,
            per_class: configs[0].per_class,
            reverse: configs[0].reverse,
            per_seed: Vec::new(),
        };
        for cfg in configs {
            bar.set_message(format!(
                "β {} K {} reverse {} seed {}",
                cfg.beta,
                cfg.per_class,
                cfg.reverse.map_or("none".into(), |r| r.to_string()),
                cfg.seed
            ));
            let mut trainer = EpTrainer::new(cfg.clone(), core.clone()).map_err(|e| anyhow!(e))?;
            while !trainer.finished() {
                trainer
                    .run_epoch(&mut golden, &rule, &|| {})
                    .map_err(|e| anyhow!(e))?;
                bar.inc(1);
            }
            let curve = &trainer.checkpoint().curve;
            let tail = &curve[curve.len().saturating_sub(5)..];
            let last5 = tail.iter().map(|r| r.test_accuracy).sum::<f64>() / tail.len() as f64;
            let best = curve.iter().map(|r| r.test_accuracy).fold(0.0, f64::max);
            let bp = curve.last().map_or(0.0, |r| r.bp_test_accuracy);
            row.per_seed.push((last5, best, bp));
        }
        rows.push(row);
        write_sweep(&args.out, &c.data, &rows)?;
    }
    bar.finish();
    println!(
        "{}: {} settings × {} seeds, {} epochs each",
        c.data,
        rows.len(),
        args.seeds.len(),
        c.epochs
    );
    println!("beta  K  reverse  EP test (last 5 epochs)  EP test (best)  backprop test");
    for r in &rows {
        println!(
            "{:<5} {:<2} {:<8} {:.3}                    {:.3}           {:.3}",
            r.beta,
            r.per_class,
            r.reverse.map_or("none".into(), |v| v.to_string()),
            r.mean(|s| s.0),
            r.mean(|s| s.1),
            r.mean(|s| s.2)
        );
    }
    println!("outputs in {} (sweep.csv, sweep.png)", args.out.display());
    Ok(())
}

fn write_sweep(out: &Path, data: &str, rows: &[SweepRow]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "beta",
        "outputs_per_class",
        "reverse",
        "seeds",
        "ep_test_last5",
        "ep_test_best",
        "bp_test",
        "ep_test_last5_per_seed",
    ])?;
    for r in rows {
        w.write_record([
            r.beta.to_string(),
            r.per_class.to_string(),
            r.reverse.map_or("none".into(), |v| v.to_string()),
            r.per_seed.len().to_string(),
            format!("{:.4}", r.mean(|s| s.0)),
            format!("{:.4}", r.mean(|s| s.1)),
            format!("{:.4}", r.mean(|s| s.2)),
            r.per_seed
                .iter()
                .map(|s| format!("{:.4}", s.0))
                .collect::<Vec<_>>()
                .join(" "),
        ])?;
    }
    write_atomic(&out.join("sweep.csv"), &w.into_inner()?)?;
    let lines: Vec<(String, Vec<(f64, f64)>)> = {
        let mut keys: Vec<(usize, Option<f64>)> =
            rows.iter().map(|r| (r.per_class, r.reverse)).collect();
        keys.dedup();
        keys.iter()
            .map(|&(k, rev)| {
                let label = format!(
                    "K = {k}, {}",
                    rev.map_or("fresh nudged run".into(), |v| format!(
                        "reverse from τ = {v}"
                    ))
                );
                let pts = rows
                    .iter()
                    .filter(|r| r.per_class == k && r.reverse == rev)
                    .map(|r| (r.beta, r.mean(|s| s.0)))
                    .collect();
                (label, pts)
            })
            .collect()
    };
    let bp = rows.iter().map(|r| r.mean(|s| s.2)).sum::<f64>() / rows.len().max(1) as f64;
    plot::ep_sweep(
        &out.join("sweep.png"),
        &format!("EP on the core, {data}: test accuracy (mean of the last 5 epochs) against β"),
        &lines,
        bp,
    )
}

pub fn bench(args: EpBenchArgs) -> Result<()> {
    for (v, what) in [
        (args.cycles_per_step, "--cycles-per-step"),
        (args.clock_mhz, "--clock-mhz"),
        (args.board_watts, "--board-watts"),
    ] {
        if !(v.is_finite() && v > 0.0) {
            bail!("{what} must be a positive number (got {v})");
        }
    }
    if args.inferences == 0 {
        bail!("--inferences must be at least 1");
    }
    let path = args.run.join("checkpoint.json");
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.run.join("inference.csv"));
    if out.exists() && path.exists() && out.canonicalize()? == path.canonicalize()? {
        bail!(
            "-o {} is the run's checkpoint: choose another file",
            out.display()
        );
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let cp: EpCheckpoint =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let core = core_config(&cp.core)?;
    let steps = cp.config.steps;
    let trainer = EpTrainer::resume(cp, core).map_err(|e| anyhow!(e))?;
    let rule = rule_for(&args.params, &trainer.checkpoint().network)?;
    let test = trainer.split().test.clone();
    let (image, jobs) = trainer
        .inference_jobs(&rule, &test)
        .map_err(|e| anyhow!(e))?;
    let golden = npim_sim::fixed::GoldenCore::new(&image);
    let net = &trainer.checkpoint().network;
    let baseline = &trainer.checkpoint().baseline;
    // the golden model, one thread: one free phase per inference
    let started = std::time::Instant::now();
    let mut right = 0usize;
    for k in 0..args.inferences {
        let job = &jobs[k % jobs.len()];
        let r = golden.run_phase(job.run_seed, &job.start, job.window);
        if k < jobs.len() && Network::is_correct(&net.scores(&r.spin_sums), test.labels[k]) {
            right += 1;
        }
    }
    let golden_us = started.elapsed().as_secs_f64() * 1e6 / args.inferences as f64;
    let counted = jobs.len().min(args.inferences);
    // the backprop baseline's forward pass (black_box: the prediction is used)
    let started = std::time::Instant::now();
    let mut sink = 0usize;
    for k in 0..args.inferences {
        sink += std::hint::black_box(baseline.predict(&test.features[k % test.len()]));
    }
    std::hint::black_box(sink);
    let mlp_us = started.elapsed().as_secs_f64() * 1e6 / args.inferences as f64;
    let board_us = args.cycles_per_step * steps as f64 / args.clock_mhz;
    let board_uj = board_us * args.board_watts;
    let rows = [
        (
            "ULX3S core, projected",
            board_us,
            format!("{board_uj:.2} (at most, {} W)", args.board_watts),
        ),
        ("golden model, 1 CPU thread", golden_us, "-".into()),
        ("backprop network, 1 CPU thread", mlp_us, "-".into()),
    ];
    println!(
        "{}: {} spins, {steps} steps a phase; {} test examples, EP accuracy of these phases {:.4} ({right}/{counted})",
        trainer.checkpoint().config.data,
        net.spins(),
        test.len(),
        right as f64 / counted.max(1) as f64
    );
    println!(
        "ULX3S: {} cycles a step × {steps} steps at {} MHz",
        args.cycles_per_step, args.clock_mhz
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "engine",
        "us_per_inference",
        "uj_per_inference",
        "ratio_to_golden",
    ])?;
    for (name, us, uj) in &rows {
        println!(
            "{name:<32} {us:>10.2} µs an inference ({:.2}× the golden model's time)  energy µJ: {uj}",
            us / golden_us
        );
        w.write_record([
            name.to_string(),
            format!("{us:.3}"),
            uj.split(' ').next().unwrap_or("-").to_string(),
            format!("{:.4}", us / golden_us),
        ])?;
    }
    write_atomic(&out, &w.into_inner()?)?;
    println!("wrote {}", out.display());
    Ok(())
}
