//! The whole core against the golden model, step by step: spins, fields and `E4` of every step,
//! the best energy, its step and its spins. For every build (`npim_hdl::builds`: one and four
//! matvec lanes, wide and narrow memories): rust_hdl's simulator on small cases, cycle for cycle
//! against Verilator, and Verilator on 200 random cases over three image configurations. On the
//! default build also full runs of G11, G22 and an SK N=100 file, and external mode (drives out,
//! samples in, with backpressure) on 60 random cases.

use npim_hdl::builds::rtl::core_sim::{
    build_harness, golden_trace, golden_trace_external, run_rust_hdl_in, run_verilator,
    run_verilator_in, run_verilator_vcd, Mode, RunTrace,
};
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::{quantize, CoreConfig, CoreImage};
use npim_sim::formats::read_instance;
use npim_sim::npim::params::field_scale;
use npim_sim::npim::{Architecture, Basis, NpimParams};
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use rand_distr::StandardNormal;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Three image configurations within `build` (a build's core configuration): sparse with narrow
/// weights, dense, and sparse with wide weights and few knots.
fn config_in(build: &CoreConfig, kind: usize) -> CoreConfig {
    let base = build.clone();
    match kind % 3 {
        0 => CoreConfig {
            w_bits: 10,
            knots_max: 8,
            storage: JStorage::Sparse,
            ..base
        },
        1 => CoreConfig {
            w_bits: 12,
            knots_max: 16,
            storage: JStorage::Dense,
            ..base
        },
        _ => CoreConfig {
            w_bits: 15,
            knots_max: 3,
            storage: JStorage::Sparse,
            ..base
        },
    }
}

/// The image configurations within the default build.
fn config(kind: usize) -> CoreConfig {
    config_in(&npim_hdl::builds::rtl::widths::config(), kind)
}

fn random_image(seed: u64) -> CoreImage {
    random_image_in(&npim_hdl::builds::rtl::widths::config(), seed)
}

fn random_image_in(build: &CoreConfig, seed: u64) -> CoreImage {
    let mut rng = stream(seed, 9);
    // integer weights within the build's J range (at most ±3)
    let w = build.j_max().min(3);
    let n = 2 + rng.gen_range(0..40);
    let p = rng.gen_range(0.05..0.6);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < p {
                edges.push((i, j, f64::from(rng.gen_range(-w..=w))));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-w..=w))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Auto).unwrap();
    let arch = Architecture {
        tc: rng.gen_range(1..10),
        d: rng.gen_range(1..4),
        m: 3,
        basis: Basis::Fourier,
    };
    let mut params = NpimParams::embedded_greedy(arch, field_scale(&ising).max(1.0), 2.0, 0.5);
    for row in &mut params.theta {
        for v in row.iter_mut() {
            *v += 0.3 * rng.sample::<f64, _>(StandardNormal);
        }
    }
    let steps = rng.gen_range(1..40);
    quantize(
        &ising,
        &params,
        &config_in(build, seed as usize),
        steps,
        seed,
    )
    .unwrap()
    .0
}

fn harness() -> &'static npim_hdl::harness::verilator::Harness {
    static H: OnceLock<npim_hdl::harness::verilator::Harness> = OnceLock::new();
    H.get_or_init(|| {
        let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
        build_harness(&cache).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn same(mut rtl: RunTrace, golden: RunTrace, what: &str) {
    assert_eq!(rtl.steps.len(), golden.steps.len(), "{what}: steps");
    for (t, (a, b)) in rtl.steps.iter().zip(&golden.steps).enumerate() {
        assert_eq!(a.drives, b.drives, "{what}: drives at step {t}");
        assert_eq!(a.spins, b.spins, "{what}: spins at step {t}");
        assert_eq!(a.fields, b.fields, "{what}: fields at step {t}");
        assert_eq!(a.e4, b.e4, "{what}: E4 at step {t}");
    }
    rtl.cycles = 0;
    rtl.steps.clear();
    let mut g = golden;
    g.steps.clear();
    assert_eq!(rtl, g, "{what}: best energy, step or spins");
}

/// The tests every build runs: rust_hdl = Verilator cycle for cycle = golden on small cases,
/// Verilator = golden on 200 random cases.
macro_rules! build_tests {
    ($build:ident) => {
        mod $build {
            use super::*;
            use npim_hdl::builds::$build::core_sim::{
                build_collision_harness, build_harness, run_rust_hdl, run_verilator,
            };
            use npim_hdl::builds::$build::widths;

            fn harness() -> &'static npim_hdl::harness::verilator::Harness {
                static H: OnceLock<npim_hdl::harness::verilator::Harness> = OnceLock::new();
                H.get_or_init(|| {
                    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
                    build_harness(&cache).unwrap_or_else(|e| panic!("{e}"))
                })
            }

            #[test]
            fn rust_hdl_core_matches_golden_and_verilator_cycle_for_cycle() {
                for seed in 0..3 {
                    let image = random_small_in(&widths::config(), seed);
                    let run_seed = 17 + seed as u32;
                    let rh = run_rust_hdl(&image, run_seed, 5_000_000).unwrap();
                    let vl = run_verilator(harness(), &image, run_seed).unwrap();
                    assert_eq!(rh, vl, "seed {seed}: rust_hdl and Verilator differ");
                    same(
                        rh,
                        golden_trace(&image, run_seed),
                        &format!("rust_hdl seed {seed}"),
                    );
                }
            }

            /// No memory hands on a read that collides with a write (`npim_hdl::ram_collisions`,
            /// what lets board builds drop the collision logic): with every such read returning
            /// a wrong word, runs still equal the golden model.
            #[test]
            fn colliding_reads_are_never_used() {
                let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
                let poisoned = build_collision_harness(&cache).unwrap_or_else(|e| panic!("{e}"));
                for seed in 0..40u64 {
                    let image = random_image_in(&widths::config(), 7000 + seed);
                    let run_seed = (seed as u32).wrapping_mul(2654435761) ^ 5;
                    let rtl = run_verilator(&poisoned, &image, run_seed).unwrap();
                    same(
                        rtl,
                        golden_trace(&image, run_seed),
                        &format!("poisoned seed {seed}"),
                    );
                }
            }

            #[test]
            fn verilator_core_matches_golden_on_random_cases() {
                for seed in 0..200u64 {
                    let image = random_image_in(&widths::config(), 1000 + seed);
                    let run_seed = (seed as u32).wrapping_mul(2654435761);
                    let rtl = run_verilator(harness(), &image, run_seed).unwrap();
                    same(rtl, golden_trace(&image, run_seed), &format!("seed {seed}"));
                }
            }
        }
    };
}
npim_hdl::for_each_build!(build_tests);

/// A small case for rust_hdl's slow simulator.
fn random_small(seed: u64) -> CoreImage {
    random_small_in(&npim_hdl::builds::rtl::widths::config(), seed)
}

fn random_small_in(build: &CoreConfig, seed: u64) -> CoreImage {
    // weights up to ±3, clipped to the build's J range
    let w = f64::from(build.j_max().min(3));
    let ising = Ising::new(
        5,
        vec![
            (0, 1, 1.0),
            (1, 2, (-2.0f64).max(-w)),
            (2, 3, 1.0),
            (3, 4, w),
            (0, 4, -1.0),
            (1, 3, 1.0),
        ],
        vec![1.0, 0.0, (-2.0f64).max(-w), 0.0, 1.0],
        Storage::Auto,
    )
    .unwrap();
    let arch = Architecture {
        tc: 3,
        d: 2,
        m: 3,
        basis: Basis::Fourier,
    };
    let mut params = NpimParams::embedded_greedy(arch, 2.0, 2.0, 0.5);
    let mut rng = stream(seed, 1);
    for row in &mut params.theta {
        for v in row.iter_mut() {
            *v += 0.3 * rng.sample::<f64, _>(StandardNormal);
        }
    }
    quantize(&ising, &params, &config_in(build, seed as usize), 6, seed)
        .unwrap()
        .0
}

/// External mode with converters that never stall (`Mode::ExternalIdeal`, `npim sim
/// --external`): the same results as the golden model's external mode, and never more cycles
/// than the same run with the handshakes withheld on a pattern.
#[test]
fn external_mode_with_converters_that_never_stall_matches_golden() {
    for seed in 0..10u64 {
        let image = random_image(7000 + seed);
        let run_seed = (seed as u32).wrapping_mul(2654435761);
        let s = seed as u32 * 17 + 3;
        let ideal = run_verilator_in(harness(), &image, run_seed, Mode::ExternalIdeal(s)).unwrap();
        let stalled = run_verilator_in(harness(), &image, run_seed, Mode::External(s)).unwrap();
        assert!(
            ideal.cycles < stalled.cycles,
            "seed {seed}: {} cycles without stalls, {} with",
            ideal.cycles,
            stalled.cycles
        );
        same(
            ideal,
            golden_trace_external(&image, run_seed, s),
            &format!("ideal external seed {seed}"),
        );
    }
}

/// External mode (the measurement-feedback port): every step the drive values out equal the
/// golden model's pre-sign outputs, and with samples fed back that flip some of the core's own
/// decisions (the DAC's ready and the ADC's valid withheld on a pseudo-random pattern), the
/// spins taken, fields, `E4` and the best equal the golden model's external mode.
#[test]
fn external_mode_matches_golden_with_backpressure() {
    let mut flipped = 0;
    for seed in 0..60u64 {
        let image = random_image(5000 + seed);
        let run_seed = (seed as u32).wrapping_mul(2246822519);
        let mode = Mode::External(seed as u32 * 31 + 7);
        let rtl = run_verilator_in(harness(), &image, run_seed, mode).unwrap();
        let Mode::External(s) = mode else {
            unreachable!()
        };
        let golden = golden_trace_external(&image, run_seed, s);
        // the samples flip some decisions: most runs are not the internal one
        if golden
            .steps
            .iter()
            .zip(&golden_trace(&image, run_seed).steps)
            .any(|(a, b)| a.spins != b.spins)
        {
            flipped += 1;
        }
        same(rtl, golden, &format!("external seed {seed}"));
    }
    assert!(
        flipped >= 40,
        "only {flipped} of 60 runs differ from internal mode"
    );
    // with colliding memory reads returning wrong words (`npim_hdl::ram_collisions`)
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
    let poisoned = npim_hdl::builds::rtl::core_sim::build_collision_harness(&cache).unwrap();
    for seed in 0..20u64 {
        let image = random_image(8000 + seed);
        let mode = Mode::External(seed as u32 * 7 + 3);
        let Mode::External(s) = mode else {
            unreachable!()
        };
        let rtl = run_verilator_in(&poisoned, &image, 11, mode).unwrap();
        same(
            rtl,
            golden_trace_external(&image, 11, s),
            &format!("poisoned external seed {seed}"),
        );
    }
    for seed in 0..2u64 {
        let image = random_small(seed);
        let mode = Mode::External(99 + seed as u32);
        let rh = run_rust_hdl_in(&image, 3, mode, 5_000_000).unwrap();
        let vl = run_verilator_in(harness(), &image, 3, mode).unwrap();
        assert_eq!(
            rh, vl,
            "external seed {seed}: rust_hdl and Verilator differ"
        );
    }
}

/// A file of `../shared/data` and the embedded greedy rule (Tc 4, D 2) scaled to it: the full
/// runs' instance and parameters.
fn shared_instance(file: &str) -> (Ising, NpimParams) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    let ising = read_instance(&root.join(file), Storage::Auto).unwrap();
    let arch = Architecture {
        tc: 4,
        d: 2,
        m: 3,
        basis: Basis::Fourier,
    };
    let params = NpimParams::embedded_greedy(arch, field_scale(&ising), 2.0, 0.5);
    (ising, params)
}

#[test]
fn full_runs_on_g11_g22_and_sk100_match_golden() {
    for (file, steps) in [
        ("gset/G11.txt", 800),
        ("gset/G22.txt", 2000),
        ("sk/SK1_N100_0.txt", 100),
    ] {
        let (ising, params) = shared_instance(file);
        let core = CoreConfig {
            w_bits: 12,
            ..config(0)
        };
        let (image, _) = quantize(&ising, &params, &core, steps, 3).unwrap();
        let rtl = run_verilator(harness(), &image, 12345).unwrap();
        same(rtl, golden_trace(&image, 12345), file);
    }
}

/// The dense build on a full SK N = 100 run from a dense image (`n × n` weights, no column bits):
/// every step equal to the golden model, and a step within 5 % of its bound.
#[test]
fn dense_build_full_run_on_sk100_matches_golden() {
    use npim_hdl::builds::dense::core_sim::{build_harness, run_verilator};
    let (ising, params) = shared_instance("sk/SK1_N100_0.txt");
    let core = npim_hdl::builds::dense::widths::config();
    assert_eq!(core.storage, JStorage::Dense);
    let (image, _) = quantize(&ising, &params, &core, 100, 3).unwrap();
    assert_eq!(image.storage(), JStorage::Dense);
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
    let harness = build_harness(&cache).unwrap_or_else(|e| panic!("{e}"));
    let rtl = run_verilator(&harness, &image, 777).unwrap();
    // the bound: 100 rows of 100 weights in words of 4 (2 500 reads) beside N·D·Tc = 800 taps
    // (the update of a step runs beside the matvec of the step before)
    let per_step = rtl.cycles as f64 / 100.0;
    assert!(
        (2500.0..2500.0 * 1.05).contains(&per_step),
        "{per_step} cycles a step"
    );
    same(rtl, golden_trace(&image, 777), "dense SK1_N100_0");
}

#[test]
fn a_vcd_of_a_short_run_is_well_formed() {
    let dir = std::env::temp_dir().join(format!("npim-vcd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vcd = dir.join("run.vcd");
    let image = random_small(1);
    let rtl = run_verilator_vcd(harness(), &image, 5, &vcd).unwrap();
    same(rtl, golden_trace(&image, 5), "vcd run");
    let text = std::fs::read_to_string(&vcd).unwrap();
    // the parts of the VCD format (IEEE 1364 §18) a viewer such as GTKWave needs
    let header_end = text.find("$enddefinitions").expect("$enddefinitions");
    let header = &text[..header_end];
    assert!(header.contains("$timescale") && header.contains("$scope module"));
    let vars: Vec<&str> = header
        .lines()
        .filter(|l| l.trim_start().starts_with("$var"))
        .collect();
    assert!(
        vars.iter().any(|v| v.contains(" clock ")),
        "a clock variable"
    );
    assert!(
        vars.iter().any(|v| v.contains("step_e4")),
        "the energy output"
    );
    let ids: std::collections::HashSet<&str> = vars
        .iter()
        .filter_map(|v| v.split_whitespace().nth(3))
        .collect();
    let mut times = 0;
    let mut last = -1i64;
    for line in text[header_end..].lines().skip(1) {
        let line = line.trim();
        if let Some(t) = line.strip_prefix('#') {
            let t: i64 = t.parse().expect("a time");
            assert!(t > last, "times increase");
            last = t;
            times += 1;
        } else if let Some(rest) = line.strip_prefix('b') {
            let (bits, id) = rest.split_once(' ').expect("b<bits> <id>");
            assert!(
                bits.chars().all(|c| "01xz".contains(c)) && ids.contains(id),
                "{line}"
            );
        } else if !line.is_empty() && !line.starts_with('$') {
            let (v, id) = line.split_at(1);
            assert!("01xz".contains(v) && ids.contains(id), "{line}");
        }
    }
    assert!(times > 100, "{times} time steps");
    std::fs::remove_dir_all(&dir).ok();
}
