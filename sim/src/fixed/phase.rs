//! Runs for learning on the core (equilibrium propagation, seed 003): each run may bring its own
//! linear terms (an input clamp and a nudge are bias fields on a `J` loaded once) and start
//! state (a nudged phase starts where the free phase ended), and reports what the learning rule
//! uses: the final spins and, over a window of the last steps, the spin sums `Σ_t σ_i` and the
//! pair sums `Σ_t σ_i σ_j` of the coupled pairs. All integers, bit-exact like the rest of the
//! golden model (`docs/fixed-point.md`, Runs with their own linear terms and start).

use super::config::CoreConfig;
use super::golden::{GoldenCore, GoldenState};
use super::image::CoreImage;
use super::quantize::signed_bits;

/// What a run brings beside the image: its own linear terms `l_q` (one per spin) and start
/// spins. `None` keeps the image's terms, and the usual start (empty history).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunStart {
    /// Linear terms for this run only.
    pub linear: Option<Vec<i32>>,
    /// Start spins `σ(−1)` (±1).
    pub spins: Option<Vec<i8>>,
}

/// Why a run's start does not fit the image or the core.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// A vector of the wrong length.
    #[error("{what}: {have} values for {n} spins")]
    Length {
        /// Which vector.
        what: &'static str,
        /// Its length.
        have: usize,
        /// Spins.
        n: usize,
    },
    /// A start spin that is not ±1.
    #[error("start spin {index} is {value}, not +1 or -1")]
    Spin {
        /// Spin index.
        index: usize,
        /// Its value.
        value: i8,
    },
    /// A linear term wider than the core stores.
    #[error("linear term {index} ({value}) needs {needed} bits; core `{core}` stores {have}")]
    LinearWidth {
        /// Spin index.
        index: usize,
        /// Its value.
        value: i32,
        /// Bits it needs.
        needed: u8,
        /// Bits the core stores.
        have: u8,
        /// The core's name.
        core: String,
    },
    /// A field `2·Σ|J_q| + |l_q|` wider than the core's field registers.
    #[error("spin {index}'s field can reach {max}, beyond the {have}-bit fields of core `{core}`")]
    FieldWidth {
        /// Spin index.
        index: usize,
        /// Largest field magnitude.
        max: i64,
        /// Field bits.
        have: u8,
        /// The core's name.
        core: String,
    },
}

impl RunStart {
    /// Checks lengths, spin values, and that every linear term fits the core's `linear_bits`
    /// and keeps every field within `field_bits` (the quantizer's rule for the image's own
    /// terms), so the golden model, the emulator and the RTL compute the same integers.
    pub fn check(&self, image: &CoreImage, core: &CoreConfig) -> Result<(), StartError> {
        let n = image.n;
        if let Some(s) = &self.spins {
            if s.len() != n {
                return Err(StartError::Length {
                    what: "start spins",
                    have: s.len(),
                    n,
                });
            }
            if let Some((index, &value)) = s.iter().enumerate().find(|(_, &v)| v != 1 && v != -1) {
                return Err(StartError::Spin { index, value });
            }
        }
        if let Some(l) = &self.linear {
            if l.len() != n {
                return Err(StartError::Length {
                    what: "linear terms",
                    have: l.len(),
                    n,
                });
            }
            let budget = field_budget(image, core);
            for (index, (&value, &room)) in l.iter().zip(&budget).enumerate() {
                let needed = signed_bits(i64::from(value));
                if needed > core.linear_bits {
                    return Err(StartError::LinearWidth {
                        index,
                        value,
                        needed,
                        have: core.linear_bits,
                        core: core.name.clone(),
                    });
                }
                if i64::from(value).abs() > room {
                    return Err(StartError::FieldWidth {
                        index,
                        max: i64::from(value).abs() + field_max(core) - room,
                        have: core.field_bits,
                        core: core.name.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The largest field magnitude the core's registers hold: `2^(field_bits − 1) − 1`.
fn field_max(core: &CoreConfig) -> i64 {
    (1i64 << (core.field_bits - 1)) - 1
}

/// How large `|l_q,i|` may be for each spin: the field magnitude the core holds less
/// `2·Σ_j |J_q,ij|` (negative when `J`'s row alone is too wide). A caller that computes bias
/// fields (the EP trainer) saturates them to this.
pub fn field_budget(image: &CoreImage, core: &CoreConfig) -> Vec<i64> {
    let lmax = (1i64 << (core.linear_bits - 1)) - 1;
    (0..image.n)
        .map(|i| {
            let row: i64 = image
                .j
                .row(image.n, i)
                .map(|(_, w)| i64::from(w).abs())
                .sum();
            (field_max(core) - 2 * row).min(lmax)
        })
        .collect()
}

/// What a run reports for learning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseResult {
    /// `σ` at the last step.
    pub final_spins: Vec<i8>,
    /// Steps in the window (the last `window` steps of the run).
    pub window: u32,
    /// `Σ_t σ_i(t)` over the window, per spin.
    pub spin_sums: Vec<i32>,
    /// `Σ_t σ_i(t)·σ_j(t)` over the window, per coupled pair `i < j` in [`GoldenCore::pairs`]
    /// order.
    pub pair_sums: Vec<i32>,
}

impl GoldenCore {
    /// The coupled pairs `(i, j)`, `i < j`, in row order then column order: the order of
    /// [`PhaseResult::pair_sums`].
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..self.n {
            for k in self.row_ptr[i]..self.row_ptr[i + 1] {
                let j = self.col[k] as usize;
                if j > i {
                    out.push((i, j));
                }
            }
        }
        out
    }

    /// One run from `start` (checked with [`RunStart::check`]), stepping the reference model;
    /// statistics over the last `window` steps (all steps when `window` is larger).
    pub fn run_phase(&self, run_seed: u32, start: &RunStart, window: usize) -> PhaseResult {
        let mut state = GoldenState::start(self, run_seed, start);
        let from = self.steps.saturating_sub(window);
        let mut kept = Vec::with_capacity(self.steps - from);
        for t in 0..self.steps {
            state.step();
            if t >= from {
                kept.push(state.spins().to_vec());
            }
        }
        PhaseResult::from_window(&self.pairs(), &kept)
    }
}

impl PhaseResult {
    /// The statistics of a window of spins (oldest step first, at least one), for the pairs
    /// `pairs`: one rule for the golden model and for a host that reads a board's window.
    pub fn from_window(pairs: &[(usize, usize)], window: &[Vec<i8>]) -> Self {
        let n = window.first().map_or(0, Vec::len);
        let mut spin_sums = vec![0i32; n];
        let mut pair_sums = vec![0i32; pairs.len()];
        for s in window {
            for (sum, &v) in spin_sums.iter_mut().zip(s) {
                *sum += i32::from(v);
            }
            for (sum, &(i, j)) in pair_sums.iter_mut().zip(pairs) {
                *sum += i32::from(s[i] * s[j]);
            }
        }
        PhaseResult {
            final_spins: window.last().cloned().unwrap_or_default(),
            window: window.len() as u32,
            spin_sums,
            pair_sums,
        }
    }
}
