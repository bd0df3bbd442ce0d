//! What a run of the core produced, step by step, and the golden model's trace of the same run:
//! the common currency of every build's harnesses (`builds::*::core_sim`) and of the tests.

use npim_sim::fixed::image::CoreImage;
use npim_sim::fixed::{GoldenCore, GoldenState};

/// What one step produced.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct StepTrace {
    /// Spin bits (1 = −1) by index.
    pub spins: Vec<bool>,
    /// Fields by index.
    pub fields: Vec<i64>,
    /// `E4`.
    pub e4: i64,
    /// External mode: the drive values (pre-sign outputs `y`) by index; empty otherwise.
    pub drives: Vec<i64>,
}

/// What a run produced.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunTrace {
    /// Every step.
    pub steps: Vec<StepTrace>,
    /// Lowest `E4`.
    pub best_e4: i64,
    /// First step reaching it.
    pub best_step: usize,
    /// The best spin bits.
    pub best_spins: Vec<bool>,
    /// Clock cycles of the run (from `start` to `run_done`).
    pub cycles: u64,
}

impl RunTrace {
    /// An empty trace (no best yet).
    pub fn new() -> Self {
        RunTrace {
            best_e4: i64::MAX,
            ..Default::default()
        }
    }

    /// Appends the next step; a strictly lower `E4` becomes the best (the core's rule).
    pub fn push(&mut self, step: StepTrace) {
        if step.e4 < self.best_e4 {
            self.best_e4 = step.e4;
            self.best_step = self.steps.len();
            self.best_spins = step.spins.clone();
        }
        self.steps.push(step);
    }
}

/// The golden model's trace of the same run.
pub fn golden_trace(image: &CoreImage, run_seed: u32) -> RunTrace {
    let core = GoldenCore::new(image);
    let mut state = GoldenState::new(&core, run_seed);
    let mut trace = RunTrace::new();
    for _ in 0..image.steps {
        let e4 = state.step();
        trace.push(StepTrace {
            spins: state.spins().iter().map(|&s| s < 0).collect(),
            fields: state.fields(),
            e4,
            drives: Vec::new(),
        });
    }
    trace
}

/// How a harness runs the core: closing the loop itself, or in external mode with the harness
/// as the DAC and the ADC (the DAC's ready and the ADC's valid withheld on a pseudo-random
/// pattern, or never withheld; the samples fed back are [`test_sample`] of the drives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The core decides its spins.
    Internal,
    /// Drives out, samples in; the seed picks the flip and handshake patterns.
    External(u32),
    /// Drives out, samples in, every handshake taken at once (converters that never stall):
    /// the cycles a step then takes are the loop's latency floor. The seed picks the flips.
    ExternalIdeal(u32),
}

/// The sample the external-mode harnesses feed back for spin `i` at step `t` after drive `y`:
/// the sign of `y`, flipped where a hash of `(t, i, seed)` is 0 mod 13 (so the spins taken
/// differ from the core's own decisions), with a varying magnitude, and 0 (read as +1) where
/// `(t + i)` is 0 mod 11.
pub fn test_sample(y: i64, t: usize, i: usize, seed: u32) -> i16 {
    let mut s: i16 = if y < 0 { -1 } else { 1 };
    if (t as u64 * 7919 + i as u64 * 104_729 + u64::from(seed)).is_multiple_of(13) {
        s = -s;
    }
    if s > 0 && (t + i).is_multiple_of(11) {
        0
    } else {
        s * (1 + (i % 50) as i16)
    }
}

/// The harnesses' handshake pattern generator (xorshift32).
pub fn next_pattern(x: &mut u32) -> u32 {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    *x
}

/// The golden model's trace of the same run in external mode: each step the pre-sign outputs,
/// then [`test_sample`]'s spins applied.
pub fn golden_trace_external(image: &CoreImage, run_seed: u32, seed: u32) -> RunTrace {
    let core = GoldenCore::new(image);
    let mut state = GoldenState::new(&core, run_seed);
    let mut trace = RunTrace::new();
    for t in 0..image.steps {
        let drives: Vec<i64> = state.pre_sign().iter().map(|&y| y as i64).collect();
        let spins: Vec<i8> = drives
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                if test_sample(y, t, i, seed) < 0 {
                    -1
                } else {
                    1
                }
            })
            .collect();
        let e4 = state.apply(&spins);
        trace.push(StepTrace {
            spins: spins.iter().map(|&s| s < 0).collect(),
            fields: state.fields(),
            e4,
            drives,
        });
    }
    trace
}
