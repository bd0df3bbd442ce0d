//! Learning on the core: runs with their own linear terms and start spins, window statistics,
//! the schedule's tail (reverse annealing), and equilibrium propagation end to end.

use super::util::random_instance;
use npim_sim::ep::{EpConfig, EpTrainer, GoldenPhases};
use npim_sim::fixed::phase::field_budget;
use npim_sim::fixed::{
    quantize, quantize_from, CoreConfig, GoldenCore, GoldenState, RunStart, StartError,
};
use npim_sim::npim::params::field_scale;
use npim_sim::npim::NpimParams;
use npim_sim::{Ising, Storage};

fn image_for(ising: &Ising, steps: usize) -> npim_sim::fixed::CoreImage {
    let params = NpimParams::annealed_greedy(field_scale(ising), 2.0, 0.5);
    quantize(
        ising,
        &params,
        &CoreConfig::preset("rtl").unwrap(),
        steps,
        3,
    )
    .unwrap()
    .0
}

/// A run given the image's own linear terms and no start spins is the ordinary run, step for
/// step; a run with other linear terms equals a run of an image quantized with those terms.
#[test]
fn a_runs_own_linear_terms_equal_an_image_carrying_them() {
    for seed in 0..6 {
        let with = random_instance(40, 0.3, true, true, seed, Storage::Sparse);
        let without = Ising::new(
            40,
            with.edges()
                .iter()
                .map(|e| (e.i as usize, e.j as usize, e.w)),
            Vec::new(),
            Storage::Sparse,
        )
        .unwrap();
        let (img_with, img_without) = (image_for(&with, 60), image_for(&without, 60));
        let (core_with, core_without) = (GoldenCore::new(&img_with), GoldenCore::new(&img_without));
        let start = RunStart {
            linear: Some(img_with.linear.clone()),
            spins: None,
        };
        start
            .check(&img_without, &CoreConfig::preset("rtl").unwrap())
            .unwrap();
        let mut a = GoldenState::new(&core_with, 11);
        let mut b = GoldenState::start(&core_without, 11, &start);
        let mut c = GoldenState::start(&core_with, 11, &RunStart::default());
        for _ in 0..60 {
            let e = a.step();
            assert_eq!(e, b.step());
            assert_eq!(e, c.step());
            assert_eq!(a.spins(), b.spins());
            assert_eq!(a.fields(), b.fields());
        }
        // run_phase's final state is the stepped state's
        let phase = core_without.run_phase(11, &start, 10);
        assert_eq!(phase.final_spins, a.spins());
    }
}

/// Start spins fill every history slot with their field, and the window sums count the last
/// steps' spins and coupled pairs exactly.
#[test]
fn start_spins_fill_the_history_and_window_sums_are_exact() {
    let ising = random_instance(30, 0.4, true, true, 4, Storage::Sparse);
    let image = image_for(&ising, 50);
    let core = GoldenCore::new(&image);
    let s: Vec<i8> = (0..30).map(|i| if i % 3 == 1 { -1 } else { 1 }).collect();
    let start = RunStart {
        linear: None,
        spins: Some(s.clone()),
    };
    let state = GoldenState::start(&core, 5, &start);
    let x: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
    let h = ising.fields(&x);
    for (i, hv) in h.iter().enumerate() {
        for f in state.history_of(i) {
            assert_eq!(f as f64, 2.0 * hv, "spin {i}");
        }
    }
    assert_eq!(state.spins(), &s[..]);
    // window sums against the stepped trajectory
    let mut st = GoldenState::start(&core, 5, &start);
    let trajectory: Vec<Vec<i8>> = (0..50)
        .map(|_| {
            st.step();
            st.spins().to_vec()
        })
        .collect();
    let r = core.run_phase(5, &start, 12);
    assert_eq!(r.window, 12);
    let pairs = core.pairs();
    assert_eq!(pairs.len(), ising.edges().len());
    for i in 0..30 {
        let want: i32 = trajectory[38..].iter().map(|s| i32::from(s[i])).sum();
        assert_eq!(r.spin_sums[i], want);
    }
    for (p, &(i, j)) in pairs.iter().enumerate() {
        let want: i32 = trajectory[38..]
            .iter()
            .map(|s| i32::from(s[i] * s[j]))
            .sum();
        assert_eq!(r.pair_sums[p], want);
    }
    assert_eq!(r.final_spins, trajectory[49]);
}

#[test]
fn a_start_that_does_not_fit_says_why() {
    let ising = random_instance(20, 0.5, true, false, 2, Storage::Sparse);
    let image = image_for(&ising, 10);
    let core = CoreConfig::preset("rtl").unwrap();
    let bad = |linear: Option<Vec<i32>>, spins: Option<Vec<i8>>| {
        RunStart { linear, spins }.check(&image, &core).unwrap_err()
    };
    assert!(matches!(
        bad(Some(vec![0; 19]), None),
        StartError::Length {
            have: 19,
            n: 20,
            ..
        }
    ));
    assert!(matches!(
        bad(None, Some(vec![1; 21])),
        StartError::Length { have: 21, .. }
    ));
    let mut s = vec![1i8; 20];
    s[7] = 0;
    assert_eq!(bad(None, Some(s)), StartError::Spin { index: 7, value: 0 });
    let mut l = vec![0i32; 20];
    l[3] = 40_000;
    assert!(matches!(
        bad(Some(l), None),
        StartError::LinearWidth {
            index: 3,
            needed: 17,
            ..
        }
    ));
    let budget = field_budget(&image, &core);
    let mut l = vec![0i32; 20];
    l[5] = (budget[5] + 1) as i32;
    let e = bad(Some(l.clone()), None);
    assert!(matches!(e, StartError::FieldWidth { index: 5, .. }), "{e}");
    l[5] = budget[5] as i32;
    RunStart {
        linear: Some(l),
        spins: None,
    }
    .check(&image, &core)
    .unwrap();
}

/// The schedule's tail from τ = 0 is the whole schedule; from τ > 0 it starts quieter (the
/// annealed rule's noise weight falls with τ).
#[test]
fn the_schedule_tail_from_zero_is_the_schedule() {
    let ising = random_instance(20, 0.5, true, false, 2, Storage::Sparse);
    let params = NpimParams::annealed_greedy(field_scale(&ising), 2.0, 0.5);
    let core = CoreConfig::preset("rtl").unwrap();
    let whole = quantize(&ising, &params, &core, 64, 1).unwrap().0;
    assert_eq!(
        quantize_from(&ising, &params, &core, 64, 1, 0.0).unwrap().0,
        whole
    );
    let tail = quantize_from(&ising, &params, &core, 64, 1, 0.5).unwrap().0;
    let per = tail.weights_per_knot();
    let noise = |img: &npim_sim::fixed::CoreImage| {
        f64::from(img.schedule[0]) * 2f64.powi(-i32::from(img.exponents[0]))
    };
    assert!(
        noise(&tail) < 0.75 * noise(&whole),
        "{} {}",
        noise(&tail),
        noise(&whole)
    );
    assert_eq!(tail.schedule.len() / per, whole.schedule.len() / per);
}

fn iris_config() -> EpConfig {
    EpConfig {
        data: "iris".into(),
        hidden: 16,
        per_class: 1,
        beta: 0.5,
        epochs: 40,
        lr: 0.02,
        bp_lr: 0.2,
        batch: 16,
        steps: 100,
        window: 20,
        reverse: None,
        init_scale: 1.0,
        test_fraction: 0.2,
        seed: 1,
    }
}

/// EP on the golden model learns iris well above chance (1/3), the same for the same seed, and
/// a resumed run continues exactly where a whole run would be.
#[test]
fn equilibrium_propagation_learns_iris_and_resumes_exactly() {
    let core = CoreConfig::preset("rtl").unwrap();
    let rule = |ising: &Ising| -> Result<NpimParams, String> {
        Ok(NpimParams::annealed_greedy(field_scale(ising), 2.0, 0.5))
    };
    let mut whole = EpTrainer::new(iris_config(), core.clone()).unwrap();
    let mut golden = GoldenPhases::default();
    let mut resumed: Option<EpTrainer> = None;
    while !whole.finished() {
        whole.run_epoch(&mut golden, &rule, &|| {}).unwrap();
        if whole.epoch() == 15 {
            resumed = Some(EpTrainer::resume(whole.checkpoint().clone(), core.clone()).unwrap());
        }
    }
    let mut resumed = resumed.unwrap();
    while !resumed.finished() {
        resumed.run_epoch(&mut golden, &rule, &|| {}).unwrap();
    }
    assert_eq!(resumed.checkpoint().network, whole.checkpoint().network);
    let best = whole
        .checkpoint()
        .curve
        .iter()
        .map(|r| r.test_accuracy)
        .fold(0.0, f64::max);
    let first = whole.checkpoint().curve[0].test_accuracy;
    assert!(best >= 0.8, "best EP test accuracy {best}");
    assert!(best > first, "{first} -> {best}");
    let last = whole.checkpoint().curve.last().unwrap();
    assert!(last.bp_test_accuracy >= 0.8, "{}", last.bp_test_accuracy);
}

#[test]
fn bad_runs_are_refused_before_anything_runs() {
    let core = CoreConfig::preset("icebreaker").unwrap();
    let msg = |c: EpConfig| EpTrainer::new(c, core.clone()).err().unwrap();
    let e = msg(EpConfig {
        beta: 0.0,
        ..iris_config()
    });
    assert!(e.contains("--beta") && e.contains("β = 0"), "{e}");
    let e = msg(EpConfig {
        hidden: 900,
        ..iris_config()
    });
    assert!(e.contains("903 spins") && e.contains("holds 800"), "{e}");
    let e = msg(EpConfig {
        hidden: 600,
        per_class: 20,
        ..iris_config()
    });
    assert!(e.contains("coupling entries") && e.contains("65536"), "{e}");
    let e = EpTrainer::new(iris_config(), CoreConfig::preset("dense").unwrap())
        .err()
        .unwrap();
    assert!(e.contains("stores J dense"), "{e}");
    let e = msg(EpConfig {
        window: 200,
        ..iris_config()
    });
    assert!(e.contains("--window 200"), "{e}");
    let e = msg(EpConfig {
        reverse: Some(1.0),
        ..iris_config()
    });
    assert!(e.contains("--reverse"), "{e}");
}
