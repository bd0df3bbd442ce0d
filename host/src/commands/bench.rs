//! `npim bench throughput`: golden model and float dNPIM speed, side by side in one run; the
//! golden model both as solves run it (the fast run loop) and stepped through the reference
//! `GoldenState`.

use crate::cli::ThroughputArgs;
use crate::pipeline::params_for;
use crate::report::cpu_model;
use anyhow::{anyhow, Result};
use npim_sim::fixed::noise::run_seed;
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore};
use npim_sim::formats::read_instance;
use npim_sim::generate::{generate, Spec};
use npim_sim::npim::{self, RunOptions, Variant};
use npim_sim::{Ising, Storage};
use rayon::prelude::*;
use std::time::Instant;

fn instances(args: &ThroughputArgs) -> Result<Vec<Ising>> {
    if args.instances.is_empty() {
        let (g11, _) = crate::instance_source::load(&crate::cli::InstanceArgs {
            instance: None,
            generate: None,
            storage: crate::cli::StorageArg::Auto,
        })?;
        let sk = generate(&"sk:n=100,seed=1".parse::<Spec>()?)?;
        return Ok(vec![g11, sk]);
    }
    args.instances
        .iter()
        .map(|p| Ok(read_instance(p, Storage::Auto)?))
        .collect()
}

/// Best of `repeat` timings of `f`, in seconds.
fn best_of(repeat: usize, mut f: impl FnMut()) -> f64 {
    (0..repeat.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

pub fn throughput(args: ThroughputArgs) -> Result<()> {
    let cpu = cpu_model();
    let all = rayon::current_num_threads();
    println!(
        "machine: {cpu}, {all} threads available; best of {} repetitions",
        args.repeat
    );
    println!(
        "{:<14} {:>6} {:>7} {:>16} {:>16} {:>16} {:>8} {:>8}",
        "instance",
        "N",
        "threads",
        "golden (upd/s)",
        "reference (upd/s)",
        "float (upd/s)",
        "vs ref",
        "vs float"
    );
    let mut rows = Vec::new();
    for ising in instances(&args)? {
        let steps = args.steps.unwrap_or(ising.n());
        let params = params_for(args.params.as_deref(), &ising)?;
        let (image, _) = quantize(
            &ising,
            &params,
            &CoreConfig::preset("sim").expect("preset"),
            steps,
            1,
        )
        .map_err(|e| anyhow!(e))?;
        let core = GoldenCore::new(&image);
        let options = RunOptions {
            variant: Variant::Dnpim,
            steps,
            record_energies: false,
        };
        let updates = (args.runs.count * steps * ising.n()) as f64;
        for threads in [1, all] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            let golden = best_of(args.repeat, || {
                pool.install(|| core.solve(args.runs.count, 1, &|| {}));
            });
            let reference = best_of(args.repeat, || {
                pool.install(|| {
                    (0..args.runs.count).into_par_iter().for_each(|r| {
                        core.run_reference(r, run_seed(1, r));
                    })
                });
            });
            let float = best_of(args.repeat, || {
                pool.install(|| npim::solve(&ising, &params, &options, args.runs.count, 1, &|| {}));
            });
            let name = ising.meta.name.clone().unwrap_or_default();
            println!(
                "{:<14} {:>6} {:>7} {:>16.3e} {:>16.3e} {:>16.3e} {:>8.2} {:>8.2}",
                name,
                ising.n(),
                threads,
                updates / golden,
                updates / reference,
                updates / float,
                reference / golden,
                float / golden
            );
            rows.push((
                name,
                ising.n(),
                threads,
                steps,
                updates / golden,
                updates / reference,
                updates / float,
            ));
        }
    }
    println!(
        "vs ref, vs float = golden speed / reference, float speed (spin-updates per second, {} runs of T steps)",
        args.runs.count
    );
    if let Some(path) = &args.out {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record([
            "instance",
            "n",
            "threads",
            "steps",
            "golden_updates_per_s",
            "reference_updates_per_s",
            "float_updates_per_s",
        ])?;
        for (name, n, t, s, g, r, f) in rows {
            w.write_record([
                name,
                n.to_string(),
                t.to_string(),
                s.to_string(),
                format!("{g:.4e}"),
                format!("{r:.4e}"),
                format!("{f:.4e}"),
            ])?;
        }
        w.flush()?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
