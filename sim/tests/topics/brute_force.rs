//! Energies, fields and cuts against direct definitions.

use super::util::{all_spins, random_instance};
use npim_sim::Storage;

#[test]
fn energy_fields_and_cut_match_definitions() {
    for seed in 0..40u64 {
        let n = 2 + (seed as usize % 15); // 2..=16
        let integer = seed % 2 == 0;
        let with_linear = seed % 3 != 0;
        let dense = random_instance(n, 0.6, integer, with_linear, seed, Storage::Dense);
        let sparse = dense.with_storage(Storage::Sparse);
        // a dense J for the direct double sums
        let mut j = vec![vec![0.0; n]; n];
        for e in dense.edges() {
            j[e.i as usize][e.j as usize] = e.w;
            j[e.j as usize][e.i as usize] = e.w;
        }
        let l = dense.linear().to_vec();
        for s in all_spins(n).step_by(if n > 10 { 97 } else { 1 }) {
            let x: Vec<f64> = s.iter().map(|&v| v as f64).collect();
            // eq. 1 halves: H = (Σ_{i,j} J s s)/2 − Σ l s / 2
            let mut double = 0.0;
            for a in 0..n {
                for b in 0..n {
                    double += j[a][b] * x[a] * x[b];
                }
            }
            let lin: f64 = (0..n).map(|a| l[a] * x[a]).sum();
            let h_expected = double / 2.0 - lin / 2.0;
            for ising in [&dense, &sparse] {
                assert!((ising.energy(&s) - h_expected).abs() < 1e-9, "seed {seed}");
                let h = ising.fields(&x);
                for a in 0..n {
                    let row: f64 = (0..n).map(|b| j[a][b] * x[b]).sum::<f64>() - l[a] / 2.0;
                    assert!((h[a] - row).abs() < 1e-9);
                    // flipping spin a changes the energy by −2 s_a h_a
                    let mut t = s.clone();
                    t[a] = -t[a];
                    assert!((ising.energy(&t) - ising.energy(&s) + 2.0 * x[a] * h[a]).abs() < 1e-9);
                }
                if ising.has_zero_field() {
                    let cut: f64 = ising
                        .edges()
                        .iter()
                        .filter(|e| s[e.i as usize] != s[e.j as usize])
                        .map(|e| e.w)
                        .sum();
                    assert!((ising.cut(&s) - cut).abs() < 1e-9);
                    assert!((ising.cut_from_energy(ising.energy(&s)) - cut).abs() < 1e-9);
                    assert!((ising.energy_from_cut(cut) - ising.energy(&s)).abs() < 1e-9);
                }
            }
        }
    }
}

#[test]
fn local_minimum_check_agrees_with_single_flips() {
    for seed in 0..10u64 {
        let ising = random_instance(10, 0.5, true, true, seed, Storage::Auto);
        for s in all_spins(10).step_by(7) {
            let e = ising.energy(&s);
            let no_better_flip = (0..10).all(|a| {
                let mut t = s.clone();
                t[a] = -t[a];
                ising.energy(&t) >= e - 1e-12
            });
            assert_eq!(ising.is_local_minimum(&s), no_better_flip);
        }
    }
}
