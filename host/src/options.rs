//! Option values that several commands parse the same way: link fault rates, the analog
//! loop's settings, a study's `PATH[:TARGET]`.

use crate::cli::OscillatorArg;
use crate::link::transport::Faults;
use anyhow::{anyhow, bail, Context, Result};
use npim_sim::oscillator::{LoopConfig, OscillatorKind};

/// `--faults DROP,DUPLICATE,CORRUPT`: per-byte fault rates of an emulated wire.
pub fn parse_faults(text: &str) -> Result<Faults> {
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

/// `PATH[:TARGET]` of the studies' `--instance`: the file and the target energy, if given.
pub fn split_target(spec: &str) -> (&str, Option<f64>) {
    match spec.rsplit_once(':') {
        Some((p, t)) => match t.parse::<f64>() {
            Ok(v) => (p, Some(v)),
            Err(_) => (spec, None),
        },
        None => (spec, None),
    }
}
