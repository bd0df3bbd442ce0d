//! The baseline equilibrium propagation is measured against: a network of the same hidden width
//! (`inputs → H tanh units → one output per class`, softmax cross-entropy) trained by
//! backpropagation and minibatch SGD on the same split, in the same run.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::data::Dataset;

/// A one-hidden-layer perceptron.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    inputs: usize,
    hidden: usize,
    classes: usize,
    w1: Vec<f64>,
    b1: Vec<f64>,
    w2: Vec<f64>,
    b2: Vec<f64>,
}

impl Mlp {
    /// Glorot-uniform weights, zero biases.
    pub fn new(inputs: usize, hidden: usize, classes: usize, seed: u64) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut draw = |count: usize, fan_in: usize, fan_out: usize| -> Vec<f64> {
            let a = (6.0 / (fan_in + fan_out) as f64).sqrt();
            (0..count).map(|_| rng.gen_range(-a..a)).collect()
        };
        Mlp {
            inputs,
            hidden,
            classes,
            w1: draw(hidden * inputs, inputs, hidden),
            b1: vec![0.0; hidden],
            w2: draw(classes * hidden, hidden, classes),
            b2: vec![0.0; classes],
        }
    }

    fn forward(&self, x: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let h: Vec<f64> = (0..self.hidden)
            .map(|i| {
                let row = &self.w1[i * self.inputs..(i + 1) * self.inputs];
                (self.b1[i] + row.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()).tanh()
            })
            .collect();
        let logits: Vec<f64> = (0..self.classes)
            .map(|c| {
                let row = &self.w2[c * self.hidden..(c + 1) * self.hidden];
                self.b2[c] + row.iter().zip(&h).map(|(w, v)| w * v).sum::<f64>()
            })
            .collect();
        (h, logits)
    }

    /// The class of the largest output.
    pub fn predict(&self, x: &[f64]) -> usize {
        let (_, logits) = self.forward(x);
        (0..self.classes)
            .max_by(|&a, &b| logits[a].total_cmp(&logits[b]))
            .unwrap_or(0)
    }

    /// Fraction of `data` classified correctly.
    pub fn accuracy(&self, data: &Dataset) -> f64 {
        let right = data
            .features
            .iter()
            .zip(&data.labels)
            .filter(|(x, &y)| self.predict(x) == y)
            .count();
        right as f64 / data.len().max(1) as f64
    }

    /// One epoch of minibatch SGD over `order` (indices into `data`).
    pub fn epoch(&mut self, data: &Dataset, order: &[usize], batch: usize, lr: f64) {
        for chunk in order.chunks(batch.max(1)) {
            let mut g1 = vec![0.0; self.w1.len()];
            let mut gb1 = vec![0.0; self.hidden];
            let mut g2 = vec![0.0; self.w2.len()];
            let mut gb2 = vec![0.0; self.classes];
            for &r in chunk {
                let x = &data.features[r];
                let (h, logits) = self.forward(x);
                let m = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let exp: Vec<f64> = logits.iter().map(|v| (v - m).exp()).collect();
                let z: f64 = exp.iter().sum();
                let d_out: Vec<f64> = exp
                    .iter()
                    .enumerate()
                    .map(|(c, e)| e / z - if c == data.labels[r] { 1.0 } else { 0.0 })
                    .collect();
                let mut d_h = vec![0.0; self.hidden];
                for c in 0..self.classes {
                    gb2[c] += d_out[c];
                    for i in 0..self.hidden {
                        g2[c * self.hidden + i] += d_out[c] * h[i];
                        d_h[i] += d_out[c] * self.w2[c * self.hidden + i];
                    }
                }
                for i in 0..self.hidden {
                    let d = d_h[i] * (1.0 - h[i] * h[i]);
                    gb1[i] += d;
                    for (j, v) in x.iter().enumerate() {
                        g1[i * self.inputs + j] += d * v;
                    }
                }
            }
            let step = lr / chunk.len() as f64;
            for (w, g) in self.w1.iter_mut().zip(&g1) {
                *w -= step * g;
            }
            for (w, g) in self.b1.iter_mut().zip(&gb1) {
                *w -= step * g;
            }
            for (w, g) in self.w2.iter_mut().zip(&g2) {
                *w -= step * g;
            }
            for (w, g) in self.b2.iter_mut().zip(&gb2) {
                *w -= step * g;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backprop_learns_iris() {
        let split = Dataset::load("iris").unwrap().split(0.2, 1);
        let mut mlp = Mlp::new(4, 8, 3, 1);
        let order: Vec<usize> = (0..split.train.len()).collect();
        let before = mlp.accuracy(&split.train);
        for _ in 0..200 {
            mlp.epoch(&split.train, &order, 10, 0.5);
        }
        assert!(
            mlp.accuracy(&split.train) > 0.9,
            "{}",
            mlp.accuracy(&split.train)
        );
        assert!(mlp.accuracy(&split.train) > before);
    }
}
