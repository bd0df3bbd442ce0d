//! Generators: sizes and degrees of each class, reproducibility, planted ground states.

use super::util::ground_state;
use npim_sim::generate::{generate, Spec};
use npim_sim::Ising;

fn gen(spec: &str) -> Ising {
    generate(&spec.parse::<Spec>().unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

fn degrees(ising: &Ising) -> Vec<usize> {
    let mut d = vec![0; ising.n()];
    for e in ising.edges() {
        d[e.i as usize] += 1;
        d[e.j as usize] += 1;
    }
    d
}

#[test]
fn same_seed_same_instance_other_seed_other_instance() {
    for kind in [
        "sk:n=30",
        "wishart:n=30",
        "gnp:n=60,p=0.1",
        "gnm:n=60,m=100,weights=pm1",
        "torus:rows=6,cols=5",
        "planar:n=50",
        "ba:n=50,m=2",
        "ladder:n=20,weights=pm1",
        "mobius:n=20,weights=gauss",
        "lattice:rows=4,cols=4,weights=pm1",
    ] {
        let a = gen(&format!("{kind},seed=3"));
        let b = gen(&format!("{kind},seed=3"));
        let c = gen(&format!("{kind},seed=4"));
        assert_eq!(a.edges(), b.edges(), "{kind}");
        let structural = kind.starts_with("ladder")
            || kind.starts_with("mobius")
            || kind.starts_with("torus")
            || kind.starts_with("lattice");
        if !structural || kind.contains("weights") || kind.starts_with("torus") {
            assert_ne!(a.edges(), c.edges(), "{kind}: seed has no effect");
        }
    }
}

#[test]
fn sk_couplings() {
    let pm = gen("sk:n=20,seed=1");
    assert_eq!(pm.edges().len(), 190);
    assert!(pm.edges().iter().all(|e| e.w == 1.0 || e.w == -1.0));
    let g = gen("sk:n=20,couplings=gauss");
    assert_eq!(g.edges().len(), 190);
    assert!(!g.has_integer_weights());
    let mean: f64 = g.edges().iter().map(|e| e.w).sum::<f64>() / 190.0;
    assert!(mean.abs() < 0.3);
}

#[test]
fn wishart_planted_energy_is_the_brute_force_ground_energy() {
    for (k, alpha) in [0.25, 0.5, 0.75, 1.0].iter().enumerate() {
        for seed in 0..4 {
            let n = 10 + (k + seed as usize) % 5; // 10..=14
            let ising = gen(&format!("wishart:n={n},alpha={alpha},seed={seed}"));
            let planted = ising.meta.planted_spins.clone().unwrap();
            let e = ising.meta.ground_energy.unwrap();
            assert!((ising.energy(&planted) - e).abs() < 1e-9);
            let flipped: Vec<i8> = planted.iter().map(|s| -s).collect();
            assert!((ising.energy(&flipped) - e).abs() < 1e-9);
            let (ground, _) = ground_state(&ising);
            assert!(
                (ground - e).abs() < 1e-9,
                "n={n} alpha={alpha} seed={seed}: {ground} vs {e}"
            );
        }
    }
    // the gauge hides the planted state: it is not all +1 (or all −1)
    let p = gen("wishart:n=40,seed=1").meta.planted_spins.unwrap();
    assert!(p.contains(&1) && p.contains(&-1));
}

#[test]
fn gset_like_classes_have_gset_shapes() {
    let torus = gen("torus:rows=100,cols=8,seed=1");
    assert_eq!((torus.n(), torus.edges().len()), (800, 1600));
    assert!(degrees(&torus).iter().all(|&d| d == 4));
    let neg = torus.edges().iter().filter(|e| e.w < 0.0).count();
    assert!((650..950).contains(&neg), "±1 about half each: {neg}");

    let random = gen("gnm:n=800,m=19176,seed=2");
    assert_eq!(random.edges().len(), 19176);
    let d = degrees(&random);
    assert!(*d.iter().min().unwrap() >= 20 && *d.iter().max().unwrap() <= 80);

    let gnp = gen("gnp:n=400,p=0.05");
    let expect = 0.05 * 400.0 * 399.0 / 2.0;
    assert!((gnp.edges().len() as f64 - expect).abs() < 4.0 * expect.sqrt());

    let one = gen("planar:n=200,layers=1");
    assert_eq!(
        one.edges().len(),
        3 * 200 - 6,
        "a maximal planar graph has 3n-6 edges"
    );
    let planar = gen("planar:n=800,layers=2,weights=pm1");
    let m = planar.edges().len();
    assert!(
        (4500..=2 * 2394).contains(&m),
        "G14-G21 have 4661-4694 edges; got {m}"
    );
    assert!(*degrees(&planar).iter().min().unwrap() >= 3);

    let ba = gen("ba:n=100,m=3");
    assert_eq!(ba.edges().len(), 3 * 97);

    for kind in ["ladder", "mobius"] {
        let g = gen(&format!("{kind}:n=40"));
        assert_eq!(g.edges().len(), 60, "{kind}");
        assert!(degrees(&g).iter().all(|&d| d == 3), "{kind} is cubic");
    }
    assert_eq!(gen("lattice:rows=10,cols=10").edges().len(), 200);
    assert_eq!(
        gen("lattice:rows=10,cols=10,periodic=false").edges().len(),
        180
    );
}

#[test]
fn bad_specs_are_explained() {
    for (spec, needle) in [
        ("nope:n=3", "unknown generator"),
        ("sk", "missing `n=`"),
        ("sk:n=abc", "not a valid value"),
        ("sk:n=10,colour=red", "unknown key `colour`"),
        ("gnp:n=10,p=2", "p must be in [0, 1]"),
        ("gnm:n=4,m=7", "m exceeds"),
        ("torus:rows=2,cols=5", "length 2"),
        ("ladder:n=7", "even"),
        ("sk:n=5,n=6", "given twice"),
        ("gnp:n=10,p=0.1,weights=big", "plus, pm1 or gauss"),
    ] {
        let err = spec
            .parse::<Spec>()
            .and_then(|s| generate(&s))
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{spec}: {err}");
    }
}

#[test]
fn known_max_cuts_agree_with_brute_force() {
    use npim_sim::generate::{generate, known_max_cut, Spec};
    let specs = [
        "lattice:rows=3,cols=3",
        "lattice:rows=3,cols=4",
        "lattice:rows=4,cols=4",
        "lattice:rows=3,cols=5",
        "torus:rows=3,cols=4,weights=plus",
        "lattice:rows=3,cols=4,periodic=false",
        "ladder:n=6",
        "ladder:n=8",
        "ladder:n=10",
        "ladder:n=16",
        "ladder:n=18",
        "mobius:n=6",
        "mobius:n=8",
        "mobius:n=10",
        "mobius:n=12",
        "mobius:n=16",
        "mobius:n=18",
    ];
    for text in specs {
        let spec: Spec = text.parse().unwrap();
        let ising = generate(&spec).unwrap();
        let (e, _) = super::util::ground_state(&ising);
        let best = ising.cut_from_energy(e);
        assert_eq!(known_max_cut(&spec), Some(best), "{text}");
    }
    for text in [
        "torus:rows=3,cols=3",
        "gnp:n=10,p=0.5",
        "ladder:n=8,weights=pm1",
    ] {
        assert_eq!(known_max_cut(&text.parse().unwrap()), None, "{text}");
    }
}
