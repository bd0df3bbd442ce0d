//! The closed loop's settings: which oscillators, their parameters, the converters between
//! them and the core, and the non-idealities. Read from TOML (`npim hil --config FILE`); every
//! field has a default.

use serde::{Deserialize, Serialize};

/// Which oscillator model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OscillatorKind {
    /// Amplitude = drive.
    Ideal,
    /// Degenerate optical parametric oscillators (measurement-feedback CIM).
    Opo,
    /// CMOS ring oscillators under second-harmonic injection locking.
    Cmos,
    /// The poor man's CIM.
    Pmcim,
}

/// Everything about the analog half of the loop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoopConfig {
    /// The model.
    pub oscillator: OscillatorKind,
    /// DAC width in bits (0: ideal, the drive passes unquantized).
    pub dac_bits: u32,
    /// ADC width in bits (0: ideal, the amplitude passes unquantized).
    pub adc_bits: u32,
    /// Amplitude the ADC's full scale corresponds to.
    pub adc_full_scale: f64,
    /// Relative gain error of the DAC.
    pub dac_gain_error: f64,
    /// Relative gain error of the ADC.
    pub adc_gain_error: f64,
    /// ADC offset, in amplitude units.
    pub adc_offset: f64,
    /// Measurement noise (standard deviation, amplitude units).
    pub measurement_noise: f64,
    /// Standard deviation of the per-oscillator drive gain (fixed per run).
    pub mismatch: f64,
    /// Steps between a measurement and the core using it (1: the next step).
    pub latency: usize,
    /// Analog drive at DAC full scale (none: the model's default, [`LoopConfig::gain`]).
    pub drive_gain: Option<f64>,
    /// dNPIM external mode: the core's pre-sign output `y` is divided by `2^drive_shift` before
    /// the DAC (none: calibrated on the first step so that its largest `|y|` is half of full
    /// scale).
    pub drive_shift: Option<u32>,
    /// Euler step (OPO, CMOS).
    pub dt: f64,
    /// OPO pump at the first and the last step.
    pub pump: (f64, f64),
    /// Oscillator noise per step.
    pub noise: f64,
    /// OPO: the oscillator noise at the last step, ramped linearly from `noise` (none: constant),
    /// so that strong noise explores early and weak noise lets the amplitudes settle.
    pub noise_end: Option<f64>,
    /// CMOS injection-locking strength at the first and the last step (ramped, as CMOS Ising
    /// machines ramp SHIL: weak at first so that drives steer the phases, strong at the end to
    /// binarise them).
    pub shil: (f64, f64),
    /// CMOS: restart the phases every step (sampling mode; see `Cmos::rearm`).
    pub rearm: bool,
    /// Poor man's CIM self-feedback.
    pub alpha: f64,
}

impl Default for LoopConfig {
    fn default() -> Self {
        LoopConfig {
            oscillator: OscillatorKind::Opo,
            dac_bits: 10,
            adc_bits: 10,
            adc_full_scale: 1.5,
            dac_gain_error: 0.0,
            adc_gain_error: 0.0,
            adc_offset: 0.0,
            measurement_noise: 0.0,
            mismatch: 0.0,
            latency: 1,
            drive_gain: None,
            drive_shift: None,
            dt: 0.5,
            pump: (0.5, 1.5),
            noise: 0.0,
            noise_end: None,
            shil: (0.0, 0.6),
            alpha: 0.0,
            rearm: true,
        }
    }
}

impl LoopConfig {
    /// An ideal loop of `kind`: no noise, no errors, ideal converters, one-step latency.
    pub fn ideal(kind: OscillatorKind) -> Self {
        LoopConfig {
            oscillator: kind,
            dac_bits: 0,
            adc_bits: 0,
            ..LoopConfig::default()
        }
    }

    /// The analog drive at DAC full scale: the configured one, or the model's default: strong
    /// enough for an OPO or a ring oscillator to follow the core's decision within a step
    /// (measured: `npim study hil`, docs/hil.md), unity for the ideal model and the poor man's
    /// CIM (whose modulator takes the drive as a phase).
    pub fn gain(&self) -> f64 {
        self.drive_gain.unwrap_or(match self.oscillator {
            OscillatorKind::Ideal | OscillatorKind::Pmcim => 1.0,
            OscillatorKind::Opo => 100.0,
            OscillatorKind::Cmos => 10.0,
        })
    }

    /// Reads a TOML file's text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let c: LoopConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate()?;
        Ok(c)
    }

    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            (
                self.dac_bits == 0 || (2..=32).contains(&self.dac_bits),
                "dac_bits must be 0 (ideal) or 2..=32",
            ),
            (
                self.adc_bits == 0 || (1..=32).contains(&self.adc_bits),
                "adc_bits must be 0 (ideal) or 1..=32",
            ),
            (self.latency >= 1, "latency must be at least 1 step"),
            (self.adc_full_scale > 0.0, "adc_full_scale must be positive"),
            (self.dt > 0.0, "dt must be positive"),
            (
                [
                    self.measurement_noise,
                    self.mismatch,
                    self.noise,
                    self.noise_end.unwrap_or(0.0),
                ]
                .iter()
                .all(|v| *v >= 0.0),
                "noise levels and mismatch must not be negative",
            ),
        ];
        for (ok, msg) in checks {
            if !ok {
                return Err(msg.into());
            }
        }
        Ok(())
    }
}
