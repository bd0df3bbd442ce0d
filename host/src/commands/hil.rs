//! `npim hil`: the core and modelled oscillators in a closed loop, many runs, the summary of
//! `npim solve`, a per-step trace and a plot of run 0.

use crate::cli::{HilArgs, HilLink, HilMode};
use crate::instance_source;
use crate::link::board::Board;
use crate::link::driver::{Driver, LinkCore};
use crate::link::serial::SerialLink;
use crate::link::transport::{Faults, LoopbackBoard, Transport};
use crate::options::{check_outputs, check_target, loop_config};
use crate::pipeline::read_image;
use crate::pipeline::{build_image, core_config, params_for};
use crate::report::{self, core_run, Summary};
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::feedback::Feedback;
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::CoreConfig;
use npim_sim::fixed::{CoreImage, GoldenCore};
use npim_sim::mapping::Mapped;
use npim_sim::oscillator::closed_loop::Keep;
use npim_sim::oscillator::{run_cim, run_dnpim, run_external, LoopTrace};
use std::time::Instant;

/// A real gain as the feedback engine's `beta_q · 2^(−beta_shift)` with a 15-bit mantissa.
pub fn feedback_gain(beta: f64) -> Result<(i16, u8)> {
    if !beta.is_finite() || beta == 0.0 {
        bail!("--beta must be a finite non-zero number");
    }
    let mut shift = 0u8;
    while (beta * f64::from(1u32 << (shift + 1).min(31))).abs() < 16383.0 && shift < 30 {
        shift += 1;
    }
    let q = (beta * 2f64.powi(i32::from(shift))).round();
    if q.abs() > 32767.0 {
        bail!("--beta {beta} is too large for the feedback engine (|β·2^0| > 32767)");
    }
    Ok((q as i16, shift))
}

pub fn run(args: HilArgs) -> Result<()> {
    check_outputs(
        &[
            ("-o", args.report.out.as_deref()),
            ("--trace", args.trace.as_deref()),
            ("--plot", args.plot.as_deref()),
        ],
        &[
            args.image.as_deref(),
            args.source.instance.as_deref(),
            args.spec.params.as_deref(),
            args.config.as_deref(),
        ],
    )?;
    let over_link = args.port.is_some() || args.emulate;
    if over_link && args.mode == HilMode::Cim {
        bail!("--mode cim runs in process only: the protocol carries external-mode dNPIM steps (DRIVE, MEASURE), not the CIM feedback engine");
    }
    let cfg = loop_config(args.config.as_deref(), args.oscillator)?;
    let mut bundled = false;
    let (image, ising, params_note) = match &args.image {
        Some(path) => {
            let image = read_image(path)?;
            let ising = match &args.source.instance {
                Some(_) => {
                    let ising = instance_source::load(&args.source)?.0;
                    npim_sim::fixed::quantize::check_instance(&image, &ising).map_err(|e| {
                        anyhow!(
                            "{} was not quantized from this instance: {e}",
                            path.display()
                        )
                    })?;
                    ising
                }
                None => instance_source::from_image(path, &image),
            };
            (image, ising, format!("image {}", path.display()))
        }
        None => {
            let (ising, is_bundled) = instance_source::load(&args.source)?;
            bundled = is_bundled;
            let params = params_for(args.spec.params.as_deref(), &ising)?;
            let steps = args.spec.steps.unwrap_or(ising.n());
            // over a port, the core the board reports; otherwise --core
            let (core, core_note) = match &args.port {
                Some(port) => (
                    board_core(port, &args.link)?,
                    "the board's core".to_string(),
                ),
                None => (
                    core_config(&args.spec.core)?,
                    format!("core `{}`", args.spec.core),
                ),
            };
            let (image, _) = build_image(&ising, &params, &core, steps, args.seed.value)?;
            let note = match &args.spec.params {
                Some(p) => format!("params {}", p.display()),
                None => "built-in hand-set rule".to_string(),
            };
            (image, ising, format!("{core_note}, {note}"))
        }
    };
    check_target(args.report.target, ising.has_zero_field())?;
    if cfg.latency >= image.steps {
        bail!(
            "latency {} (steps the measurement lags) is not below the run's {} steps: every spin the core sees would be a stale start state",
            cfg.latency,
            image.steps
        );
    }
    if ising.n() != image.n {
        bail!(
            "the instance has {} spins, the image {}",
            ising.n(),
            image.n
        );
    }
    let core = GoldenCore::new(&image);
    let feedback = match args.mode {
        HilMode::Dnpim => None,
        HilMode::Cim => {
            let (beta_q, beta_shift) = feedback_gain(args.beta)?;
            let bits = |b: u32| if b == 0 { 16 } else { b.clamp(2, 16) as u8 };
            Some(Feedback {
                adc_bits: bits(cfg.adc_bits).max(2),
                dac_bits: bits(cfg.dac_bits),
                beta_q,
                beta_shift,
            })
        }
    };
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.runs.count as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("hil [{bar:40}] {pos}/{len} runs ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let start = Instant::now();
    let keep_for = |r: usize| {
        if r == 0 {
            Keep {
                spins: false,
                amplitudes: 16,
            }
        } else {
            Keep::default()
        }
    };
    let (traces, link_note) = if over_link {
        let (traces, note) = over_the_link(&args, &cfg, &image, &bar, &keep_for)?;
        (traces, Some(note))
    } else {
        // (runs not started before a Ctrl-C are skipped; those that finished are reported)
        let traces = npim_sim::cancel::runs(args.runs.count, |r| {
            let rs = run_seed(args.seed.value, r);
            let keep = keep_for(r);
            let t = match &feedback {
                None => run_dnpim(&core, rs, &cfg, args.seed.value, keep),
                Some(f) => run_cim(&image, f, &cfg, args.seed.value ^ u64::from(rs), keep),
            };
            bar.inc(1);
            (r, rs, t)
        });
        (traces, None)
    };
    bar.finish_and_clear();
    crate::interrupt::check_any(traces.len(), args.runs.count)?;
    let done = traces.len();
    let elapsed = start.elapsed().as_secs_f64();
    // run 0 keeps the amplitudes the trace and the plot show (absent if a stop skipped it)
    let first = traces
        .first()
        .filter(|(r, _, _)| *r == 0)
        .map(|(_, _, t)| t);
    let mapped = if ising.has_zero_field() {
        Mapped::max_cut(ising)
    } else {
        Mapped::ising(ising)
    };
    if let (Some(path), Some(t0)) = (&args.trace, first) {
        let mut w =
            csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
        let k = t0.amplitudes.first().map_or(0, Vec::len);
        let mut header = vec!["step".to_string(), "energy".to_string()];
        header.extend((0..k).map(|j| format!("x{j}")));
        w.write_record(&header)?;
        for (t, e4) in t0.e4.iter().enumerate() {
            let mut row = vec![t.to_string(), report::fmt_num(core.energy(*e4))];
            row.extend(t0.amplitudes[t].iter().map(|a| format!("{a:.6}")));
            w.write_record(&row)?;
        }
        w.flush()?;
    }
    if let (Some(path), Some(t0)) = (&args.plot, first) {
        let energy: Vec<f64> = t0.e4.iter().map(|&e| core.energy(e)).collect();
        crate::plot::hil_run(
            path,
            &format!("{:?} loop, run 0", cfg.oscillator),
            &t0.amplitudes,
            &energy,
        )?;
    }
    let wrote: Vec<&std::path::PathBuf> = [&args.trace, &args.plot]
        .into_iter()
        .flatten()
        .filter(|_| first.is_some())
        .collect();
    let runs: Vec<_> = traces
        .into_iter()
        .map(|(r, rs, t)| core_run(&mapped, r, rs, t.best_step, t.best_spins))
        .collect();
    let finished = runs.len();
    let solver = match args.mode {
        HilMode::Dnpim => format!(
            "dNPIM core in external mode + {:?} oscillators",
            cfg.oscillator
        ),
        HilMode::Cim => format!(
            "CIM feedback (β = {}) + {:?} oscillators",
            args.beta, cfg.oscillator
        ),
    };
    println!(
        "loop      DAC {} bits, ADC {} bits, latency {}, noise {}, measurement noise {}, mismatch {}",
        cfg.dac_bits, cfg.adc_bits, cfg.latency, cfg.noise, cfg.measurement_noise, cfg.mismatch
    );
    if let Some(note) = &link_note {
        println!("link      {note}");
    }
    report::report(&Summary {
        mapped: &mapped,
        results: &runs,
        steps: image.steps,
        solver: &solver,
        seed: args.seed.value,
        params_note: &params_note,
        target: args.report.target,
        default_target: crate::pipeline::default_target(&mapped, bundled),
        out: args.report.out.as_deref(),
        time_note: &if over_link {
            format!("{elapsed:.3} s wall for {done} runs, one step at a time over the link")
        } else {
            format!(
                "{elapsed:.3} s wall for {done} runs on {} threads",
                rayon::current_num_threads()
            )
        },
    })?;
    for p in wrote {
        println!("wrote     {}", p.display());
    }
    crate::interrupt::check_finished(finished, args.runs.count)
}

/// One finished run: its index, its run seed and its loop trace.
type RunTrace = (usize, u32, LoopTrace);

/// The core configuration the board on `port` reports (IDENTIFY), to quantize for.
fn board_core(port: &str, link_args: &HilLink) -> Result<CoreConfig> {
    let baud = link_args.baud;
    let link =
        SerialLink::open(port, baud).with_context(|| format!("opening {port} at {baud} baud"))?;
    let mut driver = Driver::new(link);
    link_args.configure(&mut driver);
    Ok(driver.identify().context("identifying the board")?.core)
}

/// Host in the loop: the image goes to a board (`--port`) or the in-process board model
/// (`--emulate`); each run, each step, the board's drive values come over the link (DRIVE), the
/// host steps the oscillators and sends the measured spins back (MEASURE). Runs one after the
/// other (one board). Returns the traces and a line describing the link.
fn over_the_link(
    args: &HilArgs,
    cfg: &npim_sim::oscillator::LoopConfig,
    image: &CoreImage,
    bar: &ProgressBar,
    keep_for: &dyn Fn(usize) -> Keep,
) -> Result<(Vec<RunTrace>, String)> {
    let bytes = image.to_bytes();
    match &args.port {
        Some(port) => {
            let link = SerialLink::open(port, args.link.baud)
                .with_context(|| format!("opening {port} at {} baud", args.link.baud))?;
            let traces = link_runs(Driver::new(link), args, cfg, image, &bytes, bar, keep_for)?;
            Ok((
                traces,
                format!("board on {port} at {} baud", args.link.baud),
            ))
        }
        None => {
            let core = core_config(&args.spec.core)?;
            let link = LoopbackBoard::new(Board::new(core, [0; 32]), Faults::default(), 1);
            let traces = link_runs(Driver::new(link), args, cfg, image, &bytes, bar, keep_for)?;
            Ok((
                traces,
                "in-process board model over the protocol".to_string(),
            ))
        }
    }
}

fn link_runs<T: Transport>(
    mut driver: Driver<T>,
    args: &HilArgs,
    cfg: &npim_sim::oscillator::LoopConfig,
    image: &CoreImage,
    bytes: &[u8],
    bar: &ProgressBar,
    keep_for: &dyn Fn(usize) -> Keep,
) -> Result<Vec<RunTrace>> {
    args.link.configure(&mut driver);
    let identity = driver.identify().context("identifying the board")?;
    driver
        .upload(&identity, bytes)
        .context("uploading the core image")?;
    let mut traces = Vec::with_capacity(args.runs.count);
    for r in 0..args.runs.count {
        if crate::interrupt::requested() {
            break;
        }
        let rs = run_seed(args.seed.value, r);
        let attempt = |driver: &mut Driver<T>| {
            let mut core = LinkCore::new(driver, &identity, rs, image.n);
            let trace = run_external(
                &mut core,
                image.n,
                image.steps,
                rs,
                cfg,
                args.seed.value,
                keep_for(r),
            );
            (trace, core.lost_image)
        };
        // a board reset mid-batch: the image again, and the run again (the loop's noise and the
        // core's are functions of the seeds, so the trace is the one the run would have given)
        let trace = match attempt(&mut driver) {
            (Err(e), true) => {
                bar.suspend(|| eprintln!("warning: run {r}: {e}; uploading the image again"));
                driver
                    .upload(&identity, bytes)
                    .context("uploading the core image again after a board reset")?;
                attempt(&mut driver).0
            }
            (trace, _) => trace,
        }
        .map_err(|e| anyhow!("run {r} (seed {rs}): {e}"))?;
        bar.inc(1);
        traces.push((r, rs, trace));
    }
    Ok(traces)
}
