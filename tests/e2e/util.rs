//! Running the binary and finding shared data.

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn npim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_npim"))
        .args(args)
        .output()
        .expect("npim runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `../shared/data` beside the checkout.
pub fn shared(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel);
    assert!(p.exists(), "shared data missing: {}", p.display());
    p.display().to_string()
}

/// The summary value after a label such as `P_s`.
pub fn field<'a>(out: &'a str, label: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{out}"))
        .trim()
}
