//! `npim hdl verilog` and `npim sim`: the RTL core from the command line.

use crate::cli::{BlockArg, EngineArg, SimArgs, VerilogArgs};
use crate::pipeline::read_image;
use crate::pipeline::{build_for, harness_cache};
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_hdl::builds::rtl::core_sim::RunTrace;
use npim_hdl::builds::{self};
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::noise::run_seed;
use npim_sim::formats::read_instance;
use npim_sim::stats::{Proportion, Tts};
use npim_sim::Storage;
use std::time::Instant;

pub fn verilog(args: VerilogArgs) -> Result<()> {
    let core = crate::pipeline::core_config(&args.core)?;
    let build = build_for(&core)?;
    let text = match args.block {
        BlockArg::SerialCore => (build.serial_core_verilog)([0; 32]),
        BlockArg::Core => (build.core_verilog)(),
        BlockArg::Matvec => (build.matvec_verilog)(),
        BlockArg::Update => (build.update_verilog)(),
        BlockArg::Feedback => (build.feedback_verilog)(),
    };
    std::fs::write(&args.out, &text).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "wrote {} ({} lines, top module `top`, build `{}`)",
        args.out.display(),
        text.lines().count(),
        build.name
    );
    Ok(())
}

pub fn sim(args: SimArgs) -> Result<()> {
    let image = read_image(&args.image)?;
    let build = match &args.core {
        Some(name) => {
            let b = builds::by_name(name).ok_or_else(|| {
                anyhow!(
                    "no RTL build `{name}` (builds: {})",
                    builds::names().join(", ")
                )
            })?;
            (b.check_image)(&image).map_err(|e| anyhow!("build `{name}`: {e}"))?;
            b
        }
        None => builds::BUILDS
            .iter()
            .find(|b| (b.check_image)(&image).is_ok())
            .ok_or_else(|| {
                anyhow!(
                    "no RTL build can run this image: {}",
                    builds::BUILDS
                        .iter()
                        .map(|b| format!("`{}`: {}", b.name, (b.check_image)(&image).unwrap_err()))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?,
    };
    let instance = match &args.instance {
        Some(p) => read_instance(p, Storage::Auto)?,
        None => crate::instance_source::from_image(&args.image, &image),
    };
    if instance.n() != image.n {
        bail!(
            "the instance has {} spins, the image {}",
            instance.n(),
            image.n
        );
    }
    let seed = args.seed.unwrap_or(image.seed);
    let harness = match args.engine {
        EngineArg::Verilator => {
            eprintln!(
                "building the Verilator model (cached in {})",
                harness_cache().display()
            );
            Some((build.build_harness)(&harness_cache()).map_err(|e| anyhow!(e))?)
        }
        EngineArg::RustHdl => None,
    };
    if args.vcd.is_some() && harness.is_none() {
        bail!("--vcd needs the Verilator engine");
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.runs as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("rtl [{bar:40}] {pos}/{len} runs ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let start = Instant::now();
    let mut traces: Vec<RunTrace> = Vec::new();
    for r in args.first_run..args.first_run + args.runs {
        let rs = run_seed(seed, r);
        let trace = match (&harness, &args.vcd) {
            (Some(h), Some(vcd)) if r == args.first_run => {
                (build.run_verilator_vcd)(h, &image, rs, vcd)
            }
            (Some(h), _) => (build.run_verilator)(h, &image, rs),
            (None, _) => (build.run_rust_hdl)(&image, rs, u64::MAX),
        }
        .map_err(|e| anyhow!(e))?;
        if args.check {
            let golden = npim_hdl::harness::trace::golden_trace(&image, rs);
            for (t, (a, b)) in trace.steps.iter().zip(&golden.steps).enumerate() {
                if a != b {
                    bail!("run {r}: the RTL differs from the golden model at step {t}");
                }
            }
            if (trace.best_e4, trace.best_step, &trace.best_spins)
                != (golden.best_e4, golden.best_step, &golden.best_spins)
            {
                bail!("run {r}: best energy, step or spins differ from the golden model");
            }
        }
        traces.push(trace);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let elapsed = start.elapsed().as_secs_f64();
    let energies: Vec<f64> = traces
        .iter()
        .map(|t| {
            instance.energy(
                &t.best_spins
                    .iter()
                    .map(|&b| if b { -1 } else { 1 })
                    .collect::<Vec<i8>>(),
            )
        })
        .collect();
    let best = energies.iter().copied().fold(f64::INFINITY, f64::min);
    let target = args.target.unwrap_or(best);
    let ok = energies
        .iter()
        .filter(|&&e| e <= target + 1e-9 * target.abs().max(1.0))
        .count();
    let ps = Proportion::wilson(ok, energies.len());
    let cycles: u64 = traces.iter().map(|t| t.cycles).sum();
    let best_index = energies.iter().position(|&e| e == best).unwrap_or(0);
    let best_run = args.first_run + best_index;
    println!(
        "instance  {}: N={}, {} couplings",
        instance.meta.name.as_deref().unwrap_or("image"),
        image.n,
        instance.edges().len()
    );
    println!(
        "solver    rtl build `{}` ({} matvec lanes, {} J, {}), T={} steps, R={} runs{}, seed {seed}, image {}",
        build.name,
        (build.config)().lanes,
        match (build.config)().storage {
            JStorage::Dense => "dense",
            JStorage::Sparse => "CSR",
        },
        match args.engine {
            EngineArg::Verilator => "Verilator",
            EngineArg::RustHdl => "rust_hdl simulator",
        },
        image.steps,
        args.runs,
        if args.first_run > 0 {
            format!(" from run {}", args.first_run)
        } else {
            String::new()
        },
        args.image.display()
    );
    let cut = if instance.has_zero_field() {
        format!(" (cut {})", instance.cut_from_energy(best))
    } else {
        String::new()
    };
    println!(
        "best      energy {best}{cut}, run {best_run} at step {}",
        traces[best_index].best_step
    );
    println!(
        "target    energy <= {target} ({})",
        if args.target.is_some() {
            "given"
        } else {
            "best found in this batch"
        }
    );
    println!(
        "P_s       {:.4} [{:.4}, {:.4}] 95% Wilson ({}/{})",
        ps.p, ps.low, ps.high, ps.successes, ps.trials
    );
    match Tts::from_probability(ps.p, image.steps) {
        Tts::NotReached => println!("TTS99     not reached"),
        Tts::Steps(s) => println!("TTS99     {s:.4e} steps"),
    }
    println!(
        "cycles    {:.0} per step ({} in all); {:.3} s wall",
        cycles as f64 / (traces.len() * image.steps) as f64,
        cycles,
        elapsed
    );
    if args.check {
        println!("check     every step of every run equals the golden model");
    }
    if let Some(v) = &args.vcd {
        println!("wrote     {} (run 0)", v.display());
    }
    Ok(())
}
