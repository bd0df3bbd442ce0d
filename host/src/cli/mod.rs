//! Flags of every subcommand.

mod ep;
mod groups;
pub use ep::*;
pub use groups::*;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Neural Ising machine toolchain: problems, solvers, the dNPIM trainer, the FPGA core and its
/// boards.
#[derive(Parser)]
#[command(name = "npim", version, about)]
pub struct Cli {
    /// Worker threads for parallel runs (default: all cores; at most 4 a core).
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run many independent trajectories of a solver on one instance and report P_s and TTS.
    Solve(SolveArgs),
    /// Write a generated instance (`npim generate sk:n=100,seed=1 -o sk.txt`).
    Generate(GenerateArgs),
    /// Convert an instance between rudy text and JSON (by extension).
    Convert(ConvertArgs),
    /// Print an instance's size, weights and storage.
    Info(InfoArgs),
    /// Train NPIM parameters with DAS from a TOML config (resumes from its checkpoint).
    Train(TrainArgs),
    /// Quantize parameters and an instance for a core configuration into a core image.
    Quantize(QuantizeArgs),
    /// The FPGA core: `npim hdl verilog -o core.v`.
    #[command(subcommand)]
    Hdl(HdlCommand),
    /// Run a core image on the RTL (Verilator or rust_hdl's simulator), optionally checking
    /// every step against the golden model.
    Sim(SimArgs),
    /// Run a core image on a board over its serial port (`--port`), or on the in-process board
    /// model (`--emulate`, optionally through a faulty wire): identify, upload, run, read
    /// results (docs/protocol.md). Prints the same summary as `npim solve`.
    Run(RunArgs),
    /// Answer the serial protocol on a pseudo-terminal as a board would (golden model behind
    /// it); prints the device path to pass to `npim run --port`.
    Emulate(EmulateArgs),
    /// List the serial ports the system sees.
    Ports,
    /// Load a bitstream onto a board (iceprog or openFPGALoader).
    Flash(FlashArgs),
    /// Close the analog loop: the core (golden model, external mode or CIM feedback engine)
    /// drives modelled oscillators (OPO, CMOS ring, poor man's CIM, ideal) through a DAC and
    /// reads them back through an ADC, with the non-idealities of a config file.
    Hil(HilArgs),
    /// Measure speed: `npim bench --suite gset|sk100|FILE.toml` (time to solution against
    /// peers), `npim bench throughput`, `npim bench upload`.
    Bench(BenchArgs),
    /// Measure quality: `npim study quantization` (golden vs float P_s over a width sweep).
    #[command(subcommand)]
    Study(StudyCommand),
    /// Learn on the core: `npim ep train --data iris` (equilibrium propagation, free and nudged
    /// phases on the golden model of the core).
    #[command(subcommand)]
    Ep(EpCommand),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Algo {
    /// Discrete NPIM (sign output), floating point.
    Dnpim,
    /// Continuous NPIM (tanh output), floating point.
    Cnpim,
    /// The bit-exact fixed-point dNPIM of the core (docs/fixed-point.md).
    Golden,
    /// Chaotic amplitude control (one iteration = one J·x).
    Cac,
    /// Simulated annealing, Metropolis sweeps (one iteration = one sweep).
    Sa,
    /// Discrete simulated bifurcation.
    Dsbm,
    /// Simulated poor man's CIM.
    Pmcim,
    /// Analog iterative machine.
    Aim,
    /// Parallel (synchronous) SA of seed 004 (about one flip per epoch).
    Psa,
    /// Coherent Ising tree search (seed 004), naive scheme: SA look-ahead tree on a CIM.
    Cits,
    /// CITS, complete scheme: every tree node explores with one CIM step.
    CitsComplete,
    /// Goemans-Williamson (Max-Cut): low-rank SDP, certified upper bound, R random hyperplanes.
    Gw,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProblemArg {
    /// Max-Cut if the instance has no linear term, plain Ising otherwise.
    Auto,
    /// Minimise the Ising energy; targets are energies.
    Ising,
    /// Maximise the cut; targets are cut values.
    Maxcut,
    /// Maximum independent set of the graph; targets are set sizes.
    Mis,
    /// Maximum clique of the graph; targets are clique sizes.
    Clique,
    /// Minimise a QUBO (file: `N M` then `i j q`, i = j for diagonal); targets are values.
    Qubo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StorageArg {
    /// Dense when a quarter of all pairs are coupled.
    Auto,
    /// N × N.
    Dense,
    /// Compressed sparse rows.
    Sparse,
}

#[derive(Args)]
pub struct SolveArgs {
    #[command(flatten)]
    pub source: InstanceArgs,
    /// The solver.
    #[arg(long, value_enum, default_value_t = Algo::Dnpim)]
    pub algo: Algo,
    /// What the instance file means and what the target measures.
    #[arg(long, value_enum, default_value_t = ProblemArg::Auto)]
    pub problem: ProblemArg,
    /// Steps T per run (default: N).
    #[arg(long, short = 'T')]
    pub steps: Option<usize>,
    #[command(flatten)]
    pub runs: Runs100,
    /// NPIM parameter file, `auto` (the default for dNPIM: the shipped file trained for the
    /// instance's graph class, SK, G-set random, toroidal or planar, +1 or ±1; the hand-set rule
    /// for an instance of no class) or `handset` (the built-in annealed greedy rule; cNPIM's
    /// default).
    #[arg(long, short = 'p')]
    pub params: Option<PathBuf>,
    /// Target in the problem's own units: energy (ising, qubo: reach it or lower), cut or set
    /// size (maxcut, mis, clique: reach it or higher). Default: the instance's known ground
    /// energy, else the best value found in this batch.
    #[arg(long, allow_hyphen_values = true)]
    pub target: Option<f64>,
    #[command(flatten)]
    pub seed: ImageSeed,
    /// Write one CSV row per run here.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// A JSON object overriding some or all of a baseline's parameters (cac, sa, dsbm, pmcim,
    /// aim, psa, cits, cits-complete, gw), inline (`--algo-params '{"tau": 400}'`) or a file;
    /// the rest keep the instance's defaults, which the summary prints.
    #[arg(long)]
    pub algo_params: Option<String>,
    /// Core configuration for `--algo golden`: the software preset `sim` (generous limits), an
    /// RTL build, a board's name (its build) or a core file.
    #[arg(long, default_value = "sim")]
    pub core: String,
    /// Run a core image with `--algo golden` (instead of quantizing --params for --core).
    #[arg(long, conflicts_with_all = ["params", "generate"])]
    pub image: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args)]
pub struct QuantizeArgs {
    #[command(flatten)]
    pub source: InstanceArgs,
    #[command(flatten)]
    pub spec: QuantizeSpec,
    #[command(flatten)]
    pub seed: MasterSeed,
    /// Output image (`.npimg`).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Generator spec `KIND:key=value,...`; kinds: sk, wishart, gnp, gnm, torus, lattice,
    /// planar, ba, ladder, mobius (keys in docs/instances.md).
    pub spec: String,
    /// Output file (`.json` keeps the planted state and ground energy; other extensions: rudy).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct ConvertArgs {
    /// Input instance (rudy or `.json`).
    pub input: PathBuf,
    /// Output instance (rudy or `.json`).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub source: InstanceArgs,
}

#[derive(Args)]
pub struct TrainArgs {
    /// The run's TOML config (see docs/training.md); relative paths in it are from its folder.
    #[arg(long, short = 'c')]
    pub config: PathBuf,
    /// Output folder (default: `runs/NAME`); holds checkpoint.json, curve.csv, curve.png,
    /// params.json. An existing checkpoint there is resumed.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Also write the final parameters here.
    #[arg(long)]
    pub params_out: Option<PathBuf>,
    /// Override the config's epoch count (a resumed run continues to this many).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Start over even if the output folder has a checkpoint.
    #[arg(long)]
    pub fresh: bool,
    /// No progress bars.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    #[command(flatten)]
    pub suite: SuiteArgs,
}

#[derive(Args)]
pub struct SuiteArgs {
    /// The suite: gset (G1, G11, G14, G22 at their best-known cuts), sk100 (the ten SK N=100
    /// files at their ground energies), or a TOML file of `[[instance]]` entries (path, cut or
    /// energy, params).
    #[arg(long)]
    pub suite: Option<String>,
    /// Folder holding gset/ and sk/ for the built-in suites.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Budgets (steps, sweeps or iterations per run; default: N and 4N).
    #[arg(long, value_delimiter = ',')]
    pub budgets: Vec<usize>,
    #[command(flatten)]
    pub runs: Runs100,
    /// NPIM parameters for instances whose suite entry names none: a file, `auto` (the default:
    /// each instance's class file) or `handset` (the built-in rule).
    #[arg(long, short = 'p')]
    pub params: Option<PathBuf>,
    #[command(flatten)]
    pub seed: MasterSeed,
    /// Also run the peers (dwave-samplers SA, simulated-bifurcation), installed into
    /// .venv-peers on first use.
    #[arg(long)]
    pub peers: bool,
    /// Output folder for suite.csv, suite.png and machine.txt.
    #[arg(long, short = 'o', default_value = "bench")]
    pub out: PathBuf,
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Spin-updates per second of the golden model and the float dNPIM, one thread and all
    /// threads, measured in the same run.
    Throughput(ThroughputArgs),
    /// Core-image upload time over a UART-paced link (in-process emulator on a
    /// pseudo-terminal) against the link's raw byte time, per baud rate.
    Upload(UploadArgs),
    /// Trainer throughput on a training config: epochs of its batch (no checkpoint written),
    /// in trajectory-steps and spin-steps per second.
    Train(BenchTrainArgs),
}

#[derive(Args)]
pub struct BenchTrainArgs {
    /// The training config (TOML, as `npim train -c` takes it).
    #[arg(long, short = 'c')]
    pub config: PathBuf,
    /// Epochs to time (the config's own first epochs, from its initial parameters).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: u64,
    /// CSV output (one row per epoch).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct UploadArgs {
    /// Core image (default: the bundled G11 quantized for the `sim` core, T = 1000).
    #[arg(long)]
    pub image: Option<PathBuf>,
    /// Baud rates.
    #[arg(long, value_delimiter = ',', default_values_t = [115_200u32, 921_600, 3_000_000], value_parser = clap::value_parser!(u32).range(1..))]
    pub baud: Vec<u32>,
    /// Repetitions; the fastest is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// CSV output.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct ThroughputArgs {
    /// Instance files (default: the bundled G11 and a generated SK N=100).
    #[arg(long = "instance", short = 'i')]
    pub instances: Vec<PathBuf>,
    /// Parameter file, `auto` (the default: the shipped file for each instance's graph class) or
    /// `handset` (the built-in rule).
    #[arg(long, short = 'p')]
    pub params: Option<PathBuf>,
    #[command(flatten)]
    pub runs: Runs32,
    /// Steps per run (default: N).
    #[arg(long, short = 'T')]
    pub steps: Option<usize>,
    /// Repetitions; the best (fastest) is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// CSV output.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum StudyCommand {
    /// P_s of the golden model against the float dNPIM over a sweep of core widths.
    Quantization(QuantizationArgs),
    /// P_s of the closed analog loop (dNPIM core in external mode + modelled oscillators) over
    /// a sweep of ADC widths and noise levels, against the digital run, with a CSV and a PNG.
    Hil(HilStudyArgs),
    /// Seed 004's CITS study: epochs to solution and success rate of CITS against its primal
    /// heuristics (parallel SA, poor man's CIM) on lattices and ladders, with a CSV and a PNG.
    Cits(CitsStudyArgs),
    /// The matvec engine's work per step on the golden model's runs: spins flipped and the
    /// J entries in their columns, the entry-read cycles of a full pass against an
    /// incremental one (only the flipped columns) and a hybrid of the two, and a model of the
    /// step on a core that scatters each flipped column as its spin is decided; a CSV per
    /// instance, one per step and a PNG.
    Matvec(MatvecStudyArgs),
}

#[derive(Args)]
pub struct MatvecStudyArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    /// Core the rule is quantized for (a preset, a board's name or a core file).
    #[arg(long, default_value = crate::pipeline::DEFAULT_CORE)]
    pub core: String,
    /// Entries read a cycle (default: the core's matvec lanes).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub lanes: Option<u64>,
    /// Update units of the modelled step (default: the core's build's).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub units: Option<u64>,
    /// `W²` taps a unit multiplies a cycle in the modelled step, 1, 2 or 4 (default: the
    /// core's build's).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["1", "2", "4"]))]
    pub taps: Option<String>,
    #[command(flatten)]
    pub runs: Runs20,
}

#[derive(Args)]
pub struct CitsStudyArgs {
    /// Generator specs, each optionally `:TARGET` (a cut); default target: the closed-form
    /// maximum cut where known (lattices, ladders), else the best cut any run found.
    /// Default: seed 004's 10 × 10 and 11 × 11 periodic lattices and circular and Möbius
    /// ladders of 60 and 62 nodes.
    #[arg(long = "generate", short = 'g')]
    pub generate: Vec<String>,
    /// Instance files, each optionally `:TARGET` (a cut).
    #[arg(long = "instance", short = 'i')]
    pub instances: Vec<String>,
    /// Algorithms to compare (their default parameters).
    #[arg(long, value_enum, value_delimiter = ',',
          default_values_t = [Algo::Psa, Algo::Pmcim, Algo::Cits, Algo::CitsComplete])]
    pub algo: Vec<Algo>,
    #[command(flatten)]
    pub runs: Runs100,
    /// Epochs per run (seed 004: 100).
    #[arg(long, short = 'T', default_value_t = 100)]
    pub steps: usize,
    #[command(flatten)]
    pub seed: MasterSeed,
    /// Output folder for cits.csv and cits.png.
    #[arg(long, short = 'o', default_value = "study")]
    pub out: PathBuf,
}

/// What every study sweep takes: instances with optional targets, the parameters, the run
/// length, the seed and the output folder.
#[derive(Args)]
pub struct StudyArgs {
    /// Instance files; each may be followed by `:TARGET` (an energy) — default target: the best
    /// energy any run of the study found on it.
    #[arg(long = "instance", short = 'i', required = true)]
    pub instances: Vec<String>,
    /// Parameter file, `auto` (the default: the shipped file for each instance's graph class) or
    /// `handset` (the built-in rule, scaled per instance).
    #[arg(long, short = 'p')]
    pub params: Option<PathBuf>,
    /// Steps per run (default: N).
    #[arg(long, short = 'T')]
    pub steps: Option<usize>,
    #[command(flatten)]
    pub seed: MasterSeed,
    /// Output folder for the study's CSV and plot.
    #[arg(long, short = 'o', default_value = "study")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct HilStudyArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    /// Base loop settings (TOML, as `npim hil --config`); the sweep overrides adc_bits and
    /// measurement_noise.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The oscillator model (overrides the config file's).
    #[arg(long, value_enum)]
    pub oscillator: Option<OscillatorArg>,
    /// ADC widths to sweep.
    #[arg(long, value_delimiter = ',', default_values_t = [1u32, 2, 3, 4, 6, 8, 10, 12])]
    pub adc: Vec<u32>,
    /// Measurement-noise levels to sweep (amplitude units).
    #[arg(long, value_delimiter = ',', default_values_t = [0.0f64, 0.05, 0.2])]
    pub noise: Vec<f64>,
    #[command(flatten)]
    pub runs: Runs100,
}

#[derive(Args)]
pub struct QuantizationArgs {
    #[command(flatten)]
    pub study: StudyArgs,
    #[command(flatten)]
    pub runs: Runs200,
}

#[derive(Subcommand)]
pub enum HdlCommand {
    /// Write the generated Verilog of the core (or one of its blocks).
    Verilog(VerilogArgs),
    /// Build a board's bitstream with the open toolchain (yosys, nextpnr, icepack/ecppack)
    /// into build/BOARD/ (--manifest: the shipped bitstreams/BOARD/), with a JSON report and the
    /// tool commands as a script; fails when a tool fails, the design does not fit or misses
    /// its clock.
    Bitstream(BitstreamArgs),
}

#[derive(Args)]
pub struct BitstreamArgs {
    /// The board: icebreaker (iCE40UP5K) or ulx3s (ECP5-85F).
    #[arg(long)]
    pub board: String,
    /// RTL build to synthesize (rtl, rtl4, small, dense, icebreaker), or a core configuration served by the
    /// first build that holds it (default: the board's: `icebreaker` on the iCEBreaker, `rtl` on the
    /// ULX3S).
    #[arg(long)]
    pub core: Option<String>,
    /// Output folder (default: build/BOARD; with --manifest, the shipped bitstreams/BOARD). Its
    /// build/ folder keeps the sources, logs and build.sh, the tool commands as run.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Core clock in MHz (default: the board's; the PLL tool picks the nearest it can make).
    #[arg(long)]
    pub freq: Option<f64>,
    /// Clock in MHz that place and route aims for, at least the core clock (default: the
    /// board's route target with the board's clock, else the core clock). Routed for more than
    /// the PLL makes, nextpnr works the long paths harder; the build still has to meet the core
    /// clock, and the manifest records both.
    #[arg(long)]
    pub route_mhz: Option<f64>,
    /// UART baud rate the bitstream runs at.
    #[arg(long, default_value_t = 115_200, value_parser = clap::value_parser!(u32).range(1..))]
    pub baud: u32,
    /// nextpnr's placement seed (fixed, so that builds repeat byte for byte).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Record the build in manifest.json beside the board folder (by default bitstreams/, the
    /// shipped bitstreams: how a release is made).
    #[arg(long)]
    pub manifest: bool,
    /// Generate the sources and print their design hash, then stop before synthesis (seconds
    /// instead of minutes): whether the shipped bitstream was built from these sources is
    /// whether this hash is the manifest's
    #[arg(long, conflicts_with = "manifest")]
    pub sources_only: bool,
}

#[derive(Args)]
pub struct FlashArgs {
    /// The board: icebreaker or ulx3s.
    #[arg(long)]
    pub board: String,
    /// Bitstream (default: the one shipped in bitstreams/BOARD/).
    #[arg(long)]
    pub bitstream: Option<PathBuf>,
    /// Write the configuration flash (kept over power cycles; the default).
    #[arg(long, conflicts_with = "sram")]
    pub flash: bool,
    /// Load into the FPGA's configuration memory only (lost at power off).
    #[arg(long)]
    pub sram: bool,
    /// Print the programmer command instead of running it.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BlockArg {
    /// The core behind a UART: receiver, command engine (docs/protocol.md), image loader,
    /// core, transmitter (what a board runs).
    SerialCore,
    /// The whole core.
    Core,
    /// The matvec engine.
    Matvec,
    /// The update unit.
    Update,
    /// The CIM feedback engine (measurement-feedback port).
    Feedback,
    /// The incremental matvec's scatter engine with its packer (issue 21; the `rtl` build
    /// only, in no core yet).
    Scatter,
    /// The incremental matvec: the scatter engine, the flipped-spin queue, the readout into the
    /// units' order and `E4` (issue 21; the `rtl` build only, in no core yet).
    Incremental,
}

#[derive(Args)]
pub struct VerilogArgs {
    /// Which block.
    #[arg(long, value_enum, default_value_t = BlockArg::Core)]
    pub block: BlockArg,
    /// RTL build (rtl, rtl4, small, dense, icebreaker), or a core configuration (preset or JSON) to be
    /// served by the first build whose limits hold it and that stores J the same way.
    #[arg(long, default_value = "rtl")]
    pub core: String,
    /// Output file.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The generated Verilog under Verilator (~10^7 cycles/s).
    Verilator,
    /// rust_hdl's own simulator (~10^4 cycles/s: small images only).
    RustHdl,
}

/// What `npim sim` judges its runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SimProblem {
    /// Max-Cut when the instance has no linear term, else Ising.
    Auto,
    /// Ising energy.
    Ising,
    /// Max-Cut (cut).
    Maxcut,
}

#[derive(Args)]
pub struct SimArgs {
    /// Core image (`npim quantize --core rtl`).
    #[arg(long)]
    pub image: PathBuf,
    /// The instance, to report cuts and other objectives (default: the image's own instance).
    #[arg(long, short = 'i')]
    pub instance: Option<PathBuf>,
    /// Simulator.
    #[arg(long, value_enum, default_value_t = EngineArg::Verilator)]
    pub engine: EngineArg,
    /// RTL build to simulate: rtl (2048 spins, 32 matvec lanes, sixteen update units), rtl4
    /// (four lanes, four units), small (256 spins, 4-bit J, two lanes), dense (256 spins, J as n × n weights, four lanes), icebreaker (800 spins,
    /// 2-bit J, two lanes, J and the field history in single-port memories: the UP5K's SPRAMs).
    /// Default: the first that can run the image.
    #[arg(long)]
    pub core: Option<String>,
    #[command(flatten)]
    pub runs: Runs10,
    /// Index of the first run: runs `K .. K + R`, each seeded as in `npim solve --algo golden`,
    /// so one run found in a long golden batch can be replayed on the RTL alone.
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub first_run: usize,
    #[command(flatten)]
    pub seed: ImageSeed,
    /// The problem the runs are judged as: auto (Max-Cut for an instance without a linear term,
    /// else Ising), ising (energy), maxcut (cut).
    #[arg(long, value_enum, default_value_t = SimProblem::Auto)]
    pub problem: SimProblem,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Compare every step of every run with the golden model and fail on the first difference.
    #[arg(long)]
    pub check: bool,
    /// Run in external mode through the measurement-feedback port, with converters that never
    /// stall: the harness takes each drive value and gives each sample the cycle they are asked
    /// for (the drive's sign, some flipped), so the cycles a step takes are the loop's latency
    /// floor. Verilator engine, builds with external mode; `--check` compares with the golden
    /// model's external mode.
    #[arg(long)]
    pub external: bool,
    /// Write a VCD of the first run (Verilator engine).
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args)]
pub struct RunArgs {
    /// Core image (default: quantize --instance with --params for the core the board reports).
    #[arg(long, conflicts_with_all = ["params", "steps"])]
    pub image: Option<PathBuf>,
    /// Parameter file to quantize with, `auto` (the default: the shipped file for the
    /// instance's graph class) or `handset` (the built-in rule).
    #[arg(long, short = 'p')]
    pub params: Option<PathBuf>,
    /// Steps per run when quantizing (default: N).
    #[arg(long, short = 'T')]
    pub steps: Option<usize>,
    /// Serial port of a board or of `npim emulate` (e.g. /dev/ttyUSB1, /dev/pts/3).
    #[arg(long, required_unless_present = "emulate", conflicts_with = "emulate")]
    pub port: Option<String>,
    #[command(flatten)]
    pub link: RunLink,
    /// Talk to the in-process board model instead of a port.
    #[arg(long)]
    pub emulate: bool,
    /// The in-process board's core configuration (with --emulate): an RTL build, a board's
    /// name (its build), the `sim` preset or a core file.
    #[arg(long, default_value = crate::pipeline::DEFAULT_CORE, requires = "emulate")]
    pub core: String,
    /// Per-byte fault rates on the in-process wire: DROP,DUPLICATE,CORRUPT (e.g.
    /// 0.001,0.001,0.001; with --emulate).
    #[arg(long, requires = "emulate")]
    pub faults: Option<String>,
    /// The in-process board loses its image and state (a reset) before every K-th command it
    /// receives (with --emulate): fault injection for the host's recovery.
    #[arg(long, value_name = "K", requires = "emulate", value_parser = clap::value_parser!(u64).range(2..))]
    pub reset_every: Option<u64>,
    #[command(flatten)]
    pub runs: Runs10,
    #[command(flatten)]
    pub seed: ImageSeed,
    /// The instance: quantized for the board's core without --image; with one, used to report
    /// cuts (default: the image's own instance).
    #[arg(long, short = 'i')]
    pub instance: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Take every step with a STEP round trip (host in the loop) instead of one RUN per run.
    #[arg(long)]
    pub stepped: bool,
    /// Write the last run's energy per step here (CSV: step, energy), read with READ_TRACE.
    #[arg(long)]
    pub trace: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmulateEngine {
    /// The bit-exact golden model (fast).
    Golden,
    /// The RTL core under Verilator behind the board model's protocol handling (slow).
    Rtl,
    /// The whole serial core under Verilator: UART, frame decoder, command engine, image
    /// loader and core, fed the link's bytes at the UART pins (slowest; the hardware itself).
    RtlUart,
}

#[derive(Args)]
pub struct EmulateArgs {
    /// What computes the runs: the golden model, or the RTL core's Verilog under Verilator.
    #[arg(long, value_enum, default_value_t = EmulateEngine::Golden)]
    pub engine: EmulateEngine,
    /// The emulated board's core configuration: an RTL build, a board's name (its build), `sim`
    /// or a core file (default: `rtl`, the core every command defaults to; rtl-uart always
    /// answers with its build's).
    #[arg(long)]
    pub core: Option<String>,
    /// Pace replies as a UART at this baud rate would (default: as fast as the
    /// pseudo-terminal goes).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub baud: Option<u32>,
    /// Also make this path a symbolic link to the device.
    #[arg(long)]
    pub link: Option<PathBuf>,
    /// Per-byte fault rates on the emulated wire, both directions: DROP,DUPLICATE,CORRUPT.
    #[arg(long)]
    pub faults: Option<String>,
    /// Lose the image and state (a reset) before every K-th command received: fault injection
    /// for a host's recovery (not with --engine rtl-uart).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(2..))]
    pub reset_every: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OscillatorArg {
    /// Amplitude = drive (a perfect comparator).
    Ideal,
    /// Degenerate optical parametric oscillators (measurement-feedback CIM).
    Opo,
    /// CMOS ring oscillators under second-harmonic injection locking.
    Cmos,
    /// The poor man's CIM.
    Pmcim,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HilMode {
    /// dNPIM external mode: the update unit's pre-sign outputs drive the oscillators; their
    /// measured signs are the spins.
    Dnpim,
    /// CIM feedback engine: drive = −β·(2·J·a − l) from the measured amplitudes a.
    Cim,
}

#[derive(Args)]
pub struct HilArgs {
    #[command(flatten)]
    pub source: InstanceArgs,
    /// The oscillator model (overrides the config file's).
    #[arg(long, value_enum)]
    pub oscillator: Option<OscillatorArg>,
    /// What the core does in the loop.
    #[arg(long, value_enum, default_value_t = HilMode::Dnpim)]
    pub mode: HilMode,
    /// Core image (default: quantize the instance with --params for --core; with --port the
    /// board's own core, whatever --core says).
    #[arg(long, conflicts_with_all = ["params", "generate"])]
    pub image: Option<PathBuf>,
    #[command(flatten)]
    pub spec: QuantizeSpec,
    /// Loop settings: converters, non-idealities, model parameters (TOML; see docs/hil.md).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// CIM feedback gain β (with --mode cim).
    #[arg(long, default_value_t = 0.05)]
    pub beta: f64,
    #[command(flatten)]
    pub runs: Runs20,
    #[command(flatten)]
    pub seed: MasterSeed,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Per-step CSV of run 0: step, energy, amplitudes of the first 16 oscillators.
    #[arg(long)]
    pub trace: Option<PathBuf>,
    /// PNG of run 0: amplitudes and energy over time.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Host in the loop over a serial port: a board (or `npim emulate`) runs the core in
    /// external mode; each step the host reads its drive values (DRIVE), steps the oscillator
    /// model and sends the measured spins back (MEASURE).
    #[arg(long, conflicts_with = "emulate")]
    pub port: Option<String>,
    /// Host in the loop with the in-process board model behind the protocol (as --port, no
    /// port).
    #[arg(long)]
    pub emulate: bool,
    #[command(flatten)]
    pub link: HilLink,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
