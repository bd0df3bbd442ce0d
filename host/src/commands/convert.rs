//! `npim convert` and `npim info`.

use crate::cli::{ConvertArgs, InfoArgs};
use crate::instance_source;
use anyhow::Result;
use npim_sim::formats::{read_instance, write_instance};
use npim_sim::Storage;

pub fn run(args: ConvertArgs) -> Result<()> {
    let ising = read_instance(&args.input, Storage::Sparse)?;
    write_instance(&args.out, &ising)?;
    println!(
        "wrote {} ({} spins, {} couplings)",
        args.out.display(),
        ising.n(),
        ising.edges().len()
    );
    Ok(())
}

pub fn info(args: InfoArgs) -> Result<()> {
    let (ising, _) = instance_source::load(&args.source)?;
    let n = ising.n();
    let m = ising.edges().len();
    let pairs = n * n.saturating_sub(1) / 2;
    let (mut dmin, mut dmax) = (usize::MAX, 0);
    let mut degree = vec![0usize; n];
    for e in ising.edges() {
        degree[e.i as usize] += 1;
        degree[e.j as usize] += 1;
    }
    for &d in &degree {
        dmin = dmin.min(d);
        dmax = dmax.max(d);
    }
    println!(
        "name          {}",
        ising.meta.name.as_deref().unwrap_or("-")
    );
    println!("spins N       {n}");
    println!(
        "couplings M   {m} ({:.3}% of pairs)",
        100.0 * m as f64 / pairs.max(1) as f64
    );
    println!("degree        {dmin}..{dmax}");
    println!(
        "weights       {} (max |J| = {}, sum = {})",
        if ising.has_integer_weights() {
            "integer"
        } else {
            "real"
        },
        ising.max_abs_weight(),
        ising.total_weight()
    );
    println!(
        "linear term   {}",
        if ising.has_zero_field() {
            "none"
        } else {
            "present"
        }
    );
    println!(
        "storage       {}",
        if ising.couplings().is_dense() {
            "dense"
        } else {
            "sparse (CSR)"
        }
    );
    if let Some(e) = ising.meta.ground_energy {
        println!("ground energy {e}");
    }
    Ok(())
}
