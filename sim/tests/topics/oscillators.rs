//! The closed analog loop: an ideal loop is the digital dNPIM run bit for bit; the models,
//! converters and config behave as documented; the CIM feedback loop with OPOs solves small
//! instances.

use super::util::{ground_state, random_instance, shared_data};
use npim_sim::fixed::feedback::Feedback;
use npim_sim::fixed::{quantize, CoreConfig, GoldenCore, GoldenState};
use npim_sim::formats::read_instance;
use npim_sim::npim::params::field_scale;
use npim_sim::npim::{Architecture, Basis, NpimParams};
use npim_sim::oscillator::closed_loop::Keep;
use npim_sim::oscillator::{run_cim, run_dnpim, LoopConfig, OscillatorKind};
use npim_sim::Storage;

fn image_of(ising: &npim_sim::Ising, steps: usize, seed: u64) -> npim_sim::fixed::CoreImage {
    let arch = Architecture {
        tc: 3,
        d: 2,
        m: 3,
        basis: Basis::Fourier,
    };
    let params = NpimParams::embedded_greedy(arch, field_scale(ising).max(1.0), 2.0, 0.5);
    quantize(
        ising,
        &params,
        &CoreConfig::preset("sim").unwrap(),
        steps,
        seed,
    )
    .unwrap()
    .0
}

#[test]
fn an_ideal_loop_is_the_digital_run_bit_for_bit() {
    let mut cases: Vec<npim_sim::Ising> = (0..8)
        .map(|s| random_instance(10 + 5 * s, 0.4, true, s % 2 == 0, s as u64, Storage::Auto))
        .collect();
    cases.push(read_instance(&shared_data().join("gset/G11.txt"), Storage::Auto).unwrap());
    cases.push(read_instance(&shared_data().join("sk/SK1_N100_0.txt"), Storage::Auto).unwrap());
    for (k, ising) in cases.iter().enumerate() {
        let image = image_of(ising, 120, k as u64);
        let core = GoldenCore::new(&image);
        for run_seed in [1u32, 77] {
            let trace = run_dnpim(
                &core,
                run_seed,
                &LoopConfig::ideal(OscillatorKind::Ideal),
                9,
                Keep {
                    spins: true,
                    amplitudes: 0,
                },
            );
            let mut state = GoldenState::new(&core, run_seed);
            for t in 0..image.steps {
                let e4 = state.step();
                assert_eq!(trace.e4[t], e4, "case {k}, seed {run_seed}: E4 at step {t}");
                assert_eq!(trace.spins[t], state.spins(), "case {k}: spins at step {t}");
            }
            let want = core.run(0, run_seed);
            assert_eq!(
                (trace.best_e4, trace.best_step, &trace.best_spins),
                (want.best_e4, want.best_step, &want.best_spins)
            );
        }
    }
}

#[test]
fn non_idealities_change_the_run_and_converters_clip() {
    let ising = random_instance(30, 0.4, true, true, 3, Storage::Auto);
    let image = image_of(&ising, 80, 1);
    let core = GoldenCore::new(&image);
    let ideal = run_dnpim(
        &core,
        5,
        &LoopConfig::ideal(OscillatorKind::Ideal),
        1,
        Keep::default(),
    );
    // a two-step latency feeds the core older spins: a different trajectory
    let late = LoopConfig {
        latency: 2,
        ..LoopConfig::ideal(OscillatorKind::Ideal)
    };
    assert_ne!(run_dnpim(&core, 5, &late, 1, Keep::default()).e4, ideal.e4);
    // same config and seeds, same run (noise from seeded streams)
    let noisy = LoopConfig {
        oscillator: OscillatorKind::Opo,
        noise: 0.05,
        measurement_noise: 0.02,
        mismatch: 0.1,
        ..LoopConfig::default()
    };
    let a = run_dnpim(
        &core,
        5,
        &noisy,
        3,
        Keep {
            spins: false,
            amplitudes: 4,
        },
    );
    let b = run_dnpim(
        &core,
        5,
        &noisy,
        3,
        Keep {
            spins: false,
            amplitudes: 4,
        },
    );
    assert_eq!(a, b);
    assert_eq!(a.amplitudes.len(), 80);
    assert_eq!(a.amplitudes[0].len(), 4);
    // CMOS amplitudes are cos φ: within [−1, 1]
    let cmos = LoopConfig {
        oscillator: OscillatorKind::Cmos,
        ..LoopConfig::default()
    };
    let c = run_dnpim(
        &core,
        5,
        &cmos,
        3,
        Keep {
            spins: false,
            amplitudes: 30,
        },
    );
    assert!(c.amplitudes.iter().flatten().all(|a| a.abs() <= 1.0));
}

#[test]
fn config_files_parse_and_bad_values_are_refused() {
    let c =
        LoopConfig::parse("oscillator = \"cmos\"\nadc_bits = 4\nlatency = 3\nshil = [0.1, 0.9]\n")
            .unwrap();
    assert_eq!(
        (c.oscillator, c.adc_bits, c.latency, c.shil),
        (OscillatorKind::Cmos, 4, 3, (0.1, 0.9))
    );
    assert!(LoopConfig::parse("adc_bits = 40\n")
        .unwrap_err()
        .contains("adc_bits"));
    assert!(LoopConfig::parse("latency = 0\n")
        .unwrap_err()
        .contains("latency"));
    assert!(LoopConfig::parse("colour = 3\n")
        .unwrap_err()
        .contains("unknown field"));
}

#[test]
fn the_cim_feedback_loop_with_opos_finds_small_ground_states() {
    let mut solved = 0;
    for s in 0..5u64 {
        let ising = random_instance(12, 0.5, true, false, 100 + s, Storage::Auto);
        let (ground, _) = ground_state(&ising);
        let image = image_of(&ising, 200, s);
        let fb = Feedback {
            adc_bits: 10,
            dac_bits: 10,
            // β ≈ 0.1
            beta_q: 26,
            beta_shift: 8,
        };
        let cfg = LoopConfig {
            oscillator: OscillatorKind::Opo,
            noise: 0.02,
            ..LoopConfig::default()
        };
        let best = (0..10)
            .map(|r| {
                let t = run_cim(&image, &fb, &cfg, r, Keep::default());
                ising.energy(&t.best_spins)
            })
            .fold(f64::INFINITY, f64::min);
        if (best - ground).abs() < 1e-9 {
            solved += 1;
        }
    }
    assert!(solved >= 4, "{solved} of 5 ground states found");
    // without noise, pumped above threshold, the loop leaves the symmetric point from its
    // vacuum-fluctuation start (below threshold a noise-free OPO decays to zero: no feedback)
    let ising = random_instance(20, 0.5, true, false, 7, Storage::Auto);
    let image = image_of(&ising, 100, 7);
    let fb = Feedback {
        adc_bits: 10,
        dac_bits: 10,
        beta_q: 26,
        beta_shift: 8,
    };
    let quiet = LoopConfig {
        oscillator: OscillatorKind::Opo,
        pump: (1.2, 1.5),
        ..LoopConfig::default()
    };
    let t = run_cim(&image, &fb, &quiet, 1, Keep::default());
    let core = GoldenCore::new(&image);
    assert!(t.best_e4 < core.e4_of(&[1; 20]), "{} vs all +1", t.best_e4);
}

#[test]
fn opo_noise_ramps_from_noise_to_noise_end() {
    use npim_sim::oscillator::{Opo, Oscillators};
    use npim_sim::rng::stream;
    // Noise 0.5 at the first step, none at the last: the last step is deterministic (two
    // random streams agree), the first is not.
    let step_with = |t: usize, seed: u64| {
        let mut o = Opo::new(vec![1.0; 4], 0.5, (0.5, 1.5), (0.5, 0.0));
        o.step(t, 10, &[0.1, -0.1, 0.2, 0.0], &mut stream(seed, 0));
        o.amplitudes()
    };
    assert_eq!(step_with(9, 1), step_with(9, 2));
    assert_ne!(step_with(0, 1), step_with(0, 2));
    // the config carries it, and refuses a negative one
    let cfg = LoopConfig::parse("oscillator = \"opo\"\nnoise = 0.3\nnoise_end = 0.0\n").unwrap();
    assert_eq!((cfg.noise, cfg.noise_end), (0.3, Some(0.0)));
    assert!(LoopConfig::parse("noise_end = -1.0\n").is_err());
}
