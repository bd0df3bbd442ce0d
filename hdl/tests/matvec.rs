//! The matvec engine of every build (one, two and four lanes; wide and narrow memories) against
//! the golden arithmetic, in rust_hdl's simulator and under Verilator, on random instances
//! (dense and sparse images, random spins and linear terms), with the pass's cycle count pinned.

use npim_hdl::harness::verilator::Harness;
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::{quantize, CoreConfig};
use npim_sim::npim::NpimParams;
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use std::path::PathBuf;

/// The image of `ising` for `build` (a build's core configuration) with `storage` (4 steps,
/// the hand-set rule: only J and l matter to the matvec engine).
fn image_of(build: &CoreConfig, ising: &Ising, storage: JStorage) -> npim_sim::fixed::CoreImage {
    let core = CoreConfig {
        storage,
        ..build.clone()
    };
    quantize(
        ising,
        &NpimParams::annealed_greedy(1.0, 1.0, 0.5),
        &core,
        4,
        0,
    )
    .unwrap()
    .0
}

/// A random instance's image for `build` and random spins.
fn random_case(
    build: &CoreConfig,
    seed: u64,
    n: usize,
    p: f64,
    storage: JStorage,
) -> (npim_sim::fixed::CoreImage, Vec<i8>) {
    let mut rng = stream(seed, 42);
    // weights up to ±3, within the build's J range
    let wmax = build.j_max().min(3);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < p {
                let w = rng.gen_range(1..=wmax) * if rng.gen::<bool>() { 1 } else { -1 };
                edges.push((i, j, f64::from(w)));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-5..=5))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Auto).unwrap();
    let image = image_of(build, &ising, storage);
    let spins: Vec<i8> = (0..n)
        .map(|_| if rng.gen::<bool>() { 1 } else { -1 })
        .collect();
    (image, spins)
}

fn cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator")
}

macro_rules! build_tests {
    ($build:ident) => {
        mod $build {
            use super::*;
            use npim_hdl::builds::$build::matvec_sim::{
                run_rust_hdl, run_verilator, verilog, MatvecInput, HARNESS_CPP,
            };
            use npim_hdl::builds::$build::widths::{
                config, DENSE, DOUBLE_ENDS, LANES, SPIN_WORD_STAGE, SPLIT_WORDS,
            };

            #[test]
            fn widths_match_the_build_preset() {
                use npim_hdl::builds::$build::widths::*;
                let c = config();
                assert_eq!(c.name, NAME);
                assert_eq!(c.n_max, N_MAX);
                assert_eq!(c.nnz_max, 1 << ENTRY_ADDR_BITS);
                assert_eq!(c.lanes, LANES);
                assert_eq!(c.j_bits as usize, WEIGHT_BITS);
                assert_eq!(c.field_bits as usize, FIELD_BITS);
                assert_eq!(c.tc_max, 1 << HIST_SLOT_BITS);
                // every other limit the build's parameters set: the preset is their one copy
                // in npim-sim, which cannot see this crate
                assert_eq!(c.storage == JStorage::Dense, DENSE);
                assert_eq!(c.w_bits as usize, W_BITS - 1);
                assert_eq!(
                    (
                        c.act_frac as usize,
                        c.z_bits as usize,
                        c.table_bits as usize
                    ),
                    (ACT_FRAC, Z_BITS, TABLE_BITS)
                );
                assert_eq!(c.t_max, (1 << STEP_BITS) - 1);
                assert_eq!(c.linear_bits as usize, LINEAR_BITS);
                assert_eq!(c.knot_words, 1 << KNOT_ADDR_BITS);
                assert_eq!(c.step_weights_max, 1 << WEIGHT_ADDR_BITS);
                let window = if PHASES { 1 << WINDOW_ADDR_BITS } else { 0 };
                assert_eq!((c.window_words, c.window_word_spins), (window, UNITS));
                let sh = c.shift_max;
                assert_eq!(
                    [sh.z_right, sh.z_left, sh.y0, sh.y1].map(usize::from),
                    [Z_RIGHT_MAX, Z_LEFT_MAX, Y_SHIFT_MAX, Y_SHIFT1_MAX]
                );
            }

            fn case(seed: u64, n: usize, p: f64, storage: JStorage) -> MatvecInput {
                let (image, spins) = random_case(&config(), seed, n, p, storage);
                MatvecInput::from_image(&image, &spins).unwrap()
            }

            #[test]
            fn empty_rows_emit_their_field_and_cost_the_walks_slots() {
                // Rows 0, 2 and 5 are empty (the first and the last among them), row 3 has one entry.
                let two = f64::from(config().j_max().min(2));
                let ising = Ising::new(
                    6,
                    vec![(1, 3, two), (1, 4, -1.0)],
                    vec![1.0, -2.0, 3.0, 0.0, 1.0, -3.0],
                    Storage::Sparse,
                )
                .unwrap();
                let image = image_of(&config(), &ising, JStorage::Sparse);
                let harness = Harness::build(&verilog(), HARNESS_CPP, &cache())
                    .unwrap_or_else(|e| panic!("{e}"));
                for spins in [[1i8, -1, 1, 1, -1, -1], [-1, -1, -1, 1, 1, 1]] {
                    let input = MatvecInput::from_image(&image, &spins).unwrap();
                    let got = run_verilator(&harness, &input).unwrap();
                    assert_eq!(got.fields, input.expected().fields);
                    assert_eq!(got.e4, input.expected().e4);
                    assert_eq!(got, run_rust_hdl(&input, 100_000).unwrap());
                    // 3 empty rows, one slot each; rows 1, 3 and 4 hold entries 0-1, 2 and 3,
                    // a word each with several lanes, an entry each with one (no row goes on
                    // past a word another ends in); a dense build reads all 36 weights in
                    // nine words of four: rows 0, 2 and 4 end in the middle of a word that
                    // rows 1, 3 and 5 go on from. Where two rows may end in a slot
                    // (`DOUBLE_ENDS`) each empty row ends beside the next: rows 0 and 1, 2 and
                    // 3, then 4 and 5 with 32 lanes, or 4 and 5 apart with two or four (entry
                    // 3 fills row 4's word to its end)
                    let slots = if DENSE {
                        9
                    } else if DOUBLE_ENDS {
                        if LANES >= 8 {
                            3
                        } else {
                            4
                        }
                    } else if LANES == 1 {
                        3 + 4
                    } else {
                        3 + 3
                    };
                    assert_eq!(
                        got.cycles,
                        slots
                            + 9
                            + u64::from(SPIN_WORD_STAGE)
                            + 2 * u64::from(SPLIT_WORDS)
                            + 2 * u64::from(DOUBLE_ENDS)
                    );
                    assert_eq!(got.cycles, input.expected_cycles());
                }
            }

            #[test]
            fn rust_hdl_simulation_matches_the_golden_arithmetic() {
                for seed in 0..12 {
                    let storage = if seed % 2 == 0 {
                        JStorage::Sparse
                    } else {
                        JStorage::Dense
                    };
                    let input = case(seed, 3 + seed as usize * 2, 0.4, storage);
                    let got = run_rust_hdl(&input, 1_000_000).unwrap();
                    let want = input.expected();
                    assert_eq!(got.fields, want.fields, "seed {seed}");
                    assert_eq!(got.e4, want.e4, "seed {seed}");
                }
            }

            #[test]
            fn verilator_matches_golden_and_rust_hdl_cycle_for_cycle() {
                let harness = Harness::build(&verilog(), HARNESS_CPP, &cache())
                    .unwrap_or_else(|e| panic!("{e}"));
                for seed in 0..200 {
                    let storage = if seed % 3 == 0 {
                        JStorage::Dense
                    } else {
                        JStorage::Sparse
                    };
                    let n = 2 + (seed as usize * 7) % 90;
                    let input = case(1000 + seed, n, 0.05 + (seed % 10) as f64 * 0.05, storage);
                    let got = run_verilator(&harness, &input).unwrap();
                    let want = input.expected();
                    assert_eq!(got.fields, want.fields, "seed {seed}");
                    assert_eq!(got.e4, want.e4, "seed {seed}");
                    // Streaming: one slot per word of LANES entries issued (a split word
                    // serving two rows once), one per empty row, and the set-up and pipeline
                    assert_eq!(got.cycles, input.expected_cycles(), "seed {seed}");
                    if seed < 6 {
                        // the two simulators agree on the cycle count, not just the values
                        let rh = run_rust_hdl(&input, 10_000_000).unwrap();
                        assert_eq!(rh, got, "seed {seed}: rust_hdl and Verilator differ");
                    }
                }
            }
        }
    };
}
npim_hdl::for_each_build!(build_tests);

/// `for_each_build!` (what the tests run) and `builds::BUILDS` (what the CLI offers) name the
/// same builds in the same order.
#[test]
fn every_build_the_cli_offers_is_tested() {
    let mut tested = Vec::new();
    macro_rules! name_of {
        ($b:ident) => {
            tested.push(npim_hdl::builds::$b::params::NAME);
        };
    }
    npim_hdl::for_each_build!(name_of);
    assert_eq!(tested, npim_hdl::builds::names());
}
