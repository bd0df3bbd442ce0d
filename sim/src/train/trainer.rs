//! The training loop: epochs of DAS over batches of trajectories, held-out evaluation,
//! checkpoints.

use super::config::{RewardKind, TrainConfig};
use super::das::{Das, DasStep};
use super::reward;
use crate::instance::Ising;
use crate::npim::params::{field_scale, Provenance};
use crate::npim::{run_trajectory, NpimParams, RunOptions};
use crate::rng::{stream, stream_seed};
use rand::seq::index::sample;
use rand::Rng as _;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What one epoch measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean reward of the batch.
    pub mean_reward: f64,
    /// Fraction of the batch's trajectories that reached their instance's reference energy.
    pub train_success: f64,
    /// DAS diagnostics.
    pub das: DasStep,
    /// τ of the objective reward (constant for the success reward).
    pub tau: f64,
    /// Mean success rate of the mean parameters on the test set, when evaluated this epoch.
    pub test_success: Option<f64>,
    /// Wall seconds of the epoch (not part of the reproducible state).
    pub seconds: f64,
}

/// Everything needed to resume a run exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Always `npim-train-checkpoint`.
    pub format: String,
    /// The config the run started with.
    pub config: TrainConfig,
    /// Epochs completed.
    pub epoch: usize,
    /// The optimiser.
    pub das: Das,
    /// Fields are divided by this before `W²` (see `NpimParams::input_scale`).
    pub input_scale: f64,
    /// τ of the objective reward.
    pub tau: f64,
    /// Reference energies of the training instances.
    pub e0_train: Vec<f64>,
    /// Reference energies of the test instances.
    pub e0_test: Vec<f64>,
    /// Every epoch so far.
    pub curve: Vec<EpochReport>,
}

/// A training run in progress.
pub struct Trainer {
    config: TrainConfig,
    train: Vec<Ising>,
    test: Vec<Ising>,
    state: Checkpoint,
}

const CHECKPOINT_TAG: &str = "npim-train-checkpoint";

impl Trainer {
    /// Starts a run. `init` is the starting mean when `config.init` names a file (the caller
    /// reads it); `known_ground` gives reference energies known in advance per instance.
    pub fn new(
        config: TrainConfig,
        train: Vec<Ising>,
        test: Vec<Ising>,
        init: Option<NpimParams>,
    ) -> Result<Self, String> {
        config.validate()?;
        if train.is_empty() || test.is_empty() {
            return Err("the training and test sets must not be empty".into());
        }
        let arch = config.architecture;
        let mut input_scale = field_scale(&train[0]);
        let x = match config.init.as_str() {
            "random" => {
                let mut rng = stream(config.seed, 7);
                (0..arch.num_params())
                    .map(|_| 0.1 * rng.sample::<f64, _>(StandardNormal))
                    .collect()
            }
            "greedy" => NpimParams::embedded_greedy(arch, input_scale, 2.0, 0.5).flat(),
            path => {
                let p =
                    init.ok_or_else(|| format!("init = \"{path}\": parameter file not loaded"))?;
                if p.architecture != arch {
                    return Err(format!(
                        "init parameters have architecture {:?}, the config asks for {:?}",
                        p.architecture, arch
                    ));
                }
                input_scale = p.input_scale;
                p.flat()
            }
        };
        let known = |v: &Vec<Ising>| {
            v.iter()
                .map(|i| i.meta.ground_energy.unwrap_or(f64::INFINITY))
                .collect()
        };
        let state = Checkpoint {
            format: CHECKPOINT_TAG.into(),
            das: Das::new(x, config.init_window, config.dt0),
            input_scale,
            tau: 0.005,
            e0_train: known(&train),
            e0_test: known(&test),
            epoch: 0,
            curve: Vec::new(),
            config: config.clone(),
        };
        let mut t = Trainer {
            config,
            train,
            test,
            state,
        };
        t.seed_references();
        Ok(t)
    }

    /// Continues a run from a checkpoint (the instance sets must be those of its config).
    pub fn resume(
        checkpoint: Checkpoint,
        train: Vec<Ising>,
        test: Vec<Ising>,
    ) -> Result<Self, String> {
        if checkpoint.format != CHECKPOINT_TAG {
            return Err(format!(
                "not a training checkpoint (format `{}`)",
                checkpoint.format
            ));
        }
        if checkpoint.e0_train.len() != train.len() || checkpoint.e0_test.len() != test.len() {
            return Err("the checkpoint's instance sets differ from the config's".into());
        }
        Ok(Trainer {
            config: checkpoint.config.clone(),
            train,
            test,
            state: checkpoint,
        })
    }

    /// Runs the hand-set greedy rule on every instance to give the reference energies a good
    /// start (`reference_runs` runs of `4·T` steps each; skipped when 0).
    fn seed_references(&mut self) {
        let runs = self.config.reference_runs;
        if runs == 0 {
            return;
        }
        let steps = 4 * self.config.steps;
        let seed = stream_seed(self.config.seed, 3);
        let best = |ising: &Ising| {
            let p = NpimParams::annealed_greedy(field_scale(ising), 2.0, 0.5);
            let o = RunOptions {
                variant: crate::npim::Variant::Dnpim,
                steps,
                record_energies: false,
            };
            (0..runs)
                .into_par_iter()
                .map(|r| run_trajectory(ising, &p, &o, seed, r).best_energy)
                .reduce(|| f64::INFINITY, f64::min)
        };
        for (e0, ising) in self.state.e0_train.iter_mut().zip(&self.train) {
            *e0 = e0.min(best(ising));
        }
        for (e0, ising) in self.state.e0_test.iter_mut().zip(&self.test) {
            *e0 = e0.min(best(ising));
        }
    }

    /// The state to save.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.state
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.state.epoch
    }

    /// Whether every configured epoch has run.
    pub fn finished(&self) -> bool {
        self.state.epoch >= self.config.epochs
    }

    /// Trajectories one epoch runs (for progress bars).
    pub fn trajectories_per_epoch(&self) -> usize {
        self.config.batch_instances.min(self.train.len()) * self.config.runs_per_instance
    }

    /// The mean parameters as a parameter file, with the config and the last figures.
    pub fn params(&self) -> NpimParams {
        let mut p = NpimParams::from_flat(
            self.config.architecture,
            &self.state.das.x,
            Provenance {
                source: "das".into(),
                notes: format!("DAS mean after {} epochs", self.state.epoch),
                config: serde_json::to_value(&self.config).ok(),
                metrics: self.state.curve.last().map(|r| {
                    serde_json::json!({
                        "epoch": r.epoch,
                        "mean_reward": r.mean_reward,
                        "test_success": self.state.curve.iter().rev().find_map(|c| c.test_success),
                    })
                }),
            },
        );
        p.variant = Some(self.config.variant);
        p.input_scale = self.state.input_scale;
        p
    }

    /// One epoch: `B·R` perturbed trajectories (antithetic pairs share instance and noise),
    /// reference energies updated online, rewards, a DAS update, and an evaluation when due.
    /// `on_trajectory` is called after every trajectory.
    pub fn run_epoch(&mut self, on_trajectory: &(dyn Fn() + Sync)) -> EpochReport {
        let start = std::time::Instant::now();
        let c = &self.config;
        let epoch = self.state.epoch;
        let mut rng = stream(c.seed, 1_000_000 + epoch as u64);
        let b = c.batch_instances.min(self.train.len());
        let batch: Vec<usize> = sample(&mut rng, self.train.len(), b).into_vec();
        let total = b * c.runs_per_instance;
        let half = total / 2;
        let p = self.state.das.dim();
        let zs: Vec<Vec<f64>> = (0..half)
            .map(|_| (0..p).map(|_| rng.sample(StandardNormal)).collect())
            .collect();
        let z: Vec<Vec<f64>> = zs
            .iter()
            .cloned()
            .chain(zs.iter().map(|v| v.iter().map(|x| -x).collect()))
            .collect();
        let noise_seed = stream_seed(c.seed, 2_000_000 + epoch as u64);
        let options = RunOptions {
            variant: c.variant,
            steps: c.steps,
            record_energies: false,
        };
        let arch = c.architecture;
        let das = &self.state.das;
        let input_scale = self.state.input_scale;
        let train = &self.train;
        let energies: Vec<(usize, f64)> = (0..total)
            .into_par_iter()
            .map(|k| {
                let pair = k % half;
                let inst = batch[pair % b];
                let mut params =
                    NpimParams::from_flat(arch, &das.sample(&z[k]), Provenance::default());
                params.input_scale = input_scale;
                let r = run_trajectory(&train[inst], &params, &options, noise_seed, pair);
                on_trajectory();
                (inst, r.best_energy)
            })
            .collect();
        for &(inst, e) in &energies {
            let e0 = &mut self.state.e0_train[inst];
            *e0 = e0.min(e);
        }
        let e0 = &self.state.e0_train;
        let tau = self.state.tau;
        let f: Vec<f64> = energies
            .iter()
            .map(|&(inst, e)| match c.reward {
                RewardKind::Success => reward::success(e, e0[inst]),
                RewardKind::Objective => reward::objective(e, e0[inst], tau),
            })
            .collect();
        let train_success = energies
            .iter()
            .filter(|&&(inst, e)| reward::reaches(e, e0[inst]))
            .count() as f64
            / total as f64;
        let step = self.state.das.update(&z, &f, c.das_rules());
        self.state.epoch += 1;
        let epoch = self.state.epoch;
        if c.reward == RewardKind::Objective && epoch.is_multiple_of(10) {
            let recent = &self.state.curve[self.state.curve.len().saturating_sub(9)..];
            let mean = (recent.iter().map(|r| r.mean_reward).sum::<f64>() + step.mean_reward)
                / (recent.len() + 1) as f64;
            if mean > 0.5 {
                self.state.tau *= 1.5;
            }
        }
        let test_success = if epoch.is_multiple_of(c.eval_every) || epoch == c.epochs {
            Some(self.evaluate(on_trajectory))
        } else {
            None
        };
        let report = EpochReport {
            epoch,
            mean_reward: step.mean_reward,
            train_success,
            das: step,
            tau,
            test_success,
            seconds: start.elapsed().as_secs_f64(),
        };
        self.state.curve.push(report.clone());
        report
    }

    /// Mean success rate of the current mean parameters over the test set (`eval_runs` runs per
    /// instance, fixed seeds), against reference energies updated with what these runs find.
    pub fn evaluate(&mut self, on_trajectory: &(dyn Fn() + Sync)) -> f64 {
        let params = self.params();
        let c = &self.config;
        let options = RunOptions {
            variant: c.variant,
            steps: c.steps,
            record_energies: false,
        };
        let seed = stream_seed(c.seed, 4);
        let runs = c.eval_runs;
        let test = &self.test;
        let best: Vec<Vec<f64>> = test
            .iter()
            .map(|ising| {
                (0..runs)
                    .into_par_iter()
                    .map(|r| {
                        let e = run_trajectory(ising, &params, &options, seed, r).best_energy;
                        on_trajectory();
                        e
                    })
                    .collect()
            })
            .collect();
        let mut total = 0.0;
        for (k, energies) in best.iter().enumerate() {
            let e0 = &mut self.state.e0_test[k];
            *e0 = energies.iter().copied().fold(*e0, f64::min);
            total += energies
                .iter()
                .filter(|&&e| reward::reaches(e, *e0))
                .count() as f64
                / runs as f64;
        }
        total / self.test.len() as f64
    }

    /// Trajectories one evaluation runs.
    pub fn trajectories_per_evaluation(&self) -> usize {
        self.test.len() * self.config.eval_runs
    }
}
