//! The matvec engine against the golden arithmetic, in rust_hdl's simulator and under
//! Verilator, on random instances (dense and sparse images, random spins and linear terms).

use npim_hdl::matvec_sim::{run_rust_hdl, run_verilator, verilog, MatvecInput, HARNESS_CPP};
use npim_hdl::verilator::Harness;
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::{quantize, CoreConfig};
use npim_sim::npim::NpimParams;
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use std::path::PathBuf;

/// The image of `ising` for a `sim` core with 16-bit fields and `storage` (4 steps, the
/// hand-set rule: only J and l matter to the matvec engine).
fn image_of(ising: &Ising, storage: JStorage) -> npim_sim::fixed::CoreImage {
    let core = CoreConfig {
        storage,
        field_bits: 16,
        ..CoreConfig::preset("sim").unwrap()
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

fn random_case(seed: u64, n: usize, p: f64, storage: JStorage) -> MatvecInput {
    let mut rng = stream(seed, 42);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < p {
                let w = rng.gen_range(1..=3) * if rng.gen::<bool>() { 1 } else { -1 };
                edges.push((i, j, f64::from(w)));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-5..=5))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Auto).unwrap();
    let image = image_of(&ising, storage);
    let spins: Vec<i8> = (0..n)
        .map(|_| if rng.gen::<bool>() { 1 } else { -1 })
        .collect();
    MatvecInput::from_image(&image, &spins).unwrap()
}

/// Cycles of a pass beyond its slots: setup, the pipeline's depth, `done`.
const PASS_OVERHEAD: u64 = 6;

#[test]
fn empty_rows_take_one_slot_and_emit_their_field() {
    // Rows 0, 2 and 5 are empty (the first and the last among them), row 3 has one entry.
    let ising = Ising::new(
        6,
        vec![(1, 3, 2.0), (1, 4, -1.0)],
        vec![1.0, -2.0, 3.0, 0.0, 1.0, -3.0],
        Storage::Sparse,
    )
    .unwrap();
    let image = image_of(&ising, JStorage::Sparse);
    let harness =
        Harness::build(&verilog(), HARNESS_CPP, &cache()).unwrap_or_else(|e| panic!("{e}"));
    for spins in [[1i8, -1, 1, 1, -1, -1], [-1, -1, -1, 1, 1, 1]] {
        let input = MatvecInput::from_image(&image, &spins).unwrap();
        let got = run_verilator(&harness, &input).unwrap();
        assert_eq!(got.fields, input.expected().fields);
        assert_eq!(got.e4, input.expected().e4);
        assert_eq!(got, run_rust_hdl(&input, 100_000).unwrap());
        // 3 empty rows + 4 entries in rows 1, 3, 4 (row 1 has two)
        assert_eq!(got.cycles, 3 + 4 + PASS_OVERHEAD);
    }
}

fn cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator")
}

#[test]
fn rust_hdl_simulation_matches_the_golden_arithmetic() {
    for seed in 0..12 {
        let storage = if seed % 2 == 0 {
            JStorage::Sparse
        } else {
            JStorage::Dense
        };
        let input = random_case(seed, 3 + seed as usize * 2, 0.4, storage);
        let got = run_rust_hdl(&input, 1_000_000).unwrap();
        let want = input.expected();
        assert_eq!(got.fields, want.fields, "seed {seed}");
        assert_eq!(got.e4, want.e4, "seed {seed}");
    }
}

#[test]
fn verilator_matches_golden_and_rust_hdl_cycle_for_cycle() {
    let harness =
        Harness::build(&verilog(), HARNESS_CPP, &cache()).unwrap_or_else(|e| panic!("{e}"));
    for seed in 0..200 {
        let storage = if seed % 3 == 0 {
            JStorage::Dense
        } else {
            JStorage::Sparse
        };
        let n = 2 + (seed as usize * 7) % 90;
        let input = random_case(1000 + seed, n, 0.05 + (seed % 10) as f64 * 0.05, storage);
        let got = run_verilator(&harness, &input).unwrap();
        let want = input.expected();
        assert_eq!(got.fields, want.fields, "seed {seed}");
        assert_eq!(got.e4, want.e4, "seed {seed}");
        // Streaming: one slot per entry, one per empty row, and a fixed pass overhead.
        let slots: u64 = input
            .row_ptr
            .windows(2)
            .map(|w| u64::from((w[1] - w[0]).max(1)))
            .sum();
        assert_eq!(got.cycles, slots + PASS_OVERHEAD, "seed {seed}");
        if seed < 6 {
            // the two simulators agree on the cycle count, not just the values
            let rh = run_rust_hdl(&input, 10_000_000).unwrap();
            assert_eq!(rh, got, "seed {seed}: rust_hdl and Verilator differ");
        }
    }
}
