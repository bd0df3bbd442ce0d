//! Option values that several commands parse or check the same way: link fault rates, the
//! analog loop's settings, a study's `PATH[:TARGET]`, output paths, targets, inline JSON.

use crate::cli::OscillatorArg;
use crate::link::transport::Faults;
use anyhow::{anyhow, bail, Context, Result};
use npim_sim::oscillator::{LoopConfig, OscillatorKind};
use std::path::Path;

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

/// Refuses, before any work, an output path that is one of the command's inputs (it would be
/// overwritten) or whose folder does not exist (the work would be lost at the end).
pub fn check_outputs(outputs: &[(&str, Option<&Path>)], inputs: &[Option<&Path>]) -> Result<()> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    for (flag, out) in outputs {
        let Some(out) = out else { continue };
        if let Some(input) = inputs.iter().flatten().find(|i| same(out, i)) {
            bail!(
                "{flag} {} is also an input of this command ({}); it would be overwritten: write elsewhere",
                out.display(),
                input.display()
            );
        }
        let folder = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            bail!(
                "{flag} {}: the folder {} does not exist",
                out.display(),
                folder.display()
            );
        }
    }
    Ok(())
}

/// Refuses a target no run can be judged by: not a finite number, or a cut of at most 0 (every
/// state meets it; an energy target wants `--problem ising`).
pub fn check_target(target: Option<f64>, max_cut: bool) -> Result<()> {
    let Some(t) = target else { return Ok(()) };
    if !t.is_finite() {
        bail!("--target {t}: give a finite number");
    }
    if max_cut && t <= 0.0 {
        bail!(
            "--target {t}: the instance has no linear term, so it is solved as Max-Cut and the target is a cut, which every state meets when it is at most 0; for an energy target add --problem ising"
        );
    }
    Ok(())
}

/// `--algo-params`: inline JSON (starting with `{`) or a JSON file.
pub fn json_argument(value: &str) -> Result<serde_json::Value> {
    let text = if value.trim_start().starts_with('{') {
        value.to_string()
    } else {
        std::fs::read_to_string(value).with_context(|| format!("reading {value}"))?
    };
    serde_json::from_str(&text).with_context(|| format!("{value}: not JSON"))
}
