//! `npim emulate`: a board on a pseudo-terminal; `npim ports`: the serial ports there are.

use crate::cli::{EmulateArgs, EmulateEngine};
use crate::commands::hdl::harness_cache;
use crate::link::board::{Board, Engine};
use crate::link::pty::{serve, Pacing, Pty};
use crate::link::serial::list_ports;
use anyhow::{anyhow, Context, Result};
use npim_sim::fixed::CoreConfig;
use std::io::Write;
use std::sync::atomic::AtomicBool;

pub fn run(args: EmulateArgs) -> Result<()> {
    let core_name = args.core.clone().unwrap_or_else(|| {
        match args.engine {
            EmulateEngine::Golden => "icebreaker",
            EmulateEngine::Rtl => "rtl",
        }
        .to_string()
    });
    let core = CoreConfig::load(&core_name).map_err(|e| anyhow!(e))?;
    let engine = match args.engine {
        EmulateEngine::Golden => Engine::Golden,
        EmulateEngine::Rtl => {
            eprintln!(
                "building the Verilator model (cached in {})",
                harness_cache().display()
            );
            let h = npim_hdl::core_sim::build_harness(&harness_cache()).map_err(|e| anyhow!(e))?;
            Engine::Rtl(std::sync::Arc::new(h))
        }
    };
    let mut pty = Pty::open().context("opening a pseudo-terminal")?;
    if let Some(link) = &args.link {
        if link.symlink_metadata().is_ok() {
            std::fs::remove_file(link).with_context(|| format!("replacing {}", link.display()))?;
        }
        std::os::unix::fs::symlink(&pty.path, link)
            .with_context(|| format!("linking {} to {}", link.display(), pty.path))?;
    }
    let pacing = args.baud.map_or(Pacing::None, Pacing::Baud);
    let faults = args
        .faults
        .as_deref()
        .map(crate::commands::run::parse_faults)
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
        }
    );
    let mut board = Board::with_engine(core, [0; 32], engine);
    let stop = AtomicBool::new(false);
    serve(&mut pty, &mut board, pacing, faults, 1, &stop).context("serving the pseudo-terminal")?;
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
