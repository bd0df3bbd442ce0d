//! `--params auto`: the shipped parameter file trained for an instance's graph class.
//!
//! The class is read from the instance ([`npim_sim::classify`]); the table below names, per class,
//! the file the README's Table 5 (G-set) and Table 4 (SK) runs measured best. The files are
//! compiled into the binary, so `auto` works from any directory, without the checkout.

use anyhow::{Context, Result};
use npim_sim::classify::{classify, GraphClass};
use npim_sim::npim::NpimParams;
use npim_sim::Ising;
use std::path::Path;

/// The value of `--params` that asks for the class's file (also what no `--params` means).
pub const AUTO: &str = "auto";

/// The value of `--params` that asks for the built-in hand-set annealed greedy rule, whatever
/// the instance's class (the default before `auto`; the recorded hand-set results use it).
pub const HANDSET: &str = "handset";

/// Whether `path` is the word `auto` (a file of that name is `./auto`).
pub fn is_auto(path: &Path) -> bool {
    path.as_os_str() == AUTO
}

/// Whether `path` is the word `handset` (a file of that name is `./handset`).
pub fn is_handset(path: &Path) -> bool {
    path.as_os_str() == HANDSET
}

/// Whether `path` is one of `--params`' words rather than a file's path.
pub fn is_keyword(path: &Path) -> bool {
    is_auto(path) || is_handset(path)
}

/// One shipped parameter file: its name under `params/` and its text.
struct Shipped {
    name: &'static str,
    json: &'static str,
}

macro_rules! shipped {
    ($name:literal) => {
        Shipped {
            name: $name,
            json: include_str!(concat!("../../params/", $name)),
        }
    };
}

/// From this many spins a random +1 graph of mean degree below `RANDOM_DENSE_DEGREE` takes the
/// rule trained at G22's degree (20; `gset-random-plus-n200-deg20-das` resumed to 2 000 epochs),
/// which reaches G22's best-known cut at T = N in 4 of 4 000 runs on the `rtl` core (mean cut
/// 13 334.9; results/g22/g22-golden-rtl-deg20-e2000-T2000-4000.txt; at 1 000 epochs 3 of 4 000,
/// mean 13 332.3) where the rule fine-tuned
/// at N = 2 000 (`gset-random-plus-n2000`) reached 13 358 at best in 1 000 (mean 13 324.7);
/// below it the degree-12 file, which reaches G1's and G4's best-known cuts.
const RANDOM_PLUS_LARGE_N: usize = 1_400;

/// From this mean degree a random +1 graph takes the rule trained at G1-G5's degree (48) at seed
/// 000's stage-1 budget (`gset-random-plus-n200-deg48-b20r400-das`: 20 × 400 trajectories an
/// epoch, 600 epochs) and fine-tuned at N = 800 for 150 epochs (stage 2,
/// `gset-random-plus-n800-deg48-b20r400-stage2`), which reaches each of G1-G5 at T = N in 2 000
/// runs: hits 261, 12, 108, 94, 37 against stage 1's 171, 7, 51, 75, 26 and the earlier
/// 20 × 100 stage 1 fine-tuned for 300 epochs' 108, 2, 40, 55, 9
/// (results/gset-table5-random-plus-b20r400-stage2-2000.csv against -random-plus-b20r400-2000.csv
/// and -random-plus-stage2-e300-2000.csv); below it, the degree-12 file. Random ±1 graphs
/// take their degree-48 file at the stage-1 budget (`gset-random-pm1-n200-deg48-b20r400-das`,
/// 20 × 400 trajectories an epoch, 600 epochs): 299 hits on G6-G10 (106, 104, 68, 14, 7 of
/// 2 000) against 272 after its stage 2 at N = 800 (`…-pm1-n800-deg48-b20r400-stage2`, 110,
/// 79, 58, 17, 8: within the noise, so the simpler file), the 20 × 100 stage 2's 154 and the
/// degree-12 file's 64 (results/gset-table5-random-pm1-b20r400-2000.csv against
/// -random-pm1-b20r400-stage2-2000.csv, -random-pm1-stage2-2000.csv, -degree-pm1-e300-2000.csv).
const RANDOM_DENSE_DEGREE: f64 = 30.0;

/// The file for `class` at `n` spins of mean degree `degree`: Table 5's choice per G-set class
/// (results/gset-table5.sh), the degree-20 file for large sparse random +1 graphs, Table 4's best
/// row for SK (`sk-n100-das-e700`, (8, 3, 3) at 700 epochs: mean P_s 0.332 on the ten SK N = 100
/// files). The toroidal file is stage 1 at seed 000's budget (20 × 400 trajectories an epoch, 600
/// epochs): G11-G13 134, 86, 11 hits of 2 000 at T = N against the 20 × 100 file's 127, 56, 4
/// (results/gset-table5-toroidal-b20r400-2000.csv); stage 2 at N = 800 made either worse. The
/// planar ±1 file is stage 1 at that budget fine-tuned at N = 800 for 150 epochs of 16 × 32
/// trajectories (`gset-planar-pm1-n800-b20r400-stage2-b16r32`): G18-G21 2, 34, 302, 13 hits of
/// 2 000 against 8 × 16's 3, 33, 244, 13, its stage 1's 0, 27, 197, 5 and the earlier 20 × 100
/// file's 1, 26, 131, 2 (results/gset-table5-planar-pm1-b20r400-stage2-b16r32-2000.csv,
/// -planar-pm1-b20r400-stage2-2000.csv, -planar-pm1-b20r400-2000.csv).
fn file_for(class: GraphClass, n: usize, degree: f64) -> Shipped {
    match class {
        GraphClass::Sk => shipped!("sk-n100-das-e700.json"),
        GraphClass::RandomPlus if degree >= RANDOM_DENSE_DEGREE => {
            shipped!("gset-random-plus-n800-deg48-b20r400-stage2.json")
        }
        GraphClass::RandomPlus if n >= RANDOM_PLUS_LARGE_N => {
            shipped!("gset-random-plus-n200-deg20-das-e2000.json")
        }
        GraphClass::RandomPlus => shipped!("gset-random-plus-n200-objective.json"),
        GraphClass::RandomPm1 if degree >= RANDOM_DENSE_DEGREE => {
            shipped!("gset-random-pm1-n200-deg48-b20r400-das.json")
        }
        GraphClass::RandomPm1 => shipped!("gset-random-pm1-n200-objective.json"),
        GraphClass::Toroidal => shipped!("gset-toroidal-n200-b20r400-das.json"),
        GraphClass::PlanarPlus => shipped!("gset-planar-plus-n200-objective.json"),
        GraphClass::PlanarPm1 => shipped!("gset-planar-pm1-n800-b20r400-stage2-b16r32.json"),
    }
}

/// What `auto` chose for an instance.
pub struct AutoChoice {
    /// The parameters, or `None` when the instance matches no class (use the hand-set rule).
    pub params: Option<NpimParams>,
    /// One line for the user: the class, why, and the file.
    pub summary: String,
    /// The class and the file, for a run's summary (`toroidal ±1 -> params/…`).
    pub label: String,
}

/// Picks the shipped parameters for `ising`'s class.
pub fn choose(ising: &Ising) -> Result<AutoChoice> {
    let c = classify(ising);
    Ok(match c.class {
        Some(class) => {
            let file = file_for(class, ising.n(), c.mean_degree);
            let params = NpimParams::parse(file.json, file.name)
                .with_context(|| format!("shipped parameter file {}", file.name))?;
            let label = format!("{class} -> params/{}", file.name);
            AutoChoice {
                params: Some(params),
                summary: format!("params auto: {label} ({})", c.reason),
                label,
            }
        }
        None => AutoChoice {
            params: None,
            summary: format!(
                "params auto: no trained class fits ({}) -> the built-in hand-set rule",
                c.reason
            ),
            label: "no class -> hand-set".into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_file_parses() {
        let classes = [
            GraphClass::Sk,
            GraphClass::RandomPlus,
            GraphClass::RandomPm1,
            GraphClass::Toroidal,
            GraphClass::PlanarPlus,
            GraphClass::PlanarPm1,
        ];
        for class in classes {
            for n in [100, 800, 2000] {
                for degree in [4.0, 12.0, 48.0, 99.0] {
                    let f = file_for(class, n, degree);
                    NpimParams::parse(f.json, f.name).unwrap();
                }
            }
        }
    }
}
