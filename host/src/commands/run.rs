//! `npim run --emulate --image FILE`: a core image through the serial protocol.

use crate::cli::RunArgs;
use crate::link::board::Board;
use crate::link::driver::Driver;
use crate::link::transport::{Faults, LoopbackBoard};
use anyhow::{anyhow, bail, Context, Result};
use npim_sim::fixed::{CoreConfig, CoreImage};
use npim_sim::formats::read_instance;
use npim_sim::Storage;
use std::time::Instant;

fn parse_faults(text: &str) -> Result<Faults> {
    let v: Vec<f64> = text
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .context("--faults: three numbers DROP,DUPLICATE,CORRUPT")?;
    if v.len() != 3 || v.iter().any(|p| !(0.0..1.0).contains(p)) {
        bail!("--faults: three probabilities in [0, 1), DROP,DUPLICATE,CORRUPT");
    }
    Ok(Faults {
        drop: v[0],
        duplicate: v[1],
        corrupt: v[2],
    })
}

pub fn run(args: RunArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.image).with_context(|| format!("reading {}", args.image.display()))?;
    let image =
        CoreImage::from_bytes(&bytes).with_context(|| format!("{}", args.image.display()))?;
    let instance = match &args.instance {
        Some(p) => read_instance(p, Storage::Auto)?,
        None => image.to_ising(),
    };
    let faults = args
        .faults
        .as_deref()
        .map(parse_faults)
        .transpose()?
        .unwrap_or_default();
    let core = CoreConfig::load(&args.core).map_err(|e| anyhow!(e))?;
    let board = Board::new(core, [0; 32]);
    let mut driver = Driver::new(LoopbackBoard::new(board, faults, 1));
    driver.retries = args.retries;
    let seed = args.seed.unwrap_or(image.seed);
    let start = Instant::now();
    driver.upload(&bytes)?;
    let upload = start.elapsed().as_secs_f64();
    let results = driver.run(args.runs, seed)?;
    let best = results
        .iter()
        .map(|r| instance.energy(&r.best_spins))
        .fold(f64::INFINITY, f64::min);
    let best_run = results
        .iter()
        .position(|r| instance.energy(&r.best_spins) == best)
        .unwrap_or(0);
    println!(
        "link      emulated board (golden model), faults {faults:?}, {} retransmissions",
        driver.retransmissions
    );
    println!(
        "image     {} ({} bytes, uploaded in {:.3} s)",
        args.image.display(),
        bytes.len(),
        upload
    );
    let what = if instance.has_zero_field() {
        format!("cut {} (energy {best})", instance.cut_from_energy(best))
    } else {
        format!("energy {best}")
    };
    println!(
        "best      {what}, run {best_run} at step {}",
        results[best_run].best_step
    );
    println!("runs      {} (seed {seed})", results.len());
    Ok(())
}
