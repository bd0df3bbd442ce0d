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

/// yosys's `check` on each build's serial core after `proc`: no latch (a combinational signal
/// not assigned on every path), no logic loop, no multiple or missing drivers. A design with a
/// latch and one with a loop are refused by the same script, so the check is not vacuous.
#[test]
fn yosys_finds_no_latch_loop_or_driver_conflict() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("yosys-check");
    std::fs::create_dir_all(&dir).unwrap();
    let check = |name: &str, verilog: &str| -> Result<(), String> {
        let file = dir.join(format!("{name}.v"));
        std::fs::write(&file, verilog).unwrap();
        let script = format!(
            "read_verilog {}; hierarchy -check -top top; proc; check -assert; \
             select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$sr",
            file.display()
        );
        let out = Command::new("yosys")
            .args(["-q", "-p", &script])
            .output()
            .expect("yosys is installed (./scripts/test.sh installs it)");
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let latch = "module top(input en, input d, output reg q);\n\
                 always @(*) if (en) q = d;\nendmodule\n";
    assert!(check("latch", latch).is_err(), "a latch passes the check");
    let looped = "module top(input a, output y);\nwire b;\n\
                  assign b = a ^ y;\nassign y = ~b;\nendmodule\n";
    assert!(
        check("loop", looped).is_err(),
        "a logic loop passes the check"
    );
    let mut designs = Vec::new();
    macro_rules! serial_core_of {
        ($build:ident) => {{
            use npim_hdl::builds::$build as b;
            designs.push((stringify!($build), b::serial_sim::verilog([0; 32])));
        }};
    }
    npim_hdl::for_each_build!(serial_core_of);
    for (name, text) in designs {
        check(name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
