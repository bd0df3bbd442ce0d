//! Helpers shared by the topic files.

use npim_sim::rng::stream;
use npim_sim::{Ising, Storage};
use rand::Rng;
use std::path::PathBuf;

/// `../shared/data` beside the checkout (CI has it; the product never needs it).
pub fn shared_data() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    assert!(root.is_dir(), "shared data not found at {}", root.display());
    root
}

/// All spin vectors of length n, as ±1.
pub fn all_spins(n: usize) -> impl Iterator<Item = Vec<i8>> {
    (0u32..1 << n).map(move |m| {
        (0..n)
            .map(|i| if m >> i & 1 == 1 { 1 } else { -1 })
            .collect()
    })
}

/// The brute-force minimum energy and a minimiser.
pub fn ground_state(ising: &Ising) -> (f64, Vec<i8>) {
    let mut best = (f64::INFINITY, Vec::new());
    for s in all_spins(ising.n()) {
        let e = ising.energy(&s);
        if e < best.0 {
            best = (e, s);
        }
    }
    best
}

/// A random instance: density `p`, integer weights in -3..=3 or Gaussian, optional linear term.
pub fn random_instance(
    n: usize,
    p: f64,
    integer: bool,
    with_linear: bool,
    seed: u64,
    storage: Storage,
) -> Ising {
    let mut rng = stream(seed, 99);
    let mut edges = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if rng.gen::<f64>() < p {
                let w = if integer {
                    rng.gen_range(-3..=3) as f64
                } else {
                    rng.gen::<f64>() * 4.0 - 2.0
                };
                edges.push((j, i, w)); // reversed orientation on purpose
            }
        }
    }
    let linear = if with_linear {
        (0..n)
            .map(|_| {
                if integer {
                    rng.gen_range(-4..=4) as f64
                } else {
                    rng.gen::<f64>() - 0.5
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ising::new(n, edges, linear, storage).unwrap()
}
