//! Running the binary and finding shared data.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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

/// An `npim emulate` process (started from `dir`), with the device path it printed; killed when
/// dropped.
pub struct Emulator {
    child: Child,
    /// The pseudo-terminal (or link) it serves.
    pub path: String,
}

impl Emulator {
    /// Runs `npim ARGS` (an `emulate` command line) and reads the path it prints first.
    pub fn spawn(args: &[&str], dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_npim"))
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("npim emulate starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let path = line.trim().to_string();
        assert!(path.starts_with('/'), "emulate printed {line:?}");
        Emulator { child, path }
    }
}

impl Emulator {
    /// The emulator's resident memory in kB (Linux's `/proc/PID/status`, `VmRSS`).
    pub fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    /// Sends SIGTERM (as a service manager stops it) and waits for the process to end.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        // SAFETY: signalling a child this test started and still owns.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        self.child.wait().unwrap()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
