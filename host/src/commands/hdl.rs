//! `npim hdl verilog` and `npim sim`: the RTL core from the command line.

use crate::cli::{BlockArg, EngineArg, SimArgs, VerilogArgs};
use anyhow::{anyhow, bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_hdl::core_sim::{self, RunTrace};
use npim_hdl::update_sim::check_image;
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::{CoreConfig, CoreImage};
use npim_sim::formats::read_instance;
use npim_sim::stats::{Proportion, Tts};
use npim_sim::Storage;
use std::path::PathBuf;
use std::time::Instant;

pub fn verilog(args: VerilogArgs) -> Result<()> {
    let core = CoreConfig::load(&args.core).map_err(|e| anyhow!(e))?;
    let rtl = CoreConfig::preset("rtl").expect("preset");
    for (name, want, have) in [
        ("n_max", core.n_max, rtl.n_max),
        ("nnz_max", core.nnz_max, rtl.nnz_max),
        (
            "field_bits",
            usize::from(core.field_bits),
            usize::from(rtl.field_bits),
        ),
        ("w_bits", usize::from(core.w_bits), usize::from(rtl.w_bits)),
        ("tc_max", core.tc_max, rtl.tc_max),
        ("d_max", core.d_max, rtl.d_max),
    ] {
        if want > have {
            bail!(
                "core `{}` needs {name} = {want}; this RTL build has {have} (hdl/src/widths.rs)",
                core.name
            );
        }
    }
    if (core.act_frac, core.table_bits, core.z_bits) != (rtl.act_frac, rtl.table_bits, rtl.z_bits) {
        bail!(
            "core `{}`: act_frac, table_bits and z_bits must be {}, {}, {} in this RTL build",
            core.name,
            rtl.act_frac,
            rtl.table_bits,
            rtl.z_bits
        );
    }
    let text = match args.block {
        BlockArg::SerialCore => npim_hdl::serial_sim::verilog([0; 32]),
        BlockArg::Core => core_sim::verilog(),
        BlockArg::Matvec => npim_hdl::matvec_sim::verilog(),
        BlockArg::Update => npim_hdl::update_sim::verilog(),
        BlockArg::Feedback => npim_hdl::feedback_sim::verilog(),
    };
    std::fs::write(&args.out, &text).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "wrote {} ({} lines, top module `top`)",
        args.out.display(),
        text.lines().count()
    );
    Ok(())
}

pub fn harness_cache() -> PathBuf {
    std::env::var_os("NPIM_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("npim-verilator-cache"))
}

pub fn sim(args: SimArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.image).with_context(|| format!("reading {}", args.image.display()))?;
    let image =
        CoreImage::from_bytes(&bytes).with_context(|| format!("{}", args.image.display()))?;
    check_image(&image).map_err(|e| anyhow!(e))?;
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
            Some(core_sim::build_harness(&harness_cache()).map_err(|e| anyhow!(e))?)
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
    for r in 0..args.runs {
        let rs = run_seed(seed, r);
        let trace = match (&harness, &args.vcd) {
            (Some(h), Some(vcd)) if r == 0 => core_sim::run_verilator_vcd(h, &image, rs, vcd),
            (Some(h), _) => core_sim::run_verilator(h, &image, rs),
            (None, _) => core_sim::run_rust_hdl(&image, rs, u64::MAX),
        }
        .map_err(|e| anyhow!(e))?;
        if args.check {
            let golden = core_sim::golden_trace(&image, rs);
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
    let best_run = energies.iter().position(|&e| e == best).unwrap_or(0);
    println!(
        "instance  {}: N={}, {} couplings",
        instance.meta.name.as_deref().unwrap_or("image"),
        image.n,
        instance.edges().len()
    );
    println!(
        "solver    rtl ({}), T={} steps, R={} runs, seed {seed}, image {}",
        match args.engine {
            EngineArg::Verilator => "Verilator",
            EngineArg::RustHdl => "rust_hdl simulator",
        },
        image.steps,
        args.runs,
        args.image.display()
    );
    let cut = if instance.has_zero_field() {
        format!(" (cut {})", instance.cut_from_energy(best))
    } else {
        String::new()
    };
    println!(
        "best      energy {best}{cut}, run {best_run} at step {}",
        traces[best_run].best_step
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
