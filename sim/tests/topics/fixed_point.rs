//! The fixed-point golden model against the float reference, core images, and limits.

use super::util::{random_instance, shared_data};
use npim_sim::fixed::config::JStorage;
use npim_sim::fixed::noise::{run_seed, NOISE_STD};
use npim_sim::fixed::quantize::QuantizeError;
use npim_sim::fixed::{
    quantize, CoreConfig, CoreImage, GoldenCore, GoldenState, ImageError, ScatterLimits,
};
use npim_sim::formats::read_instance;
use npim_sim::npim::model::f_nl;
use npim_sim::npim::params::field_scale;
use npim_sim::npim::{Architecture, Basis, NpimParams};
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use rand_distr::StandardNormal;

/// The hand-set rule written into Tc = 8, D = 3, M = 3 and perturbed so every weight is used.
fn perturbed_params(ising: &Ising, seed: u64) -> NpimParams {
    let arch = Architecture {
        tc: 8,
        d: 3,
        m: 3,
        basis: Basis::Fourier,
    };
    let mut p = NpimParams::embedded_greedy(arch, field_scale(ising), 2.0, 0.5);
    let mut rng = stream(seed, 3);
    for row in &mut p.theta {
        for v in row.iter_mut() {
            *v += 0.3 * rng.sample::<f64, _>(StandardNormal);
        }
    }
    p
}

fn wide(knots: usize) -> CoreConfig {
    CoreConfig {
        name: "wide".into(),
        w_bits: 16,
        act_frac: 12,
        z_bits: 24,
        table_bits: 12,
        field_bits: 24,
        knots_max: knots,
        ..CoreConfig::preset("sim").unwrap()
    }
}

#[test]
fn with_wide_formats_golden_decisions_match_the_float_rule() {
    let root = shared_data().join("sk");
    let (mut agree, mut total) = (0u64, 0u64);
    let files: Vec<String> = (0..10)
        .map(|k| format!("SK1_N100_{k}.txt"))
        .chain((0..3).map(|k| format!("SK1_N50_{k}.txt")))
        .collect();
    for (f, name) in files.iter().enumerate() {
        let ising = read_instance(&root.join(name), Storage::Auto).unwrap();
        let params = perturbed_params(&ising, f as u64);
        let steps = 100;
        let (image, _) = quantize(&ising, &params, &wide(steps + 2), steps, 9).unwrap();
        assert_eq!(image.knot_shift, 0, "a knot per step");
        let core = GoldenCore::new(&image);
        for run in 0..4u32 {
            let mut state = GoldenState::new(&core, run * 7919 + 1);
            for t in 0..steps {
                let hist: Vec<Vec<f64>> = (0..ising.n())
                    .map(|i| {
                        state
                            .history_of(i)
                            .iter()
                            .map(|&v| image.j_scale * v as f64 / 2.0)
                            .collect()
                    })
                    .collect();
                state.step();
                // the float rule of eq. 4 on the golden model's own history and noise
                let w = params.weights_at(t as f64 / steps as f64);
                for (i, h) in hist.iter().enumerate() {
                    let mut y = w.w0 * f64::from(state.noise()[i]) / NOISE_STD;
                    for k in 0..3 {
                        let z: f64 = (0..8).map(|s| w.w2[k * 8 + s] * h[s]).sum();
                        y += w.w1[k] * f_nl(z);
                    }
                    let s = if y >= 0.0 { 1 } else { -1 };
                    agree += u64::from(s == state.spins()[i]);
                    total += 1;
                }
            }
        }
    }
    let rate = agree as f64 / total as f64;
    assert!(
        rate >= 0.999,
        "golden and float agree on {rate:.5} of {total} spin-steps"
    );
}

#[test]
fn golden_fields_and_energies_are_exact_for_integer_instances() {
    for seed in 0..5 {
        let ising = random_instance(60, 0.3, true, true, seed, Storage::Auto);
        let params = perturbed_params(&ising, seed);
        let (image, report) =
            quantize(&ising, &params, &CoreConfig::preset("sim").unwrap(), 40, 1).unwrap();
        assert!(report.exact_instance);
        let core = GoldenCore::new(&image);
        let mut state = GoldenState::new(&core, 77);
        for _ in 0..40 {
            let e4 = state.step();
            let s = state.spins().to_vec();
            assert_eq!(e4 as f64 / 4.0, ising.energy(&s));
            let x: Vec<f64> = s.iter().map(|&v| v as f64).collect();
            let h = ising.fields(&x);
            for (f, hv) in state.fields().iter().zip(&h) {
                assert_eq!(*f as f64, 2.0 * hv, "f = 2h");
            }
        }
        let r = core.run(0, 77);
        assert_eq!(ising.energy(&r.best_spins), r.best_energy);
    }
}

/// `GoldenCore::run` (the fast loop of `run_loop.rs`) equals stepping the reference
/// `GoldenState`, run for run, on random images of every shape: sizes on both sides of the
/// loop's 16-spin blocks, dense and sparse `J` (the loop switches to dense rows above 25 % fill),
/// integer and real weights, linear terms, history lengths 1-20, 1-5 hidden units, and widths
/// across the spec's ranges (table index shifts of both signs).
#[test]
fn fast_runs_equal_the_reference_model() {
    let mut compared = 0;
    for case in 0..150u64 {
        let mut rng = stream(case, 41);
        let n = if case % 10 == 0 {
            rng.gen_range(120..300)
        } else {
            rng.gen_range(2..70)
        };
        let ising = random_instance(
            n,
            rng.gen_range(0.02..1.0),
            rng.gen_bool(0.7),
            rng.gen_bool(0.5),
            case,
            Storage::Auto,
        );
        let arch = Architecture {
            tc: rng.gen_range(1..=20),
            d: rng.gen_range(1..=5),
            m: 3,
            basis: Basis::Fourier,
        };
        let mut params = NpimParams::embedded_greedy(arch, field_scale(&ising).max(1.0), 2.0, 0.5);
        for row in &mut params.theta {
            for v in row.iter_mut() {
                *v += 0.5 * rng.sample::<f64, _>(StandardNormal);
            }
        }
        let act_frac = rng.gen_range(2..=12);
        let config = CoreConfig {
            j_bits: rng.gen_range(2..=8),
            field_bits: rng.gen_range(12..=24),
            w_bits: rng.gen_range(6..=16),
            act_frac,
            z_bits: rng.gen_range(act_frac + 3..=24),
            table_bits: rng.gen_range(2..=12),
            storage: if rng.gen_bool(0.5) {
                JStorage::Dense
            } else {
                JStorage::Sparse
            },
            ..CoreConfig::preset("sim").unwrap()
        };
        let steps = rng.gen_range(1..150);
        let Ok((image, _)) = quantize(&ising, &params, &config, steps, case) else {
            continue;
        };
        let core = GoldenCore::new(&image);
        for r in 0..3 {
            let seed = run_seed(case, r);
            assert_eq!(
                core.run(r, seed),
                core.run_reference(r, seed),
                "case {case} (n {n}, {config:?}), run {r}"
            );
        }
        compared += 1;
    }
    assert!(compared >= 120, "only {compared} images quantized");
    // and on trained parameters over real graphs: SK N = 100 (dense), G1 (sparse, Tc = 20)
    let params_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../params");
    for (file, params) in [
        ("sk/SK1_N100_3.txt", "sk-n100.json"),
        ("gset/G1.txt", "gset-random-plus-n200-objective.json"),
    ] {
        let ising = read_instance(&shared_data().join(file), Storage::Auto).unwrap();
        let params = NpimParams::load(&params_dir.join(params)).unwrap();
        let (image, _) = quantize(
            &ising,
            &params,
            &CoreConfig::preset("rtl").unwrap(),
            ising.n(),
            7,
        )
        .unwrap();
        let core = GoldenCore::new(&image);
        for r in 0..2 {
            let seed = run_seed(7, r);
            assert_eq!(core.run(r, seed), core.run_reference(r, seed), "{file}");
        }
    }
}

#[test]
fn golden_runs_do_not_depend_on_threads_and_follow_the_seed() {
    let ising = random_instance(80, 0.1, true, false, 4, Storage::Auto);
    let params = perturbed_params(&ising, 1);
    let (image, _) = quantize(&ising, &params, &CoreConfig::preset("sim").unwrap(), 80, 5).unwrap();
    let core = GoldenCore::new(&image);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let a = one.install(|| core.solve(10, 5, &|| {}));
    let b = two.install(|| core.solve(10, 5, &|| {}));
    assert_eq!(a, b);
    assert_ne!(a, core.solve(10, 6, &|| {}));
    // dense and sparse J memories give the same runs
    let dense = CoreConfig {
        storage: JStorage::Dense,
        ..CoreConfig::preset("sim").unwrap()
    };
    let (image_d, _) = quantize(&ising, &params, &dense, 80, 5).unwrap();
    assert_eq!(GoldenCore::new(&image_d).solve(10, 5, &|| {}), a);
}

#[test]
fn images_round_trip_and_damage_is_reported() {
    let ising = random_instance(30, 0.4, true, true, 2, Storage::Auto);
    let params = perturbed_params(&ising, 2);
    for storage in [JStorage::Dense, JStorage::Sparse] {
        let core = CoreConfig {
            storage,
            ..CoreConfig::preset("sim").unwrap()
        };
        let (image, _) = quantize(&ising, &params, &core, 50, 3).unwrap();
        let bytes = image.to_bytes();
        assert_eq!(CoreImage::from_bytes(&bytes).unwrap(), image);
        // truncated
        let err = CoreImage::from_bytes(&bytes[..bytes.len() - 10]).unwrap_err();
        assert!(matches!(err, ImageError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("truncated"));
        // one flipped bit anywhere after the header's size fields: CRC
        for pos in [70, bytes.len() / 2, bytes.len() - 5] {
            let mut bad = bytes.clone();
            bad[pos] ^= 0x10;
            let err = CoreImage::from_bytes(&bad).unwrap_err();
            assert!(matches!(err, ImageError::Crc { .. }), "byte {pos}: {err}");
        }
        // wrong version and magic
        let mut bad = bytes.clone();
        bad[8] = 9;
        assert_eq!(
            CoreImage::from_bytes(&bad).unwrap_err(),
            ImageError::Version {
                found: 9,
                supported: 2
            }
        );
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert_eq!(
            CoreImage::from_bytes(&bad).unwrap_err(),
            ImageError::BadMagic
        );
        assert!(CoreImage::from_bytes(&[]).is_err());
    }
}

/// A core with a scatter engine gets images that carry a row layout over its lanes (version 2,
/// the layout after the header): they round-trip, every group's rows on distinct lanes; the
/// layout changes no run; a damaged layout, a layout where none belongs, none where one is
/// needed and one that takes more words than the engine holds are each refused by name.
#[test]
fn images_for_a_scatter_engine_carry_a_row_layout_that_must_fit_it() {
    let ising = random_instance(150, 0.2, true, true, 4, Storage::Auto);
    let params = perturbed_params(&ising, 4);
    let plain_core = CoreConfig {
        storage: JStorage::Sparse,
        ..CoreConfig::preset("sim").unwrap()
    };
    let scatter = ScatterLimits {
        lanes: 32,
        words: 4096,
    };
    let core = CoreConfig {
        name: "scatter".into(),
        scatter: Some(scatter),
        ..plain_core.clone()
    };
    let (plain, _) = quantize(&ising, &params, &plain_core, 40, 3).unwrap();
    let (image, _) = quantize(&ising, &params, &core, 40, 3).unwrap();
    let layout = image.layout.clone().expect("a layout for a scatter engine");
    assert_eq!((layout.lanes, layout.owner.len()), (32, 150));
    for group in layout.owner.chunks(32) {
        let mut lanes = group.to_vec();
        lanes.sort_unstable();
        lanes.dedup();
        assert_eq!(lanes.len(), group.len(), "{group:?}");
    }
    assert_eq!(
        CoreImage {
            layout: None,
            ..image.clone()
        },
        plain
    );
    let bytes = image.to_bytes();
    assert_eq!(bytes.len(), plain.to_bytes().len() + 150);
    assert_eq!(
        (u16::from_le_bytes([bytes[8], bytes[9]]), bytes[41]),
        (2, 5)
    );
    assert_eq!(&plain.to_bytes()[8..10], &[1, 0]);
    assert_eq!(CoreImage::from_bytes(&bytes).unwrap(), image);
    let seed = run_seed(3, 0);
    assert_eq!(
        GoldenCore::new(&image).run(0, seed).best_spins,
        GoldenCore::new(&plain).run(0, seed).best_spins
    );
    // the layout's bytes are checked like any other (with a CRC that matches)
    let recrc = |mut b: Vec<u8>| {
        let end = b.len() - 4;
        let crc = crc32fast::hash(&b[..end]);
        b[end..].copy_from_slice(&crc.to_le_bytes());
        b
    };
    let mut twice = bytes.clone();
    twice[64 + 1] = twice[64];
    let err = CoreImage::from_bytes(&recrc(twice)).unwrap_err();
    assert!(err.to_string().contains("row 1 shares lane"), "{err}");
    let mut wide = bytes.clone();
    wide[64] = 40;
    let err = CoreImage::from_bytes(&recrc(wide)).unwrap_err();
    assert!(err.to_string().contains("lane 40 is not below"), "{err}");
    let mut v1 = plain.to_bytes();
    v1[41] = 5;
    let err = CoreImage::from_bytes(&recrc(v1)).unwrap_err();
    assert!(
        err.to_string()
            .contains("version-1 image with layout byte 5"),
        "{err}"
    );
    // fits: the layout is the core's
    assert_eq!(core.fits(&image), Ok(()));
    assert_eq!(plain_core.fits(&plain), Ok(()));
    let err = plain_core.fits(&image).unwrap_err().to_string();
    assert!(err.contains("has no scatter engine"), "{err}");
    let err = core.fits(&plain).unwrap_err().to_string();
    assert!(err.contains("the image has none"), "{err}");
    let narrow = CoreConfig {
        scatter: Some(ScatterLimits {
            lanes: 16,
            ..scatter
        }),
        ..core.clone()
    };
    let err = narrow.fits(&image).unwrap_err().to_string();
    assert!(
        err.contains("over 32 lanes, core `scatter`'s engine has 16"),
        "{err}"
    );
    let shallow = CoreConfig {
        scatter: Some(ScatterLimits {
            words: 64,
            ..scatter
        }),
        ..core.clone()
    };
    let err = shallow.fits(&image).unwrap_err().to_string();
    assert!(err.contains("words; the engine holds 64"), "{err}");
    let err = quantize(&ising, &params, &shallow, 40, 3)
        .unwrap_err()
        .to_string();
    assert!(err.contains("the engine holds 64"), "{err}");
}

/// The golden model's default core (`sim`) holds a sparse graph of 20 000 spins (issue 22's
/// generalisation sizes reach 10 000): it quantizes, runs, and its best energy is its spins'.
#[test]
fn the_sim_core_holds_twenty_thousand_sparse_spins() {
    let gen = |spec: &str| {
        npim_sim::generate::generate(&spec.parse::<npim_sim::generate::Spec>().unwrap()).unwrap()
    };
    let ising = gen("gnm:n=20000,m=60000,seed=3");
    let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
    let sim = CoreConfig::preset("sim").unwrap();
    assert_eq!(sim.n_max, npim_sim::fixed::config::SIM_N_MAX);
    let (image, report) = quantize(&ising, &params, &sim, 20, 0).unwrap();
    assert!(report.exact_instance);
    let r = GoldenCore::new(&image).run(0, run_seed(0, 0));
    assert_eq!(r.best_energy, ising.energy(&r.best_spins));
    assert!(r.best_energy < 0.0);
    let over = gen("gnm:n=20001,m=100,seed=3");
    let err = quantize(&over, &params, &sim, 20, 0).unwrap_err();
    assert!(err.to_string().contains("holds at most 20000"), "{err}");
}

#[test]
fn what_does_not_fit_gets_the_limit_message() {
    let root = shared_data().join("gset");
    let g22 = read_instance(&root.join("G22.txt"), Storage::Sparse).unwrap();
    let params = NpimParams::annealed_greedy(field_scale(&g22), 2.0, 0.5);
    let ice = CoreConfig::preset("icebreaker").unwrap();
    let err = quantize(&g22, &params, &ice, 2000, 0).unwrap_err();
    assert_eq!(
        err,
        QuantizeError::TooManySpins {
            n: 2000,
            limit: 800,
            core: "icebreaker".into()
        }
    );
    assert!(
        err.to_string().contains("holds at most 800 (over by 1200)"),
        "{err}"
    );
    let g1 = read_instance(&root.join("G1.txt"), Storage::Sparse).unwrap();
    let small = CoreConfig {
        nnz_max: 30_000,
        ..ice.clone()
    };
    let msg = quantize(&g1, &params, &small, 800, 0)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("38352 stored entries") && msg.contains("over by 8352"),
        "{msg}"
    );
    let narrow = CoreConfig {
        field_bits: 7,
        ..ice.clone()
    };
    let msg = quantize(&g1, &params, &narrow, 800, 0)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("reach ±134 and need 9 bits") && msg.contains("7-bit fields"),
        "{msg}"
    );
    let heavy = Ising::new(3, vec![(0, 1, 5.0), (1, 2, 1.0)], vec![], Storage::Auto).unwrap();
    let msg = quantize(&heavy, &params, &ice, 10, 0)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("weight 5 needs 4-bit weights") && msg.contains("2-bit"),
        "{msg}"
    );
    let msg = quantize(&g1, &params, &ice, 1_100_000, 0)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("at most 1048575 (over by 51425)"), "{msg}");
    let big = NpimParams::embedded_greedy(
        Architecture {
            tc: 30,
            d: 3,
            m: 3,
            basis: Basis::Fourier,
        },
        1.0,
        1.0,
        0.5,
    );
    let msg = quantize(&g1, &big, &ice, 800, 0).unwrap_err().to_string();
    assert!(msg.contains("Tc <= 16"), "{msg}");
    // the G-set fits the iCEBreaker core exactly
    let (image, report) = quantize(&g1, &params, &ice, 800, 0).unwrap();
    assert!(report.exact_instance && report.field_bits_needed <= 10);
    assert_eq!(image.j.nnz(), 2 * 19176);
}

#[test]
fn real_weights_are_scaled_and_reported_as_inexact() {
    let ising = random_instance(20, 0.5, false, true, 8, Storage::Auto);
    let params = perturbed_params(&ising, 8);
    let (image, report) =
        quantize(&ising, &params, &CoreConfig::preset("sim").unwrap(), 30, 0).unwrap();
    assert!(!report.exact_instance);
    assert!((image.j_scale - ising.max_abs_weight() / 127.0).abs() < 1e-12);
}

/// One fit check for every user of a core: each limit an image can break is named with both
/// values, the quantizer refuses what its own checks do not cover (here linear terms wider than
/// the icebreaker build's 8 bits), and a configuration is held by a core only when every stated
/// limit is.
#[test]
fn fits_names_the_limit_each_image_breaks() {
    use npim_sim::fixed::{FitError, Limit};
    let ising = random_instance(30, 0.3, false, false, 7, Storage::Sparse);
    let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
    let rtl = CoreConfig::preset("rtl").unwrap();
    let (image, _) = quantize(&ising, &params, &rtl, 40, 1).unwrap();
    assert_eq!(rtl.fits(&image), Ok(()));
    let over = |img: &CoreImage, core: &CoreConfig| core.fits(img).unwrap_err().limit();
    let small_n = CoreConfig {
        n_max: 20,
        ..rtl.clone()
    };
    assert_eq!(
        small_n.fits(&image).unwrap_err(),
        FitError::Over {
            what: Limit::Spins,
            have: 30,
            limit: 20
        }
    );
    assert!(small_n
        .fits(&image)
        .unwrap_err()
        .to_string()
        .contains("N 30 exceeds this core's 20 (over by 10)"));
    let mut wide = image.clone();
    wide.linear[3] = 40_000;
    assert_eq!(over(&wide, &rtl), Some(Limit::LinearBits));
    let ice = CoreConfig {
        n_max: 800,
        ..CoreConfig::preset("icebreaker").unwrap()
    };
    let mut narrow = quantize(
        &ising,
        &params,
        &CoreConfig {
            j_bits: 2,
            ..ice.clone()
        },
        40,
        1,
    )
    .unwrap()
    .0;
    assert_eq!(ice.fits(&narrow), Ok(()));
    narrow.linear[3] = 200;
    assert_eq!(over(&narrow, &ice), Some(Limit::LinearBits));
    narrow.linear[3] = 127;
    assert_eq!(ice.fits(&narrow), Ok(()));
    narrow.linear[3] = -129;
    assert_eq!(over(&narrow, &ice), Some(Limit::LinearBits));
    narrow.linear[3] = 0;
    narrow.exponents[2] += 20;
    assert_eq!(over(&narrow, &ice), Some(Limit::ZRightShift));
    // exact widths
    let z16 = CoreConfig {
        z_bits: 16,
        ..rtl.clone()
    };
    assert!(matches!(
        z16.fits(&image),
        Err(FitError::Differs {
            what: Limit::ZBits,
            have: 14,
            core: 16
        })
    ));
    // storage: the loader's rule refuses it, the harnesses' converts it
    let dense = CoreConfig {
        storage: JStorage::Dense,
        n_max: 256,
        ..rtl.clone()
    };
    assert!(matches!(dense.fits(&image), Err(FitError::Storage { .. })));
    assert_eq!(dense.fits_converted(&image), Ok(()));
    // configurations: the sim preset is held by no RTL build, each RTL preset by itself
    let short = rtl.holds(&CoreConfig::preset("sim").unwrap()).unwrap_err();
    assert!(short.contains(&FitError::Over {
        what: Limit::Spins,
        have: 20_000,
        limit: 2048
    }));
    for name in ["rtl", "rtl4", "small", "dense", "icebreaker"] {
        let c = CoreConfig::preset(name).unwrap();
        assert_eq!(c.holds(&c), Ok(()), "{name}");
        // a board's IDENTIFY carries the stated limits; the build details come back with them
        let stated = CoreConfig {
            knot_words: 3,
            linear_bits: 2,
            ..c.clone()
        };
        assert_eq!(stated.with_build_details(), c, "{name}");
    }
}
