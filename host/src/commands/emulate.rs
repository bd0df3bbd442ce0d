//! `npim emulate`: a board on a pseudo-terminal; `npim ports`: the serial ports there are.

use crate::cli::{EmulateArgs, EmulateEngine};
use crate::link::board::{Board, Engine};
use crate::link::pty::{serve, serve_bytes, Pacing, Pty};
use crate::link::serial::list_ports;
use crate::pipeline::harness_cache;
use anyhow::{anyhow, bail, Context, Result};
use npim_hdl::builds::rtl::serial_sim;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by SIGINT or SIGTERM (through [`crate::interrupt`]): the serving loop ends and the
/// emulator cleans up.
static STOP: AtomicBool = AtomicBool::new(false);

/// Watches the interrupt flag for the serving loop, which polls [`STOP`].
fn stop_on_signals() {
    crate::interrupt::install();
    std::thread::spawn(|| loop {
        if crate::interrupt::requested() {
            STOP.store(true, Ordering::Relaxed);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    });
}

pub fn run(args: EmulateArgs) -> Result<()> {
    let core_name = args.core.clone().unwrap_or_else(|| {
        match args.engine {
            EmulateEngine::Golden | EmulateEngine::Rtl | EmulateEngine::RtlUart => {
                crate::pipeline::DEFAULT_CORE
            }
        }
        .to_string()
    });
    if args.engine == EmulateEngine::RtlUart && args.reset_every.is_some() {
        bail!("--reset-every needs the board model (--engine golden or rtl); the serial core's Verilog has no reset input");
    }
    if args.engine == EmulateEngine::RtlUart && args.core.is_some() {
        bail!("--engine rtl-uart answers with its build's core (`rtl`); leave out --core");
    }
    let core = crate::pipeline::core_config(&core_name)?;
    let engine = match args.engine {
        EmulateEngine::Golden | EmulateEngine::RtlUart => Engine::Golden,
        EmulateEngine::Rtl => {
            // the RTL build serving the core configuration: its own limits and J layout
            let build = crate::pipeline::build_for(&core)?;
            eprintln!(
                "building the Verilator model of build `{}` (cached in {})",
                build.name,
                harness_cache().display()
            );
            let h = (build.build_harness)(&harness_cache()).map_err(|e| anyhow!(e))?;
            Engine::Rtl(std::sync::Arc::new(h), build)
        }
    };
    // the serial core's simulation is ready before the device path is printed
    let serial = if args.engine == EmulateEngine::RtlUart {
        eprintln!(
            "building the serial core's Verilator model (cached in {})",
            harness_cache().display()
        );
        let h = serial_sim::build_harness(&harness_cache(), [0; 32]).map_err(|e| anyhow!(e))?;
        Some(serial_sim::SerialSim::start(&h, serial_sim::SIM_DIVISOR).map_err(|e| anyhow!(e))?)
    } else {
        None
    };
    // from here on Ctrl-C and SIGTERM end the serving loop, so that the link is removed; set
    // before the device path is printed, as a client may stop the emulator once it has it
    stop_on_signals();
    let mut pty = Pty::open().context("opening a pseudo-terminal")?;
    if let Some(link) = &args.link {
        match link.symlink_metadata() {
            // an old link (a previous emulator's) is replaced; anything else is the user's
            Ok(m) if m.file_type().is_symlink() => std::fs::remove_file(link)
                .with_context(|| format!("replacing {}", link.display()))?,
            Ok(_) => bail!(
                "--link {} exists and is not a link: it would be replaced; name another path",
                link.display()
            ),
            Err(_) => {}
        }
        std::os::unix::fs::symlink(&pty.path, link)
            .with_context(|| format!("linking {} to {}", link.display(), pty.path))?;
    }
    let pacing = args.baud.map_or(Pacing::None, Pacing::Baud);
    let faults = args
        .faults
        .as_deref()
        .map(crate::options::parse_faults)
        .transpose()?
        .unwrap_or_default();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", pty.path)?;
    out.flush()?;
    drop(out);
    eprintln!(
        "emulating a board (core `{}`, N <= {}, {}) on {}{}; {}; Ctrl-C stops",
        core.name,
        core.n_max,
        match args.engine {
            EmulateEngine::Golden => "golden model",
            EmulateEngine::Rtl => "RTL core under Verilator",
            EmulateEngine::RtlUart =>
                "the serial core (UART, command engine, core) under Verilator",
        },
        pty.path,
        args.link
            .as_ref()
            .map(|l| format!(" (linked as {})", l.display()))
            .unwrap_or_default(),
        match pacing {
            Pacing::None => "unpaced".to_string(),
            Pacing::Baud(b) => format!("paced as {b} baud"),
        } + &if faults == Default::default() {
            String::new()
        } else {
            format!(", faults {faults:?}")
        } + &args
            .reset_every
            .map(|k| format!(", a reset every {k} commands"))
            .unwrap_or_default()
    );
    let served = match serial {
        Some(mut sim) => serve_bytes(&mut pty, &mut sim, faults, 1, &STOP),
        None => {
            let mut board = Board::with_engine(core, [0; 32], engine).reset_every(args.reset_every);
            serve(&mut pty, &mut board, pacing, faults, 1, &STOP)
        }
    };
    // the link goes with the emulator (Ctrl-C and SIGTERM end the serving loop)
    if let Some(link) = &args.link {
        if std::fs::read_link(link).is_ok_and(|t| t == std::path::Path::new(&pty.path)) {
            let _ = std::fs::remove_file(link);
        }
    }
    let served = served.context("serving the pseudo-terminal")?;
    eprintln!(
        "served {} frames ({} bytes in, {} out)",
        served.frames, served.bytes_in, served.bytes_out
    );
    Ok(())
}

pub fn ports() -> Result<()> {
    let ports = list_ports().context("listing serial ports")?;
    if ports.is_empty() {
        eprintln!("no serial ports found (a board's USB-UART shows up as /dev/ttyUSB* or /dev/ttyACM*; `npim emulate` makes a pseudo-terminal)");
    }
    for (path, kind) in ports {
        println!("{path}\t{kind}");
    }
    Ok(())
}
