//! Seeded, reproducible instance generators, named by a spec string `KIND:key=value,...`.
//!
//! | kind | keys (defaults) | what |
//! |---|---|---|
//! | `sk` | `n`, `couplings=pm1\|gauss`, `seed=0` | Sherrington-Kirkpatrick: every pair coupled, ±1 or N(0,1) |
//! | `wishart` | `n`, `alpha=0.5`, `seed=0` | Wishart planted ensemble (Hamze et al. 2020); knows its ground state |
//! | `gnp` | `n`, `p`, `weights=plus`, `seed=0` | Erdős-Rényi: each pair with probability `p` |
//! | `gnm` | `n`, `m`, `weights=plus`, `seed=0` | exactly `m` random pairs (the G-set random classes: `m = 0.06·n(n−1)/2`) |
//! | `torus` | `rows`, `cols`, `weights=pm1`, `seed=0` | 2-D grid with wrap-around in both directions (G11-G13: `rows=100,cols=8`) |
//! | `lattice` | `rows`, `cols`, `periodic=true`, `weights=plus`, `seed=0` | square lattice (seed 004) |
//! | `planar` | `n`, `layers=2`, `weights=plus`, `seed=0` | union of `layers` random maximal planar graphs (G14-G21 style) |
//! | `ba` | `n`, `m=3`, `weights=plus`, `seed=0` | Barabási-Albert preferential attachment, `m` edges per new vertex |
//! | `ladder` | `n`, `weights=plus`, `seed=0` | circular ladder: two `n/2`-cycles joined by rungs |
//! | `mobius` | `n`, `weights=plus`, `seed=0` | Möbius ladder: an `n`-cycle plus the chords `i ~ i+n/2` |
//!
//! `weights` is `plus` (+1), `pm1` (±1 with equal probability) or `gauss` (N(0,1)).

use crate::couplings::Storage;
use crate::instance::{Ising, MAX_SPINS};
use crate::rng::{stream, Rng};
use rand::seq::SliceRandom;
use rand::Rng as _;
use rand_distr::StandardNormal;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// A bad generator spec.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("generator spec `{spec}`: {message}")]
pub struct SpecError {
    /// The spec as given.
    pub spec: String,
    /// What is wrong.
    pub message: String,
}

/// A parsed generator spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// The generator's name.
    pub kind: String,
    /// Its `key=value` settings.
    pub settings: BTreeMap<String, String>,
    text: String,
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Spec {
    type Err = SpecError;
    fn from_str(text: &str) -> Result<Self, SpecError> {
        let bad = |message: String| SpecError {
            spec: text.to_string(),
            message,
        };
        let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
        let kind = kind.trim().to_ascii_lowercase();
        if !KINDS.contains(&kind.as_str()) {
            return Err(bad(format!(
                "unknown generator `{kind}` (known: {})",
                KINDS.join(", ")
            )));
        }
        let mut settings = BTreeMap::new();
        for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| bad(format!("`{item}` is not key=value")))?;
            if settings
                .insert(k.trim().to_ascii_lowercase(), v.trim().to_string())
                .is_some()
            {
                return Err(bad(format!("`{k}` given twice")));
            }
        }
        Ok(Spec {
            kind,
            settings,
            text: text.to_string(),
        })
    }
}

/// The generator names.
pub const KINDS: &[&str] = &[
    "sk", "wishart", "gnp", "gnm", "torus", "lattice", "planar", "ba", "ladder", "mobius",
];

/// Weight distributions for graph generators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weights {
    /// Every weight +1.
    Plus,
    /// ±1 with equal probability.
    PlusMinus,
    /// Standard normal.
    Gauss,
}

impl Weights {
    fn draw(self, rng: &mut Rng) -> f64 {
        match self {
            Weights::Plus => 1.0,
            Weights::PlusMinus => {
                if rng.gen::<bool>() {
                    1.0
                } else {
                    -1.0
                }
            }
            Weights::Gauss => rng.sample(StandardNormal),
        }
    }
}

/// Reads typed settings and remembers which were used, so unknown keys are reported.
struct Settings<'a> {
    spec: &'a Spec,
    used: HashSet<&'static str>,
}

impl<'a> Settings<'a> {
    fn err(&self, message: String) -> SpecError {
        SpecError {
            spec: self.spec.text.clone(),
            message,
        }
    }
    fn raw(&mut self, key: &'static str) -> Option<&'a str> {
        self.used.insert(key);
        self.spec.settings.get(key).map(String::as_str)
    }
    fn parse<T: std::str::FromStr>(
        &mut self,
        key: &'static str,
        default: Option<T>,
    ) -> Result<T, SpecError> {
        match self.raw(key) {
            Some(v) => v
                .parse()
                .map_err(|_| self.err(format!("`{key}={v}` is not a valid value"))),
            None => default.ok_or_else(|| self.err(format!("missing `{key}=`"))),
        }
    }
    fn weights(&mut self, default: Weights) -> Result<Weights, SpecError> {
        match self.raw("weights") {
            None => Ok(default),
            Some("plus" | "+1" | "1") => Ok(Weights::Plus),
            Some("pm1" | "+-1" | "pm") => Ok(Weights::PlusMinus),
            Some("gauss" | "gaussian" | "normal") => Ok(Weights::Gauss),
            Some(v) => Err(self.err(format!("`weights={v}`: use plus, pm1 or gauss"))),
        }
    }
    fn finish(&self) -> Result<(), SpecError> {
        for k in self.spec.settings.keys() {
            if !self.used.contains(k.as_str()) {
                return Err(self.err(format!("unknown key `{k}` for `{}`", self.spec.kind)));
            }
        }
        Ok(())
    }
}

/// Generates the instance a spec names. The instance's name is the spec; the Wishart generator
/// also fills in the planted state and its energy.
pub fn generate(spec: &Spec) -> Result<Ising, SpecError> {
    let mut s = Settings {
        spec,
        used: HashSet::new(),
    };
    let seed: u64 = s.parse("seed", Some(0))?;
    let mut rng = stream(seed, 0);
    let mut ising = match spec.kind.as_str() {
        "sk" => {
            let n: usize = s.parse("n", None)?;
            let w = match s.raw("couplings").unwrap_or("pm1") {
                "pm1" | "+-1" => Weights::PlusMinus,
                "gauss" | "gaussian" => Weights::Gauss,
                v => return Err(s.err(format!("`couplings={v}`: use pm1 or gauss"))),
            };
            check(&s, n >= 2, "n must be at least 2")?;
            size_check(&s, n, (n as f64) * (n as f64 - 1.0) / 2.0)?;
            let mut edges = Vec::with_capacity(n * (n - 1) / 2);
            for i in 0..n {
                for j in i + 1..n {
                    edges.push((i, j, w.draw(&mut rng)));
                }
            }
            build(n, edges, Storage::Dense)
        }
        "wishart" => {
            let n: usize = s.parse("n", None)?;
            let alpha: f64 = s.parse("alpha", Some(0.5))?;
            check(&s, n >= 2, "n must be at least 2")?;
            size_check(&s, n, (n as f64) * (n as f64 - 1.0) / 2.0)?;
            check(
                &s,
                alpha > 0.0 && alpha.is_finite(),
                "alpha must be positive",
            )?;
            wishart(n, alpha, &mut rng)
        }
        "gnp" => {
            let n: usize = s.parse("n", None)?;
            let p: f64 = s.parse("p", None)?;
            let w = s.weights(Weights::Plus)?;
            check(&s, (0.0..=1.0).contains(&p), "p must be in [0, 1]")?;
            size_check(&s, n, p * (n as f64) * (n as f64 - 1.0) / 2.0)?;
            let mut edges = Vec::new();
            for i in 0..n {
                for j in i + 1..n {
                    if rng.gen::<f64>() < p {
                        edges.push((i, j, w.draw(&mut rng)));
                    }
                }
            }
            build(n, edges, Storage::Auto)
        }
        "gnm" => {
            let n: usize = s.parse("n", None)?;
            let m: usize = s.parse("m", None)?;
            let w = s.weights(Weights::Plus)?;
            size_check(&s, n, m as f64)?;
            let pairs = n * n.saturating_sub(1) / 2;
            check(&s, m <= pairs, "m exceeds the number of vertex pairs")?;
            let chosen = rand::seq::index::sample(&mut rng, pairs, m);
            let mut idx: Vec<usize> = chosen.into_iter().collect();
            idx.sort_unstable();
            let mut edges = Vec::with_capacity(m);
            for k in idx {
                let (i, j) = pair_of_index(n, k);
                edges.push((i, j, w.draw(&mut rng)));
            }
            build(n, edges, Storage::Auto)
        }
        "torus" | "lattice" => {
            let rows: usize = s.parse("rows", None)?;
            let cols: usize = s.parse("cols", None)?;
            let periodic: bool = s.parse("periodic", Some(true))?;
            let default = if spec.kind == "torus" {
                Weights::PlusMinus
            } else {
                Weights::Plus
            };
            let w = s.weights(default)?;
            let n = rows.saturating_mul(cols);
            size_check(&s, n, 2.0 * n as f64)?;
            check(
                &s,
                rows >= 1 && cols >= 1 && rows * cols >= 2,
                "need at least 2 vertices",
            )?;
            check(
                &s,
                !periodic || (rows != 2 && cols != 2),
                "a periodic side of length 2 would repeat edges; use 1 or at least 3",
            )?;
            let mut edges = Vec::new();
            for r in 0..rows {
                for c in 0..cols {
                    let v = r * cols + c;
                    if c + 1 < cols || (periodic && cols > 2) {
                        edges.push((v, r * cols + (c + 1) % cols, w.draw(&mut rng)));
                    }
                    if r + 1 < rows || (periodic && rows > 2) {
                        edges.push((v, ((r + 1) % rows) * cols + c, w.draw(&mut rng)));
                    }
                }
            }
            build(rows * cols, edges, Storage::Sparse)
        }
        "planar" => {
            let n: usize = s.parse("n", None)?;
            size_check(&s, n, 3.0 * n as f64)?;
            let layers: usize = s.parse("layers", Some(2))?;
            let w = s.weights(Weights::Plus)?;
            check(&s, n >= 3, "n must be at least 3")?;
            check(&s, layers >= 1, "layers must be at least 1")?;
            let mut set = HashSet::new();
            let mut pairs = Vec::new();
            for _ in 0..layers {
                let mut label: Vec<usize> = (0..n).collect();
                label.shuffle(&mut rng);
                for (a, b) in stacked_triangulation(n, &mut rng) {
                    let (i, j) = (label[a].min(label[b]), label[a].max(label[b]));
                    if set.insert((i, j)) {
                        pairs.push((i, j));
                    }
                }
            }
            let edges = pairs
                .into_iter()
                .map(|(i, j)| (i, j, w.draw(&mut rng)))
                .collect();
            build(n, edges, Storage::Sparse)
        }
        "ba" => {
            let n: usize = s.parse("n", None)?;
            size_check(&s, n, 3.0 * n as f64)?;
            let m: usize = s.parse("m", Some(3))?;
            let w = s.weights(Weights::Plus)?;
            check(&s, m >= 1 && n > m, "need 1 <= m < n")?;
            let mut pairs = Vec::new();
            let mut ends: Vec<usize> = Vec::new();
            for v in m..n {
                let mut targets = HashSet::new();
                if v == m {
                    targets.extend(0..m);
                } else {
                    while targets.len() < m {
                        targets.insert(ends[rng.gen_range(0..ends.len())]);
                    }
                }
                let mut t: Vec<usize> = targets.into_iter().collect();
                t.sort_unstable();
                for u in t {
                    pairs.push((u, v));
                    ends.push(u);
                    ends.push(v);
                }
            }
            let edges = pairs
                .into_iter()
                .map(|(i, j)| (i, j, w.draw(&mut rng)))
                .collect();
            build(n, edges, Storage::Sparse)
        }
        "ladder" | "mobius" => {
            let n: usize = s.parse("n", None)?;
            size_check(&s, n, 3.0 * n as f64)?;
            let w = s.weights(Weights::Plus)?;
            check(
                &s,
                n >= 6 && n.is_multiple_of(2),
                "n must be even and at least 6",
            )?;
            let h = n / 2;
            let mut pairs = Vec::new();
            if spec.kind == "ladder" {
                for k in 0..h {
                    pairs.push((k, (k + 1) % h));
                    pairs.push((h + k, h + (k + 1) % h));
                    pairs.push((k, h + k));
                }
            } else {
                for k in 0..n {
                    pairs.push((k, (k + 1) % n));
                }
                for k in 0..h {
                    pairs.push((k, k + h));
                }
            }
            let edges = pairs
                .into_iter()
                .map(|(i, j)| (i, j, w.draw(&mut rng)))
                .collect();
            build(n, edges, Storage::Sparse)
        }
        _ => unreachable!("kinds are checked when parsing"),
    };
    s.finish()?;
    ising.meta.name = Some(spec.text.clone());
    Ok(ising)
}

/// The maximum cut of the generated graphs whose optimum has a closed form, with +1 weights:
/// seed 004's square lattices (`lattice`, or `torus` with `weights=plus`) and circular and
/// Möbius ladders. `None` for every other spec.
///
/// Why these values: a periodic side of odd length `L` makes every line along it an odd cycle;
/// those lines are edge-disjoint, and an odd cycle keeps at least one uncut edge, so an
/// `r × c` torus loses `r` edges if `c` is odd and `c` if `r` is odd; the checkerboard
/// loses exactly those (its wrap edges). A circular ladder with `k = n/2` rungs is bipartite
/// for even `k`; for odd `k` each of its two `k`-cycles loses an edge (`3k − 2`, reached by
/// opposite alternating rings). A Möbius ladder is bipartite for odd `k`; for even `k` it has
/// odd cycles, every edge lies on an even 4-cycle (so one uncut edge alone is impossible), and
/// the alternating rim with every rung cut loses exactly the two twisted edges (`3k − 2`).
pub fn known_max_cut(spec: &Spec) -> Option<f64> {
    let get = |key: &str| spec.settings.get(key).map(String::as_str);
    let usize_of = |key: &str| get(key)?.parse::<usize>().ok();
    let weights = get("weights");
    match spec.kind.as_str() {
        "torus" | "lattice" => {
            let plus = match weights {
                None => spec.kind == "lattice",
                Some(w) => matches!(w, "plus" | "+1" | "1"),
            };
            let periodic = match get("periodic") {
                None => true,
                Some(v) => v.parse::<bool>().ok()?,
            };
            let (r, c) = (usize_of("rows")?, usize_of("cols")?);
            if !plus {
                return None;
            }
            if !periodic {
                return Some((r * c.saturating_sub(1) + c * r.saturating_sub(1)) as f64);
            }
            if r < 3 || c < 3 {
                return None;
            }
            let lost = if c % 2 == 1 { r } else { 0 } + if r % 2 == 1 { c } else { 0 };
            Some((2 * r * c - lost) as f64)
        }
        "ladder" | "mobius" => {
            if !matches!(weights, None | Some("plus" | "+1" | "1")) {
                return None;
            }
            let n = usize_of("n")?;
            if n < 6 || n % 2 == 1 {
                return None;
            }
            let k = n / 2;
            let bipartite = (spec.kind == "ladder") == (k % 2 == 0);
            Some((3 * k - if bipartite { 0 } else { 2 }) as f64)
        }
        _ => None,
    }
}

/// Most couplings a generator makes (about 1.6 GB of edges and `J`): far beyond any core or
/// benchmark, and refused before anything is allocated.
pub const MAX_GENERATED_COUPLINGS: f64 = 2e7;

/// Refuses, before any allocation, `n` vertices beyond [`MAX_SPINS`] or about `couplings`
/// couplings beyond [`MAX_GENERATED_COUPLINGS`], saying what they would need.
fn size_check(s: &Settings, n: usize, couplings: f64) -> Result<(), SpecError> {
    if n > MAX_SPINS {
        return Err(s.err(format!(
            "{n} vertices is more than the {MAX_SPINS} this toolchain supports"
        )));
    }
    if couplings > MAX_GENERATED_COUPLINGS {
        return Err(s.err(format!(
            "{couplings:.0} couplings would need about {:.1} GB; at most {MAX_GENERATED_COUPLINGS:.0} are generated",
            couplings * 80e-9
        )));
    }
    Ok(())
}

fn check(s: &Settings, ok: bool, message: &str) -> Result<(), SpecError> {
    if ok {
        Ok(())
    } else {
        Err(s.err(message.to_string()))
    }
}

fn build(n: usize, edges: Vec<(usize, usize, f64)>, storage: Storage) -> Ising {
    Ising::new(n, edges, Vec::new(), storage).expect("generators produce valid instances")
}

/// The `k`-th pair `(i, j)`, `i < j`, in row-major order of the upper triangle.
fn pair_of_index(n: usize, mut k: usize) -> (usize, usize) {
    let mut i = 0;
    loop {
        let row = n - 1 - i;
        if k < row {
            return (i, i + 1 + k);
        }
        k -= row;
        i += 1;
    }
}

/// A random stacked triangulation (maximal planar, `3n − 6` edges): start from a triangle and
/// repeatedly put a new vertex inside a uniformly chosen face, joined to its three corners.
fn stacked_triangulation(n: usize, rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut edges = vec![(0, 1), (1, 2), (0, 2)];
    let mut faces = vec![[0, 1, 2], [0, 1, 2]]; // inner and outer face of the first triangle
    for v in 3..n {
        let f = rng.gen_range(0..faces.len());
        let [a, b, c] = faces.swap_remove(f);
        edges.extend([(a, v), (b, v), (c, v)]);
        faces.extend([[a, b, v], [b, c, v], [a, c, v]]);
    }
    edges
}

/// Wishart planted ensemble (Hamze, Raymond, Pattison, Biswas, Katzgraber 2020).
///
/// `R` is `N × M` standard normal with `M = max(1, round(alpha·N))`; `W = Σ^{1/2} R` with
/// `Σ = N/(N−1)·(I − t tᵀ/N)` (a scaled projector, so `Wᵀ t = 0` for the planted `t = 1`);
/// Hamze's couplings `−W Wᵀ / N` (off the diagonal) are for `H = −Σ J s s`, so in this crate's
/// `H = +Σ J s s` convention `J = +W Wᵀ / N`. Then `H(s) = ‖Wᵀs‖²/(2N) − tr(W Wᵀ)/(2N)`, whose
/// minimum `−tr(W Wᵀ)/(2N)` is at `s = ±t`. A random gauge `g` (`J_ij ← g_i g_j J_ij`) hides
/// the planted state, which becomes `g`.
fn wishart(n: usize, alpha: f64, rng: &mut Rng) -> Ising {
    let m = ((alpha * n as f64).round() as usize).max(1);
    let scale = (n as f64 / (n as f64 - 1.0)).sqrt();
    let mut w = vec![0.0f64; n * m];
    for k in 0..m {
        let col: Vec<f64> = (0..n).map(|_| rng.sample(StandardNormal)).collect();
        let mean = col.iter().sum::<f64>() / n as f64;
        for i in 0..n {
            w[i * m + k] = scale * (col[i] - mean);
        }
    }
    let gauge: Vec<i8> = (0..n)
        .map(|_| if rng.gen::<bool>() { 1 } else { -1 })
        .collect();
    let mut edges = Vec::with_capacity(n * (n - 1) / 2);
    let mut trace = 0.0;
    for i in 0..n {
        let wi = &w[i * m..(i + 1) * m];
        trace += wi.iter().map(|v| v * v).sum::<f64>();
        for j in i + 1..n {
            let wj = &w[j * m..(j + 1) * m];
            let dot: f64 = wi.iter().zip(wj).map(|(a, b)| a * b).sum();
            edges.push((i, j, f64::from(gauge[i] * gauge[j]) * dot / n as f64));
        }
    }
    let mut ising = build(n, edges, Storage::Dense);
    let planted_energy = ising.energy(&gauge);
    debug_assert!((planted_energy + trace / (2.0 * n as f64)).abs() < 1e-6 * (1.0 + trace));
    ising.meta.planted_spins = Some(gauge);
    ising.meta.ground_energy = Some(planted_energy);
    ising
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_covers_upper_triangle() {
        let n = 7;
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                assert_eq!(pair_of_index(n, k), (i, j));
                k += 1;
            }
        }
    }
}
