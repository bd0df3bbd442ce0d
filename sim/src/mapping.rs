//! Problems that map to the Ising problem (seed 000 App. A), and decoding solutions back.
//!
//! With `x_i = (1 + s_i)/2` (spin +1 means "chosen") and this crate's energy
//! `H(s) = Σ_{i<j} J_ij s_i s_j − Σ_i (l_i/2) s_i`:
//!
//! - **Max-Cut** on weights `w`: `J = w`, `l = 0`; `cut = (Σ w − H)/2`.
//! - **MIS** on a graph with degrees `d`: `J = A`, `l_i = 4·0.9 − 2 d_i`, so that
//!   `H = 4·(Σ_{edges} x_i x_j − 0.9 Σ_i x_i) + const`: every conflict edge costs more than the
//!   0.9 a vertex earns, so the ground state is a maximum independent set.
//! - **Max-Clique**: MIS on the complement graph (`J_ij = 1 − A_ij`, `l_i = 3.6 − 2(N−1−d_i)`).
//! - **QUBO** `f(x) = Σ_{i≤j} q_ij x_i x_j` (each pair once, diagonal allowed):
//!   `J_ij = q_ij`, `l_i = −4 q_ii − 2 Σ_{j≠i} q_ij`, and `f(x) = (H(s) + Σ_{i<j} q_ij + 2 Σ_i q_ii)/4`.
//!
//! Seed 000 prints `l_i = 0.9 + Σ_j A_ij` (MIS) and `l_i = Σ_j Q_ij` (QUBO); under its own
//! eq. 1 those do not select independent sets or minimise `f` (the degree term has the wrong
//! factor and sign), so the mappings here are derived afresh and checked by brute force; the
//! 0.9 reward per vertex is kept.

use crate::couplings::Storage;
use crate::formats::{rudy, Fault, FormatError};
use crate::instance::Ising;
use std::path::Path;

/// The reward per chosen vertex relative to the penalty per conflict (seed 000 uses 0.9).
pub const SET_REWARD: f64 = 0.9;

/// The problems `npim` maps to Ising form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The instance is an Ising problem as given.
    Ising,
    /// Maximum cut of a weighted graph.
    MaxCut,
    /// Maximum independent set of a graph (weights ignored).
    Mis,
    /// Maximum clique of a graph (weights ignored).
    Clique,
    /// Quadratic unconstrained binary optimisation (minimise).
    Qubo,
}

/// An unweighted simple graph as adjacency lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// Sorted neighbours of each vertex.
    pub adjacency: Vec<Vec<usize>>,
}

impl Graph {
    /// The graph of an instance's non-zero couplings.
    pub fn from_ising(ising: &Ising) -> Self {
        let mut adjacency = vec![Vec::new(); ising.n()];
        for e in ising.edges() {
            adjacency[e.i as usize].push(e.j as usize);
            adjacency[e.j as usize].push(e.i as usize);
        }
        for a in &mut adjacency {
            a.sort_unstable();
        }
        Graph { adjacency }
    }

    /// Number of vertices.
    pub fn n(&self) -> usize {
        self.adjacency.len()
    }

    /// Whether `u` and `v` are adjacent.
    pub fn adjacent(&self, u: usize, v: usize) -> bool {
        self.adjacency[u].binary_search(&v).is_ok()
    }

    /// The complement graph.
    pub fn complement(&self) -> Self {
        let n = self.n();
        let adjacency = (0..n)
            .map(|u| (0..n).filter(|&v| v != u && !self.adjacent(u, v)).collect())
            .collect();
        Graph { adjacency }
    }

    /// Whether no two vertices of `set` are adjacent.
    pub fn is_independent(&self, set: &[usize]) -> bool {
        set.iter()
            .enumerate()
            .all(|(k, &u)| set[k + 1..].iter().all(|&v| !self.adjacent(u, v)))
    }

    /// Whether every two vertices of `set` are adjacent.
    pub fn is_clique(&self, set: &[usize]) -> bool {
        set.iter()
            .enumerate()
            .all(|(k, &u)| set[k + 1..].iter().all(|&v| self.adjacent(u, v)))
    }
}

/// The Ising form of MIS on `graph`.
pub fn mis_to_ising(graph: &Graph) -> Ising {
    let n = graph.n();
    let mut edges = Vec::new();
    for (u, nb) in graph.adjacency.iter().enumerate() {
        edges.extend(nb.iter().filter(|&&v| v > u).map(|&v| (u, v, 1.0)));
    }
    let linear = graph
        .adjacency
        .iter()
        .map(|nb| 4.0 * SET_REWARD - 2.0 * nb.len() as f64)
        .collect();
    Ising::new(n, edges, linear, Storage::Auto).expect("a simple graph maps to a valid instance")
}

/// The Ising form of Max-Clique on `graph` (MIS on the complement).
pub fn clique_to_ising(graph: &Graph) -> Ising {
    mis_to_ising(&graph.complement())
}

/// Turns spins into an independent set: take the +1 vertices, drop the vertex with the most
/// conflicts until none remain, then add free vertices greedily (lowest degree first).
pub fn decode_mis(graph: &Graph, s: &[i8]) -> Vec<usize> {
    let n = graph.n();
    let mut chosen: Vec<bool> = s.iter().map(|&v| v > 0).collect();
    let mut conflicts: Vec<usize> = (0..n)
        .map(|u| graph.adjacency[u].iter().filter(|&&v| chosen[v]).count())
        .collect();
    loop {
        let worst = (0..n)
            .filter(|&u| chosen[u] && conflicts[u] > 0)
            .max_by_key(|&u| (conflicts[u], u));
        let Some(u) = worst else { break };
        chosen[u] = false;
        for &v in &graph.adjacency[u] {
            conflicts[v] -= 1;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&u| (graph.adjacency[u].len(), u));
    for u in order {
        if !chosen[u] && graph.adjacency[u].iter().all(|&v| !chosen[v]) {
            chosen[u] = true;
        }
    }
    (0..n).filter(|&u| chosen[u]).collect()
}

/// Turns spins into a clique of `graph` (an independent set of its complement).
pub fn decode_clique(graph: &Graph, s: &[i8]) -> Vec<usize> {
    decode_mis(&graph.complement(), s)
}

/// A QUBO `f(x) = Σ_{i≤j} q_ij x_i x_j` over `x ∈ {0,1}^n`, each pair listed once.
#[derive(Clone, Debug, PartialEq)]
pub struct Qubo {
    /// Number of variables.
    pub n: usize,
    /// `(i, j, q_ij)` with `i ≤ j`, 0-based.
    pub terms: Vec<(usize, usize, f64)>,
}

impl Qubo {
    /// Reads a QUBO in rudy layout (`N M`, then `i j q` lines, 1-based, `i = j` for diagonal).
    pub fn read(path: &Path) -> Result<Self, FormatError> {
        let text = std::fs::read_to_string(path).map_err(|e| FormatError {
            path: path.to_path_buf(),
            line: None,
            fault: Fault::Io(e.to_string()),
        })?;
        Self::parse(&text, path)
    }

    /// Parses QUBO text (see [`Qubo::read`]).
    pub fn parse(text: &str, path: &Path) -> Result<Self, FormatError> {
        let (n, entries) = rudy::parse_entries(text, path, true)?;
        let terms = entries
            .iter()
            .map(|e| (e.i.min(e.j) - 1, e.i.max(e.j) - 1, e.w))
            .collect();
        Ok(Qubo { n, terms })
    }

    /// `f(x)`.
    pub fn value(&self, x: &[u8]) -> f64 {
        self.terms
            .iter()
            .map(|&(i, j, q)| q * f64::from(x[i] * x[j]))
            .sum()
    }

    /// The Ising form; `f(x) = (H(s) + offset)/4` with [`Qubo::offset`].
    pub fn to_ising(&self) -> Ising {
        let mut linear = vec![0.0; self.n];
        let mut edges = Vec::new();
        for &(i, j, q) in &self.terms {
            if i == j {
                linear[i] -= 4.0 * q;
            } else {
                edges.push((i, j, q));
                linear[i] -= 2.0 * q;
                linear[j] -= 2.0 * q;
            }
        }
        Ising::new(self.n, edges, linear, Storage::Auto).expect("QUBO terms are validated")
    }

    /// The constant in `f(x) = (H(s) + offset)/4`.
    pub fn offset(&self) -> f64 {
        self.terms
            .iter()
            .map(|&(i, j, q)| if i == j { 2.0 * q } else { q })
            .sum()
    }

    /// The assignment `x = (1 + s)/2`.
    pub fn decode(s: &[i8]) -> Vec<u8> {
        s.iter().map(|&v| u8::from(v > 0)).collect()
    }
}

/// A problem in Ising form together with what is needed to score spins in the problem's own
/// objective (cut, set size, QUBO value or energy).
#[derive(Clone, Debug)]
pub struct Mapped {
    /// What the objective measures.
    pub problem: Problem,
    /// The Ising form the solvers run on.
    pub ising: Ising,
    graph: Option<Graph>,
    qubo: Option<Qubo>,
}

impl Mapped {
    /// An Ising instance scored by its energy.
    pub fn ising(ising: Ising) -> Self {
        Mapped {
            problem: Problem::Ising,
            ising,
            graph: None,
            qubo: None,
        }
    }

    /// A weighted graph scored by its cut (`J = w`).
    pub fn max_cut(graph: Ising) -> Self {
        Mapped {
            problem: Problem::MaxCut,
            ising: graph,
            graph: None,
            qubo: None,
        }
    }

    /// MIS on the graph of an instance's couplings.
    pub fn mis(instance: &Ising) -> Self {
        let graph = Graph::from_ising(instance);
        Mapped {
            problem: Problem::Mis,
            ising: mis_to_ising(&graph),
            graph: Some(graph),
            qubo: None,
        }
    }

    /// Max-Clique on the graph of an instance's couplings.
    pub fn clique(instance: &Ising) -> Self {
        let graph = Graph::from_ising(instance);
        Mapped {
            problem: Problem::Clique,
            ising: clique_to_ising(&graph),
            graph: Some(graph),
            qubo: None,
        }
    }

    /// A QUBO.
    pub fn qubo(qubo: Qubo) -> Self {
        Mapped {
            problem: Problem::Qubo,
            ising: qubo.to_ising(),
            graph: None,
            qubo: Some(qubo),
        }
    }

    /// Whether larger objective values are better.
    pub fn maximize(&self) -> bool {
        matches!(
            self.problem,
            Problem::MaxCut | Problem::Mis | Problem::Clique
        )
    }

    /// The objective's name, for reports and CSV headers.
    pub fn objective_name(&self) -> &'static str {
        match self.problem {
            Problem::Ising => "energy",
            Problem::MaxCut => "cut",
            Problem::Mis => "independent_set_size",
            Problem::Clique => "clique_size",
            Problem::Qubo => "qubo_value",
        }
    }

    /// The objective of the solution `s` decodes to (after repair for MIS and clique).
    pub fn objective(&self, s: &[i8]) -> f64 {
        match self.problem {
            Problem::Ising => self.ising.energy(s),
            Problem::MaxCut => self.ising.cut(s),
            Problem::Mis => decode_mis(self.graph.as_ref().expect("graph"), s).len() as f64,
            Problem::Clique => decode_clique(self.graph.as_ref().expect("graph"), s).len() as f64,
            Problem::Qubo => self.qubo.as_ref().expect("qubo").value(&Qubo::decode(s)),
        }
    }

    /// The decoded solution as a list of chosen vertices (MIS, clique), of variables set to 1
    /// (QUBO), or of the +1 side (Ising, Max-Cut); 0-based.
    pub fn solution(&self, s: &[i8]) -> Vec<usize> {
        match self.problem {
            Problem::Mis => decode_mis(self.graph.as_ref().expect("graph"), s),
            Problem::Clique => decode_clique(self.graph.as_ref().expect("graph"), s),
            _ => (0..s.len()).filter(|&i| s[i] > 0).collect(),
        }
    }

    /// Whether `value` meets `target` (with a relative tolerance of 1e-9 for real weights).
    pub fn meets(&self, value: f64, target: f64) -> bool {
        let tol = 1e-9 * target.abs().max(1.0);
        if self.maximize() {
            value >= target - tol
        } else {
            value <= target + tol
        }
    }
}
