//! The graph class of an instance, read from its structure: which of the project's trained
//! parameter sets (one per G-set class and one for SK) suits it.
//!
//! The G-set's generator (rudy) makes its classes in ways that leave plain marks
//! (`docs/instances.md`): toroidal grids are 4-regular, random graphs `G(n, m)` have a degree
//! spread close to their mean degree (binomial), and rudy's planar graphs have a few hubs (G14:
//! degrees 5-132, variance 11× the mean). SK instances are complete graphs. Weight signs split
//! the classes into `+1` and `±1`. Nothing here checks planarity itself: the rule only has to
//! tell the classes it was trained on apart, and says "none" for anything else.

use crate::instance::Ising;
use std::fmt;

/// A class the project ships parameters for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphClass {
    /// Sherrington-Kirkpatrick: all pairs coupled.
    Sk,
    /// `G(n, m)` random graph, all weights positive (G1-G5, G22).
    RandomPlus,
    /// `G(n, m)` random graph, weights of both signs (G6-G10).
    RandomPm1,
    /// 4-regular toroidal grid (G11-G13).
    Toroidal,
    /// rudy's planar graphs, all weights positive (G14-G17).
    PlanarPlus,
    /// rudy's planar graphs, weights of both signs (G18-G21).
    PlanarPm1,
}

impl GraphClass {
    /// The name used in parameter file names (`gset-NAME-…`, `sk-…`).
    pub fn name(self) -> &'static str {
        match self {
            GraphClass::Sk => "sk",
            GraphClass::RandomPlus => "random-plus",
            GraphClass::RandomPm1 => "random-pm1",
            GraphClass::Toroidal => "toroidal",
            GraphClass::PlanarPlus => "planar-plus",
            GraphClass::PlanarPm1 => "planar-pm1",
        }
    }

    /// The class as the G-set tables name it ([`crate::gset::KnownGraph::class`]).
    pub fn label(self) -> &'static str {
        match self {
            GraphClass::Sk => "SK",
            GraphClass::RandomPlus => "random +1",
            GraphClass::RandomPm1 => "random ±1",
            GraphClass::Toroidal => "toroidal ±1",
            GraphClass::PlanarPlus => "planar +1",
            GraphClass::PlanarPm1 => "planar ±1",
        }
    }
}

impl fmt::Display for GraphClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the classifier read from an instance, and its verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    /// The class, when the instance looks like one of them.
    pub class: Option<GraphClass>,
    /// Spins.
    pub n: usize,
    /// Smallest and largest vertex degree.
    pub degree_range: (usize, usize),
    /// Mean degree.
    pub mean_degree: f64,
    /// Degree variance over mean degree (about 1 for a random graph, 0 for a regular one).
    pub dispersion: f64,
    /// Whether some weight is negative.
    pub mixed_signs: bool,
    /// Why, in words, for the user's summary.
    pub reason: String,
}

/// A random graph's degree dispersion lies near `1 − p` (binomial); rudy's planar graphs sit
/// above 10. Between these bounds the classes are told apart with a wide margin.
const RANDOM_DISPERSION: (f64, f64) = (0.5, 2.0);
/// Planar hubs: dispersion above this.
const PLANAR_DISPERSION: f64 = 4.0;
/// Density (edges over pairs) from which a graph counts as complete (SK).
const SK_DENSITY: f64 = 0.9;

/// Reads the class of `ising` from its degrees and weight signs. Instances with a linear term
/// are not graphs of any class (`class` is `None`).
pub fn classify(ising: &Ising) -> Classification {
    let n = ising.n();
    let mut degree = vec![0usize; n];
    let mut mixed_signs = false;
    for e in ising.edges() {
        degree[e.i as usize] += 1;
        degree[e.j as usize] += 1;
        mixed_signs |= e.w < 0.0;
    }
    let (lo, hi) = degree
        .iter()
        .fold((usize::MAX, 0), |(lo, hi), &d| (lo.min(d), hi.max(d)));
    let degree_range = if n == 0 { (0, 0) } else { (lo, hi) };
    let mean = if n == 0 {
        0.0
    } else {
        2.0 * ising.edges().len() as f64 / n as f64
    };
    let variance = if n == 0 {
        0.0
    } else {
        degree
            .iter()
            .map(|&d| (d as f64 - mean).powi(2))
            .sum::<f64>()
            / n as f64
    };
    let dispersion = if mean > 0.0 { variance / mean } else { 0.0 };
    let pairs = n as f64 * (n as f64 - 1.0) / 2.0;
    let density = if pairs > 0.0 {
        ising.edges().len() as f64 / pairs
    } else {
        0.0
    };
    let signs = if mixed_signs { "±" } else { "+" };
    let (class, reason) = if !ising.has_zero_field() {
        (None, "it has a linear term".to_string())
    } else if n < 4 || ising.edges().is_empty() {
        (None, format!("{n} spins, {} edges", ising.edges().len()))
    } else if density >= SK_DENSITY {
        (
            Some(GraphClass::Sk),
            format!("complete graph (density {density:.2})"),
        )
    } else if degree_range == (4, 4) {
        (
            Some(GraphClass::Toroidal),
            format!("4-regular, weights {signs}"),
        )
    } else if (RANDOM_DISPERSION.0..=RANDOM_DISPERSION.1).contains(&dispersion) {
        (
            Some(by_signs(mixed_signs, GraphClass::RandomPm1, GraphClass::RandomPlus)),
            format!(
                "degrees {lo}-{hi} around {mean:.1} (variance/mean {dispersion:.2}: random), weights {signs}"
            ),
        )
    } else if dispersion > PLANAR_DISPERSION {
        (
            Some(by_signs(mixed_signs, GraphClass::PlanarPm1, GraphClass::PlanarPlus)),
            format!(
                "degrees {lo}-{hi} around {mean:.1} (variance/mean {dispersion:.1}: hubs, planar), weights {signs}"
            ),
        )
    } else {
        (
            None,
            format!(
                "degrees {lo}-{hi} around {mean:.1} (variance/mean {dispersion:.2}) match no class"
            ),
        )
    };
    Classification {
        class,
        n,
        degree_range,
        mean_degree: mean,
        dispersion,
        mixed_signs,
        reason,
    }
}

/// The ±1 or the +1 member of a class pair, by whether the weights have both signs.
fn by_signs(mixed_signs: bool, pm1: GraphClass, plus: GraphClass) -> GraphClass {
    if mixed_signs {
        pm1
    } else {
        plus
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::generate;

    fn class_of(spec: &str) -> Option<GraphClass> {
        classify(&generate(&spec.parse().unwrap()).unwrap()).class
    }

    #[test]
    fn generated_graphs_get_their_class() {
        assert_eq!(class_of("sk:n=100,seed=3"), Some(GraphClass::Sk));
        assert_eq!(
            class_of("gnm:n=800,m=19176,seed=1"),
            Some(GraphClass::RandomPlus)
        );
        assert_eq!(
            class_of("gnm:n=800,m=19176,weights=pm1,seed=1"),
            Some(GraphClass::RandomPm1)
        );
        assert_eq!(
            class_of("torus:rows=100,cols=8,seed=2"),
            Some(GraphClass::Toroidal)
        );
        assert_eq!(
            class_of("planar:n=800,seed=4"),
            Some(GraphClass::PlanarPlus)
        );
        assert_eq!(
            class_of("planar:n=800,weights=pm1,seed=4"),
            Some(GraphClass::PlanarPm1)
        );
        // A circular ladder is 3-regular: no class.
        assert_eq!(class_of("ladder:n=100"), None);
    }

    #[test]
    fn an_instance_with_a_linear_term_has_no_class() {
        let ising = Ising::new(
            3,
            [(0, 1, 1.0)],
            vec![1.0, 0.0, 0.0],
            crate::Storage::Sparse,
        )
        .unwrap();
        let c = classify(&ising);
        assert_eq!(c.class, None);
        assert!(c.reason.contains("linear"), "{}", c.reason);
    }
}
