//! Flags of `npim ep`: learning on the core by equilibrium propagation.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum EpCommand {
    /// Train a layered Ising network on the core by equilibrium propagation (seed 003): free
    /// and nudged phases per example, a backpropagation network of the same width trained
    /// beside it on the same split; accuracy per epoch as CSV and PNG; resumes from its
    /// checkpoint.
    Train(EpTrainArgs),
    /// The nudge dilemma measured: one `ep train` per β, outputs per class, reverse-annealing
    /// point and seed, the test accuracy of each (mean of the last five epochs, and the best)
    /// with the backprop baseline's; sweep.csv and sweep.png (accuracy against β).
    Sweep(EpSweepArgs),
    /// Time per inference of a trained run's network: the golden model on one CPU thread (its
    /// free phase), the backprop baseline's forward pass, and the ULX3S projected from the
    /// core's cycles per step (`npim sim --image RUN/core.npimg --check`) and its clock; the
    /// board's energy per inference as an upper bound from its USB supply. inference.csv in
    /// the run's folder.
    Bench(EpBenchArgs),
}

/// The flags every EP run shares.
#[derive(Args)]
pub struct EpCommon {
    /// Data: `iris` or `digits` (shipped, data/ep/SOURCE.md), or a CSV file with a header,
    /// numeric feature columns and the class number 0, 1, … last.
    #[arg(long)]
    pub data: String,
    /// Hidden spins (also the backprop baseline's hidden width).
    #[arg(long, default_value_t = 32)]
    pub hidden: usize,
    /// Epochs (a resumed run continues to this many).
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// EP learning rate (the step is `lr/β` times the phases' difference).
    #[arg(long, default_value_t = 0.05)]
    pub lr: f64,
    /// The backprop baseline's learning rate.
    #[arg(long, default_value_t = 0.2)]
    pub bp_lr: f64,
    /// Examples per batch: the couplings are quantized into one core image per batch.
    #[arg(long, default_value_t = 16)]
    pub batch: usize,
    /// Steps per phase.
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
    /// Last steps of a phase averaged into ⟨s⟩ and ⟨s s⟩.
    #[arg(long, default_value_t = 20)]
    pub window: usize,
    /// Initial weights uniform in ±SCALE/√fan-in.
    #[arg(long, default_value_t = 1.0)]
    pub init_scale: f64,
    /// Held-out fraction of each class.
    #[arg(long, default_value_t = 0.2)]
    pub test_fraction: f64,
    /// The update rule the core runs: `handset` (the annealed greedy rule fitted to each
    /// batch's couplings), `auto` (the shipped file for the couplings' graph class) or a
    /// parameter file.
    #[arg(long, default_value = "handset")]
    pub params: PathBuf,
    /// Core configuration (a build, a board or a file): the network must fit it.
    #[arg(long, default_value = "rtl")]
    pub core: String,
    /// No progress bars.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args)]
pub struct EpTrainArgs {
    #[command(flatten)]
    pub common: EpCommon,
    /// Output spins per class (seed 003's remedy for the nudge dilemma).
    #[arg(long, default_value_t = 1)]
    pub outputs_per_class: usize,
    /// Nudge strength β, in weight units: added as β·(±1) to the output spins' biases.
    #[arg(long, default_value_t = 2.0)]
    pub beta: f64,
    /// Reverse annealing: the nudged phase starts from the free phase's spins and re-heats to
    /// the rule's schedule at τ = TAU (0 < TAU < 1), then anneals again.
    #[arg(long, value_name = "TAU")]
    pub reverse: Option<f64>,
    /// Seed of the split, the weights, the example order and the phases' noise.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (default `runs/ep-DATA`): checkpoint.json, curve.csv, curve.png,
    /// network.json, core.npimg (the network's couplings as a core image, for `npim sim`). An
    /// existing checkpoint there is resumed.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Start over even if the output folder has a checkpoint.
    #[arg(long)]
    pub fresh: bool,
    /// Run the phases on a board (or `npim emulate`) over this serial port: the network must
    /// fit the core the board reports.
    #[arg(long, conflicts_with = "emulate")]
    pub port: Option<String>,
    /// Run the phases on the in-process board model (`--core`) through the protocol.
    #[arg(long, conflicts_with = "rtl")]
    pub emulate: bool,
    /// Run the phases on the serial core of build `rtl` under Verilator: its generated Verilog
    /// at its UART pins, through the same protocol commands a board takes (SET_LINEAR,
    /// SET_START, RUN_PHASE, READ_WINDOW): slow, a check that EP on the hardware description
    /// equals EP on the golden model.
    #[arg(long, conflicts_with = "port")]
    pub rtl: bool,
    #[command(flatten)]
    pub link: super::RunLink,
    /// Per-byte fault rates on the in-process wire: DROP,DUPLICATE,CORRUPT (with --emulate).
    #[arg(long, requires = "emulate")]
    pub faults: Option<String>,
}

#[derive(Args)]
pub struct EpSweepArgs {
    #[command(flatten)]
    pub common: EpCommon,
    /// Nudge strengths β to try.
    #[arg(long, value_delimiter = ',', default_value = "0.25,0.5,1,2,4")]
    pub betas: Vec<f64>,
    /// Output spins per class to try.
    #[arg(long, value_delimiter = ',', default_value = "1,4")]
    pub outputs_per_class: Vec<usize>,
    /// Reverse-annealing points to try (`none`: a fresh nudged run).
    #[arg(long, value_delimiter = ',', default_value = "none,0.5")]
    pub reverse: Vec<String>,
    /// Seeds (split, weights, order, noise) per setting; results are averaged over them.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    pub seeds: Vec<u64>,
    /// Output folder: sweep.csv, sweep.png.
    #[arg(long, short = 'o', default_value = "ep-sweep")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct EpBenchArgs {
    /// The run's folder (its checkpoint.json; inference.csv is written there unless -o).
    pub run: PathBuf,
    /// Cycles per step of the run's core image on the board's build, as `npim sim --image
    /// RUN/core.npimg --check` reports them.
    #[arg(long)]
    pub cycles_per_step: f64,
    /// The board's clock in MHz (the ULX3S bitstream's 60).
    #[arg(long, default_value_t = 60.0)]
    pub clock_mhz: f64,
    /// The board's power in watts for the energy figure. Default 2.5: an upper bound, the most
    /// a USB 2.0 port supplies (500 mA at 5 V), which powers the ULX3S.
    #[arg(long, default_value_t = 2.5)]
    pub board_watts: f64,
    /// The update rule the run trained with (as `ep train --params`).
    #[arg(long, default_value = "handset")]
    pub params: PathBuf,
    /// Inferences timed per measurement (the test set, repeated).
    #[arg(long, default_value_t = 2000)]
    pub inferences: usize,
    /// Where the CSV goes (default: inference.csv in the run's folder).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}
