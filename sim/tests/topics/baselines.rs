//! Baselines: one update of each against a hand computation, and CAC and SA on the SK files.

use super::util::shared_data;
use npim_sim::baselines::aim::{self, AimParams};
use npim_sim::baselines::cac::{CacParams, CacState};
use npim_sim::baselines::dsbm::{self, DsbmParams};
use npim_sim::baselines::pmcim::{self, PmcimParams};
use npim_sim::baselines::sa::{self, SaParams};
use npim_sim::baselines::solve;
use npim_sim::formats::read_instance;
use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use rand_distr::StandardNormal;

/// J_01 = 1, J_12 = −2, l = (0, 1, 0): fields h = J·x − l/2.
fn tiny() -> Ising {
    Ising::new(
        3,
        vec![(0, 1, 1.0), (1, 2, -2.0)],
        vec![0.0, 1.0, 0.0],
        Storage::Dense,
    )
    .unwrap()
}

fn close(a: &[f64], b: &[f64]) {
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn cac_update_matches_hand_computation() {
    let ising = tiny();
    let p = CacParams {
        r: 0.2,
        alpha: 1.0,
        beta: 0.5,
        gamma: 0.1,
        delta: 2.0,
        mu: 1.0,
        rho: 0.5,
        tau: 100.0,
        dt: 0.1,
    };
    let x0 = vec![0.5, -0.2, 0.1];
    let mut st = CacState::new(&ising, &p, x0.clone());
    st.xi = 0.3;
    st.a = 1.0;
    let (e, s) = st.step();
    assert_eq!(s, &[1, -1, 1]);
    // H(+,−,+) = J01·(−1) + J12·(−1) − (1/2)·1·(−1) = −1 + 2 + 0.5
    assert_eq!(e, 1.5);
    // h = J x − l/2 = (−0.2, 0.5 − 0.2 − 0.5, 0.4) = (−0.2, −0.2, 0.4)
    let h = [-0.2, -0.2, 0.4];
    let x1: Vec<f64> = (0..3)
        .map(|i| x0[i] + 0.1 * (-0.8 * x0[i] - x0[i].powi(3) - 0.5 * 1.0 * h[i]))
        .collect();
    close(&st.x, &x1);
    let e1: Vec<f64> = (0..3)
        .map(|i| 1.0 + 0.1 * (-0.3 * (x0[i] * x0[i] - 1.0)))
        .collect();
    close(&st.e, &e1);
    assert!((st.xi - (0.3 + 0.1 * 0.1)).abs() < 1e-15);
    // first energy is the best: a = α + ρ·tanh(0) = α
    assert_eq!(st.a, 1.0);
}

#[test]
fn sa_sweep_matches_hand_computation() {
    let ising = tiny();
    let mut s = vec![1i8, 1, 1];
    let mut h = ising.fields(&[1.0, 1.0, 1.0]); // (1, 1 − 2 − 0.5, −2) = (1, −1.5, −2)
    assert_eq!(h, vec![1.0, -1.5, -2.0]);
    let mut rng = stream(3, 0);
    let mut mirror = stream(3, 0);
    let beta = 0.7;
    let de_total = sa::sweep(&ising, &mut s, &mut h, beta, &mut rng);
    // spin 0: ΔE = −2·1·1 = −2 ≤ 0 → flips (no draw); h1 += 2·(−1)·1 → −3.5
    // spin 1: ΔE = −2·1·(−3.5) = 7 → flips iff u < exp(−4.9)
    let u: f64 = mirror.gen();
    let flip1 = u < (-0.7f64 * 7.0).exp();
    assert_eq!(s[0], -1);
    assert_eq!(s[1], if flip1 { -1 } else { 1 });
    let x: Vec<f64> = s.iter().map(|&v| v as f64).collect();
    assert_eq!(h, ising.fields(&x), "fields kept exact");
    assert!(
        (de_total - (ising.energy(&s) + 1.5)).abs() < 1e-12,
        "H(+,+,+) = 1 − 2 − 0.5 = −1.5"
    );
    assert_eq!(
        SaParams {
            beta_start: 0.1,
            beta_end: 10.0
        }
        .beta(1, 3),
        1.0
    );
}

#[test]
fn dsbm_pmcim_aim_updates_match_hand_computation() {
    let ising = tiny();
    // dSBM
    let p = DsbmParams {
        a0: 1.0,
        c0: 0.5,
        dt: 0.5,
    };
    let (mut x, mut y) = (vec![0.3, -0.9, 0.05], vec![0.1, -0.5, 0.0]);
    let (mut s, mut h) = (vec![0i8; 3], vec![0.0; 3]);
    dsbm::step(&ising, &p, 0.2, &mut x, &mut y, &mut s, &mut h);
    // sign x = (+, −, +); J s − l/2 = (−1, 1 − 2 − 0.5, 2) = (−1, −1.5, 2)
    let hs = [-1.0, -1.5, 2.0];
    let y1: Vec<f64> = (0..3)
        .map(|i| [0.1, -0.5, 0.0][i] + 0.5 * (-(0.8) * [0.3, -0.9, 0.05][i] - 0.5 * hs[i]))
        .collect();
    let x1: Vec<f64> = (0..3).map(|i| [0.3, -0.9, 0.05][i] + 0.5 * y1[i]).collect();
    for i in 0..3 {
        if x1[i].abs() > 1.0 {
            assert_eq!((x[i], y[i]), (x1[i].signum(), 0.0), "wall at spin {i}");
        } else {
            assert!((x[i] - x1[i]).abs() < 1e-12 && (y[i] - y1[i]).abs() < 1e-12);
        }
    }
    // poor man's CIM
    let p = PmcimParams {
        alpha: 0.9,
        beta: 0.2,
        noise: 0.1,
    };
    let x0 = vec![0.1, -0.2, 0.3];
    let mut x = x0.clone();
    let mut h = vec![0.0; 3];
    let mut rng = stream(5, 0);
    let mut mirror = stream(5, 0);
    pmcim::step(&ising, &p, 0.05, &mut x, &mut h, &mut rng);
    let hx = ising.fields(&x0);
    for i in 0..3 {
        let eta: f64 = mirror.sample(StandardNormal);
        let expect = (0.9 * x0[i] - 0.2 * hx[i] + 0.05 * eta - std::f64::consts::FRAC_PI_4)
            .cos()
            .powi(2)
            - 0.5;
        assert!((x[i] - expect).abs() < 1e-12);
    }
    // AIM
    let p = AimParams {
        alpha: 1.0,
        beta: 0.5,
        gamma: 0.3,
        dt: 0.2,
        noise: 0.01,
    };
    let (z0, zp) = (vec![0.2, -0.1, 0.4], vec![0.1, 0.0, 0.4]);
    let (mut z, mut z_prev, mut buf) = (z0.clone(), zp.clone(), vec![0.0; 3]);
    let mut rng = stream(6, 0);
    let mut mirror = stream(6, 0);
    aim::step(&ising, &p, 0.5, &mut z, &mut z_prev, &mut buf, &mut rng);
    let th: Vec<f64> = z0.iter().map(|v: &f64| v.tanh()).collect();
    let ht = ising.fields(&th);
    for i in 0..3 {
        let eta: f64 = mirror.sample(StandardNormal);
        let expect =
            z0[i] + 0.2 * (-0.5 * ht[i] - 0.5 * z0[i] + 0.3 * (z0[i] - zp[i])) + 0.01 * eta;
        assert!((z[i] - expect).abs() < 1e-12);
        assert_eq!(z_prev[i], z0[i]);
    }
}

#[test]
fn cac_and_sa_reach_every_sk_ground_energy_with_their_defaults() {
    let root = shared_data().join("sk");
    let text = std::fs::read_to_string(root.join("ground_energies.csv")).unwrap();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let ising = read_instance(&root.join(f[0]), Storage::Auto).unwrap();
        let ground: f64 = f[3].parse().unwrap();
        let cac = CacParams::for_instance(&ising);
        let best = solve(&cac, &ising, 1000, 40, 1, &|| {})
            .iter()
            .map(|r| r.best_energy)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(best, ground, "CAC on {}", f[0]);
        let sa = SaParams::for_instance(&ising);
        let best = solve(&sa, &ising, 1000, 40, 1, &|| {})
            .iter()
            .map(|r| r.best_energy)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(best, ground, "SA on {}", f[0]);
    }
}

#[test]
fn gw_bound_is_at_least_every_cut() {
    use super::util::{all_spins, random_instance};
    use npim_sim::baselines::gw::{self, GwParams};
    for seed in 0..8 {
        let ising = random_instance(12, 0.5, seed % 2 == 0, false, seed, Storage::Auto);
        let r = gw::solve(&ising, &GwParams::default(), seed).unwrap();
        let bound = r.upper_bound.unwrap();
        let best = all_spins(12)
            .map(|s| ising.cut(&s))
            .fold(f64::MIN, f64::max);
        assert!(
            bound >= best - 1e-9,
            "seed {seed}: bound {bound} < max cut {best}"
        );
        assert!(
            r.best_cut <= best + 1e-9 && (r.sdp_value - bound).abs() < 1e-3 * bound.abs().max(1.0)
        );
    }
    // G11: SDP bound 629.2 in the literature; best-known cut 564; every baseline's cut below it
    let g11 = read_instance(&shared_data().join("gset/G11.txt"), Storage::Auto).unwrap();
    let r = gw::solve(
        &g11,
        &GwParams {
            roundings: 100,
            ..GwParams::default()
        },
        1,
    )
    .unwrap();
    let bound = r.upper_bound.unwrap();
    assert!((bound - 629.2).abs() < 0.5, "G11 bound {bound}");
    let sa = SaParams::for_instance(&g11);
    for res in solve(&sa, &g11, 300, 8, 2, &|| {}) {
        assert!(g11.cut(&res.best_spins) <= bound);
    }
    assert!(r.best_cut <= bound && r.best_cut > 0.8 * bound);
    assert!(
        gw::solve(&tiny(), &GwParams::default(), 0).is_err(),
        "linear term refused"
    );
}

#[test]
fn psa_epoch_matches_hand_computation() {
    use npim_sim::baselines::psa::{self, PsaParams};
    let ising = tiny();
    // s = (+,+,+): h = J·s − l/2 = (1, 1 − 2 − 0.5, −2) = (1, −1.5, −2);
    // −ΔE_i/T = 2·s_i·h_i/T with T = 2: (1, −1.5, −2)
    let s0 = vec![1i8, 1, 1];
    let mut h = ising.fields(&[1.0, 1.0, 1.0]);
    close(&h, &[1.0, -1.5, -2.0]);
    let mut p = vec![0.0; 3];
    psa::flip_probabilities(&s0, &h, 2.0, &mut p);
    let w = [1f64.exp(), (-1.5f64).exp(), (-2f64).exp()];
    let z: f64 = w.iter().sum();
    close(&p, &[w[0] / z, w[1] / z, w[2] / z]);
    // The epoch draws one uniform per spin in index order and flips where u < P_i.
    let mut rng = stream(5, 0);
    let mut copy = stream(5, 0);
    let u: Vec<f64> = (0..3).map(|_| copy.gen::<f64>()).collect();
    let mut s = s0.clone();
    let mut flips = Vec::new();
    let de = psa::epoch(&ising, &mut s, &mut h, 2.0, &mut p, &mut flips, &mut rng);
    let expect: Vec<i8> = (0..3)
        .map(|i| if u[i] < p[i] { -s0[i] } else { s0[i] })
        .collect();
    assert_eq!(s, expect);
    assert!((de - (ising.energy(&s) - ising.energy(&s0))).abs() < 1e-12);
    let xs: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
    close(&h, &ising.fields(&xs));
    // The schedule: 1 → ×2 for 3 epochs → ×0.5 for 5 → ×0.95.
    let sched = PsaParams::default();
    assert_eq!(sched.temperature(0), 1.0);
    assert_eq!(sched.temperature(3), 8.0);
    assert_eq!(sched.temperature(8), 0.25);
    assert!((sched.temperature(10) - 0.25 * 0.95 * 0.95).abs() < 1e-15);
}

#[test]
fn cits_cim_step_and_tree_match_hand_computation() {
    use npim_sim::baselines::cits::{self, CitsParams, Scheme};
    use npim_sim::baselines::psa::PsaParams;
    let ising = tiny();
    let p = CitsParams {
        scheme: Scheme::Naive,
        depth: 1,
        breadth: 1,
        alpha: 0.9,
        beta: 0.2,
        noise: 0.0,
        noise_fraction: 1.0,
        // A frozen, very cold schedule: the tree is greedy steepest descent.
        sa: PsaParams {
            t0: 1e-6,
            heat: 1.0,
            heat_epochs: 0,
            quench: 1.0,
            quench_epochs: 0,
            decay: 1.0,
            all_up: true,
        },
    };
    // x ← cos²(α·x − β·(J·x − l/2) − π/4) − 1/2, noise-free
    let x0 = vec![0.1, -0.2, 0.3];
    let mut x = x0.clone();
    let mut h = vec![0.0; 3];
    let mut rng = stream(1, 0);
    cits::cim_step(&ising, &p, 0.0, &mut x, &mut h, &mut rng);
    let jx = [-0.2, 0.1 - 0.6, 0.4];
    let lin = [0.0, 1.0, 0.0];
    let want: Vec<f64> = (0..3)
        .map(|i| {
            (0.9 * x0[i] - 0.2 * (jx[i] - 0.5 * lin[i]) - std::f64::consts::FRAC_PI_4)
                .cos()
                .powi(2)
                - 0.5
        })
        .collect();
    close(&x, &want);
    // One epoch from x = 0 (the vacuum): the evolution gives cos²(−π/4) − 1/2 = 0 for every
    // spin, so the root is (+,+,+) with H = 1 − 2 − 0.5·1 = −1.5; the coldest flip is spin 0
    // (−ΔE = 2·s·h = 2, against −3 and −4), giving (−,+,+) with H = −3.5; selection takes it.
    let r = npim_sim::baselines::Baseline::run(
        &p,
        &ising,
        1,
        stream(3, 0),
        npim_sim::baselines::BestTracker::new(0, 3),
    );
    assert_eq!(r.best_spins, vec![-1, 1, 1]);
    assert_eq!(r.best_energy, -3.5);
}
