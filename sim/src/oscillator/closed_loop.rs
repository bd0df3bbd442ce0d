//! The closed loop: the digital core and the oscillators, step by step, through a DAC, the
//! analog drive, the oscillators, a measurement and an ADC.
//!
//! - dNPIM external mode ([`run_dnpim`]): each step the core computes its pre-sign outputs `y`
//!   (the golden model's update unit), the DAC turns them into drives, the oscillators respond,
//!   the ADC measures them, and the measured signs — `latency` steps later — are the spins the
//!   core takes as `σ(t)` (fields, history, energy). With the ideal model and ideal converters
//!   the measured sign is the sign of `y`: the digital dNPIM run, bit for bit.
//! - CIM feedback mode ([`run_cim`]): each step the ADC samples the amplitudes, the core's
//!   feedback engine computes `drive = −β·(2·J·a − l)` (`docs/fixed-point.md`, the CIM feedback
//!   step), and the DAC feeds it back; the spins are the measured signs.

use super::config::{LoopConfig, OscillatorKind};
use super::{Cmos, Ideal, Opo, Oscillators, Pmcim};
use crate::fixed::feedback::Feedback;
use crate::fixed::{CoreImage, GoldenCore, GoldenState};
use crate::rng::{stream, Rng};
use rand::Rng as _;
use rand_distr::StandardNormal;
use std::collections::VecDeque;

/// What a closed-loop run produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoopTrace {
    /// `E4` of the spins the core took, per step.
    pub e4: Vec<i64>,
    /// The spins the core took, per step (only when asked for).
    pub spins: Vec<Vec<i8>>,
    /// Amplitudes of the first oscillators, per step (as many as asked for).
    pub amplitudes: Vec<Vec<f64>>,
    /// Lowest `E4`.
    pub best_e4: i64,
    /// First step reaching it.
    pub best_step: usize,
    /// The spins there.
    pub best_spins: Vec<i8>,
}

impl LoopTrace {
    fn record(&mut self, e4: i64, spins: &[i8], amps: &[f64], keep_spins: bool, keep_amps: usize) {
        let t = self.e4.len();
        if t == 0 || e4 < self.best_e4 {
            self.best_e4 = e4;
            self.best_step = t;
            self.best_spins = spins.to_vec();
        }
        self.e4.push(e4);
        if keep_spins {
            self.spins.push(spins.to_vec());
        }
        if keep_amps > 0 {
            self.amplitudes
                .push(amps.iter().take(keep_amps).copied().collect());
        }
    }
}

/// What to keep besides energies.
#[derive(Clone, Copy, Debug, Default)]
pub struct Keep {
    /// Every step's spins.
    pub spins: bool,
    /// Amplitudes of this many oscillators.
    pub amplitudes: usize,
}

fn model(cfg: &LoopConfig, n: usize, rng: &mut Rng) -> Box<dyn Oscillators> {
    let gain: Vec<f64> = (0..n)
        .map(|_| {
            let m: f64 = rng.sample(StandardNormal);
            1.0 + cfg.mismatch * m
        })
        .collect();
    match cfg.oscillator {
        OscillatorKind::Ideal => Box::new(Ideal::new(n)),
        OscillatorKind::Opo => Box::new(Opo::new(
            gain,
            cfg.dt,
            cfg.pump,
            (cfg.noise, cfg.noise_end.unwrap_or(cfg.noise)),
        )),
        OscillatorKind::Cmos => Box::new(Cmos::new(gain, cfg.dt, cfg.shil, cfg.noise, cfg.rearm)),
        OscillatorKind::Pmcim => Box::new(Pmcim::new(gain, cfg.alpha, cfg.noise)),
    }
}

/// The DAC: an integer drive code (full scale `±lim`, or unquantized when `lim` is 0) to an
/// analog drive.
fn dac(cfg: &LoopConfig, code: f64, lim: f64) -> f64 {
    let unit = if lim > 0.0 { code / lim } else { code };
    unit * cfg.gain() * (1.0 + cfg.dac_gain_error)
}

/// The ADC: an amplitude to a signed code (`±(2^(b−1) − 1)`; a 1-bit ADC is a comparator, ±1;
/// ideal: the amplitude itself).
fn adc(cfg: &LoopConfig, x: f64, rng: &mut Rng) -> f64 {
    let noise = if cfg.measurement_noise > 0.0 {
        let g: f64 = rng.sample(StandardNormal);
        cfg.measurement_noise * g
    } else {
        0.0
    };
    let v = x * (1.0 + cfg.adc_gain_error) + cfg.adc_offset + noise;
    match cfg.adc_bits {
        0 => v,
        1 => {
            if v >= 0.0 {
                1.0
            } else {
                -1.0
            }
        }
        b => {
            let lim = ((1u64 << (b - 1)) - 1) as f64;
            (v / cfg.adc_full_scale * lim).round().clamp(-lim, lim)
        }
    }
}

fn sign(v: f64) -> i8 {
    if v >= 0.0 {
        1
    } else {
        -1
    }
}

/// A dNPIM core in external mode, stepped from outside: each step it gives its pre-sign outputs
/// `y`, then takes the spins measured from the oscillators as `σ(t)`. The golden model in
/// process is one ([`GoldenState`]); a board (or its emulator) over the serial link is another
/// (the host's driver), so one loop serves both.
pub trait ExternalCore {
    /// The update unit's pre-sign outputs `y` of the current step.
    fn pre_sign(&mut self) -> Result<Vec<i128>, String>;
    /// Takes `σ(t)`, advances a step, returns `E4` of `σ(t)`.
    fn apply(&mut self, spins: &[i8]) -> Result<i64, String>;
}

impl ExternalCore for GoldenState<'_> {
    fn pre_sign(&mut self) -> Result<Vec<i128>, String> {
        Ok(GoldenState::pre_sign(self))
    }

    fn apply(&mut self, spins: &[i8]) -> Result<i64, String> {
        Ok(GoldenState::apply(self, spins))
    }
}

/// One dNPIM run in external mode: the core's pre-sign outputs drive the oscillators, and the
/// measured signs are its spins.
pub fn run_dnpim(
    core: &GoldenCore,
    run_seed: u32,
    cfg: &LoopConfig,
    seed: u64,
    keep: Keep,
) -> LoopTrace {
    let mut state = GoldenState::new(core, run_seed);
    run_external(
        &mut state,
        core.n(),
        core.steps(),
        run_seed,
        cfg,
        seed,
        keep,
    )
    .expect("the golden model in process does not fail")
}

/// [`run_dnpim`] on any core in external mode (`n` spins, `steps` steps, already started with
/// `run_seed`, which also seeds the oscillators with `seed`).
pub fn run_external(
    state: &mut dyn ExternalCore,
    n: usize,
    steps: usize,
    run_seed: u32,
    cfg: &LoopConfig,
    seed: u64,
    keep: Keep,
) -> Result<LoopTrace, String> {
    let mut rng = stream(seed, u64::from(run_seed));
    let mut osc = model(cfg, n, &mut rng);
    let mut trace = LoopTrace::default();
    let mut measured: VecDeque<Vec<i8>> = VecDeque::new();
    let lim = if cfg.dac_bits == 0 {
        0.0
    } else {
        ((1u64 << (cfg.dac_bits - 1)) - 1) as f64
    };
    let mut shift = cfg.drive_shift;
    let mut drive = vec![0.0; n];
    for t in 0..steps {
        let y = state.pre_sign()?;
        if y.len() != n {
            return Err(format!("step {t}: {} drive values for {n} spins", y.len()));
        }
        if lim > 0.0 {
            // calibrate once: the first step's largest |y| at half of full scale
            let sh = *shift.get_or_insert_with(|| {
                let top = y.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0).max(1);
                let bits = 128 - top.leading_zeros();
                bits.saturating_sub(cfg.dac_bits - 2)
            });
            for (d, &v) in drive.iter_mut().zip(&y) {
                // round half up, as every rescale in the core
                let r = if sh == 0 {
                    v
                } else {
                    (v + (1i128 << (sh - 1))) >> sh
                };
                let code = (r.clamp(-(lim as i128), lim as i128)) as f64;
                *d = dac(cfg, code, lim);
            }
        } else {
            for (d, &v) in drive.iter_mut().zip(&y) {
                *d = dac(cfg, v as f64, 0.0);
            }
        }
        osc.step(t, steps, &drive, &mut rng);
        let amps = osc.amplitudes();
        let m: Vec<i8> = amps.iter().map(|&x| sign(adc(cfg, x, &mut rng))).collect();
        measured.push_back(m);
        let applied = if measured.len() >= cfg.latency {
            let v = measured[measured.len() - cfg.latency].clone();
            if measured.len() > cfg.latency {
                measured.pop_front();
            }
            v
        } else {
            vec![1; n]
        };
        let e4 = state.apply(&applied)?;
        trace.record(e4, &applied, &amps, keep.spins, keep.amplitudes);
    }
    Ok(trace)
}

/// One run of the core as a CIM feedback engine: `drive = −β·(2·J·a − l)` from the measured
/// samples `a`, fed back through the DAC; the spins are the measured signs.
pub fn run_cim(
    image: &CoreImage,
    feedback: &Feedback,
    cfg: &LoopConfig,
    seed: u64,
    keep: Keep,
) -> LoopTrace {
    // β sets the feedback's strength here: the analog drive gain is 1 unless configured (the
    // per-model defaults are for the dNPIM external mode)
    let cfg = &LoopConfig {
        drive_gain: Some(cfg.drive_gain.unwrap_or(1.0)),
        ..cfg.clone()
    };
    let core = GoldenCore::new(image);
    let n = image.n;
    let steps = image.steps;
    let mut rng = stream(seed, 5);
    let mut osc = model(cfg, n, &mut rng);
    // the feedback of zero amplitudes is zero: start from vacuum fluctuations
    osc.perturb(&mut rng);
    let lim_dac = ((1u64 << (feedback.dac_bits - 1)) - 1) as f64;
    let adc_cfg = LoopConfig {
        adc_bits: u32::from(feedback.adc_bits),
        ..cfg.clone()
    };
    let mut samples: VecDeque<Vec<i64>> = VecDeque::new();
    let mut trace = LoopTrace::default();
    for t in 0..steps {
        let amps = osc.amplitudes();
        let a: Vec<i64> = amps
            .iter()
            .map(|&x| adc(&adc_cfg, x, &mut rng) as i64)
            .collect();
        let spins: Vec<i8> = a.iter().map(|&v| if v >= 0 { 1 } else { -1 }).collect();
        trace.record(
            core.e4_of(&spins),
            &spins,
            &amps,
            keep.spins,
            keep.amplitudes,
        );
        samples.push_back(a);
        let used = if samples.len() >= cfg.latency {
            let v = samples[samples.len() - cfg.latency].clone();
            if samples.len() > cfg.latency {
                samples.pop_front();
            }
            v
        } else {
            vec![0; n]
        };
        let codes = feedback.drive(image, &used);
        let drive: Vec<f64> = codes.iter().map(|&c| dac(cfg, c as f64, lim_dac)).collect();
        osc.step(t, steps, &drive, &mut rng);
    }
    trace
}
