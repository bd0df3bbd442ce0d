//! The core's noise source: one Marsaglia xorshift32 (13, 17, 5) state per spin, advanced once
//! per step; the noise is the sum of the state's four bytes minus 510 (an Irwin-Hall(4) sample:
//! mean 0, range ±510, standard deviation [`NOISE_STD`] ≈ 147.8), approximately Gaussian.
//!
//! Per-spin seeding needs only adders and shifts in hardware: spin `i` of a run with 32-bit run
//! seed `r` starts from `avalanche(r + (i + 1)·0x9E3779B9)`, where `avalanche` is the final mix
//! of Jenkins' one-at-a-time hash (`h += h<<3; h ^= h>>11; h += h<<15`), and a zero result is
//! replaced by `0x9E3779B9` (xorshift32 must not start at 0).

/// Standard deviation of the noise integer: `sqrt(4·(256² − 1)/12)`.
pub const NOISE_STD: f64 = 147.800_541_271_362_2;

/// The golden-ratio increment used for per-spin seeds.
pub const SPIN_STRIDE: u32 = 0x9E37_79B9;

/// One xorshift32 step.
#[inline]
pub fn xorshift32(mut x: u32) -> u32 {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    x
}

/// Jenkins one-at-a-time final avalanche.
#[inline]
pub fn avalanche(mut h: u32) -> u32 {
    h = h.wrapping_add(h << 3);
    h ^= h >> 11;
    h = h.wrapping_add(h << 15);
    h
}

/// The initial state of spin `i` under run seed `run_seed`.
#[inline]
pub fn spin_state(run_seed: u32, i: usize) -> u32 {
    let h = avalanche(run_seed.wrapping_add((i as u32).wrapping_add(1).wrapping_mul(SPIN_STRIDE)));
    if h == 0 {
        SPIN_STRIDE
    } else {
        h
    }
}

/// The noise integer of a (new) state: sum of its bytes − 510, in `−510..=510`.
#[inline]
pub fn noise_of(state: u32) -> i32 {
    let b = state.to_le_bytes();
    i32::from(b[0]) + i32::from(b[1]) + i32::from(b[2]) + i32::from(b[3]) - 510
}

/// The 32-bit run seed of run `run` under master seed `seed` (what the host sends a board).
pub fn run_seed(seed: u64, run: usize) -> u32 {
    (crate::rng::stream_seed(seed, run as u64) >> 32) as u32
}

/// Per-spin noise generators of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct SpinNoise {
    states: Vec<u32>,
}

impl SpinNoise {
    /// The generators of `n` spins for run seed `run_seed`.
    pub fn new(run_seed: u32, n: usize) -> Self {
        SpinNoise {
            states: (0..n).map(|i| spin_state(run_seed, i)).collect(),
        }
    }

    /// Advances spin `i` and returns its noise integer.
    #[inline]
    pub fn next(&mut self, i: usize) -> i32 {
        let s = xorshift32(self.states[i]);
        self.states[i] = s;
        noise_of(s)
    }

    /// The current states (for traces and the RTL comparison).
    pub fn states(&self) -> &[u32] {
        &self.states
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_has_the_stated_moments_and_no_lag_correlation() {
        let mut g = SpinNoise::new(12345, 64);
        let (mut s1, mut s2, mut lag, mut cross, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut prev = vec![0i32; 64];
        for t in 0..4000 {
            let now: Vec<i32> = (0..64).map(|i| g.next(i)).collect();
            for i in 0..64 {
                let v = f64::from(now[i]);
                s1 += v;
                s2 += v * v;
                if t > 0 {
                    lag += v * f64::from(prev[i]);
                }
                if i > 0 {
                    cross += v * f64::from(now[i - 1]);
                }
                n += 1.0;
            }
            prev = now;
        }
        let mean = s1 / n;
        let std = (s2 / n - mean * mean).sqrt();
        assert!(mean.abs() < 2.0, "mean {mean}");
        assert!((std - NOISE_STD).abs() < 1.5, "std {std}");
        let var = NOISE_STD * NOISE_STD;
        assert!(
            (lag / n / var).abs() < 0.02,
            "lag-1 correlation {}",
            lag / n / var
        );
        assert!(
            (cross / n / var).abs() < 0.02,
            "neighbour correlation {}",
            cross / n / var
        );
        assert!((NOISE_STD - (4.0 * 65535.0f64 / 12.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn seeds_are_distinct_and_never_zero() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000 {
            let s = spin_state(7, i);
            assert_ne!(s, 0);
            seen.insert(s);
        }
        assert_eq!(seen.len(), 10_000);
        assert_ne!(run_seed(1, 0), run_seed(1, 1));
    }
}
