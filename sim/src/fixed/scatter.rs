//! The incremental matvec's layout and arithmetic, for a core that reads only the flipped
//! spins' columns (issue 21; [`super::matvec_work`] measured why): the specification an RTL
//! engine of that kind is checked against, itself checked against the golden model.
//!
//! **Layout.** `L` lanes, each owning the `J·σ` accumulators of a set of rows (its bank, at most
//! `⌈N/L⌉` of them: row `i` in lane `owner[i]` at address `slot[i]`). Column `j`'s entries are
//! stored in words of `L` lanes; lane `l` of a word holds at most one entry, of a row that lane
//! `l` owns, as its bank address and weight. A column takes as many words as its fullest lane
//! ([`super::matvec_work::column_words`]), so a word's lanes never write one bank twice and the
//! scatter needs no crossbar and meets no conflict.
//!
//! **Arithmetic** (the golden model's, `docs/fixed-point.md`): the banks hold the fields
//! `f = 2·J_q·σ − l` themselves. A run starts them at `−l_i`; its first pass adds
//! `2·J_q[:, j]·σ_j` for every `j`, and each later pass `4·σ_j(t)·J_q[:, j]` for each spin `j`
//! that flipped. Every sum is exact in integers, so the fields are the golden model's in any
//! order of the columns, and they leave the banks as they are (no `l` at the readout, where an
//! engine would need `L` of them a cycle; the start reads one a row).

use super::golden::GoldenCore;
use super::matvec_work::column_words;

/// One lane's entry in a word: the bank address of its row and the weight `J_q[i, j]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneEntry {
    /// Address of row `i` in its lane's bank (`slot[i]`).
    pub slot: u16,
    /// `J_q[i, j]`.
    pub weight: i32,
}

/// `J` laid out for the scatter (module docs).
#[derive(Clone, Debug)]
pub struct ScatterLayout {
    /// Lanes `L`.
    pub lanes: usize,
    /// Row `i`'s lane.
    pub owner: Vec<u16>,
    /// Row `i`'s address in its lane's bank.
    pub slot: Vec<u16>,
    /// Column `j`'s words are `words[col_ptr[j]..col_ptr[j + 1]]`.
    pub col_ptr: Vec<usize>,
    /// The words, each `L` lanes (`None`: the lane idles).
    pub words: Vec<Vec<Option<LaneEntry>>>,
}

impl ScatterLayout {
    /// The layout of `core`'s `J` with row `i` owned by lane `owner[i]` (at most `⌈N/L⌉` rows a
    /// lane, as [`super::matvec_work::mod_owners`] and
    /// [`super::matvec_work::balanced_owners`] give).
    pub fn new(core: &GoldenCore, owner: Vec<u16>, lanes: usize) -> Self {
        let n = core.n;
        assert_eq!(owner.len(), n, "one owner per row");
        let mut slot = vec![0u16; n];
        let mut depth = vec![0usize; lanes];
        for (i, &l) in owner.iter().enumerate() {
            slot[i] = depth[l as usize] as u16;
            depth[l as usize] += 1;
        }
        assert!(
            depth.iter().all(|&d| d <= n.div_ceil(lanes)),
            "no lane owns more than ⌈N/L⌉ rows"
        );
        let per_column = column_words(core, &owner, lanes);
        let mut col_ptr = Vec::with_capacity(n + 1);
        col_ptr.push(0);
        let mut words: Vec<Vec<Option<LaneEntry>>> = Vec::new();
        let mut next = vec![0usize; lanes];
        for (j, &count) in per_column.iter().enumerate() {
            let base = words.len();
            words.resize(base + count as usize, vec![None; lanes]);
            next.fill(0);
            for k in core.row_ptr[j]..core.row_ptr[j + 1] {
                let i = core.col[k] as usize;
                let l = owner[i] as usize;
                words[base + next[l]][l] = Some(LaneEntry {
                    slot: slot[i],
                    weight: core.w[k],
                });
                next[l] += 1;
            }
            col_ptr.push(words.len());
        }
        ScatterLayout {
            lanes,
            owner,
            slot,
            col_ptr,
            words,
        }
    }

    /// Words in column `j`.
    pub fn column_len(&self, j: usize) -> usize {
        self.col_ptr[j + 1] - self.col_ptr[j]
    }
}

/// The widths of a scatter engine's memories (a build's): what the loader packs the layout
/// into and checks it against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScatterWidths {
    /// Bits of a bank address: a bank holds `2^slot_bits` accumulators.
    pub slot_bits: u32,
    /// Bits of a weight (two's complement).
    pub weight_bits: u32,
    /// Bits of a word address: the word memory holds `2^word_addr_bits` words.
    pub word_addr_bits: u32,
}

/// Why a layout does not fit an engine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScatterFitError {
    /// More words than the word memory holds.
    #[error("the layout takes {words} words; the engine holds {max}")]
    Words {
        /// Words the layout takes.
        words: usize,
        /// Words the engine holds.
        max: usize,
    },
    /// A lane owning more rows than its bank holds.
    #[error("lane {lane} owns {rows} rows; a bank holds {max}")]
    Rows {
        /// The lane.
        lane: usize,
        /// Rows it owns.
        rows: usize,
        /// Accumulators a bank holds.
        max: usize,
    },
    /// A weight outside the engine's width.
    #[error("weight {weight} does not fit {bits} bits")]
    Weight {
        /// The weight.
        weight: i32,
        /// The engine's weight width.
        bits: u32,
    },
}

impl ScatterLayout {
    /// Whether the layout fits an engine of widths `w`.
    pub fn check_fits(&self, w: &ScatterWidths) -> Result<(), ScatterFitError> {
        let max = 1usize << w.word_addr_bits;
        if self.words.len() > max {
            return Err(ScatterFitError::Words {
                words: self.words.len(),
                max,
            });
        }
        let mut rows = vec![0usize; self.lanes];
        for &l in &self.owner {
            rows[l as usize] += 1;
        }
        let bank = 1usize << w.slot_bits;
        if let Some((lane, &r)) = rows.iter().enumerate().find(|(_, &r)| r > bank) {
            return Err(ScatterFitError::Rows {
                lane,
                rows: r,
                max: bank,
            });
        }
        let limit = 1i32 << (w.weight_bits - 1);
        for e in self.words.iter().flatten().flatten() {
            if e.weight < -limit || e.weight >= limit {
                return Err(ScatterFitError::Weight {
                    weight: e.weight,
                    bits: w.weight_bits,
                });
            }
        }
        Ok(())
    }

    /// Column `j`'s word in the column memory: its first word, and its word count above
    /// `word_addr_bits`.
    pub fn column_word(&self, j: usize, w: &ScatterWidths) -> u64 {
        self.col_ptr[j] as u64 | (self.column_len(j) as u64) << w.word_addr_bits
    }

    /// Lane `lane`'s entry of word `k` in its word memory: the bank address, and the weight
    /// above `slot_bits`; an idle lane is weight 0 (a word memory keeps what an earlier image
    /// left, so the loader writes every lane).
    pub fn lane_entry(&self, k: usize, lane: usize, w: &ScatterWidths) -> u64 {
        self.words[k][lane].map_or(0, |e| {
            let weight = (e.weight as u64) & ((1u64 << w.weight_bits) - 1);
            u64::from(e.slot) | weight << w.slot_bits
        })
    }
}

/// The lanes' banks of field accumulators over a run (module docs).
#[derive(Clone, Debug)]
pub struct ScatterBanks {
    banks: Vec<Vec<i64>>,
    spins: Vec<i8>,
    started: bool,
}

impl ScatterBanks {
    /// Banks at `−l_i`, before a run's first pass.
    pub fn new(layout: &ScatterLayout, linear: &[i32]) -> Self {
        let n = layout.owner.len();
        let mut banks = vec![vec![0; n.div_ceil(layout.lanes)]; layout.lanes];
        for (i, &l) in linear.iter().enumerate() {
            banks[layout.owner[i] as usize][layout.slot[i] as usize] = -i64::from(l);
        }
        ScatterBanks {
            banks,
            spins: vec![0; n],
            started: false,
        }
    }

    /// The pass over `σ(t)`: every column on the run's first pass, else the flipped spins'
    /// columns. Returns the words it read.
    pub fn pass(&mut self, layout: &ScatterLayout, spins: &[i8]) -> usize {
        let mut read = 0;
        for (j, &s) in spins.iter().enumerate() {
            let s: i64 = if s >= 0 { 1 } else { -1 };
            let scale = if !self.started {
                2 * s
            } else if s != i64::from(self.spins[j]) {
                4 * s
            } else {
                continue;
            };
            for word in &layout.words[layout.col_ptr[j]..layout.col_ptr[j + 1]] {
                for (bank, entry) in self.banks.iter_mut().zip(word) {
                    if let Some(e) = entry {
                        bank[e.slot as usize] += scale * i64::from(e.weight);
                    }
                }
            }
            read += layout.column_len(j);
            self.spins[j] = s as i8;
        }
        self.started = true;
        read
    }

    /// `f_i = 2·(J_q·σ)_i − l_i` for every row, in index order: each row's bank.
    pub fn fields(&self, layout: &ScatterLayout) -> Vec<i64> {
        (0..layout.owner.len())
            .map(|i| self.banks[layout.owner[i] as usize][layout.slot[i] as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::golden::GoldenState;
    use crate::fixed::matvec_work::tests::handset_core;
    use crate::fixed::matvec_work::{
        balanced_owners, grouped_owners, mod_owners, run_work, UnitSchedule,
    };
    use crate::fixed::noise::run_seed;

    /// Every step of `runs` golden runs: the banks' fields equal the golden model's, and the
    /// words each pass reads are the ones `matvec_work` counts.
    fn fields_match_the_golden_model(spec: &str, lanes: usize, runs: usize) {
        fields_match_on(&handset_core(spec, 30, 7), spec, lanes, runs);
    }

    fn fields_match_on(core: &GoldenCore, spec: &str, lanes: usize, runs: usize) {
        let core = core.clone();
        let n = core.n;
        for owner in [
            mod_owners(n, lanes),
            balanced_owners(&core, lanes),
            grouped_owners(&core, lanes),
        ] {
            let layout = ScatterLayout::new(&core, owner, lanes);
            let per_column: Vec<u32> = (0..n).map(|j| layout.column_len(j) as u32).collect();
            for r in 0..runs {
                let seed = run_seed(7, r);
                let schedule = UnitSchedule::of(&core, 4, 4);
                let counted = run_work(&core, seed, std::slice::from_ref(&per_column), &schedule);
                let mut state = GoldenState::new(&core, seed);
                let mut banks = ScatterBanks::new(&layout, &core.linear);
                for (t, work) in counted.iter().enumerate() {
                    state.step();
                    let read = banks.pass(&layout, state.spins());
                    assert_eq!(
                        banks.fields(&layout),
                        state.fields(),
                        "{spec}, {lanes} lanes, run {r}, step {t}"
                    );
                    assert_eq!(read as u64, work.words[0], "{spec}, step {t}");
                }
            }
        }
    }

    #[test]
    fn sparse_signed_fields_are_the_golden_models_every_step() {
        fields_match_the_golden_model("gnp:n=90,p=0.1,weights=pm1,seed=1", 8, 3);
    }

    #[test]
    fn dense_gaussian_fields_are_the_golden_models_every_step() {
        fields_match_the_golden_model("sk:n=40,seed=2", 32, 3);
    }

    #[test]
    fn a_linear_term_starts_the_banks() {
        let spec = "gnp:n=60,p=0.2,weights=pm1,seed=6";
        let mut core = handset_core(spec, 30, 7);
        core.linear = (0..core.n)
            .map(|i| (i as i32 * 37 % 201 - 100) * 300)
            .collect();
        assert!(core.linear.iter().any(|&l| l != 0));
        fields_match_on(&core, spec, 8, 2);
    }

    #[test]
    fn positive_fields_with_one_lane_and_more_lanes_than_rows() {
        fields_match_the_golden_model("gnp:n=25,p=0.3,weights=plus,seed=4", 1, 2);
        fields_match_the_golden_model("gnp:n=25,p=0.3,weights=plus,seed=4", 32, 2);
    }

    #[test]
    fn a_word_writes_each_bank_at_most_once_and_holds_every_entry_once() {
        let core = handset_core("gnp:n=70,p=0.2,weights=pm1,seed=5", 10, 0);
        let layout = ScatterLayout::new(&core, balanced_owners(&core, 8), 8);
        let mut seen = 0;
        for j in 0..70 {
            let mut rows: Vec<usize> = Vec::new();
            for word in &layout.words[layout.col_ptr[j]..layout.col_ptr[j + 1]] {
                for (l, e) in word.iter().enumerate() {
                    let Some(e) = e else { continue };
                    // the row this lane's entry names is one that lane owns
                    let i = (0..70)
                        .find(|&i| layout.owner[i] as usize == l && layout.slot[i] == e.slot)
                        .unwrap();
                    rows.push(i);
                    seen += 1;
                }
            }
            rows.sort_unstable();
            let expected: Vec<usize> = (core.row_ptr[j]..core.row_ptr[j + 1])
                .map(|k| core.col[k] as usize)
                .collect();
            assert_eq!(rows, expected, "column {j}");
        }
        assert_eq!(seen, core.stored_entries());
    }

    #[test]
    fn packed_words_decode_to_the_layout_and_the_fit_check_names_what_overflows() {
        let core = handset_core("sk:n=40,seed=2", 10, 0);
        let layout = ScatterLayout::new(&core, grouped_owners(&core, 8), 8);
        let w = ScatterWidths {
            slot_bits: 3,
            weight_bits: 8,
            word_addr_bits: 8,
        };
        assert_eq!(layout.check_fits(&w), Ok(()));
        for j in 0..40 {
            let word = layout.column_word(j, &w);
            assert_eq!(word & 0xff, layout.col_ptr[j] as u64);
            assert_eq!(word >> 8, layout.column_len(j) as u64);
        }
        for (k, word) in layout.words.iter().enumerate() {
            for (l, entry) in word.iter().enumerate() {
                let packed = layout.lane_entry(k, l, &w);
                let weight = ((packed >> 3) as u8) as i8;
                let e = entry.unwrap_or(LaneEntry { slot: 0, weight: 0 });
                assert_eq!(
                    (packed & 7, i32::from(weight)),
                    (u64::from(e.slot), e.weight)
                );
            }
        }
        let words = layout.words.len();
        let short = ScatterWidths {
            word_addr_bits: 7,
            ..w
        };
        assert!(words > 128, "{words}");
        assert_eq!(
            layout.check_fits(&short),
            Err(ScatterFitError::Words { words, max: 128 })
        );
        let shallow = ScatterWidths { slot_bits: 2, ..w };
        assert!(matches!(
            layout.check_fits(&shallow),
            Err(ScatterFitError::Rows {
                rows: 5,
                max: 4,
                ..
            })
        ));
        // one bit holds −1 and 0: any positive weight overflows it
        let narrow = ScatterWidths {
            weight_bits: 1,
            ..w
        };
        let r = layout.check_fits(&narrow);
        assert!(
            matches!(r, Err(ScatterFitError::Weight { weight, bits: 1 }) if weight > 0),
            "{r:?}"
        );
    }
}
