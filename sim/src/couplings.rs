//! Storage of the symmetric coupling matrix `J`: dense rows or compressed sparse rows.
//!
//! Both forms keep both triangles so that row `i` lists every neighbour of spin `i`; the
//! matrix is symmetric with a zero diagonal, so row `j` is also column `j`, which is what the
//! incremental field update uses.

use crate::instance::Edge;

/// How `J` is held in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// Dense when at least a quarter of all pairs are coupled, sparse otherwise.
    Auto,
    /// `N × N` row-major.
    Dense,
    /// Compressed sparse rows.
    Sparse,
}

/// Compressed sparse rows of a symmetric matrix (both triangles stored).
#[derive(Clone, Debug, PartialEq)]
pub struct Csr {
    /// `row_ptr[i]..row_ptr[i+1]` indexes the entries of row `i`; length `N + 1`.
    pub row_ptr: Vec<usize>,
    /// Column of each entry, ascending within a row.
    pub col: Vec<u32>,
    /// Value of each entry.
    pub val: Vec<f64>,
}

/// The coupling matrix `J` in one of its two storage forms.
#[derive(Clone, Debug, PartialEq)]
pub enum Couplings {
    /// Row-major `N × N` values.
    Dense {
        /// Number of spins.
        n: usize,
        /// `values[i * n + j] = J_ij`.
        values: Vec<f64>,
    },
    /// Compressed sparse rows.
    Sparse {
        /// Number of spins.
        n: usize,
        /// The entries.
        csr: Csr,
    },
}

impl Couplings {
    /// Builds `J` from validated upper-triangle edges (`i < j`, no duplicates).
    pub fn from_edges(n: usize, edges: &[Edge], storage: Storage) -> Self {
        let pairs = n.saturating_mul(n.saturating_sub(1)) / 2;
        let dense = match storage {
            Storage::Dense => true,
            Storage::Sparse => false,
            Storage::Auto => pairs > 0 && edges.len() * 4 >= pairs && n <= 20_000,
        };
        if dense {
            let mut values = vec![0.0; n * n];
            for e in edges {
                let (i, j) = (e.i as usize, e.j as usize);
                values[i * n + j] = e.w;
                values[j * n + i] = e.w;
            }
            Couplings::Dense { n, values }
        } else {
            let mut degree = vec![0usize; n];
            for e in edges {
                degree[e.i as usize] += 1;
                degree[e.j as usize] += 1;
            }
            let mut row_ptr = Vec::with_capacity(n + 1);
            row_ptr.push(0);
            for d in &degree {
                row_ptr.push(row_ptr.last().unwrap() + d);
            }
            let nnz = *row_ptr.last().unwrap();
            let mut col = vec![0u32; nnz];
            let mut val = vec![0.0; nnz];
            let mut next = row_ptr[..n].to_vec();
            for e in edges {
                for (a, b) in [(e.i, e.j), (e.j, e.i)] {
                    let k = next[a as usize];
                    col[k] = b;
                    val[k] = e.w;
                    next[a as usize] += 1;
                }
            }
            for i in 0..n {
                let (lo, hi) = (row_ptr[i], row_ptr[i + 1]);
                let mut row: Vec<(u32, f64)> = col[lo..hi]
                    .iter()
                    .copied()
                    .zip(val[lo..hi].iter().copied())
                    .collect();
                row.sort_by_key(|&(c, _)| c);
                for (k, (c, v)) in row.into_iter().enumerate() {
                    col[lo + k] = c;
                    val[lo + k] = v;
                }
            }
            Couplings::Sparse {
                n,
                csr: Csr { row_ptr, col, val },
            }
        }
    }

    /// Number of spins.
    pub fn n(&self) -> usize {
        match self {
            Couplings::Dense { n, .. } | Couplings::Sparse { n, .. } => *n,
        }
    }

    /// Whether the dense form is in use.
    pub fn is_dense(&self) -> bool {
        matches!(self, Couplings::Dense { .. })
    }

    /// `out = J · x`.
    pub fn matvec(&self, x: &[f64], out: &mut [f64]) {
        match self {
            Couplings::Dense { n, values } => {
                for (i, o) in out.iter_mut().enumerate().take(*n) {
                    let row = &values[i * n..(i + 1) * n];
                    *o = row.iter().zip(x).map(|(a, b)| a * b).sum();
                }
            }
            Couplings::Sparse { n, csr } => {
                for (i, o) in out.iter_mut().enumerate().take(*n) {
                    let (lo, hi) = (csr.row_ptr[i], csr.row_ptr[i + 1]);
                    *o = csr.col[lo..hi]
                        .iter()
                        .zip(&csr.val[lo..hi])
                        .map(|(&c, &v)| v * x[c as usize])
                        .sum();
                }
            }
        }
    }

    /// `out += a · J[:, j]` (equal to row `j` by symmetry): the incremental field update
    /// when spin `j` changes by `a`. (Always inlined, so that it takes the caller's vector
    /// width: the float model's step runs with AVX2 where the CPU has it.)
    #[inline(always)]
    pub fn add_column(&self, j: usize, a: f64, out: &mut [f64]) {
        match self {
            Couplings::Dense { n, values } => {
                for (o, v) in out.iter_mut().zip(&values[j * n..(j + 1) * n]) {
                    *o += a * v;
                }
            }
            Couplings::Sparse { csr, .. } => {
                let (lo, hi) = (csr.row_ptr[j], csr.row_ptr[j + 1]);
                for (&c, &v) in csr.col[lo..hi].iter().zip(&csr.val[lo..hi]) {
                    out[c as usize] += a * v;
                }
            }
        }
    }

    /// Visits the non-zero entries `(j, J_ij)` of row `i`.
    pub fn for_each_in_row(&self, i: usize, mut f: impl FnMut(usize, f64)) {
        match self {
            Couplings::Dense { n, values } => {
                for (j, &v) in values[i * n..(i + 1) * n].iter().enumerate() {
                    if v != 0.0 {
                        f(j, v);
                    }
                }
            }
            Couplings::Sparse { csr, .. } => {
                let (lo, hi) = (csr.row_ptr[i], csr.row_ptr[i + 1]);
                for (&c, &v) in csr.col[lo..hi].iter().zip(&csr.val[lo..hi]) {
                    f(c as usize, v);
                }
            }
        }
    }
}
