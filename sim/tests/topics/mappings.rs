//! App. A mappings: decoding the brute-force Ising optimum gives the brute-force optimum of the
//! original problem.

use super::util::{all_spins, ground_state, random_instance};
use npim_sim::mapping::{decode_clique, decode_mis, Graph, Mapped, Qubo};
use npim_sim::rng::stream;
use npim_sim::Storage;
use rand::Rng;
use std::path::Path;

fn random_graph(n: usize, p: f64, seed: u64) -> npim_sim::Ising {
    random_instance(n, p, true, false, seed, Storage::Sparse)
}

fn brute_max_set(g: &Graph, ok: impl Fn(&Graph, &[usize]) -> bool) -> usize {
    let n = g.n();
    (0u32..1 << n)
        .map(|m| (0..n).filter(|&i| m >> i & 1 == 1).collect::<Vec<_>>())
        .filter(|s| ok(g, s))
        .map(|s| s.len())
        .max()
        .unwrap()
}

#[test]
fn max_cut_ground_state_is_the_maximum_cut() {
    for seed in 0..10 {
        let g = random_graph(12, 0.5, seed);
        let mapped = Mapped::max_cut(g.clone());
        let (_, s) = ground_state(&mapped.ising);
        let best_cut = all_spins(12).map(|t| g.cut(&t)).fold(f64::MIN, f64::max);
        assert_eq!(mapped.objective(&s), best_cut);
    }
}

#[test]
fn mis_and_clique_ground_states_decode_to_optimal_sets() {
    for seed in 0..12 {
        let n = 6 + seed as usize % 8; // 6..=13
        let inst = random_graph(n, 0.2 + 0.05 * (seed % 8) as f64, seed);
        let graph = Graph::from_ising(&inst);
        let mis = Mapped::mis(&inst);
        let (_, s) = ground_state(&mis.ising);
        let set = decode_mis(&graph, &s);
        assert!(graph.is_independent(&set));
        assert_eq!(
            set.len(),
            brute_max_set(&graph, Graph::is_independent),
            "seed {seed}"
        );
        // the ground state is already independent: no repair was needed
        assert_eq!(set.len(), s.iter().filter(|&&v| v > 0).count());

        let clique = Mapped::clique(&inst);
        let (_, s) = ground_state(&clique.ising);
        let c = decode_clique(&graph, &s);
        assert!(graph.is_clique(&c));
        assert_eq!(
            c.len(),
            brute_max_set(&graph, Graph::is_clique),
            "seed {seed}"
        );
        assert_eq!(clique.objective(&s), c.len() as f64);
    }
}

#[test]
fn repair_turns_any_spins_into_a_maximal_feasible_set() {
    let inst = random_graph(14, 0.3, 7);
    let graph = Graph::from_ising(&inst);
    for s in all_spins(14).step_by(331) {
        let set = decode_mis(&graph, &s);
        assert!(graph.is_independent(&set));
        // maximal: no vertex can be added
        assert!((0..14).all(|v| set.contains(&v) || set.iter().any(|&u| graph.adjacent(u, v))));
        let c = decode_clique(&graph, &s);
        assert!(graph.is_clique(&c));
    }
}

#[test]
fn qubo_ground_state_minimises_f_and_offset_is_exact() {
    for seed in 0..10 {
        let n = 8 + seed as usize % 5;
        let mut rng = stream(seed, 5);
        let mut terms = Vec::new();
        for i in 0..n {
            for j in i..n {
                if rng.gen::<f64>() < 0.5 {
                    terms.push((i, j, rng.gen_range(-5..=5) as f64));
                }
            }
        }
        let q = Qubo { n, terms };
        let ising = q.to_ising();
        for s in all_spins(n).step_by(13) {
            let x = Qubo::decode(&s);
            assert!((q.value(&x) - (ising.energy(&s) + q.offset()) / 4.0).abs() < 1e-9);
        }
        let (_, s) = ground_state(&ising);
        let best = (0u32..1 << n)
            .map(|m| q.value(&(0..n).map(|i| (m >> i & 1) as u8).collect::<Vec<_>>()))
            .fold(f64::MAX, f64::min);
        assert_eq!(Mapped::qubo(q).objective(&s), best);
    }
}

#[test]
fn qubo_reader_accepts_diagonal_terms() {
    let q = Qubo::parse("3 3\n1 1 -2\n1 2 3\n3 3 1\n", Path::new("q.txt")).unwrap();
    assert_eq!(q.terms, vec![(0, 0, -2.0), (0, 1, 3.0), (2, 2, 1.0)]);
    assert_eq!(q.value(&[1, 0, 0]), -2.0);
    assert_eq!(q.value(&[1, 1, 1]), 2.0);
    assert!(Qubo::parse("3 1\n1 4 1\n", Path::new("q.txt")).is_err());
}
