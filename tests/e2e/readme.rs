//! The README's commands, run as written: every line of the `## Using npim` block, from a
//! folder laid out like the repository root (its `examples/`, `params/` and `results/`), with
//! `/dev/pts/N` standing for the last emulator the block started. The few that need hardware,
//! the network or many minutes are named below with where else they are tested, so the README
//! cannot drift from the binary.

use super::util::Emulator;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Lines not run here, and why.
const NOT_HERE: &[(&str, &str)] = &[
    (
        "hdl bitstream",
        "e2e::bitstream builds the iCEBreaker's and a reduced ULX3S bitstream from scratch and \
         checks the ULX3S's sources against the manifest",
    ),
    (
        "./scripts/rebuild-bitstreams.sh",
        "16 minutes of ULX3S place and route; run by hand (e2e::bitstream covers the flow)",
    ),
    (
        "train --config params/configs/sk-n100.toml",
        "25 minutes; e2e::train runs `npim train` on a small config",
    ),
    (
        "--peers",
        "installs the peer solvers from PyPI; run by hand",
    ),
    (
        "emulate --engine rtl",
        "Verilator builds of the whole core; e2e::link runs both RTL engines",
    ),
    ("./scripts/fuzz.sh", "cargo fuzz; CI runs ./scripts/fuzz.sh"),
    (
        "./scripts/block-fmax.sh",
        "about 15 minutes of ECP5 synthesis and place and route; run by hand (e2e::rtl writes \
         the blocks' Verilog)",
    ),
];

/// The commands of the block, one a line (`a; b` is two), comments dropped.
fn readme_commands() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = &text[text.find("## Using `npim`").expect("the section")..];
    let block = &section[section.find("```sh\n").expect("a sh block") + 6..];
    let block = &block[..block.find("```").expect("its end")];
    block
        .lines()
        .map(|l| l.split(" #").next().unwrap().trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(|l| {
            l.split(';')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_readme_command_runs_as_written() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    for folder in ["examples", "params", "results"] {
        std::os::unix::fs::symlink(
            root.join(folder).canonicalize().unwrap(),
            dir.path().join(folder),
        )
        .unwrap();
    }
    let commands = readme_commands();
    assert!(commands.len() > 40, "{} commands", commands.len());
    let mut emulators = Vec::new();
    let mut port = None::<String>;
    let mut ran = 0;
    for cmd in &commands {
        if let Some((_, why)) = NOT_HERE.iter().find(|(s, _)| cmd.contains(s)) {
            eprintln!("not here: {cmd} ({why})");
            continue;
        }
        let background = cmd.ends_with('&');
        let words: Vec<&str> = cmd.trim_end_matches('&').split_whitespace().collect();
        assert_eq!(words[0], "npim", "{cmd}");
        let args: Vec<String> = words[1..]
            .iter()
            .map(|w| match (&port, *w) {
                (Some(p), "/dev/pts/N") => p.clone(),
                _ => w.to_string(),
            })
            .collect();
        assert!(
            !args.iter().any(|a| a == "/dev/pts/N"),
            "{cmd}: no emulator started before it"
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if background {
            let e = Emulator::spawn(&args, dir.path());
            port = Some(e.path.clone());
            emulators.push(e);
            continue;
        }
        let start = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_npim"))
            .args(&args)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let took = start.elapsed();
        assert!(
            o.status.success(),
            "README command failed: {cmd}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        eprintln!("ran ({:.1} s): {cmd}", took.as_secs_f64());
        assert!(
            took < Duration::from_secs(120),
            "{cmd} took {took:?}: give it a smaller budget in the README"
        );
        ran += 1;
    }
    assert!(ran > 35, "{ran} commands ran");
}
