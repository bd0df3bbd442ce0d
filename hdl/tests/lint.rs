//! The generated Verilog of every build lints clean under `verilator --lint-only -Wall` with the repository's
//! short waiver list (hdl/lint/waivers.vlt, each waiver justified there).

use std::path::PathBuf;
use std::process::Command;

#[test]
fn generated_verilog_lints_clean_with_the_waivers() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lint");
    std::fs::create_dir_all(&dir).unwrap();
    let waivers = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lint/waivers.vlt");
    let mut designs = Vec::new();
    macro_rules! designs_of {
        ($build:ident) => {{
            use npim_hdl::builds::$build as b;
            let name = stringify!($build);
            designs.extend([
                (format!("{name}-core"), b::core_sim::verilog()),
                (format!("{name}-matvec"), b::matvec_sim::verilog()),
                (format!("{name}-update"), b::update_sim::verilog()),
                (format!("{name}-feedback"), b::feedback_sim::verilog()),
                (
                    format!("{name}-serial_core"),
                    b::serial_sim::verilog([0; 32]),
                ),
            ]);
        }};
    }
    npim_hdl::for_each_build!(designs_of);
    for (name, text) in designs {
        let file = dir.join(format!("{name}.v"));
        std::fs::write(&file, text).unwrap();
        let out = Command::new("verilator")
            .args(["--lint-only", "-Wall", "--top-module", "top"])
            .arg(&waivers)
            .arg(&file)
            .output()
            .expect("verilator is installed (./scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // and without the waivers the same run does complain: the list is not vacuous
        let bare = Command::new("verilator")
            .args(["--lint-only", "-Wall", "--top-module", "top"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            !bare.status.success(),
            "{name}: expected warnings without waivers"
        );
    }
}
