//! `npim solve`: many runs of one solver on one instance, with P_s, TTS and a CSV per run.

use crate::auto_params::{AUTO, HANDSET};
use crate::cli::{Algo, ProblemArg, SolveArgs};
use crate::instance_source::{self};
use crate::options::{check_outputs, check_target};
use crate::pipeline::read_image;
use crate::pipeline::{baseline, core_config, default_target};
use crate::pipeline::{build_image, params_for};
use crate::report::{self, fmt_num, Summary};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use npim_sim::baselines;
use npim_sim::baselines::gw::{self, GwParams};
use npim_sim::fixed::quantize::check_instance;
use npim_sim::fixed::GoldenCore;
use npim_sim::mapping::{Mapped, Qubo};
use npim_sim::npim::{self, NpimParams, RunOptions, RunResult, Variant};
use std::path::Path;
use std::time::Instant;

pub fn run(args: SolveArgs) -> Result<()> {
    check_outputs(
        &[("-o", args.out.as_deref())],
        &[
            args.source.instance.as_deref(),
            args.image.as_deref(),
            args.params.as_deref(),
        ],
    )?;
    let (mapped, bundled) = load_problem(&args)?;
    let seed_arg = args.seed.value.unwrap_or(0);
    check_target(
        args.target,
        mapped.problem == npim_sim::mapping::Problem::MaxCut,
    )?;
    if args.algo == Algo::Gw {
        return run_gw(&args, &mapped.ising);
    }
    if args.image.is_some() && args.algo != Algo::Golden {
        bail!("--image runs on the golden model: add --algo golden");
    }
    let ising = &mapped.ising;
    let n = ising.n();
    let mut steps = args.steps.unwrap_or(n);
    // (--runs is at least 1 by its parser)
    if steps == 0 {
        bail!("--steps must be at least 1");
    }
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.runs.count as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} runs ({elapsed}, eta {eta})")
            .expect("template")
            .progress_chars("=> "),
    );
    let start = Instant::now();
    let mut used_seed = seed_arg;
    let (results, solver, params_note) = match args.algo {
        Algo::Dnpim | Algo::Cnpim => {
            // the class files are dNPIM rules: cNPIM's default stays the hand-set rule
            let default = (args.algo == Algo::Cnpim).then(|| Path::new(HANDSET));
            let params = params_for(args.params.as_deref().or(default), ising)?;
            let variant = if args.algo == Algo::Dnpim {
                Variant::Dnpim
            } else {
                Variant::Cnpim
            };
            if let Some(v) = params.variant {
                if v != variant {
                    eprintln!(
                        "note: these parameters were made for {v:?}; running them as {variant:?}"
                    );
                }
            }
            let options = RunOptions {
                variant,
                steps,
                record_energies: false,
            };
            bar.set_message(format!("{variant:?}").to_lowercase());
            let results = npim::solve(ising, &params, &options, args.runs.count, seed_arg, &|| {
                bar.inc(1)
            });
            (
                results,
                format!("{} (float)", format!("{variant:?}").to_lowercase()),
                describe_params(&args, &params),
            )
        }
        Algo::Gw => unreachable!("handled by run_gw"),
        Algo::Cac
        | Algo::Sa
        | Algo::Dsbm
        | Algo::Pmcim
        | Algo::Aim
        | Algo::Psa
        | Algo::Cits
        | Algo::CitsComplete => {
            let algo = baseline(args.algo, ising, args.algo_params.as_deref())?;
            bar.set_message(algo.0.name());
            let results = baselines::solve(
                algo.0.as_ref(),
                ising,
                steps,
                args.runs.count,
                seed_arg,
                &|| bar.inc(1),
            );
            (
                results,
                algo.0.name().to_string(),
                format!("params: {}", algo.1),
            )
        }
        Algo::Golden => {
            let (image, core_name) = match &args.image {
                Some(path) => {
                    let image = read_image(path)?;
                    if image.n != n {
                        bail!(
                            "{} holds {} spins but the instance has {n}",
                            path.display(),
                            image.n
                        );
                    }
                    if mapped.problem != npim_sim::mapping::Problem::Ising
                        && mapped.problem != npim_sim::mapping::Problem::MaxCut
                    {
                        bail!("--image runs Ising and Max-Cut instances");
                    }
                    check_instance(&image, ising).map_err(|e| {
                        anyhow::anyhow!(
                            "{} was not quantized from this instance: {e}",
                            path.display()
                        )
                    })?;
                    (image, format!("image {}", path.display()))
                }
                None => {
                    let params = params_for(args.params.as_deref(), ising)?;
                    let (image, report) =
                        build_image(ising, &params, &core_config(&args.core)?, steps, seed_arg)?;
                    if !report.exact_instance {
                        eprintln!(
                            "note: real weights scaled by {:.4e} to fit {}-bit J",
                            image.j_scale, image.j_bits
                        );
                    }
                    (
                        image,
                        format!("core `{}`, {}", args.core, describe_params(&args, &params)),
                    )
                }
            };
            if args.steps.is_some() && image.steps != steps {
                bail!(
                    "the image runs {} steps; --steps {steps} differs",
                    image.steps
                );
            }
            steps = image.steps;
            let core = GoldenCore::new(&image);
            bar.set_message("golden");
            // an image carries its seed; --seed overrides it
            let seed = match (&args.image, args.seed.value) {
                (_, Some(s)) => s,
                (Some(_), None) => core.seed(),
                (None, None) => 0,
            };
            used_seed = seed;
            let runs = core.solve(args.runs.count, seed, &|| bar.inc(1));
            let results = runs
                .into_iter()
                .map(|g| RunResult {
                    run: g.run,
                    seed: u64::from(g.run_seed),
                    best_energy: ising.energy(&g.best_spins),
                    best_step: g.best_step,
                    best_spins: g.best_spins,
                    final_energy: core.energy(g.final_e4),
                    energies: Vec::new(),
                })
                .collect();
            (results, "golden (fixed point)".to_string(), core_name)
        }
    };
    let elapsed = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let default = default_target(&mapped, bundled);
    crate::interrupt::check_any(results.len(), args.runs.count)?;
    report::report(&Summary {
        mapped: &mapped,
        results: &results,
        steps,
        solver: &solver,
        seed: used_seed,
        params_note: &params_note,
        target: args.target,
        default_target: default,
        out: args.out.as_deref(),
        time_note: &format!(
            "{:.3} s wall for {} runs on {} threads",
            elapsed,
            results.len(),
            rayon::current_num_threads()
        ),
    })?;
    crate::interrupt::check_finished(results.len(), args.runs.count)
}

fn load_problem(args: &SolveArgs) -> Result<(Mapped, bool)> {
    if args.problem == ProblemArg::Qubo {
        let Some(path) = &args.source.instance else {
            bail!("--problem qubo needs --instance FILE")
        };
        return Ok((Mapped::qubo(Qubo::read(path)?), false));
    }
    let (ising, bundled) = match (&args.image, &args.source) {
        (Some(path), source) if source.instance.is_none() => {
            let image = read_image(path)?;
            (instance_source::from_image(path, &image), false)
        }
        _ => instance_source::load(&args.source)?,
    };
    let mapped = match args.problem {
        ProblemArg::Auto if ising.has_zero_field() => Mapped::max_cut(ising),
        ProblemArg::Auto | ProblemArg::Ising => Mapped::ising(ising),
        ProblemArg::Maxcut => {
            if !ising.has_zero_field() {
                bail!("--problem maxcut needs an instance without a linear term");
            }
            Mapped::max_cut(ising)
        }
        ProblemArg::Mis => Mapped::mis(&ising),
        ProblemArg::Clique => Mapped::clique(&ising),
        ProblemArg::Qubo => unreachable!(),
    };
    Ok((mapped, bundled))
}

/// `--algo gw`: one SDP solve, `--runs` hyperplanes, the bound.
fn run_gw(args: &SolveArgs, ising: &npim_sim::Ising) -> Result<()> {
    let mut p = match &args.algo_params {
        Some(spec) => serde_json::from_value(crate::options::json_argument(spec)?)
            .with_context(|| format!("{spec}: not valid GW parameters"))?,
        None => GwParams::default(),
    };
    p.roundings = args.runs.count;
    let start = Instant::now();
    let seed = args.seed.value.unwrap_or(0);
    let r = gw::solve(ising, &p, seed).map_err(|e| anyhow::anyhow!(e))?;
    let name = ising.meta.name.as_deref().unwrap_or("instance");
    println!(
        "instance  {name}: N={}, {} couplings",
        ising.n(),
        ising.edges().len()
    );
    println!(
        "solver    gw (mixing method, {} sweeps), {} hyperplanes, seed {}",
        r.sweeps, args.runs.count, seed
    );
    println!("sdp       {:.4}", r.sdp_value);
    match r.upper_bound {
        Some(b) => println!("bound     {b:.4} (certified upper bound on every cut)"),
        None => println!("bound     not computed (N > 3000)"),
    }
    println!(
        "best      cut {} (energy {})",
        fmt_num(r.best_cut),
        fmt_num(ising.energy_from_cut(r.best_cut))
    );
    if let Some(t) = args.target {
        println!(
            "target    cut >= {} ({})",
            fmt_num(t),
            if r.best_cut >= t {
                "reached"
            } else {
                "not reached"
            }
        );
    }
    println!("time      {:.3} s", start.elapsed().as_secs_f64());
    if let Some(path) = &args.out {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record(["sdp_value", "upper_bound", "best_cut", "sweeps"])?;
        w.write_record([
            format!("{}", r.sdp_value),
            r.upper_bound.map_or(String::new(), |b| b.to_string()),
            fmt_num(r.best_cut),
            r.sweeps.to_string(),
        ])?;
        w.flush()?;
    }
    Ok(())
}

/// What no `--params` means for `algo` (`auto`; cNPIM: `handset`).
fn default_params_name(algo: Algo) -> &'static str {
    if algo == Algo::Cnpim {
        HANDSET
    } else {
        AUTO
    }
}

fn describe_params(args: &SolveArgs, params: &NpimParams) -> String {
    format!(
        "params: {} [{}]",
        args.params
            .as_ref()
            .map_or(default_params_name(args.algo).to_string(), |p| p
                .display()
                .to_string()),
        params.provenance.source
    )
}
