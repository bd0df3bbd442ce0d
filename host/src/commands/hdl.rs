//! `npim hdl verilog` and `npim sim`: the RTL core from the command line.

use crate::cli::{BlockArg, EngineArg, SimArgs, SimProblem, VerilogArgs};
use crate::options::{check_outputs, check_target};
use crate::pipeline::read_image;
use crate::pipeline::{build_for, default_target, harness_cache};
use crate::report::{self, core_run, Summary};
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_hdl::builds::rtl::core_sim::RunTrace;
use npim_hdl::builds::{self};
use npim_hdl::harness::trace::Mode;
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::noise::run_seed;
use npim_sim::formats::read_instance;
use npim_sim::mapping::Mapped;
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
        BlockArg::Scatter | BlockArg::Incremental => {
            let blocks = build.scatter.as_ref().ok_or_else(|| {
                anyhow!(
                    "build `{}` has no incremental matvec (the `rtl` build has)",
                    build.name
                )
            })?;
            if matches!(args.block, BlockArg::Scatter) {
                (blocks.engine_verilog)()
            } else {
                (blocks.incremental_verilog)()
            }
        }
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
    check_outputs(
        &[
            ("-o", args.report.out.as_deref()),
            ("--vcd", args.vcd.as_deref()),
        ],
        &[Some(args.image.as_path()), args.instance.as_deref()],
    )?;
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
        Some(p) => {
            let ising = read_instance(p, Storage::Auto)?;
            npim_sim::fixed::quantize::check_instance(&image, &ising).map_err(|e| {
                anyhow!(
                    "{} was not quantized from {}: {e}",
                    args.image.display(),
                    p.display()
                )
            })?;
            ising
        }
        None => crate::instance_source::from_image(&args.image, &image),
    };
    if instance.n() != image.n {
        bail!(
            "the instance has {} spins, the image {}",
            instance.n(),
            image.n
        );
    }
    let mapped = match args.problem {
        SimProblem::Auto if instance.has_zero_field() => Mapped::max_cut(instance),
        SimProblem::Auto | SimProblem::Ising => Mapped::ising(instance),
        SimProblem::Maxcut => {
            if !instance.has_zero_field() {
                bail!("--problem maxcut needs an instance without a linear term");
            }
            Mapped::max_cut(instance)
        }
    };
    check_target(
        args.report.target,
        mapped.problem == npim_sim::mapping::Problem::MaxCut,
    )?;
    let seed = args.seed.value.unwrap_or(image.seed);
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
    if args.external {
        if harness.is_none() {
            bail!("--external needs the Verilator engine");
        }
        if !build.external {
            bail!(
                "build `{}` has no external mode (no measurement-feedback port); try --core rtl",
                build.name
            );
        }
        if args.vcd.is_some() {
            bail!("--vcd records internal runs only");
        }
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.runs.count as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("rtl [{bar:40}] {pos}/{len} runs ({elapsed}, eta {eta})")?
            .progress_chars("=> "),
    );
    let start = Instant::now();
    let mut traces: Vec<RunTrace> = Vec::new();
    for r in args.first_run..args.first_run + args.runs.count {
        if crate::interrupt::requested() {
            break;
        }
        let rs = run_seed(seed, r);
        let trace = match (&harness, &args.vcd) {
            (Some(h), _) if args.external => {
                (build.run_verilator_in)(h, &image, rs, Mode::ExternalIdeal(rs))
            }
            (Some(h), Some(vcd)) if r == args.first_run => {
                (build.run_verilator_vcd)(h, &image, rs, vcd)
            }
            (Some(h), _) => (build.run_verilator)(h, &image, rs),
            (None, _) => (build.run_rust_hdl)(&image, rs, u64::MAX),
        }
        .map_err(|e| anyhow!(e))?;
        if args.check {
            let golden = if args.external {
                npim_hdl::harness::trace::golden_trace_external(&image, rs, rs)
            } else {
                npim_hdl::harness::trace::golden_trace(&image, rs)
            };
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
    let runs: Vec<_> = traces
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let r = args.first_run + k;
            let spins = t
                .best_spins
                .iter()
                .map(|&b| if b { -1 } else { 1 })
                .collect();
            core_run(&mapped, r, run_seed(seed, r), t.best_step, spins)
        })
        .collect();
    let cycles: u64 = traces.iter().map(|t| t.cycles).sum();
    let config = (build.config)();
    let solver = format!(
        "rtl build `{}` ({} matvec lanes, {} update units, {} J, {})",
        build.name,
        config.lanes,
        build.units,
        match config.storage {
            JStorage::Dense => "dense",
            JStorage::Sparse => "CSR",
        },
        match (args.engine, args.external) {
            (EngineArg::Verilator, false) => "Verilator",
            (EngineArg::Verilator, true) =>
                "Verilator, external mode with converters that never stall (samples: the drives' signs, some flipped)",
            (EngineArg::RustHdl, _) => "rust_hdl simulator",
        }
    );
    let params_note = if args.first_run > 0 {
        format!(
            "image {}, from run {}",
            args.image.display(),
            args.first_run
        )
    } else {
        format!("image {}", args.image.display())
    };
    crate::interrupt::check_any(traces.len(), args.runs.count)?;
    report::report(&Summary {
        mapped: &mapped,
        results: &runs,
        steps: image.steps,
        solver: &solver,
        seed,
        params_note: &params_note,
        target: args.report.target,
        default_target: default_target(&mapped, false),
        out: args.report.out.as_deref(),
        time_note: &format!("{elapsed:.3} s wall for {} runs on the RTL", traces.len()),
    })?;
    println!(
        "cycles    {:.0} per step ({} in all)",
        cycles as f64 / (traces.len() * image.steps) as f64,
        cycles
    );
    print_bounds(
        &image,
        build,
        config.lanes,
        cycles as f64 / (traces.len() * image.steps) as f64,
    );
    if args.check {
        println!("check     every step of every run equals the golden model");
    }
    if let Some(v) = &args.vcd {
        println!("wrote     {} (run {})", v.display(), args.first_run);
    }
    crate::interrupt::check_finished(traces.len(), args.runs.count)
}

/// The step's bounds beside the measured cycles: the build's own (one multiplier, `L` lanes) and
/// each board's device bound (all its multipliers and block RAM) for the boards that ship this
/// build, with the time a step takes at the board's clock.
fn print_bounds(
    image: &npim_sim::fixed::CoreImage,
    build: &npim_hdl::builds::Build,
    lanes: usize,
    per_step: f64,
) {
    let work = npim_hdl::boards::StepWork::of(image);
    let own = work.build_bound(
        lanes as u32,
        build.units as u32,
        build.taps_per_cycle as u32,
        build.overlap,
    );
    println!(
        "bound     {own} cycles a step for this build ({lanes} lanes, {} update units taking {} \
         taps a cycle: {}), measured {:.2}× it",
        build.units,
        build.taps_per_cycle,
        if build.overlap {
            "max(⌈entries/L⌉, ⌈N/P⌉·D·⌈Tc/m⌉), the update beside the matvec"
        } else {
            "⌈entries/L⌉ + ⌈N/P⌉·D·⌈Tc/m⌉"
        },
        per_step / own as f64
    );
    for board in npim_hdl::boards::boards() {
        if board.default_core != build.name {
            continue;
        }
        let d = board.device;
        let bound = d.bound(&work);
        let us = |cycles: f64| cycles / board.default_mhz;
        println!(
            "device    {} ({}: {} multipliers, {} block-RAM bits a cycle): bound {bound} cycles a \
             step, measured {:.0}× it; at the board's {} MHz {:.2} µs a step, {:.2} µs at the bound",
            board.name,
            d.part,
            d.multipliers,
            d.ram_read_bits,
            per_step / bound as f64,
            board.default_mhz,
            us(per_step),
            us(bound as f64)
        );
    }
}
