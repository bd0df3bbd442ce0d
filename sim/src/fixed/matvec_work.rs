//! What a run asks of the core's matvec engine, step by step: how many spins flip and how many
//! stored `J` entries their columns hold. A full pass reads every stored entry each step; an
//! incremental engine (`f(t) = f(t − 1) + 2·Σ_{j flipped} J[:, j]·σ_j(t)`, exact in integers)
//! reads only the flipped spins' columns. Which wins depends on the rule and the instance, so it
//! is measured on the golden model's own runs (`npim study matvec`, issue 21).
//!
//! An incremental engine scatters: the entries of column `j` go to the fields of their rows.
//! With `L` lanes the conflict-free way is for each lane to own the fields of a fixed set of rows
//! (at most `⌈N/L⌉`, its bank) and for each column to be stored in words whose lane `l` holds an
//! entry of one of lane `l`'s rows, so a column costs as many words as its fullest lane
//! ([`column_words`]), not `⌈len/L⌉`. Which lane owns which row is the loader's choice (the
//! fields' readout then needs each row's lane and address): [`mod_owners`] is `i mod L`,
//! [`balanced_owners`] spreads each column's rows over the lanes.

use super::golden::{GoldenCore, GoldenState};

/// One matvec pass of a run: the pass after step `t` computes `f(t)` from `σ(t)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassWork {
    /// Spins whose value differs from the step before (every spin at `t = 0`, where no earlier
    /// fields exist and the pass is a full one).
    pub flips: u32,
    /// Stored `J` entries in the flipped spins' columns (`J` is symmetric, so a column holds as
    /// many entries as its row); at `t = 0`, every stored entry.
    pub touched: u64,
    /// For each layout asked of [`run_work`], the words ([`column_words`]) of the flipped
    /// spins' columns; at `t = 0`, of every column.
    pub words: Vec<u64>,
    /// For each layout, the step's cycles on a core whose update units run `run_work`'s
    /// [`UnitSchedule`] and whose matvec scatters each flipped column as its spin is decided
    /// ([`UnitSchedule::step_cycles`]).
    pub step_cycles: Vec<u64>,
}

/// The lockstep update units' timing (`docs/rtl.md`, Speed), for a model of a step on a core
/// with an incremental matvec: the units start together `setup` cycles into the step and decide
/// the spins of place `p` (spins `p·units … p·units + units − 1`) at
/// `setup + (p + 1)·per_place + tail`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnitSchedule {
    /// Update units `P`.
    pub units: usize,
    /// Cycles before the first tap: the schedule interpolation `K = 1 + D + D·Tc` and 6.
    pub setup: u64,
    /// Cycles between places: `D·⌈Tc/m⌉` with `m` taps a cycle (pipelined), or a spin's whole
    /// `D·⌈Tc/m⌉ + 12 + π` where that is 1 (sequential).
    pub per_place: u64,
    /// Cycles from a place's last tap to its decisions: the tail, `14 + π` (pipelined).
    pub tail: u64,
    /// Cycles from a word's read to its sum in the bank.
    pub latency: u64,
}

impl UnitSchedule {
    /// The schedule of `units` units taking `taps` (1, 2 or 4) `W²` taps a cycle on `core`'s
    /// rule, as the RTL's update units run it (`docs/rtl.md`: `π` = 0, 1, 2).
    pub fn of(core: &GoldenCore, units: usize, taps: usize) -> Self {
        let pi = match taps {
            1 => 0,
            2 => 1,
            _ => 2,
        };
        let span = core.tc.div_ceil(taps.max(1)) as u64;
        let d = core.d as u64;
        let k = 1 + d + d * core.tc as u64;
        let (per_place, tail) = if d * span == 1 {
            (d * span + 12 + pi, 0)
        } else {
            (d * span, 14 + pi)
        };
        UnitSchedule {
            units: units.max(1),
            setup: k + 6,
            per_place,
            tail,
            latency: 3,
        }
    }

    /// Cycles of a step whose place `p` flips spins holding `words[p]` column words, each
    /// place's words scattered one a cycle from its decision on: the later of the last decision
    /// and the last word's landing.
    pub fn step_cycles(&self, words: &[u64]) -> u64 {
        let mut free = 0;
        let mut decided = 0;
        for (p, &w) in words.iter().enumerate() {
            decided = self.setup + (p as u64 + 1) * self.per_place + self.tail;
            free = free.max(decided) + w;
        }
        decided.max(free) + self.latency
    }
}

/// Row `i`'s field in lane `i mod lanes`.
pub fn mod_owners(n: usize, lanes: usize) -> Vec<u16> {
    (0..n).map(|i| (i % lanes.max(1)) as u16).collect()
}

/// An owner lane for every row, at most `⌈N/lanes⌉` rows a lane, chosen greedily (rows with
/// most entries first) to put each row where its columns have fewest rows already, so that a
/// column's rows spread over the lanes.
pub fn balanced_owners(core: &GoldenCore, lanes: usize) -> Vec<u16> {
    let lanes = lanes.max(1);
    let capacity = core.n.div_ceil(lanes);
    let mut load = vec![0usize; lanes];
    let (owner, _) = greedy_owners(core, lanes, |_, cost| {
        let l = (0..lanes)
            .filter(|&l| load[l] < capacity)
            .min_by_key(|&l| (cost[l], load[l], l))
            .expect("capacity covers every row");
        load[l] += 1;
        l
    });
    owner
}

/// The greedy placement both layouts share: rows with most entries first, each on the lane
/// `pick(row, costs)` chooses from [`placement_costs`]; returns the owners and each column's
/// rows on each lane (`on_lane[j * lanes + l]`).
fn greedy_owners(
    core: &GoldenCore,
    lanes: usize,
    mut pick: impl FnMut(usize, &[u64]) -> usize,
) -> (Vec<u16>, Vec<u32>) {
    let mut on_lane = vec![0u32; core.n * lanes];
    let mut owner = vec![0u16; core.n];
    let mut order: Vec<usize> = (0..core.n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(core.row_len(i)));
    let mut cost = vec![0u64; lanes];
    for i in order {
        placement_costs(core, i, &on_lane, lanes, &mut cost);
        let l = pick(i, &cost);
        owner[i] = l as u16;
        place_row(core, i, l, &mut on_lane, lanes);
    }
    (owner, on_lane)
}

/// The greedy placements' cost of putting row `i` on each lane, from each column's rows on
/// each lane so far (`on_lane[j * lanes + l]`): row `i` is an entry of column `j` for every `j`
/// in row `i` (J is symmetric), and placing it on lane `l` adds to column `j`'s count there;
/// the square penalises a lane in proportion to the words it would add.
fn placement_costs(core: &GoldenCore, i: usize, on_lane: &[u32], lanes: usize, cost: &mut [u64]) {
    cost.fill(0);
    for &j in &core.col[core.row_ptr[i]..core.row_ptr[i + 1]] {
        let j = j as usize;
        for (c, &m) in cost.iter_mut().zip(&on_lane[j * lanes..(j + 1) * lanes]) {
            *c += u64::from(m) * u64::from(m) + u64::from(m);
        }
    }
}

/// Counts row `i` on lane `l` in each of its columns.
fn place_row(core: &GoldenCore, i: usize, l: usize, on_lane: &mut [u32], lanes: usize) {
    for &j in &core.col[core.row_ptr[i]..core.row_ptr[i + 1]] {
        on_lane[j as usize * lanes + l] += 1;
    }
}

/// An owner lane for every row such that each group of `lanes` consecutive rows (`i / lanes`)
/// has its rows on distinct lanes, chosen greedily as [`balanced_owners`] chooses. Row `i`'s
/// bank address is then its group, so one read of every bank at address `s` gives the fields of
/// rows `s·lanes..(s + 1)·lanes`, each from the lane this table names: the fields leave the
/// banks in index order, as the update units take them.
pub fn grouped_owners(core: &GoldenCore, lanes: usize) -> Vec<u16> {
    let lanes = lanes.max(1);
    let (mut owner, mut on_lane) = grouped_greedy(core, lanes);
    swap_within_groups(core, &mut owner, &mut on_lane, lanes);
    owner
}

/// [`grouped_owners`]' first placement, one row at a time, and each column's rows on each
/// lane (`on_lane[j * lanes + l]`).
fn grouped_greedy(core: &GoldenCore, lanes: usize) -> (Vec<u16>, Vec<u32>) {
    // used[g * lanes + l]: group g has a row on lane l.
    let mut used = vec![false; core.n.div_ceil(lanes) * lanes];
    greedy_owners(core, lanes, |i, cost| {
        let g = i / lanes;
        let l = (0..lanes)
            .filter(|&l| !used[g * lanes + l])
            .min_by_key(|&l| (cost[l], l))
            .expect("a group has as many lanes as rows");
        used[g * lanes + l] = true;
        l
    })
}

/// Sweeps over every pair of rows in a group, swapping their lanes where that lowers the
/// words of the columns they touch (the greedy placed the rows one at a time and never
/// revisits one), until a sweep changes nothing or after `SWEEPS`.
fn swap_within_groups(core: &GoldenCore, owner: &mut [u16], on_lane: &mut [u32], lanes: usize) {
    const SWEEPS: usize = 8;
    let words = |on_lane: &[u32], j: usize| -> u32 {
        on_lane[j * lanes..(j + 1) * lanes]
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
    };
    let mut touched: Vec<usize> = Vec::new();
    for _ in 0..SWEEPS {
        let mut changed = false;
        for g in 0..core.n.div_ceil(lanes) {
            let rows = g * lanes..((g + 1) * lanes).min(core.n);
            for a in rows.clone() {
                for b in a + 1..rows.end {
                    let (la, lb) = (owner[a] as usize, owner[b] as usize);
                    touched.clear();
                    touched.extend(
                        core.col[core.row_ptr[a]..core.row_ptr[a + 1]]
                            .iter()
                            .map(|&j| j as usize),
                    );
                    touched.extend(
                        core.col[core.row_ptr[b]..core.row_ptr[b + 1]]
                            .iter()
                            .map(|&j| j as usize),
                    );
                    touched.sort_unstable();
                    touched.dedup();
                    let before: u32 = touched.iter().map(|&j| words(on_lane, j)).sum();
                    move_row(core, lanes, a, la, lb, on_lane);
                    move_row(core, lanes, b, lb, la, on_lane);
                    let after: u32 = touched.iter().map(|&j| words(on_lane, j)).sum();
                    if after < before {
                        owner.swap(a, b);
                        changed = true;
                    } else {
                        move_row(core, lanes, a, lb, la, on_lane);
                        move_row(core, lanes, b, la, lb, on_lane);
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Moves row `row` from lane `from` to lane `to` in each of its columns' counts.
fn move_row(
    core: &GoldenCore,
    lanes: usize,
    row: usize,
    from: usize,
    to: usize,
    on_lane: &mut [u32],
) {
    for &j in &core.col[core.row_ptr[row]..core.row_ptr[row + 1]] {
        on_lane[j as usize * lanes + from] -= 1;
        on_lane[j as usize * lanes + to] += 1;
    }
}

/// Words each column of `core`'s `J` takes in the lane-owned layout where row `i`'s field is in
/// lane `owner[i]`: the most entries of the column whose rows one lane owns.
pub fn column_words(core: &GoldenCore, owner: &[u16], lanes: usize) -> Vec<u32> {
    let mut count = vec![0u32; lanes.max(1)];
    (0..core.n)
        .map(|j| {
            count.fill(0);
            for k in core.row_ptr[j]..core.row_ptr[j + 1] {
                count[owner[core.col[k] as usize] as usize] += 1;
            }
            count.iter().copied().max().unwrap_or(0)
        })
        .collect()
}

/// Every pass of one run of `core` (its `T` steps), in step order, with each of `layouts` a
/// column's words ([`column_words`]) and the step timed by `schedule`.
pub fn run_work(
    core: &GoldenCore,
    run_seed: u32,
    layouts: &[Vec<u32>],
    schedule: &UnitSchedule,
) -> Vec<PassWork> {
    let mut state = GoldenState::new(core, run_seed);
    let mut before: Vec<i8> = Vec::new();
    let places = core.n.div_ceil(schedule.units);
    // by_place[layout][p]: the words place p's flips scatter this step
    let mut by_place = vec![vec![0u64; places]; layouts.len()];
    let mut passes = Vec::with_capacity(core.steps);
    for t in 0..core.steps {
        state.step();
        let now = state.spins();
        let mut pass = PassWork {
            words: vec![0; layouts.len()],
            ..PassWork::default()
        };
        for v in &mut by_place {
            v.fill(0);
        }
        for j in 0..core.n {
            // the first pass has no fields before it: every column goes
            if t > 0 && before[j] == now[j] {
                continue;
            }
            pass.flips += 1;
            pass.touched += core.row_len(j) as u64;
            for ((sum, w), places) in pass.words.iter_mut().zip(layouts).zip(&mut by_place) {
                *sum += u64::from(w[j]);
                places[j / schedule.units] += u64::from(w[j]);
            }
        }
        pass.step_cycles = by_place.iter().map(|w| schedule.step_cycles(w)).collect();
        passes.push(pass);
        before.clear();
        before.extend_from_slice(now);
    }
    passes
}

/// Cycles of entry reads a pass costs with `lanes` entries read a cycle: a full pass reads the
/// whole `J` (the `rtl` build's entry bound, `⌈nnz/L⌉`); an incremental one the flipped
/// columns, packed (`⌈touched/L⌉`, a bound no scatter reaches: it ignores which lane owns which
/// field) or in a lane-owned layout (its words); a hybrid engine the fewer of the full pass
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
    /// One pass's entry-read cycles with `lanes` lanes over `nnz` stored entries, in its
    /// `layout`-th lane-owned layout.
    pub fn of(pass: &PassWork, layout: usize, nnz: u64, lanes: u64) -> Self {
        let lanes = lanes.max(1);
        let full = nnz.div_ceil(lanes);
        let words = pass.words[layout];
        PassCycles {
            full,
            incremental: pass.touched.div_ceil(lanes),
            lane_owned: words,
            hybrid: full.min(words),
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
pub(crate) mod tests {
    use super::*;
    use crate::fixed::noise::run_seed;
    use crate::fixed::{quantize, CoreConfig};
    use crate::generate::generate;
    use crate::npim::params::{field_scale, NpimParams};

    /// A test's core: `spec`'s instance under the hand-set rule, `steps` steps, quantized for
    /// the `sim` preset with `seed`.
    pub(crate) fn handset_core(spec: &str, steps: usize, seed: u64) -> GoldenCore {
        let ising = generate(&spec.parse().unwrap()).unwrap();
        let params = NpimParams::annealed_greedy(field_scale(&ising), 1.0, 0.5);
        let (image, _) = quantize(
            &ising,
            &params,
            &CoreConfig::preset("sim").unwrap(),
            steps,
            seed,
        )
        .unwrap();
        GoldenCore::new(&image)
    }

    #[test]
    fn passes_count_the_flipped_columns() {
        let core = handset_core("gnp:n=60,p=0.2,weights=pm1,seed=3", 40, 5);
        let words = column_words(&core, &mod_owners(60, 4), 4);
        let balanced = column_words(&core, &balanced_owners(&core, 4), 4);
        let schedule = UnitSchedule::of(&core, 4, 2);
        let passes = run_work(
            &core,
            run_seed(5, 0),
            &[words.clone(), balanced.clone()],
            &schedule,
        );
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
            let sum = |w: &[u32]| flipped.iter().map(|&j| u64::from(w[j])).sum::<u64>();
            assert_eq!(pass.flips as usize, flipped.len());
            assert_eq!(pass.touched, touched as u64);
            assert_eq!(pass.words, vec![sum(&words), sum(&balanced)]);
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
            words: vec![9],
            step_cycles: vec![0],
        };
        let c = PassCycles::of(&pass, 0, 1000, 32);
        assert_eq!(
            (c.full, c.incremental, c.lane_owned, c.hybrid),
            (32, 3, 9, 9)
        );
        let busy = PassWork {
            flips: 50,
            touched: 1200,
            words: vec![7, 150],
            step_cycles: vec![0, 0],
        };
        let c = PassCycles::of(&busy, 1, 1000, 32);
        assert_eq!(
            (c.full, c.incremental, c.lane_owned, c.hybrid),
            (32, 38, 150, 32)
        );
    }

    #[test]
    fn a_step_ends_at_the_last_decision_or_the_last_word() {
        let s = UnitSchedule {
            units: 16,
            setup: 34,
            per_place: 6,
            tail: 16,
            latency: 3,
        };
        // no flips: the last of 3 places decides at 34 + 18 + 16 = 68
        assert_eq!(s.step_cycles(&[0, 0, 0]), 71);
        // a light scatter drains between decisions
        assert_eq!(s.step_cycles(&[2, 1, 2]), 68 + 2 + 3);
        // a heavy first place backs the queue up past the last decision
        assert_eq!(s.step_cycles(&[100, 0, 0]), 56 + 100 + 3);
        // the `rtl` build's schedule of a Tc 8, D 3 rule: K + 6 = 34, 3·2 a place, 16 behind;
        // the hand-set Tc 2, D 1 one runs sequentially, 1 + 12 + 2 cycles a spin
        let handset = UnitSchedule::of(
            &handset_core("gnp:n=20,p=0.3,weights=pm1,seed=1", 5, 0),
            16,
            4,
        );
        assert_eq!((handset.per_place, handset.tail), (15, 0));
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
        let words = column_words(&core, &mod_owners(10, 4), 4);
        assert_eq!(words[0], 3);
        // Each leaf's column holds row 0 alone; 3, 4, 7 and 8 have none.
        assert_eq!(&words[1..], &[1, 1, 0, 0, 1, 1, 0, 0, 1]);
        assert_eq!(column_words(&core, &mod_owners(10, 1), 1)[0], 5);
        assert_eq!(column_words(&core, &mod_owners(10, 16), 16)[0], 1);
        // Spread over the lanes, the hub's five leaves take two words (⌈5/4⌉), not three.
        let owners = balanced_owners(&core, 4);
        assert_eq!(column_words(&core, &owners, 4)[0], 2);
    }

    #[test]
    fn balanced_owners_fill_no_lane_past_its_bank_and_beat_residues_on_random_graphs() {
        let core = handset_core("gnp:n=500,p=0.04,weights=pm1,seed=9", 10, 0);
        let owners = balanced_owners(&core, 32);
        let mut load = [0usize; 32];
        for &l in &owners {
            load[l as usize] += 1;
        }
        assert!(load.iter().all(|&c| c <= 500usize.div_ceil(32)), "{load:?}");
        let total = |o: &[u16]| {
            column_words(&core, o, 32)
                .iter()
                .map(|&w| w as u64)
                .sum::<u64>()
        };
        let (by_mod, balanced) = (total(&mod_owners(500, 32)), total(&owners));
        // Every column holds at least one word per entry over 32 lanes, rounded up.
        let floor: u64 = (0..500).map(|j| core.row_len(j).div_ceil(32) as u64).sum();
        assert!(
            floor <= balanced && balanced < by_mod,
            "{floor} {balanced} {by_mod}"
        );
    }

    #[test]
    fn grouped_owners_put_each_group_on_distinct_lanes_and_the_swaps_save_words() {
        let core = handset_core("gnp:n=500,p=0.04,weights=pm1,seed=9", 10, 0);
        let owners = grouped_owners(&core, 32);
        for (g, group) in owners.chunks(32).enumerate() {
            let mut lanes: Vec<u16> = group.to_vec();
            lanes.sort_unstable();
            lanes.dedup();
            assert_eq!(lanes.len(), group.len(), "group {g}: {group:?}");
        }
        let total = |o: &[u16]| {
            column_words(&core, o, 32)
                .iter()
                .map(|&w| u64::from(w))
                .sum::<u64>()
        };
        let (greedy, _) = grouped_greedy(&core, 32);
        let (grouped, greedy) = (total(&owners), total(&greedy));
        assert!(grouped < greedy, "{grouped} {greedy}");
        let by_mod = total(&mod_owners(500, 32));
        let balanced = total(&balanced_owners(&core, 32));
        assert!(grouped < by_mod, "{grouped} {by_mod}");
        // Within a few words of the unconstrained greedy (on G1 and G22 within 1 %).
        assert!(grouped <= balanced + 5, "{grouped} {balanced}");
    }
}
