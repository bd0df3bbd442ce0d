//! `npim`: the command-line front end of the neural Ising machine toolchain.
//!
//! `main` parses flags and calls the subcommand; errors become one message and exit code 1
//! (exit code 2 is clap's, for bad flags).

use clap::Parser;
use npim_host::{cli, commands};

fn main() {
    // Die quietly on a closed pipe (`npim solve | head`) like other Unix tools, instead of
    // panicking on the failed print.
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition at start-up, before any threads exist.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    if let Some(threads) = cli.threads {
        // more threads than a few a core only thrash (10 000 made no progress in a minute)
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let most = 4 * cores;
        let threads = threads as usize;
        if threads > most {
            eprintln!("--threads {threads}: using {most} (4 a core on this machine's {cores})");
        }
        // Ignored if a pool exists already, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.min(most))
            .build_global();
    }
    // the batch commands report the runs they finished when stopped
    if matches!(
        cli.command,
        cli::Command::Solve(_) | cli::Command::Run(_) | cli::Command::Sim(_) | cli::Command::Hil(_)
    ) {
        npim_host::interrupt::install();
    }
    let result = match cli.command {
        cli::Command::Solve(args) => commands::solve::run(args),
        cli::Command::Generate(args) => commands::generate::run(args),
        cli::Command::Convert(args) => commands::convert::run(args),
        cli::Command::Info(args) => commands::convert::info(args),
        cli::Command::Train(args) => commands::train::run(args),
        cli::Command::Quantize(args) => commands::quantize::run(args),
        cli::Command::Hdl(cli::HdlCommand::Verilog(args)) => commands::hdl::verilog(args),
        cli::Command::Hdl(cli::HdlCommand::Bitstream(args)) => commands::bitstream::bitstream(args),
        cli::Command::Flash(args) => commands::flash::flash(args),
        cli::Command::Hil(args) => commands::hil::run(args),
        cli::Command::Sim(args) => commands::hdl::sim(args),
        cli::Command::Run(args) => commands::run::run(args),
        cli::Command::Emulate(args) => commands::emulate::run(args),
        cli::Command::Ports => commands::emulate::ports(),
        cli::Command::Bench(b) => match b.command {
            Some(cli::BenchCommand::Throughput(args)) => commands::bench::throughput(args),
            Some(cli::BenchCommand::Upload(args)) => commands::bench_link::upload(args),
            Some(cli::BenchCommand::Train(args)) => commands::bench_train::run(args),
            None => commands::bench_suite::run(b.suite),
        },
        cli::Command::Study(cli::StudyCommand::Quantization(args)) => {
            commands::study::quantization(args)
        }
        cli::Command::Study(cli::StudyCommand::Hil(args)) => commands::study_hil::run(args),
        cli::Command::Study(cli::StudyCommand::Cits(args)) => commands::study_cits::run(args),
        cli::Command::Study(cli::StudyCommand::Matvec(args)) => commands::study_matvec::run(args),
        cli::Command::Ep(cli::EpCommand::Train(args)) => commands::ep::train(args),
        cli::Command::Ep(cli::EpCommand::Sweep(args)) => commands::ep::sweep(args),
        cli::Command::Ep(cli::EpCommand::Bench(args)) => commands::ep::bench(args),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        let interrupted = e
            .downcast_ref::<npim_host::interrupt::Interrupted>()
            .is_some();
        std::process::exit(if interrupted {
            npim_host::interrupt::EXIT_CODE
        } else {
            1
        });
    }
}
