//! `npim hil`: the core and modelled oscillators in a closed loop, many runs, the summary of
//! `npim solve`, a per-step trace and a plot of run 0.

use crate::cli::{HilArgs, HilMode, OscillatorArg};
use crate::commands::quantize::{build_image, params_for};
use crate::commands::summary::{self, core_run, Summary};
use crate::instance_source;
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::fixed::feedback::Feedback;
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::{CoreImage, GoldenCore};
use npim_sim::mapping::Mapped;
use npim_sim::oscillator::closed_loop::Keep;
use npim_sim::oscillator::{run_cim, run_dnpim, LoopConfig, OscillatorKind};
use rayon::prelude::*;
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

/// The loop settings of `--config FILE` (defaults without one), with `--oscillator` over the
/// file's model.
pub fn loop_config(
    file: Option<&std::path::Path>,
    oscillator: Option<OscillatorArg>,
) -> Result<LoopConfig> {
    let mut cfg = match file {
        Some(p) => LoopConfig::parse(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )
        .map_err(|e| anyhow!("{}: {e}", p.display()))?,
        None => LoopConfig::default(),
    };
    if let Some(o) = oscillator {
        cfg.oscillator = match o {
            OscillatorArg::Ideal => OscillatorKind::Ideal,
            OscillatorArg::Opo => OscillatorKind::Opo,
            OscillatorArg::Cmos => OscillatorKind::Cmos,
            OscillatorArg::Pmcim => OscillatorKind::Pmcim,
        };
    }
    Ok(cfg)
}

pub fn run(args: HilArgs) -> Result<()> {
    if let Some(port) = &args.port {
        bail!(
            "host-in-the-loop over {port} needs external-mode steps in the board protocol (spins in, drives out each step), which protocol v2 does not have yet; run the loop in-process (leave out --port)"
        );
    }
    let cfg = loop_config(args.config.as_deref(), args.oscillator)?;
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let (image, ising, params_note) = match &args.image {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let image =
                CoreImage::from_bytes(&bytes).with_context(|| format!("{}", path.display()))?;
            let ising = match &args.source.instance {
                Some(_) => instance_source::load(&args.source)?.0,
                None => instance_source::from_image(path, &image),
            };
            (image, ising, format!("image {}", path.display()))
        }
        None => {
            let (ising, _) = instance_source::load(&args.source)?;
            let params = params_for(args.params.as_deref(), &ising)?;
            let steps = args.steps.unwrap_or(ising.n());
            let (image, _) = build_image(&ising, &params, &args.core, steps, args.seed)?;
            let note = match &args.params {
                Some(p) => format!("params {}", p.display()),
                None => "built-in hand-set rule".to_string(),
            };
            (image, ising, format!("core `{}`, {note}", args.core))
        }
    };
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
        ProgressBar::new(args.runs as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("hil [{bar:40}] {pos}/{len} runs ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let start = Instant::now();
    let traces: Vec<_> = (0..args.runs)
        .into_par_iter()
        .map(|r| {
            let rs = run_seed(args.seed, r);
            let keep = if r == 0 {
                Keep {
                    spins: false,
                    amplitudes: 16,
                }
            } else {
                Keep::default()
            };
            let t = match &feedback {
                None => run_dnpim(&core, rs, &cfg, args.seed, keep),
                Some(f) => run_cim(&image, f, &cfg, args.seed ^ u64::from(rs), keep),
            };
            bar.inc(1);
            (rs, t)
        })
        .collect();
    bar.finish_and_clear();
    let elapsed = start.elapsed().as_secs_f64();
    let mapped = if ising.has_zero_field() {
        Mapped::max_cut(ising)
    } else {
        Mapped::ising(ising)
    };
    if let Some(path) = &args.trace {
        let t0 = &traces[0].1;
        let mut w =
            csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
        let k = t0.amplitudes.first().map_or(0, Vec::len);
        let mut header = vec!["step".to_string(), "energy".to_string()];
        header.extend((0..k).map(|j| format!("x{j}")));
        w.write_record(&header)?;
        for (t, e4) in t0.e4.iter().enumerate() {
            let mut row = vec![t.to_string(), summary::fmt_num(core.energy(*e4))];
            row.extend(t0.amplitudes[t].iter().map(|a| format!("{a:.6}")));
            w.write_record(&row)?;
        }
        w.flush()?;
    }
    if let Some(path) = &args.plot {
        let t0 = &traces[0].1;
        let energy: Vec<f64> = t0.e4.iter().map(|&e| core.energy(e)).collect();
        crate::plot::hil_run(
            path,
            &format!("{:?} loop, run 0", cfg.oscillator),
            &t0.amplitudes,
            &energy,
        )?;
    }
    let runs: Vec<_> = traces
        .into_iter()
        .enumerate()
        .map(|(r, (rs, t))| core_run(&mapped, r, rs, t.best_step, t.best_spins))
        .collect();
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
    summary::report(&Summary {
        mapped: &mapped,
        results: &runs,
        steps: image.steps,
        solver: &solver,
        seed: args.seed,
        params_note: &params_note,
        target: args.target,
        default_target: None,
        out: args.out.as_deref(),
        time_note: &format!(
            "{elapsed:.3} s wall for {} runs on {} threads",
            args.runs,
            rayon::current_num_threads()
        ),
    })?;
    for p in [&args.trace, &args.plot].into_iter().flatten() {
        println!("wrote     {}", p.display());
    }
    Ok(())
}
