//! Models of the analog half of a measurement-feedback Ising machine: oscillators that take one
//! drive value per spin each step and are measured back, behind one interface, with the
//! converters and non-idealities between them and the digital core (`Converters`, `Loop`).
//!
//! - [`Ideal`]: the amplitude is the drive (a perfect comparator); with ideal converters the
//!   closed loop is the digital dNPIM run bit for bit.
//! - [`Opo`]: degenerate optical parametric oscillators of a measurement-feedback CIM,
//!   `x ← x + dt·[(p(t) − 1)·x − x³ + drive] + σ·ξ`, pump `p(t)` ramped over the run.
//! - [`Cmos`]: CMOS ring oscillators under second-harmonic injection locking, phase
//!   `φ ← φ + dt·[−k(t)·sin 2φ − drive·sin φ] + σ·ξ`, amplitude `cos φ` (spin = sign cos φ),
//!   the locking strength `k(t)` ramped over the run.
//! - [`Pmcim`]: the poor man's CIM (seed 004), `x ← cos²(α·x + drive + σ·ξ − π/4) − 1/2`.
//!
//! Per-oscillator mismatch scales each oscillator's drive by `1 + mismatch·ξ_i` (fixed per run).

pub mod closed_loop;
pub mod config;

pub use closed_loop::{run_cim, run_dnpim, run_external, ExternalCore, LoopTrace};
pub use config::{LoopConfig, OscillatorKind};

use crate::rng::Rng;
use rand::Rng as _;
use rand_distr::StandardNormal;
use std::f64::consts::FRAC_PI_4;

/// Oscillators driven and measured once per step.
pub trait Oscillators {
    /// Takes step `t` of `steps`: one (analog) drive value per oscillator.
    fn step(&mut self, t: usize, steps: usize, drive: &[f64], rng: &mut Rng);
    /// What a measurement sees now: one signed amplitude per oscillator (sign = spin).
    fn amplitudes(&self) -> Vec<f64>;
    /// Starts from vacuum fluctuations instead of exactly zero (a physical oscillator never
    /// sits at its symmetric point): amplitudes of order 10⁻³ from `rng`.
    fn perturb(&mut self, _rng: &mut Rng) {}
}

fn gauss(rng: &mut Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// The amplitude is the drive.
#[derive(Clone, Debug)]
pub struct Ideal {
    x: Vec<f64>,
}

impl Ideal {
    /// `n` oscillators at rest.
    pub fn new(n: usize) -> Self {
        Ideal { x: vec![0.0; n] }
    }
}

impl Oscillators for Ideal {
    fn step(&mut self, _t: usize, _steps: usize, drive: &[f64], _rng: &mut Rng) {
        self.x.copy_from_slice(drive);
    }

    fn amplitudes(&self) -> Vec<f64> {
        self.x.clone()
    }
}

/// Euler substeps per loop step of the OPO model.
const SUBSTEPS: usize = 16;
/// OPO amplitudes are kept within ±X_MAX (far above saturation) so that no drive makes the
/// integration diverge.
const X_MAX: f64 = 8.0;

/// Degenerate optical parametric oscillators.
#[derive(Clone, Debug)]
pub struct Opo {
    x: Vec<f64>,
    gain: Vec<f64>,
    /// Euler step.
    pub dt: f64,
    /// Pump at the first and last step (linear ramp); threshold is 1.
    pub pump: (f64, f64),
    /// Noise per step at the first and the last step (linear ramp).
    pub sigma: (f64, f64),
}

impl Opo {
    /// `n` oscillators at rest with per-oscillator drive gains `gain`; the noise ramps from
    /// `sigma.0` to `sigma.1`.
    pub fn new(gain: Vec<f64>, dt: f64, pump: (f64, f64), sigma: (f64, f64)) -> Self {
        Opo {
            x: vec![0.0; gain.len()],
            gain,
            dt,
            pump,
            sigma,
        }
    }
}

fn ramp(t: usize, steps: usize, (a, b): (f64, f64)) -> f64 {
    if steps <= 1 {
        return b;
    }
    a + (b - a) * t as f64 / (steps - 1) as f64
}

impl Oscillators for Opo {
    fn step(&mut self, t: usize, steps: usize, drive: &[f64], rng: &mut Rng) {
        // the drive is held for the step; the cubic term is stiff, so the step is integrated
        // in SUBSTEPS Euler substeps (stable for |x| up to ~ sqrt(SUBSTEPS / dt))
        let p = ramp(t, steps, self.pump);
        let sigma = ramp(t, steps, self.sigma);
        let h = self.dt / SUBSTEPS as f64;
        for ((x, g), d) in self.x.iter_mut().zip(&self.gain).zip(drive) {
            for _ in 0..SUBSTEPS {
                let dx = (p - 1.0) * *x - *x * *x * *x + g * d;
                *x = (*x + h * dx).clamp(-X_MAX, X_MAX);
            }
            if sigma > 0.0 {
                *x += sigma * gauss(rng);
            }
        }
    }

    fn amplitudes(&self) -> Vec<f64> {
        self.x.clone()
    }

    fn perturb(&mut self, rng: &mut Rng) {
        for x in &mut self.x {
            *x = 1e-3 * gauss(rng);
        }
    }
}

/// CMOS ring oscillators under second-harmonic injection locking.
#[derive(Clone, Debug)]
pub struct Cmos {
    phi: Vec<f64>,
    gain: Vec<f64>,
    /// Euler step.
    pub dt: f64,
    /// Injection-locking strength at the first and last step (binarises the phase to 0 or π).
    pub shil: (f64, f64),
    /// Phase noise per step.
    pub sigma: f64,
    /// Restart every oscillator at phase π/2 (undecided) at the start of each step, so each
    /// step's phase is a fresh decision under that step's drive (sampling mode); without it the
    /// phases carry over and a locked oscillator resists a reversed drive.
    pub rearm: bool,
}

impl Cmos {
    /// `n` oscillators at phase π/2 (undecided), with drive gains `gain`.
    pub fn new(gain: Vec<f64>, dt: f64, shil: (f64, f64), sigma: f64, rearm: bool) -> Self {
        Cmos {
            phi: vec![std::f64::consts::FRAC_PI_2; gain.len()],
            gain,
            dt,
            shil,
            sigma,
            rearm,
        }
    }
}

impl Oscillators for Cmos {
    fn step(&mut self, t: usize, steps: usize, drive: &[f64], rng: &mut Rng) {
        // explicit Euler, with as many substeps as keep each phase move under 0.25 rad
        let k = ramp(t, steps, self.shil);
        let rearm = self.rearm;
        for ((p, g), d) in self.phi.iter_mut().zip(&self.gain).zip(drive) {
            if rearm {
                *p = std::f64::consts::FRAC_PI_2;
            }
            let rate = (g * d).abs() + 2.0 * k.abs();
            let n = ((self.dt * rate / 0.25).ceil() as usize).clamp(1, 4096);
            let h = self.dt / n as f64;
            for _ in 0..n {
                *p += h * (-k * (2.0 * *p).sin() - g * d * p.sin());
            }
            if self.sigma > 0.0 {
                *p += self.sigma * gauss(rng);
            }
        }
    }

    fn amplitudes(&self) -> Vec<f64> {
        self.phi.iter().map(|p| p.cos()).collect()
    }

    fn perturb(&mut self, rng: &mut Rng) {
        for p in &mut self.phi {
            *p = std::f64::consts::FRAC_PI_2 + 1e-3 * gauss(rng);
        }
    }
}

/// The poor man's CIM's opto-electronic oscillators.
#[derive(Clone, Debug)]
pub struct Pmcim {
    x: Vec<f64>,
    gain: Vec<f64>,
    /// Feedback of the oscillator's own amplitude.
    pub alpha: f64,
    /// Noise per step.
    pub sigma: f64,
}

impl Pmcim {
    /// `n` oscillators at rest with drive gains `gain`.
    pub fn new(gain: Vec<f64>, alpha: f64, sigma: f64) -> Self {
        Pmcim {
            x: vec![0.0; gain.len()],
            gain,
            alpha,
            sigma,
        }
    }
}

impl Oscillators for Pmcim {
    fn step(&mut self, _t: usize, _steps: usize, drive: &[f64], rng: &mut Rng) {
        for ((x, g), d) in self.x.iter_mut().zip(&self.gain).zip(drive) {
            let noise = if self.sigma > 0.0 {
                self.sigma * gauss(rng)
            } else {
                0.0
            };
            let arg = self.alpha * *x + g * d + noise - FRAC_PI_4;
            *x = arg.cos().powi(2) - 0.5;
        }
    }

    fn amplitudes(&self) -> Vec<f64> {
        self.x.clone()
    }

    fn perturb(&mut self, rng: &mut Rng) {
        for x in &mut self.x {
            *x = 1e-3 * gauss(rng);
        }
    }
}
