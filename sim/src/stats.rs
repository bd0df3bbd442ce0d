//! Run statistics: success probability with a Wilson interval, and time to solution (seed 000
//! App. H, eq. 37).

use serde::Serialize;

/// A success proportion with its Wilson score 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Proportion {
    /// Successes.
    pub successes: usize,
    /// Trials.
    pub trials: usize,
    /// `successes / trials`.
    pub p: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// The 97.5% standard normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

impl Proportion {
    /// The proportion and its Wilson score interval (`trials = 0` gives `p = 0`, `[0, 1]`).
    pub fn wilson(successes: usize, trials: usize) -> Self {
        assert!(successes <= trials, "more successes than trials");
        if trials == 0 {
            return Proportion {
                successes,
                trials,
                p: 0.0,
                low: 0.0,
                high: 1.0,
            };
        }
        let n = trials as f64;
        let p = successes as f64 / n;
        let z2 = Z95 * Z95;
        let denom = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denom;
        let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
        // The interval's ends are exactly 0 and 1 when nothing or everything succeeded.
        let low = if successes == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        };
        let high = if successes == trials {
            1.0
        } else {
            (centre + half).min(1.0)
        };
        Proportion {
            successes,
            trials,
            p,
            low,
            high,
        }
    }
}

/// Time to solution in steps.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Tts {
    /// `P_s = 0`: no run reached the target.
    NotReached,
    /// `TTS = T·ln(0.01)/ln(1 − P_s)`, or `T` when `P_s ≥ 0.99`.
    Steps(f64),
}

impl Tts {
    /// TTS99 for runs of `steps` steps with success probability `p` (eq. 37).
    pub fn from_probability(p: f64, steps: usize) -> Self {
        let t = steps as f64;
        if p <= 0.0 {
            Tts::NotReached
        } else if p >= 0.99 {
            Tts::Steps(t)
        } else {
            // ln(1 − p) via ln_1p keeps precision for tiny p.
            Tts::Steps(t * (0.01f64).ln() / (-p).ln_1p())
        }
    }

    /// The value in steps, if reached.
    pub fn steps(self) -> Option<f64> {
        match self {
            Tts::NotReached => None,
            Tts::Steps(s) => Some(s),
        }
    }
}

impl std::fmt::Display for Tts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tts::NotReached => f.write_str("not reached"),
            Tts::Steps(s) => write!(f, "{s:.4e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_reference_values() {
        // 7 of 20: Wilson 95% interval [0.1812, 0.5671] (Newcombe 1998 method 3).
        let p = Proportion::wilson(7, 20);
        assert!((p.low - 0.1812).abs() < 1e-3, "{p:?}");
        assert!((p.high - 0.5671).abs() < 1e-3, "{p:?}");
        let zero = Proportion::wilson(0, 10);
        assert_eq!(zero.low, 0.0);
        assert!((zero.high - 0.2775).abs() < 1e-3, "{zero:?}");
        let all = Proportion::wilson(10, 10);
        assert_eq!(all.high, 1.0);
        assert!((all.low - 0.7225).abs() < 1e-3);
    }

    #[test]
    fn tts_follows_eq_37() {
        assert_eq!(Tts::from_probability(0.0, 100), Tts::NotReached);
        assert_eq!(Tts::from_probability(0.995, 100), Tts::Steps(100.0));
        let Tts::Steps(s) = Tts::from_probability(0.5, 100) else {
            panic!()
        };
        assert!((s - 100.0 * 0.01f64.ln() / 0.5f64.ln()).abs() < 1e-9);
        assert!((s - 664.385_618_977).abs() < 1e-6);
    }
}
