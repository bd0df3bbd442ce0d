//! `npim quantize`: parameters + instance + core configuration → core image.

use crate::cli::QuantizeArgs;
use crate::instance_source;
use anyhow::{anyhow, Context, Result};
use npim_sim::fixed::quantize::QuantizeReport;
use npim_sim::fixed::{quantize, CoreConfig, CoreImage};
use npim_sim::npim::params::field_scale;
use npim_sim::npim::NpimParams;
use npim_sim::Ising;
use std::path::Path;

/// Noise gain and momentum of the built-in annealed greedy rule (hand-set; see
/// `NpimParams::annealed_greedy`), chosen by a small manual sweep on G11 and SK N=100 files.
const DEFAULT_NOISE: f64 = 2.0;
const DEFAULT_MOMENTUM: f64 = 0.5;

/// Loads `--params` or builds the default hand-set rule for `ising`.
pub fn params_for(path: Option<&Path>, ising: &Ising) -> Result<NpimParams> {
    Ok(match path {
        Some(p) => NpimParams::load(p)?,
        None => NpimParams::annealed_greedy(field_scale(ising), DEFAULT_NOISE, DEFAULT_MOMENTUM),
    })
}

/// Quantizes and describes the result on stderr.
pub fn build_image(
    ising: &Ising,
    params: &NpimParams,
    core: &str,
    steps: usize,
    seed: u64,
) -> Result<(CoreImage, QuantizeReport)> {
    let config = CoreConfig::load(core).map_err(|e| anyhow!(e))?;
    let (image, report) = quantize(ising, params, &config, steps, seed)
        .with_context(|| format!("the instance does not fit core `{}`", config.name))?;
    Ok((image, report))
}

pub fn run(args: QuantizeArgs) -> Result<()> {
    let (ising, _) = instance_source::load(&args.source)?;
    let params = params_for(args.params.as_deref(), &ising)?;
    let steps = args.steps.unwrap_or(ising.n());
    let (image, report) = build_image(&ising, &params, &args.core, steps, args.seed)?;
    let bytes = image.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "wrote {} ({} bytes) for core `{}`",
        args.out.display(),
        bytes.len(),
        args.core
    );
    println!(
        "N={}, T={}, {} J entries ({}), {} knots every {} steps",
        image.n,
        image.steps,
        image.j.nnz(),
        format!("{:?}", image.storage()).to_lowercase(),
        image.knots(),
        1usize << image.knot_shift
    );
    println!(
        "instance {}; fields need {} of {} bits; weight rounding (of full scale) W0 {:.2e}, W1 {:.2e}, W2 {:.2e}",
        if report.exact_instance { "exact".to_string() } else { format!("scaled by {:.6e} (lossy)", image.j_scale) },
        report.field_bits_needed,
        image.field_bits,
        report.weight_error[0],
        report.weight_error[1],
        report.weight_error[2]
    );
    Ok(())
}
