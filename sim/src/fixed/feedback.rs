//! The CIM feedback step of `docs/fixed-point.md`: the core's matvec over measured amplitude
//! samples, scaled by a power-of-two gain and saturated to the DAC's range.

use super::image::{CoreImage, JMemory};

/// Converter widths and the feedback gain `β = beta_q · 2^(−beta_shift)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feedback {
    /// ADC width (2..=16).
    pub adc_bits: u8,
    /// DAC width (2..=16).
    pub dac_bits: u8,
    /// Gain mantissa.
    pub beta_q: i16,
    /// Gain exponent (0..=62).
    pub beta_shift: u8,
}

impl Feedback {
    /// Clamps a raw ADC code to the symmetric range `±(2^(adc_bits−1) − 1)`.
    pub fn clamp_sample(&self, a: i64) -> i64 {
        let lim = (1i64 << (self.adc_bits - 1)) - 1;
        a.clamp(-lim, lim)
    }

    /// `φ = 2·J_q·a − l_q·2^(adc_bits−2)` (exact).
    pub fn phi(&self, image: &CoreImage, samples: &[i64]) -> Vec<i64> {
        let n = image.n;
        assert_eq!(samples.len(), n, "one sample per spin");
        let a: Vec<i64> = samples.iter().map(|&s| self.clamp_sample(s)).collect();
        let unit = 1i64 << (self.adc_bits - 2);
        let mut phi: Vec<i64> = image.linear.iter().map(|&l| -i64::from(l) * unit).collect();
        match &image.j {
            JMemory::Dense(v) => {
                for i in 0..n {
                    phi[i] += 2 * (0..n).map(|j| i64::from(v[i * n + j]) * a[j]).sum::<i64>();
                }
            }
            JMemory::Sparse { row_ptr, col, w } => {
                for i in 0..n {
                    for k in row_ptr[i] as usize..row_ptr[i + 1] as usize {
                        phi[i] += 2 * i64::from(w[k]) * a[col[k] as usize];
                    }
                }
            }
        }
        phi
    }

    /// The drive values: `clamp(−round_half_up(β_q·φ / 2^β_shift), ±(2^(dac_bits−1) − 1))`.
    pub fn drive(&self, image: &CoreImage, samples: &[i64]) -> Vec<i64> {
        let lim = (1i64 << (self.dac_bits - 1)) - 1;
        self.phi(image, samples)
            .into_iter()
            .map(|p| {
                let x = i128::from(self.beta_q) * i128::from(p);
                let sh = u32::from(self.beta_shift);
                let r = if sh == 0 {
                    x
                } else {
                    (x + (1i128 << (sh - 1))) >> sh
                };
                (-r).clamp(-i128::from(lim), i128::from(lim)) as i64
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{quantize, CoreConfig, GoldenCore, GoldenState};
    use crate::npim::NpimParams;
    use crate::{Ising, Storage};

    #[test]
    fn binary_samples_drive_minus_the_digital_field() {
        let ising = Ising::new(
            4,
            vec![(0, 1, 1.0), (1, 2, -2.0), (2, 3, 1.0), (0, 3, 3.0)],
            vec![2.0, 0.0, -1.0, 1.0],
            Storage::Auto,
        )
        .unwrap();
        let (image, _) = quantize(
            &ising,
            &NpimParams::annealed_greedy(1.0, 1.0, 0.5),
            &CoreConfig::preset("sim").unwrap(),
            5,
            0,
        )
        .unwrap();
        let core = GoldenCore::new(&image);
        let mut st = GoldenState::new(&core, 3);
        let fb = Feedback {
            adc_bits: 8,
            dac_bits: 12,
            beta_q: 1,
            beta_shift: 6,
        };
        for _ in 0..5 {
            st.step();
            let samples: Vec<i64> = st.spins().iter().map(|&s| i64::from(s) * 64).collect();
            let drive = fb.drive(&image, &samples);
            let minus_f: Vec<i64> = st.fields().iter().map(|f| -f).collect();
            assert_eq!(drive, minus_f);
        }
    }

    #[test]
    fn gain_rounding_and_saturation_follow_the_spec() {
        let ising = Ising::new(3, vec![(0, 1, 3.0), (1, 2, -2.0)], vec![], Storage::Auto).unwrap();
        let (image, _) = quantize(
            &ising,
            &NpimParams::annealed_greedy(1.0, 1.0, 0.5),
            &CoreConfig::preset("sim").unwrap(),
            5,
            0,
        )
        .unwrap();
        let fb = Feedback {
            adc_bits: 6,
            dac_bits: 5,
            beta_q: 3,
            beta_shift: 2,
        };
        // samples beyond ±31 are clamped
        let phi = fb.phi(&image, &[40, -7, 5]);
        assert_eq!(phi, vec![2 * 3 * -7, 2 * (3 * 31 - 2 * 5), 2 * -2 * -7]);
        let drive = fb.drive(&image, &[40, -7, 5]);
        // φ = (−42, 166, 28); −round_half_up(3φ/4) = (31, −125, −21), clamped to ±15
        let expect: Vec<i64> = phi
            .iter()
            .map(|&p| (-((3 * p + 2) >> 2)).clamp(-15, 15))
            .collect();
        assert_eq!(drive, expect);
        assert_eq!(drive, vec![15, -15, -15], "saturated at ±15");
    }
}
