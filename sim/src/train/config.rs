//! The TOML description of a training run.
//!
//! ```toml
//! name = "sk-n100"
//! variant = "dnpim"          # or "cnpim"
//! steps = 100                # T per trajectory
//! epochs = 400
//! batch_instances = 20       # B
//! runs_per_instance = 400    # R (B·R trajectories per epoch, in antithetic pairs)
//! reward = "success"         # eq. 24, or "objective" (eq. 25, τ from 0.005 ×1.5 / 10 epochs)
//! seed = 1
//! dt0 = 0.5
//! init_window = 0.5          # L = init_window·I
//! min_window = 0.02          # bounds on L's RMS entry (defaults 0.02 and 2; see train::das)
//! max_window = 2.0
//! l_rate = 0.0119            # L's step dL = l_rate·L·dA (default 1/P)
//! init = "greedy"            # "random", "greedy" (the hand-set rule embedded), or a params file
//! eval_every = 10
//! eval_runs = 100            # runs per test instance
//! reference_runs = 1000      # hand-set greedy runs per instance to seed the reference energies
//!
//! [architecture]
//! tc = 8
//! d = 3
//! m = 3
//! basis = "fourier"
//!
//! [train]                    # a generator spec with seeds seed_start..seed_start+count,
//! generate = "sk:n=100"      # or `folder = "path"` (every file in it)
//! count = 100
//! seed_start = 1000
//!
//! [test]
//! generate = "sk:n=100"
//! count = 20
//! seed_start = 900000
//! ```

use super::das::{DasRules, MAX_WINDOW, MIN_WINDOW};
use crate::formats::read_instance;
use crate::generate::{generate, Spec};
use crate::instance::Ising;
use crate::npim::{Architecture, Variant};
use crate::Storage;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Which reward function trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RewardKind {
    /// Eq. 24.
    Success,
    /// Eq. 25.
    Objective,
}

/// A set of instances: generated (`generate` spec without `seed`, seeds `seed_start..`), or every
/// instance file in `folder` (sorted by name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSet {
    /// Generator spec without `seed=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate: Option<String>,
    /// Number of generated instances.
    #[serde(default)]
    pub count: usize,
    /// First generator seed.
    #[serde(default)]
    pub seed_start: u64,
    /// A folder of instance files instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<PathBuf>,
}

impl InstanceSet {
    /// Generates or reads the instances; relative folders are taken from `base`.
    pub fn load(&self, base: &Path) -> Result<Vec<Ising>, String> {
        match (&self.generate, &self.folder) {
            (Some(spec), None) => {
                if self.count == 0 {
                    return Err("a generated set needs count >= 1".into());
                }
                (0..self.count as u64)
                    .map(|k| {
                        let text = format!("{spec},seed={}", self.seed_start + k);
                        let spec: Spec = text
                            .parse()
                            .map_err(|e: crate::generate::SpecError| e.to_string())?;
                        generate(&spec).map_err(|e| e.to_string())
                    })
                    .collect()
            }
            (None, Some(folder)) => {
                let dir = base.join(folder);
                let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .map_err(|e| format!("{}: {e}", dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && matches!(
                                p.extension().and_then(|e| e.to_str()),
                                Some("txt" | "json" | "rudy")
                            )
                    })
                    .collect();
                paths.sort();
                if paths.is_empty() {
                    return Err(format!(
                        "{}: no instance files (.txt, .json, .rudy)",
                        dir.display()
                    ));
                }
                paths
                    .iter()
                    .map(|p| read_instance(p, Storage::Auto).map_err(|e| e.to_string()))
                    .collect()
            }
            _ => Err("an instance set needs exactly one of `generate` or `folder`".into()),
        }
    }
}

fn default_eval_every() -> usize {
    10
}
fn default_eval_runs() -> usize {
    100
}
fn default_dt0() -> f64 {
    0.5
}
fn default_window() -> f64 {
    0.5
}
fn default_min_window() -> f64 {
    MIN_WINDOW
}
fn default_max_window() -> f64 {
    MAX_WINDOW
}
fn default_init() -> String {
    "greedy".into()
}

/// A training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Name of the run (and of the parameter file it makes).
    pub name: String,
    /// dNPIM or cNPIM.
    pub variant: Variant,
    /// Steps `T` per trajectory.
    pub steps: usize,
    /// Epochs to train.
    pub epochs: usize,
    /// Instances per epoch `B`.
    pub batch_instances: usize,
    /// Trajectories per instance per epoch `R`.
    pub runs_per_instance: usize,
    /// The reward.
    pub reward: RewardKind,
    /// Master seed.
    pub seed: u64,
    /// DAS base step.
    #[serde(default = "default_dt0")]
    pub dt0: f64,
    /// Initial `L = init_window·I`.
    #[serde(default = "default_window")]
    pub init_window: f64,
    /// Floor on the RMS entry of `L` after each update.
    #[serde(default = "default_min_window")]
    pub min_window: f64,
    /// Ceiling on the RMS entry of `L` after each update.
    #[serde(default = "default_max_window")]
    pub max_window: f64,
    /// `dL = l_rate·L·dA` (default `1/P`, `docs/training.md`).
    #[serde(default)]
    pub l_rate: Option<f64>,
    /// `random`, `greedy` or a parameter file to fine-tune.
    #[serde(default = "default_init")]
    pub init: String,
    /// Evaluate on the test set every this many epochs (and after the last).
    #[serde(default = "default_eval_every")]
    pub eval_every: usize,
    /// Runs per test instance in an evaluation.
    #[serde(default = "default_eval_runs")]
    pub eval_runs: usize,
    /// Hand-set greedy runs (`4·T` steps) per instance to seed the reference energies.
    #[serde(default)]
    pub reference_runs: usize,
    /// The network.
    pub architecture: Architecture,
    /// Training instances.
    pub train: InstanceSet,
    /// Held-out instances.
    pub test: InstanceSet,
}

impl TrainConfig {
    /// Parses and checks a TOML config.
    pub fn parse(text: &str) -> Result<Self, String> {
        let c: TrainConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate()?;
        Ok(c)
    }

    /// The update settings DAS runs with.
    pub fn das_rules(&self) -> DasRules {
        DasRules {
            min: self.min_window,
            max: self.max_window,
            l_rate: self.l_rate,
        }
    }

    /// Reads a TOML config file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Checks the numbers make a run.
    pub fn validate(&self) -> Result<(), String> {
        let a = &self.architecture;
        if a.tc == 0 || a.d == 0 || a.m == 0 {
            return Err("architecture: tc, d and m must be at least 1".into());
        }
        if self.steps == 0
            || self.epochs == 0
            || self.batch_instances == 0
            || self.runs_per_instance == 0
        {
            return Err(
                "steps, epochs, batch_instances and runs_per_instance must be at least 1".into(),
            );
        }
        if !(self.batch_instances * self.runs_per_instance).is_multiple_of(2) {
            return Err(
                "batch_instances × runs_per_instance must be even (antithetic pairs)".into(),
            );
        }
        if !(self.dt0 > 0.0 && self.init_window > 0.0) {
            return Err("dt0 and init_window must be positive".into());
        }
        if !(self.min_window > 0.0
            && self.min_window <= self.max_window
            && self.max_window.is_finite())
        {
            return Err(format!(
                "min_window {} and max_window {} must satisfy 0 < min_window <= max_window < inf",
                self.min_window, self.max_window
            ));
        }
        if let Some(r) = self.l_rate {
            if !(r > 0.0 && r <= 1.0) {
                return Err(format!("l_rate {r} must be in (0, 1]"));
            }
        }
        if self.eval_every == 0 || self.eval_runs == 0 {
            return Err("eval_every and eval_runs must be at least 1".into());
        }
        Ok(())
    }
}
