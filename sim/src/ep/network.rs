//! The layered Ising network that equilibrium propagation trains, and how it maps onto the
//! core: hidden spins `0..H` and output spins `H..H+O` (`K` per class, class `c` owning
//! `H + c·K .. H + (c+1)·K`) coupled hidden-to-output; the input layer is not spins but is
//! computed on the host as bias fields on the hidden spins, as seed 003 does on D-Wave.
//!
//! Energy `E(s) = −Σ_{i,k} W_ik s_i s_{H+k} − Σ_i b_i s_i` with `b = b_h + W_in·x` on the hidden
//! spins and `b_o` (plus the nudge) on the outputs. The instance convention is
//! `H(s) = Σ J_ij s_i s_j − Σ (l_i/2) s_i` (`Ising::energy`), so `J = −W` and `l = 2b`.

use crate::{Ising, Storage};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// Weights and biases of a network with `inputs` features, `hidden` hidden spins and `classes`
/// classes of `per_class` output spins each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Features per example.
    pub inputs: usize,
    /// Hidden spins `H`.
    pub hidden: usize,
    /// Classes.
    pub classes: usize,
    /// Output spins per class `K`.
    pub per_class: usize,
    /// Input-to-hidden weights, `H × inputs` row-major (host side: bias fields).
    pub w_in: Vec<f64>,
    /// Hidden biases.
    pub b_hidden: Vec<f64>,
    /// Hidden-to-output couplings, `H × O` row-major (on the core, as `J = −W`).
    pub w_out: Vec<f64>,
    /// Output biases.
    pub b_out: Vec<f64>,
}

impl Network {
    /// Weights uniform in `±scale/√fan_in`, biases 0.
    pub fn new(
        inputs: usize,
        hidden: usize,
        classes: usize,
        per_class: usize,
        scale: f64,
        seed: u64,
    ) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let outputs = classes * per_class;
        let mut draw = |count: usize, fan_in: usize| -> Vec<f64> {
            let a = scale / (fan_in as f64).sqrt();
            (0..count).map(|_| rng.gen_range(-a..a)).collect()
        };
        let w_in = draw(hidden * inputs, inputs);
        let w_out = draw(hidden * outputs, hidden);
        Network {
            inputs,
            hidden,
            classes,
            per_class,
            w_in,
            b_hidden: vec![0.0; hidden],
            w_out,
            b_out: vec![0.0; outputs],
        }
    }

    /// Output spins `O = classes · K`.
    pub fn outputs(&self) -> usize {
        self.classes * self.per_class
    }

    /// Spins on the core, `H + O`.
    pub fn spins(&self) -> usize {
        self.hidden + self.outputs()
    }

    /// The coupled pairs `(hidden i, output spin H + k)` with their weight `W_ik`.
    pub fn couplings(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        let (h, o) = (self.hidden, self.outputs());
        (0..h).flat_map(move |i| (0..o).map(move |k| (i, h + k, self.w_out[i * o + k])))
    }

    /// The couplings as an instance (`J = −W`, no linear term: the bias fields come per run).
    pub fn ising(&self) -> Ising {
        let edges: Vec<(usize, usize, f64)> = self
            .couplings()
            .filter(|e| e.2 != 0.0)
            .map(|(i, j, w)| (i, j, -w))
            .collect();
        Ising::new(self.spins(), edges, Vec::new(), Storage::Sparse)
            .expect("indices within the network, no self-loops, finite weights")
    }

    /// The bias of every spin for input `x`: `b_h + W_in·x` on the hidden spins, `b_o` on the
    /// outputs.
    pub fn biases(&self, x: &[f64]) -> Vec<f64> {
        let mut b = Vec::with_capacity(self.spins());
        for i in 0..self.hidden {
            let row = &self.w_in[i * self.inputs..(i + 1) * self.inputs];
            b.push(self.b_hidden[i] + row.iter().zip(x).map(|(w, v)| w * v).sum::<f64>());
        }
        b.extend_from_slice(&self.b_out);
        b
    }

    /// The target of output spin `k` for class `label`: +1 on the class's own spins, −1 on the
    /// others.
    pub fn target(&self, label: usize, k: usize) -> f64 {
        if k / self.per_class == label {
            1.0
        } else {
            -1.0
        }
    }

    /// Adds the nudge `β·y_k` to the output biases: the cost `C = −Σ_k y_k s_k` (the squared
    /// error of ±1 spins up to a constant) weighted by `β`.
    pub fn nudge(&self, biases: &mut [f64], label: usize, beta: f64) {
        for k in 0..self.outputs() {
            biases[self.hidden + k] += beta * self.target(label, k);
        }
    }

    /// Per class, the summed spin sums of its `K` output spins.
    pub fn scores(&self, spin_sums: &[i32]) -> Vec<i64> {
        (0..self.classes)
            .map(|c| {
                let from = self.hidden + c * self.per_class;
                spin_sums[from..from + self.per_class]
                    .iter()
                    .map(|&v| i64::from(v))
                    .sum()
            })
            .collect()
    }

    /// Whether the scores pick `label` alone: a tie with another class counts as wrong.
    pub fn is_correct(scores: &[i64], label: usize) -> bool {
        scores
            .iter()
            .enumerate()
            .all(|(c, &s)| c == label || s < scores[label])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instance_is_the_networks_energy() {
        let net = Network::new(3, 4, 2, 2, 1.0, 5);
        let ising = net.ising();
        let x = [0.2, 0.9, 0.4];
        let b = net.biases(&x);
        let s: Vec<i8> = (0..net.spins())
            .map(|i| if i % 3 == 0 { -1 } else { 1 })
            .collect();
        let e_net: f64 = -net
            .couplings()
            .map(|(i, j, w)| w * f64::from(s[i] * s[j]))
            .sum::<f64>()
            - b.iter()
                .zip(&s)
                .map(|(b, &v)| b * f64::from(v))
                .sum::<f64>();
        let l: Vec<f64> = b.iter().map(|v| 2.0 * v).collect();
        let with_l = Ising::new(
            net.spins(),
            ising
                .edges()
                .iter()
                .map(|e| (e.i as usize, e.j as usize, e.w)),
            l,
            Storage::Sparse,
        )
        .unwrap();
        assert!((with_l.energy(&s) - e_net).abs() < 1e-12);
    }

    #[test]
    fn a_tie_is_not_a_correct_answer() {
        assert!(Network::is_correct(&[3, 1, -2], 0));
        assert!(!Network::is_correct(&[3, 3, -2], 0));
        assert!(!Network::is_correct(&[3, 1, -2], 2));
    }
}
