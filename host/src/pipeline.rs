//! The data path every command shares: an instance, its parameters, a core configuration
//! and its RTL build, a core image for it, and the target a batch is judged against. Commands
//! call these; no command imports another.

use crate::auto_params;
use crate::cli::Algo;
use crate::instance_source::BUNDLED_BEST_CUT;
use anyhow::{anyhow, bail, Context, Result};
use npim_hdl::boards;
use npim_hdl::builds::{self, Build};
use npim_sim::baselines::aim::AimParams;
use npim_sim::baselines::cac::CacParams;
use npim_sim::baselines::cits::CitsParams;
use npim_sim::baselines::dsbm::DsbmParams;
use npim_sim::baselines::pmcim::PmcimParams;
use npim_sim::baselines::psa::PsaParams;
use npim_sim::baselines::sa::SaParams;
use npim_sim::baselines::Baseline;
use npim_sim::fixed::quantize::QuantizeReport;
use npim_sim::fixed::{quantize, CoreConfig, CoreImage, FitError};
use npim_sim::gset;
use npim_sim::mapping::{Mapped, Problem};
use npim_sim::npim::params::field_scale;
use npim_sim::npim::NpimParams;
use npim_sim::Ising;
use std::path::{Path, PathBuf};

/// Noise gain and momentum of the built-in annealed greedy rule (hand-set; see
/// `NpimParams::annealed_greedy`), chosen by a small manual sweep on G11 and SK N=100 files.
const DEFAULT_NOISE: f64 = 2.0;
const DEFAULT_MOMENTUM: f64 = 0.5;

/// The core every command quantizes for, emulates and simulates unless told otherwise: the
/// default RTL build, which the ULX3S runs and every G-set graph fits.
pub const DEFAULT_CORE: &str = "rtl";

/// A `--core` value as a core configuration: a board's name means the build that board ships
/// (`ulx3s` → `rtl`, `icebreaker` → `icebreaker`); otherwise a preset or a `.toml` / `.json`
/// file.
pub fn core_config(spec: &str) -> Result<CoreConfig> {
    let spec = boards::board(spec).map_or(spec, |b| b.default_core);
    CoreConfig::load(spec).map_err(|e| anyhow!(e))
}

/// Reads a core image file.
pub fn read_image(path: &Path) -> Result<CoreImage> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    CoreImage::from_bytes(&bytes).with_context(|| format!("{}", path.display()))
}

/// Resolves `--params`: a parameter file; `handset`, the built-in hand-set rule scaled to
/// `ising`; or `auto`, which is also what no `--params` means: the shipped file trained for
/// `ising`'s graph class, or the hand-set rule for an instance of no class, saying which on
/// stderr either way (and in the parameters' provenance, which summaries print).
pub fn params_for(path: Option<&Path>, ising: &Ising) -> Result<NpimParams> {
    match path {
        Some(p) if auto_params::is_handset(p) => Ok(handset_params(ising)),
        Some(p) if !auto_params::is_auto(p) => Ok(NpimParams::load(p)?),
        _ => {
            let choice = auto_params::choose(ising)?;
            eprintln!("{}", choice.summary);
            Ok(match choice.params {
                Some(mut params) => {
                    params.provenance.source =
                        format!("{}; {}", params.provenance.source, choice.label);
                    params
                }
                None => handset_params(ising),
            })
        }
    }
}

/// The built-in hand-set annealed greedy rule, its field scale fitted to `ising`.
pub fn handset_params(ising: &Ising) -> NpimParams {
    NpimParams::annealed_greedy(field_scale(ising), DEFAULT_NOISE, DEFAULT_MOMENTUM)
}

/// Quantizes `params` and `ising` for `core`, naming the core when the instance does not fit.
pub fn build_image(
    ising: &Ising,
    params: &NpimParams,
    core: &CoreConfig,
    steps: usize,
    seed: u64,
) -> Result<(CoreImage, QuantizeReport)> {
    quantize(ising, params, core, steps, seed)
        .with_context(|| format!("quantizing for core `{}`", core.name))
}

/// The build serving core configuration `core`: the build of that name, else the first build
/// that holds it ([`CoreConfig::holds`]).
pub fn build_for(core: &CoreConfig) -> Result<&'static Build> {
    if let Some(b) = builds::by_name(&core.name) {
        return Ok(b);
    }
    let mut why = Vec::new();
    for b in &builds::BUILDS {
        match (b.config)().holds(core) {
            Ok(()) => return Ok(b),
            Err(short) => {
                let short: Vec<String> = short.iter().map(shortfall).collect();
                why.push(format!("`{}`: {}", b.name, short.join(", ")));
            }
        }
    }
    bail!(
        "no RTL build holds core `{}` ({})",
        core.name,
        why.join("; ")
    )
}

/// One shortfall of a build against a wanted core configuration, in the configuration's field
/// names (`tc_max 20 > 16`).
fn shortfall(e: &FitError) -> String {
    match e {
        FitError::Over { what, have, limit } => format!("{} {have} > {limit}", what.field()),
        FitError::Differs { what, have, core } => {
            format!("{} {have} (build: {core})", what.field())
        }
        FitError::Storage { image, core } => format!("storage {image:?} (build: {core:?})"),
        FitError::Layout(why) => why.clone(),
    }
}

/// Where the Verilator harnesses are built and kept between runs (`NPIM_CACHE`, or a folder in
/// the system's temporary directory).
pub fn harness_cache() -> PathBuf {
    std::env::var_os("NPIM_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("npim-verilator-cache"))
}

/// The target a batch on `mapped` is judged against, and where it comes from: the bundled
/// G11's best-known cut, a published graph's (the G-set, recognised by content whatever the
/// file is called), or the instance's recorded ground energy.
pub fn default_target(mapped: &Mapped, bundled: bool) -> Option<(f64, String)> {
    let ground = || mapped.ising.meta.ground_energy;
    match mapped.problem {
        Problem::MaxCut if bundled => {
            Some((BUNDLED_BEST_CUT, "best-known cut of the bundled G11".into()))
        }
        Problem::MaxCut => match gset::recognise(&mapped.ising) {
            Some(g) => Some((
                g.best_cut,
                format!(
                    "best-known cut of {} (G-set, recognised by content)",
                    g.name
                ),
            )),
            None => ground().map(|e| {
                (
                    mapped.ising.cut_from_energy(e),
                    "instance's ground energy".into(),
                )
            }),
        },
        Problem::Ising => ground().map(|e| (e, "instance's ground energy".into())),
        _ => None,
    }
}

/// The baseline with its parameters (defaults for the instance, or the JSON file), and the
/// parameters as JSON for the summary.
pub fn baseline(
    algo: Algo,
    ising: &npim_sim::Ising,
    overrides: Option<&str>,
) -> Result<(Box<dyn Baseline>, String)> {
    fn pick<T: serde::Serialize + serde::de::DeserializeOwned + Baseline + 'static>(
        default: T,
        overrides: Option<&str>,
    ) -> Result<(Box<dyn Baseline>, String)> {
        // the JSON (inline or a file) names some or all of the parameters; the rest keep the
        // instance's defaults
        let mut value = serde_json::to_value(&default)?;
        if let Some(spec) = overrides {
            let over = crate::options::json_argument(spec)?;
            let (Some(over), Some(fields)) = (over.as_object(), value.as_object_mut()) else {
                bail!("{spec}: expected a JSON object of parameter names and values");
            };
            for (k, v) in over {
                if !fields.contains_key(k) {
                    let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                    bail!(
                        "{spec}: unknown field `{k}`: the parameters of {} are {}",
                        default.name(),
                        known.join(", ")
                    );
                }
                fields.insert(k.clone(), v.clone());
            }
        }
        let p: T = serde_json::from_value(value).with_context(|| {
            format!(
                "{}: not valid parameters for this algorithm",
                overrides.unwrap_or("defaults")
            )
        })?;
        p.check().map_err(|e| {
            anyhow::anyhow!(
                "{}: {} parameter {e}",
                overrides.unwrap_or("defaults"),
                p.name()
            )
        })?;
        let json = serde_json::to_string(&p)?;
        Ok((Box::new(p), json))
    }
    let file = overrides;
    match algo {
        Algo::Cac => pick(CacParams::for_instance(ising), file),
        Algo::Sa => pick(SaParams::for_instance(ising), file),
        Algo::Dsbm => pick(DsbmParams::for_instance(ising), file),
        Algo::Pmcim => pick(PmcimParams::for_instance(ising), file),
        Algo::Aim => pick(AimParams::for_instance(ising), file),
        Algo::Psa => pick(PsaParams::for_instance(ising), file),
        Algo::Cits => pick(CitsParams::for_instance(ising), file),
        Algo::CitsComplete => pick(CitsParams::complete_for_instance(ising), file),
        _ => bail!("not a baseline"),
    }
}
