//! The argument groups the commands share (`#[command(flatten)]`): one flag, one meaning, one
//! help text. The instance source, `--runs` with each command's default, the two kinds of
//! `--seed`, the serial link, and the target and CSV of a batch of core runs.

use super::StorageArg;
use clap::Args;
use std::path::PathBuf;

/// Declares a `--runs`/`-R` group with a command's default. (A const-generic group would be
/// one type to clap, whose derive keeps a default's text in one static per type: every
/// command would show the first default.)
macro_rules! runs_group {
    ($name:ident, $default:literal) => {
        #[doc = concat!("`--runs`/`-R`, default ", stringify!($default), ".")]
        #[derive(Args, Clone, Copy, Debug)]
        pub struct $name {
            /// Independent runs R (per instance and per setting where the command sweeps).
            #[arg(long = "runs", short = 'R', value_name = "R", default_value_t = $default,
                                                                  value_parser = at_least_one)]
            pub count: usize,
        }
    };
}
/// A count that must be at least 1 (`--runs`).
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(v) => Ok(v),
        Err(e) => Err(format!("{e} (a whole number, at least 1)")),
    }
}

runs_group!(Runs10, 10);
runs_group!(Runs20, 20);
runs_group!(Runs32, 32);
runs_group!(Runs100, 100);
runs_group!(Runs200, 200);

/// `--seed`/`-s` of a batch: run r uses its own stream derived from (seed, r).
#[derive(Args, Clone, Copy, Debug)]
pub struct MasterSeed {
    /// Master seed; run r uses its own stream derived from (seed, r).
    #[arg(long = "seed", short = 's', value_name = "SEED", default_value_t = 0)]
    pub value: u64,
}

/// `--seed`/`-s` of a batch of a core image's runs, which carries a seed of its own.
#[derive(Args, Clone, Copy, Debug)]
pub struct ImageSeed {
    /// Master seed; run r uses its own stream derived from (seed, r), as `npim solve` does
    /// (default: a core image's own seed, else 0).
    #[arg(long = "seed", short = 's', value_name = "SEED")]
    pub value: Option<u64>,
}

/// Declares a serial-link group (baud, reply timeout, retries) with a command's timeout
/// default (see [`runs_group`] for why not a const generic).
macro_rules! link_group {
    ($name:ident, $timeout_ms:literal) => {
        /// How a command talks over a serial link (a board, `npim emulate`, or the in-process
        /// board).
        #[derive(Args, Clone, Copy, Debug)]
        pub struct $name {
            /// Baud rate of the port.
            #[arg(long, default_value_t = 115_200, value_parser = clap::value_parser!(u32).range(1..))]
            pub baud: u32,
            /// Wait for each reply, in milliseconds.
            #[arg(long, default_value_t = $timeout_ms, value_parser = clap::value_parser!(u64).range(1..))]
            pub timeout_ms: u64,
            /// Retransmissions per command (default: 5, and more while the command has been
            /// tried for less than 10 s, so that a noisy wire slows the batch instead of
            /// ending it).
            #[arg(long)]
            pub retries: Option<usize>,
        }

        impl $name {
            /// Sets a driver's reply timeout and retry budget from these flags: `--retries N`
            /// bounds the retransmissions by count alone; without it a command is retried for
            /// up to 10 s.
            pub fn configure<T: crate::link::transport::Transport>(
                &self,
                driver: &mut crate::link::driver::Driver<T>,
            ) {
                driver.timeout = std::time::Duration::from_millis(self.timeout_ms);
                match self.retries {
                    Some(n) => driver.retries = n,
                    None => driver.patience = std::time::Duration::from_secs(10),
                }
            }
        }
    };
}
// a RUN reply comes at once; a hil page waits for the core's drives and step
link_group!(RunLink, 500);
link_group!(HilLink, 2000);

/// What a batch of core runs is judged against and where its rows go.
#[derive(Args, Clone, Debug)]
pub struct ReportArgs {
    /// Target in the problem's units (cut for Max-Cut, energy otherwise); default: a published
    /// graph's best-known cut, else the best found in this batch.
    #[arg(long, allow_hyphen_values = true)]
    pub target: Option<f64>,
    /// Write one CSV row per run here (the columns of `npim solve -o`).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

/// Where the instance comes from.
#[derive(Args, Clone, Debug)]
pub struct InstanceArgs {
    /// Instance file: rudy/G-set text, or `.json`.
    #[arg(long, short = 'i', conflicts_with = "generate")]
    pub instance: Option<PathBuf>,
    /// Generate the instance instead (see `npim generate --help`).
    #[arg(long, short = 'g')]
    pub generate: Option<String>,
    /// How to hold J in memory.
    #[arg(long, value_enum, default_value_t = StorageArg::Auto)]
    pub storage: StorageArg,
}

/// What a core image is quantized from besides the instance: the rule's parameters, the core
/// it is for and the steps (`npim quantize`, and `npim hil` when it quantizes in process).
#[derive(Args, Clone, Debug)]
pub struct QuantizeSpec {
    /// NPIM parameter file, `auto` (the default: the shipped file trained for the instance's
    /// graph class, the hand-set rule for no class) or `handset` (the built-in annealed greedy
    /// rule).
    #[arg(long, short = 'p')]
    pub params: Option<PathBuf>,
    /// Core configuration: an RTL build (rtl, rtl4, small, dense, icebreaker), a board's name
    /// (ulx3s, icebreaker: the build it ships), the software preset `sim`, or a .toml/.json
    /// file.
    #[arg(long, default_value = crate::pipeline::DEFAULT_CORE)]
    pub core: String,
    /// Steps T per run (default: N).
    #[arg(long, short = 'T')]
    pub steps: Option<usize>,
}
