//! The update unit against the golden model: the same state in, the same spins out, in
//! rust_hdl's simulator and under Verilator, on random instances, parameters and steps.

use npim_hdl::builds::rtl::update::TAIL_STAGES;
use npim_hdl::builds::rtl::update_sim::{
    run_rust_hdl, run_verilator, verilog, UpdateInput, HARNESS_CPP,
};
use npim_hdl::builds::rtl::widths::{TAPS_PER_CYCLE, TAP_SHIFT};
use npim_hdl::harness::verilator::Harness;
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore, GoldenState};
use npim_sim::npim::params::field_scale;
use npim_sim::npim::{Architecture, Basis, NpimParams};
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use rand_distr::StandardNormal;
use std::path::PathBuf;

/// A random instance, perturbed parameters, an image for this RTL build, and a golden state
/// advanced a random number of steps.
fn case(seed: u64, n: usize, tc: usize, d: usize) -> (npim_sim::fixed::CoreImage, Vec<u8>) {
    let mut rng = stream(seed, 7);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < 0.3 {
                edges.push((i, j, f64::from(rng.gen_range(-3..=3))));
            }
        }
    }
    let linear: Vec<f64> = (0..n).map(|_| f64::from(rng.gen_range(-4..=4))).collect();
    let ising = Ising::new(n, edges, linear, Storage::Auto).unwrap();
    let arch = Architecture {
        tc,
        d,
        m: 3,
        basis: Basis::Fourier,
    };
    let mut params = NpimParams::embedded_greedy(arch, field_scale(&ising).max(1.0), 2.0, 0.5);
    for row in &mut params.theta {
        for v in row.iter_mut() {
            *v += 0.4 * rng.sample::<f64, _>(StandardNormal);
        }
    }
    // a small input scale on some cases makes W² large: e2 < A (left shifts) and saturated z
    if seed.is_multiple_of(3) {
        params.input_scale = 0.02;
    }
    let core = CoreConfig {
        name: "rtl".into(),
        field_bits: 16,
        w_bits: 8 + (seed % 9) as u8,
        z_bits: 14,
        table_bits: 8,
        act_frac: 8,
        knots_max: 8,
        ..CoreConfig::preset("sim").unwrap()
    };
    let (image, _) = quantize(&ising, &params, &core, 40, seed).unwrap();
    (image, Vec::new())
}

fn cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verilator")
}

fn check(seed: u64, n: usize, tc: usize, d: usize, harness: Option<&Harness>, rust_hdl: bool) {
    let (image, _) = case(seed, n, tc, d);
    let core = GoldenCore::new(&image);
    let mut state = GoldenState::new(&core, (seed as u32).wrapping_mul(2654435761));
    let steps = (seed as usize * 5) % 13;
    for _ in 0..steps {
        state.step();
    }
    let input = UpdateInput::from_golden(&image, &core, &state).unwrap();
    state.step();
    let want: Vec<(usize, bool)> = state
        .spins()
        .iter()
        .enumerate()
        .map(|(i, &s)| (i, s < 0))
        .collect();
    // the pipelined pass (internal mode) and the sequential one (external mode) decide the same
    // spins; pipelining saves the tail (`TAIL_STAGES` cycles) and the cycle told of the taking of
    // every spin but the last (and the last's), unless a spin is a single tap (D·Tc = 1, never
    // pipelined)
    let sequential = UpdateInput {
        pipelined: false,
        ..input.clone()
    };
    // a hidden unit's slot groups: its taps, pairs or quads; the tail is `TAIL_STAGES` and the
    // cycles in which the last group's products are summed (one with pairs, two with quads)
    let span = tc.div_ceil(TAPS_PER_CYCLE);
    let tail = TAIL_STAGES as u64 + TAP_SHIFT as u64;
    let saved = if d * span >= 2 {
        (tail + 1) * (n as u64 - 1) + 1
    } else {
        0
    };
    if let Some(h) = harness {
        let got = run_verilator(h, &input).unwrap();
        assert_eq!(got.spins, want, "Verilator, seed {seed}, step {steps}");
        let seq = run_verilator(h, &sequential).unwrap();
        assert_eq!(seq.spins, want, "Verilator sequential, seed {seed}");
        // start to done: a spin every D·span cycles pipelined (and the last spin's tail),
        // D·span + tail + 1 sequential (the decision taken, then told); 3 for the set-up
        // and done
        let (spins, dtc) = (n as u64, (d * span) as u64);
        assert_eq!(
            seq.cycles,
            spins * (dtc + tail + 1) + 3,
            "seed {seed}: sequential"
        );
        if dtc >= 2 {
            assert_eq!(got.cycles, spins * dtc + tail + 3, "seed {seed}: pipelined");
        }
        assert_eq!(
            seq.cycles - got.cycles,
            saved,
            "seed {seed}: D {d}, Tc {tc}, N {n}"
        );
        if rust_hdl {
            let rh = run_rust_hdl(&input, 10_000_000).unwrap();
            assert_eq!(rh, got, "rust_hdl and Verilator differ, seed {seed}");
            let rh = run_rust_hdl(&sequential, 10_000_000).unwrap();
            assert_eq!(
                rh, seq,
                "rust_hdl and Verilator differ, sequential, seed {seed}"
            );
        }
    } else {
        let got = run_rust_hdl(&input, 10_000_000).unwrap();
        assert_eq!(got.spins, want, "rust_hdl, seed {seed}, step {steps}");
        let seq = run_rust_hdl(&sequential, 10_000_000).unwrap();
        assert_eq!(
            seq.spins, want,
            "rust_hdl sequential, seed {seed}, step {steps}"
        );
    }
}

#[test]
fn rust_hdl_simulation_matches_the_golden_update() {
    for seed in 0..4 {
        check(
            seed,
            5 + seed as usize,
            2 + seed as usize,
            1 + seed as usize % 3,
            None,
            false,
        );
    }
}

#[test]
fn verilator_matches_the_golden_update_on_random_cases() {
    // both shift directions occur among the cases
    let lefts = (0..200u64)
        .filter(|s| npim_hdl::builds::rtl::update_sim::shifts(&case(100 + s, 5, 3, 2).0)[1] > 0)
        .count();
    assert!(
        lefts > 20 && lefts < 180,
        "{lefts} of 200 cases shift z left"
    );
    let harness =
        Harness::build(&verilog(), HARNESS_CPP, &cache()).unwrap_or_else(|e| panic!("{e}"));
    for seed in 0..200 {
        let n = 3 + (seed as usize * 13) % 60;
        let (tc, d) = match seed % 10 {
            // two spins in flight (D·Tc = 2), and single taps (never pipelined)
            5 => (2, 1),
            6 => (1, 2),
            7 => (1, 1),
            _ => (1 + (seed as usize * 7) % 16, 1 + seed as usize % 4),
        };
        check(
            100 + seed,
            n,
            tc,
            d,
            Some(&harness),
            seed < 4 || seed == 5 || seed == 6,
        );
    }
}

/// The `W²` sum's shifts are capped in the RTL where the result stops changing (right at 35:
/// every sum rounds to 0; left at 13: every non-zero sum saturates `z`): images whose `e2` asks
/// for far larger shifts in either direction still give the golden spins. Without noise
/// (`W⁰ = 0`) a spin is the sign of the `W¹` sum alone, so a wrong `z` shows.
#[test]
fn extreme_z_shifts_give_the_golden_spins() {
    let harness =
        Harness::build(&verilog(), HARNESS_CPP, &cache()).unwrap_or_else(|e| panic!("{e}"));
    for (k, e2) in [-40i8, -20, -6, 0, 20, 43, 44, 60, 70]
        .into_iter()
        .enumerate()
    {
        let (mut image, _) = case(900 + k as u64, 12, 4, 2);
        image.exponents[2] = e2;
        let per = image.weights_per_knot();
        for (i, w) in image.schedule.iter_mut().enumerate() {
            if i % per == 0 {
                *w = 0;
            }
        }
        let core = GoldenCore::new(&image);
        let mut state = GoldenState::new(&core, 77 + k as u32);
        for _ in 0..3 {
            state.step();
        }
        let input = UpdateInput::from_golden(&image, &core, &state).unwrap();
        state.step();
        let want: Vec<(usize, bool)> = state
            .spins()
            .iter()
            .enumerate()
            .map(|(i, &s)| (i, s < 0))
            .collect();
        let got = run_verilator(&harness, &input).unwrap();
        assert_eq!(got.spins, want, "Verilator, e2 {e2}");
        if k % 4 == 0 {
            assert_eq!(
                run_rust_hdl(&input, 1_000_000).unwrap(),
                got,
                "rust_hdl, e2 {e2}"
            );
        }
    }
}
