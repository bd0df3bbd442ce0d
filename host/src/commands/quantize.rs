//! `npim quantize`: parameters + instance + core configuration → core image.

use crate::cli::QuantizeArgs;
use crate::instance_source;
use crate::options::check_outputs;
use crate::pipeline::{build_image, core_config, params_for};
use anyhow::{Context, Result};

pub fn run(args: QuantizeArgs) -> Result<()> {
    check_outputs(
        &[("-o", Some(&args.out))],
        &[args.source.instance.as_deref(), args.spec.params.as_deref()],
    )?;
    let (ising, _) = instance_source::load(&args.source)?;
    let params = params_for(args.spec.params.as_deref(), &ising)?;
    let steps = args.spec.steps.unwrap_or(ising.n());
    let (image, report) = build_image(
        &ising,
        &params,
        &core_config(&args.spec.core)?,
        steps,
        args.seed.value,
    )?;
    let bytes = image.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "wrote {} ({} bytes) for core `{}`",
        args.out.display(),
        bytes.len(),
        args.spec.core
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
