//! Building and running Verilator harnesses: the generated Verilog plus a C++ main, compiled
//! once into a cache folder named by a hash of both, then run as a child process fed on stdin.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A compiled harness.
pub struct Harness {
    exe: PathBuf,
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Harness {
    /// The model as a child process that dies with this one (a killed emulator or test must
    /// not leave a simulation running at full CPU).
    fn command(&self) -> Command {
        let mut c = Command::new(&self.exe);
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches only the child being started.
            unsafe {
                c.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
        }
        c
    }

    /// Whether `verilator` is on the PATH.
    pub fn available() -> bool {
        Command::new("verilator")
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// Builds (or finds in `cache`) the harness for `verilog` (top module `top`) and `cpp`.
    pub fn build(verilog: &str, cpp: &str, cache: &Path) -> Result<Self, String> {
        Self::build_with(verilog, cpp, cache, &[])
    }

    /// As [`Harness::build`], with extra Verilator arguments (e.g. `--trace`).
    pub fn build_with(
        verilog: &str,
        cpp: &str,
        cache: &Path,
        extra: &[&str],
    ) -> Result<Self, String> {
        if !Self::available() {
            return Err("verilator is not installed (Debian: apt-get install verilator; ./scripts/test.sh installs it)".into());
        }
        let key = fnv1a(format!("{verilog}\0{cpp}\0{}", extra.join(" ")).as_bytes());
        let dir = cache.join(format!("{key:016x}"));
        let exe = dir.join("obj_dir").join("Vtop");
        if exe.is_file() {
            return Ok(Harness { exe });
        }
        // Build in a private folder and move it into place in one rename, so that concurrent
        // builders (tests in parallel, `npim sim` beside a test run) never see a half-built model.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let tmp = cache.join(format!("{key:016x}.tmp-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::write(tmp.join("top.v"), verilog).map_err(|e| e.to_string())?;
        std::fs::write(tmp.join("main.cpp"), cpp).map_err(|e| e.to_string())?;
        let out = Command::new("verilator")
            .current_dir(&tmp)
            .args([
                "--cc",
                "--exe",
                "--build",
                "-O3",
                "-Wno-fatal",
                "-Wno-lint",
                "-Wno-style",
                "--top-module",
                "top",
            ])
            .args(extra)
            .args(["top.v", "main.cpp"])
            .output()
            .map_err(|e| format!("running verilator: {e}"))?;
        if !out.status.success() || !tmp.join("obj_dir").join("Vtop").is_file() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(format!(
                "verilator build failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if std::fs::rename(&tmp, &dir).is_err() {
            // another builder finished first: use its model
            let _ = std::fs::remove_dir_all(&tmp);
            if !exe.is_file() {
                return Err(format!(
                    "could not move the Verilator model into {}",
                    dir.display()
                ));
            }
        }
        Ok(Harness { exe })
    }

    /// Starts the harness as a long-running child with piped stdin and stdout (for harnesses
    /// that talk a byte stream, such as the serial core's).
    pub fn spawn(&self, env: &[(&str, &str)]) -> Result<std::process::Child, String> {
        self.command()
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e}", self.exe.display()))
    }

    /// Runs the harness with `stdin`, returning its stdout.
    pub fn run(&self, stdin: &str) -> Result<String, String> {
        self.run_with_env(stdin, &[])
    }

    /// As [`Harness::run`], with environment variables for the child.
    pub fn run_with_env(&self, stdin: &str, env: &[(&str, &str)]) -> Result<String, String> {
        let mut child = self
            .command()
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", self.exe.display()))?;
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(stdin.as_bytes())
            .map_err(|e| e.to_string())?;
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "harness failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Runs a Verilog testbench (module `tb`) over `design` under Verilator's `--binary --timing`
/// in `dir`, with `data` files beside it (vectors the bench reads with `$readmemh`), and returns
/// what it prints: for blocks tested outside a core, where a replayed vector file is simpler
/// than a C++ harness.
pub fn run_testbench(
    dir: &Path,
    design: &str,
    testbench: &str,
    data: &[(&str, &str)],
) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let write =
        |name: &str, text: &str| std::fs::write(dir.join(name), text).map_err(|e| e.to_string());
    write("top.v", design)?;
    write("tb.v", testbench)?;
    for (name, text) in data {
        write(name, text)?;
    }
    let build = Command::new("verilator")
        .args([
            "--binary",
            "--timing",
            "-Wno-fatal",
            "-Wno-lint",
            "--top-module",
            "tb",
        ])
        .arg("--Mdir")
        .arg(dir.join("obj"))
        .arg(dir.join("tb.v"))
        .arg(dir.join("top.v"))
        .output()
        .map_err(|e| format!("verilator ({e}): ./scripts/test.sh installs it"))?;
    if !build.status.success() {
        return Err(String::from_utf8_lossy(&build.stderr).into_owned());
    }
    let run = Command::new(dir.join("obj/Vtb"))
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !run.status.success() {
        return Err(String::from_utf8_lossy(&run.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&run.stdout).into_owned())
}
