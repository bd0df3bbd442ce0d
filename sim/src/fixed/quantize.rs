//! Float parameters + instance + core configuration → a core image (`docs/fixed-point.md`).

use super::config::{CoreConfig, JStorage};
use super::image::{CoreImage, JMemory};
use super::noise::NOISE_STD;
use crate::instance::Ising;
use crate::npim::NpimParams;

/// What does not fit, with the limit and by how much.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuantizeError {
    /// `N > n_max`.
    #[error("the instance has {n} spins; core `{core}` holds at most {limit} (over by {})", n - limit)]
    TooManySpins {
        /// Spins.
        n: usize,
        /// `n_max`.
        limit: usize,
        /// Core name.
        core: String,
    },
    /// Stored entries beyond `nnz_max`.
    #[error("J needs {nnz} stored entries; core `{core}` holds at most {limit} (over by {})", nnz - limit)]
    TooManyEntries {
        /// Entries needed.
        nnz: usize,
        /// `nnz_max`.
        limit: usize,
        /// Core name.
        core: String,
    },
    /// Integer weights wider than `j_bits`.
    #[error("weight {weight} needs {needed}-bit weights; core `{core}` has {have}-bit (range ±{}, over by {})", (1i64 << (have - 1)) - 1, needed - have)]
    WeightRange {
        /// The largest |weight|.
        weight: i64,
        /// Bits it needs.
        needed: u8,
        /// `j_bits`.
        have: u8,
        /// Core name.
        core: String,
    },
    /// Fields wider than `field_bits`.
    #[error("fields reach ±{max} and need {needed} bits; core `{core}` has {have}-bit fields (over by {})", needed - have)]
    FieldWidth {
        /// Largest |f|.
        max: i64,
        /// Bits needed.
        needed: u8,
        /// `field_bits`.
        have: u8,
        /// Core name.
        core: String,
    },
    /// `T > t_max`.
    #[error("{steps} steps per run; core `{core}` runs at most {limit} (over by {})", steps - limit)]
    TooManySteps {
        /// Steps asked for.
        steps: usize,
        /// `t_max`.
        limit: usize,
        /// Core name.
        core: String,
    },
    /// `Tc > tc_max` or `D > d_max`.
    #[error(
        "the network has Tc = {tc}, D = {d}; core `{core}` supports Tc <= {tc_max}, D <= {d_max}"
    )]
    Architecture {
        /// History length.
        tc: usize,
        /// Hidden units.
        d: usize,
        /// `tc_max`.
        tc_max: usize,
        /// `d_max`.
        d_max: usize,
        /// Core name.
        core: String,
    },
    /// Zero steps.
    #[error("steps must be at least 1")]
    NoSteps,
    /// Parameters of another rule: the core runs dNPIM (eqs. 2-7) only.
    #[error("the parameters are for cNPIM; the core runs dNPIM only (train or pick a dNPIM file)")]
    NotDnpim,
    /// The image made does not fit the core in a build detail the quantizer does not choose
    /// (linear term width, knot memory, shifts).
    #[error("the image for core `{core}` does not fit it: {error}")]
    DoesNotFit {
        /// What does not fit.
        error: super::config::FitError,
        /// Core name.
        core: String,
    },
}

/// What quantization did, for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantizeReport {
    /// `J` and `l` represented exactly (integer instance within range).
    pub exact_instance: bool,
    /// Bits the fields need.
    pub field_bits_needed: u8,
    /// Largest rounding error of a schedule weight at the knots, relative to the class's full
    /// scale, per class (W⁰, W¹, W²).
    pub weight_error: [f64; 3],
}

/// Bits of a two's complement number holding `±max`.
pub fn signed_bits(max: i64) -> u8 {
    let mut b = 1;
    while (1i64 << (b - 1)) - 1 < max {
        b += 1;
    }
    b
}

/// A coupling `w` as the image stores it: `round(w / j_scale)` within `±lim`.
pub fn coupling_code(w: f64, j_scale: f64, lim: i64) -> i8 {
    ((w / j_scale).round() as i64).clamp(-lim, lim) as i8
}

/// A linear term `l` as the image stores it: `round(l / j_scale)` (held far inside `i32`).
pub fn linear_code(l: f64, j_scale: f64) -> i32 {
    ((l / j_scale).round() as i64).clamp(i32::MIN as i64 / 4, i32::MAX as i64 / 4) as i32
}

/// Whether `image` was quantized from `ising`: the same size, and every coupling and linear
/// term the code [`coupling_code`] and [`linear_code`] give it at the image's `j_scale`. The
/// message names the first that differs (a result reported against another instance would be
/// a wrong answer).
pub fn check_instance(image: &CoreImage, ising: &Ising) -> Result<(), String> {
    if ising.n() != image.n {
        return Err(format!(
            "the instance has {} spins, the image {}",
            ising.n(),
            image.n
        ));
    }
    let lim = (1i64 << (image.j_bits - 1)) - 1;
    let mut want = std::collections::HashMap::new();
    for e in ising.edges() {
        let c = coupling_code(e.w, image.j_scale, lim);
        if c != 0 {
            want.insert((e.i as usize, e.j as usize), (c, e.w));
        }
    }
    let mut seen = 0;
    for i in 0..image.n {
        for (j, w) in image.j.row(image.n, i).filter(|&(j, _)| j > i) {
            match want.get(&(i, j)) {
                Some(&(c, _)) if c == w => seen += 1,
                Some(&(_, v)) => {
                    return Err(format!(
                        "coupling {i}-{j} is {v} in the instance, {} in the image (j_scale {})",
                        f64::from(w) * image.j_scale,
                        image.j_scale
                    ))
                }
                None => {
                    return Err(format!(
                        "coupling {i}-{j} is in the image, not in the instance"
                    ))
                }
            }
        }
    }
    if seen != want.len() {
        return Err(format!(
            "the instance has {} couplings the image lacks",
            want.len() - seen
        ));
    }
    for (i, (&l, &code)) in ising.linear().iter().zip(&image.linear).enumerate() {
        if linear_code(l, image.j_scale) != code {
            return Err(format!(
                "linear term {i} is {l} in the instance, {} in the image",
                f64::from(code) * image.j_scale
            ));
        }
    }
    Ok(())
}

/// `J`'s memory in `storage` from entries `(i, j, w)` given once per pair: both triangles, each
/// row in column order. In sparse storage every entry given is stored, a zero weight too (the
/// quantizer leaves zeros out before; the EP trainer keeps them so that their pairs are
/// reported).
pub fn j_memory(n: usize, edges: &[(usize, usize, i8)], storage: JStorage) -> JMemory {
    match storage {
        JStorage::Dense => {
            let mut v = vec![0i8; n * n];
            for &(i, j, w) in edges {
                v[i * n + j] = w;
                v[j * n + i] = w;
            }
            JMemory::Dense(v)
        }
        JStorage::Sparse => {
            let mut rows: Vec<Vec<(u32, i8)>> = vec![Vec::new(); n];
            for &(i, j, w) in edges {
                rows[i].push((j as u32, w));
                rows[j].push((i as u32, w));
            }
            let mut row_ptr = vec![0u32];
            let (mut col, mut wv) = (Vec::new(), Vec::new());
            for r in &mut rows {
                r.sort_by_key(|e| e.0);
                for &(c, w) in r.iter() {
                    col.push(c);
                    wv.push(w);
                }
                row_ptr.push(col.len() as u32);
            }
            JMemory::Sparse {
                row_ptr,
                col,
                w: wv,
            }
        }
    }
}

/// Quantizes `params` for `ising` on core `core`, `steps` steps per run, runs seeded from `seed`.
pub fn quantize(
    ising: &Ising,
    params: &NpimParams,
    core: &CoreConfig,
    steps: usize,
    seed: u64,
) -> Result<(CoreImage, QuantizeReport), QuantizeError> {
    quantize_from(ising, params, core, steps, seed, 0.0)
}

/// [`quantize`] with the schedule's tail only: the `steps` steps run the rule's weights from
/// `τ = tau_from` to 1 instead of from 0 (reverse annealing: a run that starts from a given
/// state re-heats to the noise of `τ = tau_from` and anneals again; `docs/fixed-point.md`).
pub fn quantize_from(
    ising: &Ising,
    params: &NpimParams,
    core: &CoreConfig,
    steps: usize,
    seed: u64,
    tau_from: f64,
) -> Result<(CoreImage, QuantizeReport), QuantizeError> {
    let name = || core.name.clone();
    let n = ising.n();
    if steps == 0 {
        return Err(QuantizeError::NoSteps);
    }
    if params.variant == Some(crate::npim::Variant::Cnpim) {
        return Err(QuantizeError::NotDnpim);
    }
    if n > core.n_max {
        return Err(QuantizeError::TooManySpins {
            n,
            limit: core.n_max,
            core: name(),
        });
    }
    if steps > core.t_max {
        return Err(QuantizeError::TooManySteps {
            steps,
            limit: core.t_max,
            core: name(),
        });
    }
    let a = params.architecture;
    if a.tc > core.tc_max || a.d > core.d_max {
        return Err(QuantizeError::Architecture {
            tc: a.tc,
            d: a.d,
            tc_max: core.tc_max,
            d_max: core.d_max,
            core: name(),
        });
    }
    // J and l
    let lim = i64::from(core.j_max());
    let exact = ising.has_integer_weights() && ising.max_abs_weight() <= lim as f64;
    if ising.has_integer_weights() && !exact {
        let weight = ising.max_abs_weight() as i64;
        return Err(QuantizeError::WeightRange {
            weight,
            needed: signed_bits(weight),
            have: core.j_bits,
            core: name(),
        });
    }
    let j_scale = if exact {
        1.0
    } else {
        ising.max_abs_weight().max(f64::MIN_POSITIVE) / lim as f64
    };
    let edges: Vec<(usize, usize, i8)> = ising
        .edges()
        .iter()
        .map(|e| (e.i as usize, e.j as usize, coupling_code(e.w, j_scale, lim)))
        .filter(|e| e.2 != 0)
        .collect();
    let linear: Vec<i32> = ising
        .linear()
        .iter()
        .map(|&l| linear_code(l, j_scale))
        .collect();
    let nnz = match core.storage {
        JStorage::Dense => n * n,
        JStorage::Sparse => 2 * edges.len(),
    };
    if nnz > core.nnz_max {
        return Err(QuantizeError::TooManyEntries {
            nnz,
            limit: core.nnz_max,
            core: name(),
        });
    }
    let mut row_abs = vec![0i64; n];
    for &(i, j, w) in &edges {
        row_abs[i] += i64::from(w).abs();
        row_abs[j] += i64::from(w).abs();
    }
    let max_field = (0..n)
        .map(|i| 2 * row_abs[i] + i64::from(linear[i]).abs())
        .max()
        .unwrap_or(0);
    let field_bits_needed = signed_bits(max_field);
    if field_bits_needed > core.field_bits {
        return Err(QuantizeError::FieldWidth {
            max: max_field,
            needed: field_bits_needed,
            have: core.field_bits,
            core: name(),
        });
    }
    let j = j_memory(n, &edges, core.storage);
    // schedule knots
    let mut shift = 0u8;
    while ((steps - 1) >> shift) + 2 > core.knots_max {
        shift += 1;
    }
    let knots = ((steps - 1) >> shift) + 2;
    let per = 1 + a.d + a.d * a.tc;
    let mut real = vec![0.0f64; knots * per];
    for k in 0..knots {
        let tau = (k << shift) as f64 / steps as f64;
        let w = params.weights_at(tau_from + (1.0 - tau_from) * tau);
        let row = &mut real[k * per..(k + 1) * per];
        row[0] = w.w0 / NOISE_STD;
        row[1..1 + a.d].copy_from_slice(&w.w1);
        for (dst, src) in row[1 + a.d..].iter_mut().zip(&w.w2) {
            *dst = src * j_scale / 2.0;
        }
    }
    let class = |idx: usize| -> usize {
        if idx == 0 {
            0
        } else if idx <= a.d {
            1
        } else {
            2
        }
    };
    let wlim = ((1i64 << (core.w_bits - 1)) - 1) as f64;
    let mut exponents = [0i8; 3];
    let mut zero_class = [true; 3];
    for (c, e) in exponents.iter_mut().enumerate() {
        let max = real
            .iter()
            .enumerate()
            .filter(|(i, _)| class(i % per) == c)
            .map(|(_, v)| v.abs())
            .fold(0.0, f64::max);
        if max > 0.0 {
            *e = (wlim / max).log2().floor().clamp(-100.0, 100.0) as i8;
            zero_class[c] = false;
        }
    }
    // A class of zeros contributes nothing to `y`: its exponent is set so that neither term of
    // `y` needs an alignment shift (the core's shifters are sized for real images' shifts).
    let act = core.act_frac as i8;
    if zero_class[0] {
        exponents[0] = exponents[1] + act;
    } else if zero_class[1] {
        exponents[1] = exponents[0] - act;
    }
    let mut weight_error = [0.0f64; 3];
    let schedule: Vec<i16> = real
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let c = class(i % per);
            let scaled = v * 2f64.powi(i32::from(exponents[c]));
            let qv = scaled.round().clamp(-wlim, wlim);
            weight_error[c] = weight_error[c].max((qv - scaled).abs() / wlim);
            qv as i16
        })
        .collect();
    let table: Vec<u16> = (0..1usize << core.table_bits)
        .map(|idx| {
            let z = idx as f64 * 4.0 / (1u64 << core.table_bits) as f64;
            (z.tanh() * 2f64.powi(i32::from(core.act_frac))).round() as u16
        })
        .collect();
    let mut image = CoreImage {
        n,
        steps,
        j_bits: core.j_bits,
        field_bits: core.field_bits,
        w_bits: core.w_bits,
        act_frac: core.act_frac,
        z_bits: core.z_bits,
        table_bits: core.table_bits,
        knot_shift: shift,
        tc: a.tc,
        d: a.d,
        exponents,
        seed,
        j_scale,
        j,
        linear,
        schedule,
        table,
        layout: None,
    };
    // a scatter engine packs J by a row layout, which needs the whole J: chosen here
    if let (Some(scatter), JMemory::Sparse { .. }) = (&core.scatter, &image.j) {
        let owner =
            super::matvec_work::grouped_owners(&super::GoldenCore::new(&image), scatter.lanes);
        image.layout = Some(super::RowLayout {
            lanes: scatter.lanes,
            owner,
        });
    }
    debug_assert_eq!(image.check(), Ok(()));
    core.fits(&image)
        .map_err(|error| QuantizeError::DoesNotFit {
            error,
            core: name(),
        })?;
    Ok((
        image,
        QuantizeReport {
            exact_instance: exact,
            field_bits_needed,
            weight_error,
        },
    ))
}
