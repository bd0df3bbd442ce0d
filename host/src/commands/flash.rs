//! `npim flash --board B`: the board's programmer (iceprog for the iCEBreaker,
//! openFPGALoader for the ULX3S) on a bitstream, into flash or SRAM; `--dry-run` prints the
//! command. A missing tool or board is a clear error, never a silent success.

use crate::cli::FlashArgs;
use anyhow::{anyhow, bail, Result};
use npim_hdl::boards::{self, Family};
use std::path::PathBuf;
use std::process::Command;

pub fn flash(args: FlashArgs) -> Result<()> {
    let board = boards::board(&args.board)
        .ok_or_else(|| anyhow!("no board `{}`; boards: icebreaker, ulx3s", args.board))?;
    let file = args.bitstream.clone().unwrap_or_else(|| {
        PathBuf::from("bitstreams")
            .join(board.name)
            .join(match board.family {
                Family::Ice40 => format!("{}.bin", board.name),
                Family::Ecp5 => format!("{}.bit", board.name),
            })
    });
    let cmd: Vec<String> = if args.sram {
        board.load_sram
    } else {
        board.load_flash
    }
    .iter()
    .map(|s| s.to_string())
    .chain([file.display().to_string()])
    .collect();
    if args.dry_run {
        println!("{}", cmd.join(" "));
        return Ok(());
    }
    if !file.is_file() {
        bail!(
            "no bitstream at {} (build one with `npim hdl bitstream --board {}`)",
            file.display(),
            board.name
        );
    }
    let out = Command::new(&cmd[0])
        .args(&cmd[1..])
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                anyhow!(
                    "{} not found: install it (Debian: apt-get install {})",
                    cmd[0],
                    match board.family {
                        Family::Ice40 => "fpga-icestorm",
                        Family::Ecp5 => "openfpgaloader",
                    }
                )
            } else {
                anyhow!("running {}: {e}", cmd[0])
            }
        })?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        bail!(
            "{} failed (is the {} plugged in?):\n{}",
            cmd.join(" "),
            board.description,
            text.trim()
        );
    }
    print!("{text}");
    println!("loaded {} onto the {}", file.display(), board.name);
    Ok(())
}
