//! `tanh` for the float model's hot loop, written so that the compiler can vectorise it over a
//! slice: no branches, no library calls. The platform's `tanh` (glibc: through `expm1`) took two
//! thirds of a float dNPIM step (`perf` on G1 with a `Tc = 8, D = 3` rule, 27 ns a call).
//!
//! The method is Cephes's (`tanh.c`, `exp.c`, S. L. Moshier): below `|x| = 0.625` the rational
//! form `x + x³·P(x²)/Q(x²)`, above it `1 − 2/(e^{2|x|} + 1)` with `e^y` reduced to
//! `2^n·e^r`, `|r| ≤ ln 2 / 2`, and `e^r` from a Padé form. Both branches are computed and one
//! is selected. The result stays within 3 units in the last place of the platform's `tanh`
//! (measured by the test on 600 000 points), far below anything a sign decision of the model
//! can see; the fixed-point core's table is still made with the platform's `tanh`
//! (`fixed::quantize`), so the golden model and the core do not change.

/// Cephes `tanh.c`: `P` and `Q` of the rational form for `|x| < 0.625`.
const TP: [f64; 3] = [
    -9.643_991_794_250_523e-1,
    -9.928_772_310_019_185e1,
    -1.614_687_684_417_084_5e3,
];
const TQ: [f64; 3] = [
    1.128_116_784_916_329_3e2,
    2.235_488_390_601_004_6e3,
    4.844_063_053_251_255e3,
];
/// Cephes `exp.c`: the Padé form of `e^r` and the two-part `ln 2`.
const EP: [f64; 3] = [
    1.261_771_930_748_105_9e-4,
    3.029_944_077_074_419_6e-2,
    9.999_999_999_999_999e-1,
];
const EQ: [f64; 4] = [
    3.001_985_051_386_644_6e-6,
    2.524_483_403_496_841e-3,
    2.272_655_482_081_550_3e-1,
    2.0,
];
const LN2_HI: f64 = 6.931_457_519_531_25e-1;
const LN2_LO: f64 = 1.428_606_820_309_417_2e-6;

/// `tanh x` (see the module notes on accuracy); NaN gives NaN. Each branch is brought to one
/// fraction and a single division serves the selected one (division is the slow operation).
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    // |x| < 0.625: x + x·z·P(z)/Q(z), z = x², as (x·Q + x·z·P)/Q
    let z = x * x;
    let tp = (TP[0] * z + TP[1]) * z + TP[2];
    let tq = ((z + TQ[0]) * z + TQ[1]) * z + TQ[2];
    let small_num = x * tq + x * z * tp;
    // otherwise 1 − 2/(e^y + 1), y = 2|x| (past |x| = 22 the difference from 1 is below half an
    // ulp), with e^y = 2^n·(q + p)/(q − p) (Cephes's e^r = 1 + 2p/(q − p)):
    // (2^n·(q + p) − (q − p)) / (2^n·(q + p) + (q − p))
    let y = 2.0 * a.min(22.0);
    // y ≥ 0: truncation is the floor
    let n = (std::f64::consts::LOG2_E * y + 0.5) as i32;
    let nf = f64::from(n);
    let r = y - nf * LN2_HI - nf * LN2_LO;
    let rr = r * r;
    let p = r * ((EP[0] * rr + EP[1]) * rr + EP[2]);
    let q = ((EQ[0] * rr + EQ[1]) * rr + EQ[2]) * rr + EQ[3];
    let scaled = (q + p) * f64::from_bits(((n + 1023) as u64) << 52);
    let large_num = (scaled - (q - p)).copysign(x);
    let large_den = scaled + (q - p);
    // (NaN takes the rational form, which keeps it NaN)
    let small = a < 0.625 || a.is_nan();
    let num = if small { small_num } else { large_num };
    let den = if small { tq } else { large_den };
    num / den
}

/// `v ← v + tanh v` over a slice (`f_nl`, seed 000 eq. 4), a loop the compiler vectorises:
/// four lanes wide where the CPU has AVX2 (chosen at run time; the operations and so the
/// results are the same as on the two-lane SSE2 path every x86-64 has).
pub fn f_nl_in_place(v: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        unsafe { f_nl_avx2(v) };
        return;
    }
    f_nl_loop(v);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn f_nl_avx2(v: &mut [f64]) {
    f_nl_loop(v);
}

/// The loop of [`f_nl_in_place`], inlined into callers that choose their own instruction set.
#[inline(always)]
pub(crate) fn f_nl_loop(v: &mut [f64]) {
    for z in v.iter_mut() {
        *z += tanh(*z);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Distance in units in the last place between two finite doubles of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        assert_eq!(a.is_sign_negative(), b.is_sign_negative(), "{a} {b}");
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn within_a_few_ulps_of_the_platform_tanh_everywhere() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut worst = 0;
        let mut check = |x: f64| {
            let u = ulps(tanh(x), x.tanh());
            assert!(
                u <= 3,
                "tanh({x:e}) = {:e}, platform {:e}",
                tanh(x),
                x.tanh()
            );
            worst = worst.max(u);
        };
        for _ in 0..200_000 {
            check(rng.gen_range(-25.0..25.0));
            check(rng.gen_range(-1.0..1.0));
            // small magnitudes down to 1e-300, both signs
            let m: f64 = 10f64.powf(rng.gen_range(-300.0..0.0));
            check(if rng.gen() { m } else { -m });
        }
        for x in [
            0.0,
            -0.0,
            0.625,
            -0.625,
            0.624_999_999_999,
            22.0,
            40.0,
            -1e300,
            1e-310,
        ] {
            check(x);
        }
        assert!(tanh(f64::INFINITY) == 1.0 && tanh(f64::NEG_INFINITY) == -1.0);
        assert!(tanh(f64::NAN).is_nan());
        assert!(worst >= 1, "the test compares something");
    }

    #[test]
    fn f_nl_over_a_slice_is_z_plus_tanh_z() {
        let mut v: Vec<f64> = (0..100).map(|i| (i as f64 - 50.0) * 0.173).collect();
        let want: Vec<f64> = v.iter().map(|&z| z + tanh(z)).collect();
        f_nl_in_place(&mut v);
        assert_eq!(v, want);
    }
}
