//! Coherent Ising tree search (CITS, seed 004): a depth- and breadth-limited look-ahead tree
//! grown by parallel SA's flip probabilities around the state of a simulated CIM.
//!
//! One epoch (one iteration here), after the seed's four steps:
//! 1. **Evolution**: the CIM amplitudes advance one step with the noise outside the cosine,
//!    `x ← cos²(α·x − β·h(x) − π/4) − 1/2 + σ(t)·η` (`h = J·x − l/2`, this crate's sign), `σ`
//!    annealed from `noise` to zero over `noise_fraction` of the run; the root node is `sign(x)`.
//! 2. **Expansion**: every node of the current layer gets `breadth` children, one per spin of
//!    its `breadth` highest flip probabilities `P_i` ([`super::psa`] eq. 7 at the epoch's
//!    temperature); child `i` has that spin flipped, prior `P_i` and reward `E(parent) − E(child)`
//!    (eq. 12). The *complete* scheme also explores: the child's amplitudes are the parent's with
//!    `x_i` negated, advanced one noise-free CIM step, and the child's spins are their signs. The
//!    *naive* scheme keeps binary spins. Layers grow to `depth`.
//! 3. **Backpropagation** (eq. 13): a node's return is `G = P·(r + max(0, max over children G))`,
//!    from the deepest layer up.
//! 4. **Selection**: from the root, step to the child with the highest positive return while
//!    there is one; the selected node's spins go back to the CIM (naive: the flipped spins'
//!    amplitudes change sign; complete: the node's amplitudes), and the next epoch evolves them.
//!
//! The seed's equations did not survive its text extraction; eqs. 12-13 above are the reading its
//! prose supports. The run records the CIM's state after each selection, so "epochs to solution"
//! counts epochs as the seed does; each epoch costs one `J·x` plus the tree's field updates
//! (`breadth + breadth² + …` nodes; the complete scheme one `J·x` per node).

use super::pmcim::{cos2_map, PmcimParams};
use super::psa::{flip, flip_probabilities, PsaParams};
use super::{require, spin, Baseline, BestTracker};
use crate::instance::Ising;
use crate::npim::RunResult;
use crate::rng::Rng;
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// Whether tree nodes explore with the CIM (seed 004's complete scheme) or stay binary (naive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Binary spins in the tree; no CIM step per node.
    Naive,
    /// One noise-free CIM step per child node.
    Complete,
}

/// CITS parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitsParams {
    /// Naive or complete expansion.
    pub scheme: Scheme,
    /// Tree depth (layers below the root).
    pub depth: usize,
    /// Children per node.
    pub breadth: usize,
    /// CIM feedback gain `α`.
    pub alpha: f64,
    /// CIM coupling gain `β`.
    pub beta: f64,
    /// Initial noise `σ0` (outside the cosine).
    pub noise: f64,
    /// The noise reaches zero after this fraction of the run.
    pub noise_fraction: f64,
    /// The temperature schedule of the flip probabilities (parallel SA's).
    pub sa: PsaParams,
}

impl CitsParams {
    /// Depth 2, breadth 2 (the seed's setting), naive scheme; the CIM gains of
    /// [`PmcimParams::for_instance`] (the seed uses the same gains for its CIM and for CITS),
    /// noise 0.1 annealed to zero at the end; parallel SA's default schedule.
    pub fn for_instance(ising: &Ising) -> Self {
        let cim = PmcimParams::for_instance(ising);
        CitsParams {
            scheme: Scheme::Naive,
            depth: 2,
            breadth: 2,
            alpha: cim.alpha,
            beta: cim.beta,
            noise: cim.noise,
            noise_fraction: 1.0,
            sa: PsaParams::default(),
        }
    }

    /// The same with the complete scheme.
    pub fn complete_for_instance(ising: &Ising) -> Self {
        CitsParams {
            scheme: Scheme::Complete,
            ..CitsParams::for_instance(ising)
        }
    }

    /// Noise amplitude at epoch `t` of `steps`.
    fn sigma(&self, t: usize, steps: usize) -> f64 {
        let end = (self.noise_fraction * steps as f64).max(1.0);
        self.noise * (1.0 - t as f64 / end).max(0.0)
    }
}

/// One CIM step `x ← cos²(α·x − β·h(x) − π/4) − 1/2 + σ·η`; `h` receives `J·x − l/2` of the old
/// `x`. With `sigma = 0` no random numbers are drawn.
pub fn cim_step(
    ising: &Ising,
    p: &CitsParams,
    sigma: f64,
    x: &mut [f64],
    h: &mut [f64],
    rng: &mut Rng,
) {
    ising.couplings().matvec(x, h);
    let lin = ising.linear();
    for i in 0..x.len() {
        x[i] = cos2_map(p.alpha, p.beta, x[i], h[i], lin[i], 0.0);
        if sigma > 0.0 {
            let eta: f64 = rng.sample(StandardNormal);
            x[i] += sigma * eta;
        }
    }
}

/// A node of the tree: a spin state with its fields and energy.
struct Node {
    parent: usize,
    /// The spin flipped from the parent's state (the root: unused).
    flipped: usize,
    prior: f64,
    reward: f64,
    ret: f64,
    s: Vec<i8>,
    h: Vec<f64>,
    energy: f64,
    /// The complete scheme's amplitudes.
    x: Option<Vec<f64>>,
}

/// The `k` spins of highest probability in `p`, ties broken at random.
fn top_k(p: &[f64], k: usize, rng: &mut Rng) -> Vec<usize> {
    let mut keyed: Vec<(f64, usize)> = p
        .iter()
        .enumerate()
        .map(|(i, &pi)| (pi * (1.0 + 1e-9 * rng.gen::<f64>()), i))
        .collect();
    let k = k.min(keyed.len());
    if k == 0 {
        return Vec::new();
    }
    keyed.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0));
    keyed.truncate(k);
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0));
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Grows, backs up and selects one tree from root state `(s, x)` at absolute temperature
/// `temperature`; returns the path of node indices from the root (exclusive) to the selected
/// node, and the tree.
fn search(
    ising: &Ising,
    p: &CitsParams,
    s: &[i8],
    x: &[f64],
    temperature: f64,
    rng: &mut Rng,
) -> (Vec<usize>, Vec<Node>) {
    let xs: Vec<f64> = s.iter().map(|&v| f64::from(v)).collect();
    let h = ising.fields(&xs);
    let mut tree = vec![Node {
        parent: 0,
        flipped: 0,
        prior: 1.0,
        reward: 0.0,
        ret: 0.0,
        s: s.to_vec(),
        h,
        energy: ising.energy(s),
        x: (p.scheme == Scheme::Complete).then(|| x.to_vec()),
    }];
    let mut probs = vec![0.0; s.len()];
    let mut scratch = vec![0.0; s.len()];
    let mut layer_start = 0;
    for _ in 0..p.depth {
        let layer_end = tree.len();
        for parent in layer_start..layer_end {
            flip_probabilities(&tree[parent].s, &tree[parent].h, temperature, &mut probs);
            for i in top_k(&probs, p.breadth, rng) {
                let node = &tree[parent];
                let (mut cs, mut ch) = (node.s.clone(), node.h.clone());
                let (energy, cx) = match &node.x {
                    None => {
                        let de = flip(ising, &mut cs, &mut ch, i);
                        (node.energy + de, None)
                    }
                    Some(px) => {
                        let mut cx = px.clone();
                        cx[i] = -f64::from(node.s[i]) * cx[i].abs().max(1e-3);
                        cim_step(ising, p, 0.0, &mut cx, &mut scratch, rng);
                        for (c, &v) in cs.iter_mut().zip(&cx) {
                            *c = spin(v);
                        }
                        let xs: Vec<f64> = cs.iter().map(|&v| f64::from(v)).collect();
                        ch = ising.fields(&xs);
                        (ising.energy(&cs), Some(cx))
                    }
                };
                let reward = node.energy - energy;
                tree.push(Node {
                    parent,
                    flipped: i,
                    prior: probs[i],
                    reward,
                    ret: 0.0,
                    s: cs,
                    h: ch,
                    energy,
                    x: cx,
                });
            }
        }
        layer_start = layer_end;
    }
    // Backpropagation: children come after their parents, so one reverse pass suffices.
    let mut best_child = vec![0.0f64; tree.len()];
    for k in (1..tree.len()).rev() {
        let node = &tree[k];
        let ret = node.prior * (node.reward + best_child[k].max(0.0));
        tree[k].ret = ret;
        let parent = tree[k].parent;
        best_child[parent] = best_child[parent].max(ret);
    }
    // Selection.
    let mut path = Vec::new();
    let mut cur = 0;
    loop {
        let next = (1..tree.len())
            .filter(|&k| tree[k].parent == cur && tree[k].ret > 0.0)
            .max_by(|&a, &b| tree[a].ret.total_cmp(&tree[b].ret));
        match next {
            Some(k) => {
                path.push(k);
                cur = k;
            }
            None => break,
        }
    }
    (path, tree)
}

impl Baseline for CitsParams {
    fn check(&self) -> Result<(), String> {
        require(
            "depth",
            self.depth as f64,
            self.depth >= 1,
            "tree layers: at least 1",
        )?;
        require(
            "breadth",
            self.breadth as f64,
            self.breadth >= 1,
            "children per node: at least 1",
        )?;
        super::pmcim::check_feedback(self.alpha, self.beta, self.noise)?;
        require(
            "noise_fraction",
            self.noise_fraction,
            (0.0..=1.0).contains(&self.noise_fraction),
            "a fraction of the run: in [0, 1]",
        )?;
        self.sa.check().map_err(|e| format!("sa.{e}"))
    }

    fn name(&self) -> &'static str {
        match self.scheme {
            Scheme::Naive => "cits",
            Scheme::Complete => "cits-complete",
        }
    }

    fn run(
        &self,
        ising: &Ising,
        steps: usize,
        mut rng: Rng,
        mut tracker: BestTracker,
    ) -> RunResult {
        let n = ising.n();
        let scale = ising.max_abs_weight().max(1e-12);
        let (mut x, mut h, mut s) = (vec![0.0; n], vec![0.0; n], vec![1i8; n]);
        for t in 0..steps {
            cim_step(ising, self, self.sigma(t, steps), &mut x, &mut h, &mut rng);
            for (si, &xi) in s.iter_mut().zip(&x) {
                *si = spin(xi);
            }
            let temperature = self.sa.temperature(t) * scale;
            let (path, tree) = search(ising, self, &s, &x, temperature, &mut rng);
            if let Some(&last) = path.last() {
                match &tree[last].x {
                    Some(cx) => x.copy_from_slice(cx),
                    None => {
                        for &k in &path {
                            let i = tree[k].flipped;
                            x[i] = f64::from(tree[k].s[i]) * x[i].abs().max(1e-3);
                        }
                    }
                }
                s.copy_from_slice(&tree[last].s);
            }
            tracker.record(t, ising.energy(&s), &s);
        }
        tracker.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn top_k_takes_the_largest() {
        let mut rng = stream(1, 0);
        let p = [0.1, 0.4, 0.05, 0.3, 0.15];
        assert_eq!(top_k(&p, 2, &mut rng), vec![1, 3]);
        assert_eq!(top_k(&p, 9, &mut rng).len(), 5);
    }
}
