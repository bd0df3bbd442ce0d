//! Equilibrium propagation on the core (seed 003): per example a free phase relaxes the network
//! with the input clamped as bias fields, a nudged phase relaxes it again with `β·y` added on
//! the output spins, and the update is local:
//! `ΔW_ik = (η/β)(⟨s_i s_k⟩^β − ⟨s_i s_k⟩⁰)`, `Δb_i = (η/β)(⟨s_i⟩^β − ⟨s_i⟩⁰)`,
//! `ΔW_in,ij = (η/β)(⟨s_i⟩^β − ⟨s_i⟩⁰)·x_j`, averaged over a batch; `⟨·⟩` are averages over the
//! last `window` steps of a phase.
//!
//! Per batch the couplings are quantized once into a core image (`J` loaded once); each phase
//! brings only its linear terms, and with reverse annealing its start spins. The phases run on
//! any [`PhaseCore`]: the golden model here, the emulator or a board from the host.

use super::backprop::Mlp;
use super::data::{Dataset, Split};
use super::network::Network;
use crate::fixed::config::JStorage;
use crate::fixed::noise::run_seed;
use crate::fixed::phase::field_budget;
use crate::fixed::quantize::{coupling_code, j_memory, linear_code};
use crate::fixed::{quantize_from, CoreConfig, CoreImage, GoldenCore, PhaseResult, RunStart};
use crate::npim::NpimParams;
use crate::Ising;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// What a run of `npim ep train` is: data, network, phases, learning rates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpConfig {
    /// `iris`, `digits` or a CSV path.
    pub data: String,
    /// Hidden spins `H` (also the backprop baseline's hidden width).
    pub hidden: usize,
    /// Output spins per class `K`.
    pub per_class: usize,
    /// Nudge strength `β` (in the network's weight units).
    pub beta: f64,
    /// Epochs.
    pub epochs: usize,
    /// EP learning rate `η`.
    pub lr: f64,
    /// Backprop baseline's SGD learning rate.
    pub bp_lr: f64,
    /// Examples per batch (one image per batch).
    pub batch: usize,
    /// Steps of a free phase (and of a nudged phase without reverse annealing).
    pub steps: usize,
    /// Last steps of a phase averaged into `⟨s⟩` and `⟨s s⟩`.
    pub window: usize,
    /// Reverse annealing: the nudged phase starts from the free phase's last spins and runs the
    /// rule's schedule from `τ = reverse` to 1 (`(1 − reverse)·steps` steps). `None`: the nudged
    /// phase is a fresh run with the free phase's noise seed.
    pub reverse: Option<f64>,
    /// Initial weights uniform in `±init_scale/√fan_in`.
    pub init_scale: f64,
    /// Held-out fraction of each class.
    pub test_fraction: f64,
    /// Seed of the split, the initial weights, the order of examples and the runs' noise.
    pub seed: u64,
}

impl EpConfig {
    /// Checks every number before anything runs.
    pub fn validate(&self) -> Result<(), String> {
        let pos = |v: f64, what: &str| -> Result<(), String> {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{what} must be a positive number (got {v})"))
            }
        };
        pos(
            self.beta,
            "--beta (the nudge β; with β = 0 both phases are the same and nothing is learned)",
        )?;
        pos(self.lr, "--lr")?;
        pos(self.bp_lr, "--bp-lr")?;
        pos(self.init_scale, "--init-scale")?;
        for (v, what) in [
            (self.hidden, "--hidden"),
            (self.per_class, "--outputs-per-class"),
            (self.epochs, "--epochs"),
            (self.batch, "--batch"),
            (self.steps, "--steps"),
            (self.window, "--window"),
        ] {
            if v == 0 {
                return Err(format!("{what} must be at least 1"));
            }
        }
        if self.window > self.steps {
            return Err(format!(
                "--window {} is longer than a phase ({} steps)",
                self.window, self.steps
            ));
        }
        if !(self.test_fraction > 0.0 && self.test_fraction < 1.0) {
            return Err(format!(
                "--test-fraction must lie strictly between 0 and 1 (got {})",
                self.test_fraction
            ));
        }
        if let Some(r) = self.reverse {
            if !(r > 0.0 && r < 1.0) {
                return Err(format!(
                    "--reverse must lie strictly between 0 and 1: the point τ of the schedule the nudged phase re-heats to (got {r})"
                ));
            }
            if self.nudge_steps() < self.window {
                return Err(format!(
                    "with --reverse {r} the nudged phase has {} steps, fewer than --window {}",
                    self.nudge_steps(),
                    self.window
                ));
            }
        }
        Ok(())
    }

    /// Steps of a nudged phase.
    pub fn nudge_steps(&self) -> usize {
        match self.reverse {
            Some(r) => (((1.0 - r) * self.steps as f64).round() as usize).max(1),
            None => self.steps,
        }
    }
}

/// One phase for a core to run: its run seed, linear terms and start, and the statistics window.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseJob {
    /// 32-bit run seed.
    pub run_seed: u32,
    /// Linear terms and start spins.
    pub start: RunStart,
    /// Last steps to average.
    pub window: usize,
}

/// A core that runs phases: load an image (once per batch), then run phases on it.
pub trait PhaseCore {
    /// Loads `image`; the phases that follow run on it.
    fn load(&mut self, image: &CoreImage) -> Result<(), String>;
    /// Runs `jobs` on the loaded image, results in job order; `on_done` once per job.
    fn run(
        &mut self,
        jobs: &[PhaseJob],
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Vec<PhaseResult>, String>;
}

/// The golden model as a [`PhaseCore`] (phases in parallel; results independent of threads).
#[derive(Default)]
pub struct GoldenPhases {
    core: Option<GoldenCore>,
}

impl PhaseCore for GoldenPhases {
    fn load(&mut self, image: &CoreImage) -> Result<(), String> {
        self.core = Some(GoldenCore::new(image));
        Ok(())
    }

    fn run(
        &mut self,
        jobs: &[PhaseJob],
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Vec<PhaseResult>, String> {
        let core = self.core.as_ref().ok_or("no image loaded")?;
        Ok(jobs
            .par_iter()
            .map(|job| {
                let r = core.run_phase(job.run_seed, &job.start, job.window);
                on_done();
                r
            })
            .collect())
    }
}

/// One epoch's record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpEpoch {
    /// Epoch (1-based).
    pub epoch: usize,
    /// EP accuracy on the training set (free phases after the epoch).
    pub train_accuracy: f64,
    /// EP accuracy on the test set.
    pub test_accuracy: f64,
    /// Backprop baseline, training set.
    pub bp_train_accuracy: f64,
    /// Backprop baseline, test set.
    pub bp_test_accuracy: f64,
    /// Fraction of bias terms saturated to the core's field budget during the epoch's phases.
    pub saturated: f64,
    /// Largest `|W|` after the epoch.
    pub max_weight: f64,
    /// Wall seconds of the epoch.
    pub seconds: f64,
}

/// Everything needed to resume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpCheckpoint {
    /// The run's config.
    pub config: EpConfig,
    /// The core configuration's name.
    pub core: String,
    /// Epochs done.
    pub epoch: usize,
    /// The EP network.
    pub network: Network,
    /// The baseline.
    pub baseline: Mlp,
    /// Per-epoch records.
    pub curve: Vec<EpEpoch>,
}

/// The rule (parameters) a core image of the network's couplings uses, chosen per batch.
pub type RuleFor<'a> = &'a (dyn Fn(&Ising) -> Result<NpimParams, String> + Sync);

/// The trainer: a split, the networks, a core configuration.
pub struct EpTrainer {
    checkpoint: EpCheckpoint,
    split: Split,
    core: CoreConfig,
}

/// A batch's two images (the nudged one differs with reverse annealing) and the `j_scale`.
struct Images {
    free: CoreImage,
    nudge: Option<CoreImage>,
    budget: Vec<i64>,
}

impl EpTrainer {
    /// A new run: loads and splits the data, checks the network fits `core`.
    pub fn new(config: EpConfig, core: CoreConfig) -> Result<Self, String> {
        config.validate()?;
        let data = Dataset::load(&config.data).map_err(|e| e.to_string())?;
        let split = data.split(config.test_fraction, config.seed);
        let network = Network::new(
            data.inputs(),
            config.hidden,
            data.classes,
            config.per_class,
            config.init_scale,
            config.seed ^ 0x5eed,
        );
        let baseline = Mlp::new(
            data.inputs(),
            config.hidden,
            data.classes,
            config.seed ^ 0xb9,
        );
        let checkpoint = EpCheckpoint {
            config,
            core: core.name.clone(),
            epoch: 0,
            network,
            baseline,
            curve: Vec::new(),
        };
        Self::check_size(&checkpoint.network, &core, checkpoint.config.window)?;
        Ok(EpTrainer {
            checkpoint,
            split,
            core,
        })
    }

    /// Resumes from a checkpoint (its config, the data reloaded and split the same way).
    pub fn resume(checkpoint: EpCheckpoint, core: CoreConfig) -> Result<Self, String> {
        checkpoint.config.validate()?;
        if checkpoint.core != core.name {
            return Err(format!(
                "the checkpoint ran on core `{}`, not `{}`",
                checkpoint.core, core.name
            ));
        }
        let data = Dataset::load(&checkpoint.config.data).map_err(|e| e.to_string())?;
        let split = data.split(checkpoint.config.test_fraction, checkpoint.config.seed);
        if data.inputs() != checkpoint.network.inputs || data.classes != checkpoint.network.classes
        {
            return Err(format!(
                "{} has {} features and {} classes; the checkpoint's network {} and {}",
                checkpoint.config.data,
                data.inputs(),
                data.classes,
                checkpoint.network.inputs,
                checkpoint.network.classes
            ));
        }
        Ok(EpTrainer {
            checkpoint,
            split,
            core,
        })
    }

    /// Whether the network's spins and couplings, and a phase's window, fit the core, before
    /// anything runs.
    fn check_size(net: &Network, core: &CoreConfig, window: usize) -> Result<(), String> {
        if core.storage != JStorage::Sparse {
            return Err(format!(
                "core `{}` stores J dense, which leaves out the pairs whose weight rounds to 0; EP needs every hidden-output pair's statistics: use a core that stores J sparse (rtl, rtl4, small, icebreaker)",
                core.name
            ));
        }
        let (n, entries) = (net.spins(), 2 * net.hidden * net.outputs());
        if n > core.n_max {
            return Err(format!(
                "the network has {n} spins ({} hidden + {} outputs); core `{}` holds {}",
                net.hidden,
                net.outputs(),
                core.name,
                core.n_max
            ));
        }
        if entries > core.nnz_max {
            return Err(format!(
                "the network has {entries} coupling entries (2 × {} hidden × {} outputs); core `{}` holds {}",
                net.hidden,
                net.outputs(),
                core.name,
                core.nnz_max
            ));
        }
        core.window_fits(n, window)
            .map_err(|e| format!("--window {window}: {e}"))
    }

    /// The state to save.
    pub fn checkpoint(&self) -> &EpCheckpoint {
        &self.checkpoint
    }

    /// The split in use.
    pub fn split(&self) -> &Split {
        &self.split
    }

    /// Epochs done.
    pub fn epoch(&self) -> usize {
        self.checkpoint.epoch
    }

    /// Whether all epochs are done.
    pub fn finished(&self) -> bool {
        self.checkpoint.epoch >= self.checkpoint.config.epochs
    }

    /// Phases one epoch runs (training phases, then the free phases of both evaluations).
    pub fn phases_per_epoch(&self) -> usize {
        2 * self.split.train.len() + self.split.train.len() + self.split.test.len()
    }

    /// The batch's images: the couplings quantized once with every hidden-output pair stored
    /// (a weight that rounds to 0 stays an entry, so its pair statistics are reported).
    fn images(&self, rule: RuleFor) -> Result<Images, String> {
        let cfg = &self.checkpoint.config;
        let net = &self.checkpoint.network;
        let ising = net.ising();
        let params = rule(&ising)?;
        let build = |steps: usize, tau_from: f64| -> Result<CoreImage, String> {
            let (mut image, _) = quantize_from(
                &ising, &params, &self.core, steps, cfg.seed, tau_from,
            )
            .map_err(|e| format!("quantizing the network for core `{}`: {e}", self.core.name))?;
            let lim = i64::from(self.core.j_max());
            let entries: Vec<(usize, usize, i8)> = net
                .couplings()
                .map(|(i, j, w)| (i, j, coupling_code(-w, image.j_scale, lim)))
                .collect();
            image.j = j_memory(net.spins(), &entries, self.core.storage);
            self.core
                .fits(&image)
                .map_err(|e| format!("the network does not fit core `{}`: {e}", self.core.name))?;
            Ok(image)
        };
        let free = build(cfg.steps, 0.0)?;
        let nudge = match cfg.reverse {
            Some(r) => Some(build(cfg.nudge_steps(), r)?),
            None => None,
        };
        let budget = field_budget(&free, &self.core);
        if let Some(i) = budget.iter().position(|&b| b < 0) {
            return Err(format!(
                "spin {i}'s couplings alone overflow core `{}`'s {}-bit fields",
                self.core.name, self.core.field_bits
            ));
        }
        Ok(Images {
            free,
            nudge,
            budget,
        })
    }

    /// The core image of the network's couplings as the free phases run them (linear terms 0:
    /// each phase brings its own): for `npim sim` and the board's cycle counts.
    pub fn core_image(&self, rule: RuleFor) -> Result<CoreImage, String> {
        Ok(self.images(rule)?.free)
    }

    /// What an inference of each example of `data` is on the core: the couplings' image and
    /// one free phase per example (its bias fields, its run seed), as the evaluations run them.
    pub fn inference_jobs(
        &self,
        rule: RuleFor,
        data: &Dataset,
    ) -> Result<(CoreImage, Vec<PhaseJob>), String> {
        let images = self.images(rule)?;
        let jobs = self.free_jobs(data, &images, 2, &mut 0);
        Ok((images.free, jobs))
    }

    /// One free phase per example of `data` on `images`, seeded from stream `stream`.
    fn free_jobs(
        &self,
        data: &Dataset,
        images: &Images,
        stream: u64,
        saturated: &mut usize,
    ) -> Vec<PhaseJob> {
        let net = &self.checkpoint.network;
        data.features
            .iter()
            .enumerate()
            .map(|(r, x)| PhaseJob {
                run_seed: self.seed_of(self.checkpoint.epoch, stream, r),
                start: RunStart {
                    linear: Some(Self::linear(
                        &net.biases(x),
                        images.free.j_scale,
                        &images.budget,
                        saturated,
                    )),
                    spins: None,
                },
                window: self.checkpoint.config.window,
            })
            .collect()
    }

    /// Linear terms `l_q = 2b / j_scale`, each saturated to its field budget; counts those
    /// saturated into `saturated`.
    fn linear(biases: &[f64], j_scale: f64, budget: &[i64], saturated: &mut usize) -> Vec<i32> {
        biases
            .iter()
            .zip(budget)
            .map(|(&b, &room)| {
                let code = i64::from(linear_code(2.0 * b, j_scale));
                if code.abs() > room {
                    *saturated += 1;
                }
                code.clamp(-room, room) as i32
            })
            .collect()
    }

    /// The run seed of phase `index` of epoch `epoch` in stream `stream` (0 training, 1 train
    /// evaluation, 2 test evaluation).
    fn seed_of(&self, epoch: usize, stream: u64, index: usize) -> u32 {
        let base = self.checkpoint.config.seed ^ (epoch as u64) << 20 ^ stream << 50;
        run_seed(base, index)
    }

    /// Free phases of `data` with the current network; EP accuracy.
    fn evaluate(
        &self,
        core: &mut dyn PhaseCore,
        data: &Dataset,
        images: &Images,
        stream: u64,
        saturated: &mut usize,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<f64, String> {
        let net = &self.checkpoint.network;
        let jobs = self.free_jobs(data, images, stream, saturated);
        core.load(&images.free)?;
        let results = core.run(&jobs, on_done)?;
        let right = results
            .iter()
            .zip(&data.labels)
            .filter(|(r, &y)| Network::is_correct(&net.scores(&r.spin_sums), y))
            .count();
        Ok(right as f64 / data.len().max(1) as f64)
    }

    /// One epoch: shuffled batches of free and nudged phases and their updates, the baseline's
    /// epoch, then both evaluated on the training and test sets.
    pub fn run_epoch(
        &mut self,
        core: &mut dyn PhaseCore,
        rule: RuleFor,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<EpEpoch, String> {
        let started = Instant::now();
        let cfg = self.checkpoint.config.clone();
        let epoch = self.checkpoint.epoch;
        let mut rng =
            Xoshiro256PlusPlus::seed_from_u64(cfg.seed ^ (epoch as u64).wrapping_mul(0x9e37));
        let mut order: Vec<usize> = (0..self.split.train.len()).collect();
        order.shuffle(&mut rng);
        let (mut saturated, mut terms) = (0usize, 0usize);
        for batch in order.chunks(cfg.batch) {
            let images = self.images(rule)?;
            let net = &self.checkpoint.network;
            let biases: Vec<Vec<f64>> = batch
                .iter()
                .map(|&r| net.biases(&self.split.train.features[r]))
                .collect();
            let free_jobs: Vec<PhaseJob> = batch
                .iter()
                .zip(&biases)
                .map(|(&r, b)| PhaseJob {
                    run_seed: self.seed_of(epoch, 0, r),
                    start: RunStart {
                        linear: Some(Self::linear(
                            b,
                            images.free.j_scale,
                            &images.budget,
                            &mut saturated,
                        )),
                        spins: None,
                    },
                    window: cfg.window,
                })
                .collect();
            core.load(&images.free)?;
            let free = core.run(&free_jobs, on_done)?;
            let nudge_jobs: Vec<PhaseJob> = batch
                .iter()
                .zip(&biases)
                .zip(&free)
                .map(|((&r, b), f)| {
                    let mut b = b.clone();
                    net.nudge(&mut b, self.split.train.labels[r], cfg.beta);
                    PhaseJob {
                        run_seed: self.seed_of(epoch, 0, r),
                        start: RunStart {
                            linear: Some(Self::linear(
                                &b,
                                images.free.j_scale,
                                &images.budget,
                                &mut saturated,
                            )),
                            spins: cfg.reverse.map(|_| f.final_spins.clone()),
                        },
                        window: cfg.window,
                    }
                })
                .collect();
            terms += 2 * batch.len() * net.spins();
            if let Some(image) = &images.nudge {
                core.load(image)?;
            }
            let nudged = core.run(&nudge_jobs, on_done)?;
            let (n, pairs) = (net.spins(), net.hidden * net.outputs());
            for r in free.iter().chain(&nudged) {
                if r.spin_sums.len() != n || r.pair_sums.len() != pairs {
                    return Err(format!(
                        "the core reported {} spin sums and {} pair sums for {n} spins and {pairs} pairs",
                        r.spin_sums.len(),
                        r.pair_sums.len()
                    ));
                }
            }
            self.update(batch, &free, &nudged);
        }
        // the baseline, same order
        let bp_order = order.clone();
        self.checkpoint
            .baseline
            .epoch(&self.split.train, &bp_order, cfg.batch, cfg.bp_lr);
        self.checkpoint.epoch += 1;
        let images = self.images(rule)?;
        let mut eval_saturated = 0;
        let train = self.split.train.clone();
        let test = self.split.test.clone();
        let train_accuracy =
            self.evaluate(core, &train, &images, 1, &mut eval_saturated, on_done)?;
        let test_accuracy = self.evaluate(core, &test, &images, 2, &mut eval_saturated, on_done)?;
        let net = &self.checkpoint.network;
        let record = EpEpoch {
            epoch: self.checkpoint.epoch,
            train_accuracy,
            test_accuracy,
            bp_train_accuracy: self.checkpoint.baseline.accuracy(&train),
            bp_test_accuracy: self.checkpoint.baseline.accuracy(&test),
            saturated: saturated as f64 / terms.max(1) as f64,
            max_weight: net.w_out.iter().fold(0.0f64, |m, w| m.max(w.abs())),
            seconds: started.elapsed().as_secs_f64(),
        };
        self.checkpoint.curve.push(record.clone());
        Ok(record)
    }

    /// The EP update from a batch's free and nudged phases.
    fn update(&mut self, batch: &[usize], free: &[PhaseResult], nudged: &[PhaseResult]) {
        let cfg = &self.checkpoint.config;
        let step = cfg.lr / (cfg.beta * batch.len() as f64);
        let net = &mut self.checkpoint.network;
        let (h, o, inputs) = (net.hidden, net.outputs(), net.inputs);
        let mut d_w = vec![0.0; h * o];
        let mut d_b = vec![0.0; h + o];
        let mut d_in = vec![0.0; h * inputs];
        for ((&r, f), n) in batch.iter().zip(free).zip(nudged) {
            let x = &self.split.train.features[r];
            let (wf, wn) = (f64::from(f.window), f64::from(n.window));
            for i in 0..h + o {
                let d = f64::from(n.spin_sums[i]) / wn - f64::from(f.spin_sums[i]) / wf;
                d_b[i] += d;
                if i < h {
                    for (g, v) in d_in[i * inputs..(i + 1) * inputs].iter_mut().zip(x) {
                        *g += d * v;
                    }
                }
            }
            // pairs in row order: hidden i, outputs H..H+O ascending (all stored)
            for (p, g) in d_w.iter_mut().enumerate() {
                *g += f64::from(n.pair_sums[p]) / wn - f64::from(f.pair_sums[p]) / wf;
            }
        }
        for (w, g) in net.w_out.iter_mut().zip(&d_w) {
            *w += step * g;
        }
        for (w, g) in net.w_in.iter_mut().zip(&d_in) {
            *w += step * g;
        }
        for (i, g) in d_b.iter().enumerate() {
            if i < h {
                net.b_hidden[i] += step * g;
            } else {
                net.b_out[i - h] += step * g;
            }
        }
    }
}
