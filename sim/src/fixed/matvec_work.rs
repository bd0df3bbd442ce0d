//! What a run asks of the core's matvec engine, step by step: how many spins flip and how many
//! stored `J` entries their columns hold. A full pass reads every stored entry each step; an
//! incremental engine (`f(t) = f(t − 1) + 2·Σ_{j flipped} J[:, j]·σ_j(t)`, exact in integers)
//! reads only the flipped spins' columns. Which wins depends on the rule and the instance, so it
//! is measured on the golden model's own runs (`npim study matvec`, issue 21).
//!
//! An incremental engine scatters: the entries of column `j` go to the fields of their rows.
//! With `L` lanes the conflict-free way is for lane `l` to own the fields of rows `i ≡ l (mod
//! L)` and for each column to be stored in words whose lane `l` holds an entry of such a row, so
//! a column costs as many words as its fullest lane ([`column_words`]), not `⌈len/L⌉`.

use super::golden::{GoldenCore, GoldenState};

/// One matvec pass of a run: the pass after step `t` computes `f(t)` from `σ(t)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PassWork {
    /// Spins whose value differs from the step before (every spin at `t = 0`, where no earlier
    /// fields exist and the pass is a full one).
    pub flips: u32,
    /// Stored `J` entries in the flipped spins' columns (`J` is symmetric, so a column holds as
    /// many entries as its row); at `t = 0`, every stored entry.
    pub touched: u64,
    /// Words of the lane-owned layout ([`column_words`]) in the flipped spins' columns; at
    /// `t = 0`, in every column.
    pub words: u64,
}

/// Words each column of `core`'s `J` takes in the lane-owned layout with `lanes` lanes: the
/// most entries of the column whose rows share one residue mod `lanes`.
pub fn column_words(core: &GoldenCore, lanes: usize) -> Vec<u32> {
    let lanes = lanes.max(1);
    let mut count = vec![0u32; lanes];
    (0..core.n)
        .map(|j| {
            count.fill(0);
            for k in core.row_ptr[j]..core.row_ptr[j + 1] {
                count[core.col[k] as usize % lanes] += 1;
            }
            count.iter().copied().max().unwrap_or(0)
        })
        .collect()
}

/// Every pass of one run of `core` (its `T` steps), in step order, with `words` the columns'
/// lane-owned words ([`column_words`]).
pub fn run_work(core: &GoldenCore, run_seed: u32, words: &[u32]) -> Vec<PassWork> {
    let mut state = GoldenState::new(core, run_seed);
    let mut before: Vec<i8> = Vec::new();
    let mut passes = Vec::with_capacity(core.steps);
    for t in 0..core.steps {
        state.step();
        let now = state.spins();
        let pass = if t == 0 {
            PassWork {
                flips: core.n as u32,
                touched: core.stored_entries() as u64,
                words: words.iter().map(|&w| u64::from(w)).sum(),
            }
        } else {
            let mut pass = PassWork::default();
            for (j, (a, b)) in before.iter().zip(now).enumerate() {
                if a != b {
                    pass.flips += 1;
                    pass.touched += core.row_len(j) as u64;
                    pass.words += u64::from(words[j]);
                }
            }
            pass
        };
        passes.push(pass);
        before.clear();
        before.extend_from_slice(now);
    }
    passes
}

/// Cycles of entry reads a pass costs with `lanes` entries read a cycle: a full pass reads the
/// whole `J` (the `rtl` build's entry bound, `⌈nnz/L⌉`); an incremental one the flipped
/// columns, packed (`⌈touched/L⌉`, a bound no scatter reaches: it ignores which lane owns which
/// field) or in the lane-owned layout (its words); a hybrid engine the fewer of the full pass
/// and the lane-owned one each pass (the flips are known when the update ends).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PassCycles {
    /// Every stored entry.
    pub full: u64,
    /// The flipped spins' columns, packed.
    pub incremental: u64,
    /// The flipped spins' columns in the lane-owned layout.
    pub lane_owned: u64,
    /// The fewer of `full` and `lane_owned`.
    pub hybrid: u64,
}

impl PassCycles {
    /// One pass's entry-read cycles with `lanes` lanes over `nnz` stored entries.
    pub fn of(pass: PassWork, nnz: u64, lanes: u64) -> Self {
        let lanes = lanes.max(1);
        let full = nnz.div_ceil(lanes);
        PassCycles {
            full,
            incremental: pass.touched.div_ceil(lanes),
            lane_owned: pass.words,
            hybrid: full.min(pass.words),
        }
    }
}

impl GoldenCore {
    /// Stored (nonzero) `J` entries.
    pub fn stored_entries(&self) -> usize {
        self.col.len()
    }

    /// Stored entries in row `i` (and so in column `i`).
    pub fn row_len(&self, i: usize) -> usize {
        self.row_ptr[i + 1] - self.row_ptr[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::noise::run_seed;
    use crate::fixed::{quantize, CoreConfig};
    use crate::generate::generate;
    use crate::npim::params::{field_scale, NpimParams};

    #[test]
    fn passes_count_the_flipped_columns() {
        let ising = generate(&"gnp:n=60,p=0.2,weights=pm1,seed=3".parse().unwrap()).unwrap();
        let params = NpimParams::annealed_greedy(field_scale(&ising), 1.0, 0.5);
        let (image, _) =
            quantize(&ising, &params, &CoreConfig::preset("sim").unwrap(), 40, 5).unwrap();
        let core = GoldenCore::new(&image);
        let words = column_words(&core, 4);
        let passes = run_work(&core, run_seed(5, 0), &words);
        assert_eq!(passes.len(), 40);
        assert_eq!(passes[0].flips, 60);
        assert_eq!(passes[0].touched, core.stored_entries() as u64);
        // Recount every later pass from the reference model's spins.
        let mut state = GoldenState::new(&core, run_seed(5, 0));
        state.step();
        let mut before = state.spins().to_vec();
        let mut any_flip = false;
        for pass in &passes[1..] {
            state.step();
            let flipped: Vec<usize> = (0..60).filter(|&j| before[j] != state.spins()[j]).collect();
            let touched: usize = flipped.iter().map(|&j| core.row_len(j)).sum();
            let packed: u32 = flipped.iter().map(|&j| words[j]).sum();
            assert_eq!(pass.flips as usize, flipped.len());
            assert_eq!(pass.touched, touched as u64);
            assert_eq!(pass.words, u64::from(packed));
            any_flip |= !flipped.is_empty();
            before = state.spins().to_vec();
        }
        assert!(
            any_flip,
            "the hand-set rule flips spins after its first step"
        );
        let total: usize = (0..60).map(|i| core.row_len(i)).sum();
        assert_eq!(total, core.stored_entries());
    }

    #[test]
    fn pass_cycles_round_up_and_take_the_cheaper_engine() {
        let pass = PassWork {
            flips: 3,
            touched: 70,
            words: 9,
        };
        let c = PassCycles::of(pass, 1000, 32);
        assert_eq!(
            (c.full, c.incremental, c.lane_owned, c.hybrid),
            (32, 3, 9, 9)
        );
        let busy = PassWork {
            flips: 50,
            touched: 1200,
            words: 150,
        };
        let c = PassCycles::of(busy, 1000, 32);
        assert_eq!(
            (c.full, c.incremental, c.lane_owned, c.hybrid),
            (32, 38, 150, 32)
        );
    }

    #[test]
    fn a_column_takes_as_many_words_as_its_fullest_lane() {
        // Row 0 of a star: columns 1, 2, 5, 6 and 9; with 4 lanes, residues 1, 2, 1, 2, 1.
        let edges: Vec<(usize, usize, f64)> =
            [1, 2, 5, 6, 9].iter().map(|&j| (0, j, 1.0)).collect();
        let ising = crate::Ising::new(10, edges, vec![0.0; 10], crate::Storage::Auto).unwrap();
        let params = NpimParams::annealed_greedy(1.0, 1.0, 0.5);
        let (image, _) =
            quantize(&ising, &params, &CoreConfig::preset("sim").unwrap(), 5, 0).unwrap();
        let core = GoldenCore::new(&image);
        let words = column_words(&core, 4);
        assert_eq!(words[0], 3);
        // Each leaf's column holds row 0 alone; 3, 4, 7 and 8 have none.
        assert_eq!(&words[1..], &[1, 1, 0, 0, 1, 1, 0, 0, 1]);
        assert_eq!(column_words(&core, 1)[0], 5);
        assert_eq!(column_words(&core, 16)[0], 1);
    }
}
