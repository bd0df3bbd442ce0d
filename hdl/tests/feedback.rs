//! The CIM feedback engine against the golden model's feedback step (sim/src/fixed/feedback.rs):
//! random instances, converter widths, gains and samples (out-of-range codes included), with
//! the DAC's ready withheld at random; rust_hdl's simulator equal to Verilator cycle for cycle.
//! Builds differ here only in the J memory's layout, so the tests run on one CSR build (`rtl`)
//! and the dense build.

use npim_hdl::harness::verilator::Harness;
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::feedback::Feedback as Spec;
use npim_sim::fixed::{quantize, CoreConfig, CoreImage};
use npim_sim::npim::NpimParams;
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use std::path::PathBuf;

fn case(build: &CoreConfig, seed: u64) -> (CoreImage, Spec, Vec<i64>) {
    let mut rng = stream(seed, 11);
    let n = 2 + rng.gen_range(0..50);
    let p = rng.gen_range(0.05..0.7);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < p {
                edges.push((i, j, f64::from(rng.gen_range(-3..=3))));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-4..=4))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Auto).unwrap();
    let storage = if seed.is_multiple_of(2) {
        JStorage::Sparse
    } else {
        JStorage::Dense
    };
    let core = CoreConfig {
        storage,
        ..build.clone()
    };
    let (image, _) = quantize(
        &ising,
        &NpimParams::annealed_greedy(1.0, 1.0, 0.5),
        &core,
        4,
        0,
    )
    .unwrap();
    let adc_bits = rng.gen_range(3..=14u8);
    let spec = Spec {
        adc_bits,
        dac_bits: rng.gen_range(3..=16),
        beta_q: rng.gen_range(-3000..=3000),
        beta_shift: rng.gen_range(0..=24),
    };
    let lim = 1i64 << (adc_bits - 1);
    let samples = (0..n).map(|_| rng.gen_range(-lim - 3..=lim + 3)).collect();
    (image, spec, samples)
}

macro_rules! build_tests {
    ($build:ident) => {
        mod $build {
            use super::*;
            use npim_hdl::builds::$build::feedback_sim::{
                commands, run_rust_hdl, run_verilator, verilog, HARNESS_CPP,
            };
            use npim_hdl::builds::$build::widths::config;

            fn harness() -> Harness {
                let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator");
                Harness::build(&verilog(), HARNESS_CPP, &cache).unwrap_or_else(|e| panic!("{e}"))
            }

            #[test]
            fn verilator_feedback_matches_the_golden_step() {
                let h = harness();
                for seed in 0..200 {
                    let (image, spec, samples) = case(&config(), seed);
                    let cmds = commands(
                        &image,
                        &spec,
                        &samples,
                        if seed % 3 == 0 {
                            0
                        } else {
                            seed as u32 * 7 + 1
                        },
                    )
                    .unwrap();
                    let (drive, _) = run_verilator(&h, &cmds, image.n).unwrap();
                    assert_eq!(drive, spec.drive(&image, &samples), "seed {seed}: {spec:?}");
                }
            }

            #[test]
            fn rust_hdl_feedback_matches_golden_and_verilator_cycle_for_cycle() {
                let h = harness();
                for seed in 0..3 {
                    let (image, spec, samples) = case(&config(), 500 + seed);
                    let cmds = commands(&image, &spec, &samples, 9 + seed as u32).unwrap();
                    let rh = run_rust_hdl(&cmds, image.n).unwrap();
                    assert_eq!(rh.0, spec.drive(&image, &samples), "seed {seed}");
                    assert_eq!(
                        rh,
                        run_verilator(&h, &cmds, image.n).unwrap(),
                        "seed {seed}: cycle count"
                    );
                }
            }
        }
    };
}

build_tests!(rtl);
build_tests!(dense);
