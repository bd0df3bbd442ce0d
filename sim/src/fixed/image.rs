//! The core image: everything a core needs for one instance and one parameter set, in the byte
//! layout of `docs/core-image.md` (file extension `.npimg`), with a CRC-32 over the whole.

use super::config::JStorage;

/// File magic.
pub const MAGIC: &[u8; 8] = b"NPIMCORE";
/// The newest layout version this code writes and reads: 2 for an image with a row layout
/// (a scatter engine's), else 1 (so that cores built before layouts existed read every image
/// made for them).
pub const VERSION: u16 = 2;
/// The version of an image without a row layout.
pub const VERSION_PLAIN: u16 = 1;
/// Most lanes a row layout names (an owner is one byte).
pub const LAYOUT_LANES_MAX: usize = 256;
/// Bytes before the first section.
pub const HEADER_LEN: usize = 64;
/// The conventional extension.
pub const EXTENSION: &str = "npimg";

/// `J` as the core stores it.
#[derive(Clone, Debug, PartialEq)]
pub enum JMemory {
    /// Row-major `N × N`.
    Dense(Vec<i8>),
    /// Compressed sparse rows, both triangles, columns ascending within a row.
    Sparse {
        /// `N + 1` offsets.
        row_ptr: Vec<u32>,
        /// Column of each entry.
        col: Vec<u32>,
        /// Weight of each entry.
        w: Vec<i8>,
    },
}

impl JMemory {
    /// Stored entries.
    pub fn nnz(&self) -> usize {
        match self {
            JMemory::Dense(v) => v.len(),
            JMemory::Sparse { col, .. } => col.len(),
        }
    }

    /// The non-zero `(column, weight)` entries of row `i` of an `n`-spin `J`, columns ascending.
    pub fn row(&self, n: usize, i: usize) -> Box<dyn Iterator<Item = (usize, i8)> + '_> {
        match self {
            JMemory::Dense(v) => Box::new(
                v[i * n..(i + 1) * n]
                    .iter()
                    .enumerate()
                    .filter(|(_, &w)| w != 0)
                    .map(|(j, &w)| (j, w)),
            ),
            JMemory::Sparse { row_ptr, col, w } => {
                let range = row_ptr[i] as usize..row_ptr[i + 1] as usize;
                Box::new(
                    col[range.clone()]
                        .iter()
                        .zip(&w[range])
                        .map(|(&c, &w)| (c as usize, w)),
                )
            }
        }
    }
}

/// Which lane of a scatter engine accumulates each row's field (`docs/core-image.md`, the
/// layout section): the host chooses it (`matvec_work::grouped_owners`), since a good one
/// needs the whole `J`, and a board packs `J` into its memories from it as the image streams
/// in. Each group of `lanes` consecutive rows sits on distinct lanes, so that one read of every
/// lane's accumulators at an address gives one group's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct RowLayout {
    /// Lanes: a power of two, at most [`LAYOUT_LANES_MAX`].
    pub lanes: usize,
    /// Row `i`'s lane.
    pub owner: Vec<u16>,
}

impl RowLayout {
    /// Whether the layout is one for `n` rows: every owner below `lanes`, each group's rows on
    /// distinct lanes.
    pub fn check(&self, n: usize) -> Result<(), String> {
        if !self.lanes.is_power_of_two() || self.lanes < 2 || self.lanes > LAYOUT_LANES_MAX {
            return Err(format!(
                "a row layout over {} lanes (a power of two from 2 to {LAYOUT_LANES_MAX})",
                self.lanes
            ));
        }
        if self.owner.len() != n {
            return Err(format!(
                "the row layout has {} rows, J {n}",
                self.owner.len()
            ));
        }
        for (g, group) in self.owner.chunks(self.lanes).enumerate() {
            let mut taken = vec![false; self.lanes];
            for (k, &l) in group.iter().enumerate() {
                let i = g * self.lanes + k;
                let slot = taken.get_mut(l as usize).ok_or_else(|| {
                    format!(
                        "row {i}'s lane {l} is not below the layout's {}",
                        self.lanes
                    )
                })?;
                if std::mem::replace(slot, true) {
                    return Err(format!(
                        "row {i} shares lane {l} with an earlier row of its group of {}",
                        self.lanes
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A decoded core image.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreImage {
    /// Spins.
    pub n: usize,
    /// Steps per run `T`.
    pub steps: usize,
    /// Width of `J` weights.
    pub j_bits: u8,
    /// Width of fields.
    pub field_bits: u8,
    /// Width of schedule weights.
    pub w_bits: u8,
    /// Fractional bits of the activation domain.
    pub act_frac: u8,
    /// Width of saturated `z`.
    pub z_bits: u8,
    /// log2 of the tanh table size.
    pub table_bits: u8,
    /// Knot spacing is `2^knot_shift` steps.
    pub knot_shift: u8,
    /// History length.
    pub tc: usize,
    /// Hidden units.
    pub d: usize,
    /// Exponents `e0, e1, e2` of the W⁰, W¹, W² classes (real = q·2^(−e)).
    pub exponents: [i8; 3],
    /// Master seed of runs (`run_seed(seed, r)` for run `r`).
    pub seed: u64,
    /// Real `J` = `j_scale · J_q` (1 for exactly represented instances).
    pub j_scale: f64,
    /// The couplings.
    pub j: JMemory,
    /// Quantized linear term `l_q`.
    pub linear: Vec<i32>,
    /// Knot values, `knots × (1 + D + D·Tc)`, order `W⁰, W¹_k, W²_{k,s}`.
    pub schedule: Vec<i16>,
    /// tanh table, `2^table_bits` entries.
    pub table: Vec<u16>,
    /// The rows' lanes for a scatter engine (images for builds with one; sparse `J` only).
    pub layout: Option<RowLayout>,
}

/// Why bytes are not a usable image.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageError {
    /// Fewer bytes than the layout needs.
    #[error("image truncated: needs {expected} bytes, has {found}")]
    Truncated {
        /// Bytes needed.
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// Not an image.
    #[error("not a core image (bad magic)")]
    BadMagic,
    /// Another layout version.
    #[error("image format version {found} is not supported (this build reads 1 to {supported})")]
    Version {
        /// In the file.
        found: u16,
        /// What this build reads.
        supported: u16,
    },
    /// Corrupted.
    #[error("image CRC mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    Crc {
        /// In the file.
        stored: u32,
        /// Over the bytes.
        computed: u32,
    },
    /// Consistent bytes describing an impossible core.
    #[error("invalid image: {0}")]
    Invalid(String),
}

impl CoreImage {
    /// Weights per knot: `1 + D + D·Tc`.
    pub fn weights_per_knot(&self) -> usize {
        1 + self.d + self.d * self.tc
    }

    /// Number of schedule knots.
    pub fn knots(&self) -> usize {
        self.schedule.len() / self.weights_per_knot()
    }

    /// The storage form.
    pub fn storage(&self) -> JStorage {
        match self.j {
            JMemory::Dense(_) => JStorage::Dense,
            JMemory::Sparse { .. } => JStorage::Sparse,
        }
    }

    /// The bytes of the image.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(HEADER_LEN + 4 * self.j.nnz() + 4 * self.n + 64);
        b.extend_from_slice(MAGIC);
        let version = if self.layout.is_some() {
            VERSION
        } else {
            VERSION_PLAIN
        };
        b.extend_from_slice(&version.to_le_bytes());
        b.extend_from_slice(&(HEADER_LEN as u16).to_le_bytes());
        b.extend_from_slice(&(self.n as u32).to_le_bytes());
        b.extend_from_slice(&(self.steps as u32).to_le_bytes());
        b.extend_from_slice(&(self.j.nnz() as u32).to_le_bytes());
        b.push(match self.j {
            JMemory::Dense(_) => 0,
            JMemory::Sparse { .. } => 1,
        });
        b.extend_from_slice(&[
            self.j_bits,
            self.field_bits,
            self.w_bits,
            self.act_frac,
            self.z_bits,
            self.table_bits,
            self.knot_shift,
        ]);
        b.extend_from_slice(&(self.tc as u16).to_le_bytes());
        b.extend_from_slice(&(self.d as u16).to_le_bytes());
        b.extend_from_slice(&(self.knots() as u16).to_le_bytes());
        b.extend(self.exponents.iter().map(|&e| e as u8));
        b.push(
            self.layout
                .as_ref()
                .map_or(0, |l| l.lanes.trailing_zeros() as u8),
        );
        b.extend_from_slice(&[0; 2]);
        b.extend_from_slice(&self.seed.to_le_bytes());
        b.extend_from_slice(&self.j_scale.to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        debug_assert_eq!(b.len(), HEADER_LEN);
        if let Some(layout) = &self.layout {
            b.extend(layout.owner.iter().map(|&l| l as u8));
        }
        match &self.j {
            JMemory::Dense(v) => b.extend(v.iter().map(|&w| w as u8)),
            JMemory::Sparse { row_ptr, col, w } => {
                for p in row_ptr {
                    b.extend_from_slice(&p.to_le_bytes());
                }
                for (&c, &wt) in col.iter().zip(w) {
                    b.extend_from_slice(&(c | (u32::from(wt as u8) << 24)).to_le_bytes());
                }
            }
        }
        for l in &self.linear {
            b.extend_from_slice(&l.to_le_bytes());
        }
        for s in &self.schedule {
            b.extend_from_slice(&s.to_le_bytes());
        }
        for t in &self.table {
            b.extend_from_slice(&t.to_le_bytes());
        }
        let crc = crc32fast::hash(&b);
        b.extend_from_slice(&crc.to_le_bytes());
        b
    }

    /// Decodes and checks an image.
    pub fn from_bytes(b: &[u8]) -> Result<Self, ImageError> {
        let need = |expected: usize| {
            if b.len() < expected {
                Err(ImageError::Truncated {
                    expected,
                    found: b.len(),
                })
            } else {
                Ok(())
            }
        };
        need(12)?;
        if &b[..8] != MAGIC {
            return Err(ImageError::BadMagic);
        }
        let version = u16::from_le_bytes([b[8], b[9]]);
        if version == 0 || version > VERSION {
            return Err(ImageError::Version {
                found: version,
                supported: VERSION,
            });
        }
        need(HEADER_LEN)?;
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        let u16_at = |o: usize| u16::from_le_bytes(b[o..o + 2].try_into().unwrap()) as usize;
        let n = u32_at(12) as usize;
        let steps = u32_at(16) as usize;
        let nnz = u32_at(20) as usize;
        let storage = b[24];
        let (tc, d, knots) = (u16_at(32), u16_at(34), u16_at(36));
        let table_bits = b[30];
        if storage > 1 || table_bits > 16 || n == 0 {
            return Err(ImageError::Invalid(format!(
                "storage {storage}, table_bits {table_bits}, n {n}"
            )));
        }
        // version 2: byte 41 is log2 of the row layout's lanes, and the layout's n bytes follow
        // the header
        let layout_bits = b[41];
        if version == VERSION_PLAIN && layout_bits != 0 {
            return Err(ImageError::Invalid(format!(
                "a version-1 image with layout byte {layout_bits} (reserved, 0)"
            )));
        }
        if version == VERSION && !(1..=8).contains(&layout_bits) {
            return Err(ImageError::Invalid(format!(
                "a version-2 image's row layout over 2^{layout_bits} lanes (2^1 to 2^8)"
            )));
        }
        let layout_bytes = if version == VERSION { n } else { 0 };
        let per_knot = 1 + d + d * tc;
        let j_bytes = if storage == 0 {
            n.checked_mul(n)
                .ok_or_else(|| ImageError::Invalid("n too large".into()))?
        } else {
            4 * (n + 1) + 4 * nnz
        };
        let total = HEADER_LEN
            + layout_bytes
            + j_bytes
            + 4 * n
            + 2 * knots * per_knot
            + 2 * (1usize << table_bits)
            + 4;
        need(total)?;
        if b.len() > total {
            return Err(ImageError::Invalid(format!(
                "{} trailing bytes after the CRC",
                b.len() - total
            )));
        }
        let stored = u32_at(total - 4);
        let computed = crc32fast::hash(&b[..total - 4]);
        if stored != computed {
            return Err(ImageError::Crc { stored, computed });
        }
        let mut o = HEADER_LEN;
        let layout = (version == VERSION).then(|| RowLayout {
            lanes: 1 << layout_bits,
            owner: b[o..o + n].iter().map(|&l| u16::from(l)).collect(),
        });
        o += layout_bytes;
        let j = if storage == 0 {
            let v: Vec<i8> = b[o..o + n * n].iter().map(|&x| x as i8).collect();
            o += n * n;
            JMemory::Dense(v)
        } else {
            let row_ptr: Vec<u32> = (0..=n).map(|k| u32_at(o + 4 * k)).collect();
            o += 4 * (n + 1);
            let mut col = Vec::with_capacity(nnz);
            let mut w = Vec::with_capacity(nnz);
            for k in 0..nnz {
                let word = u32_at(o + 4 * k);
                col.push(word & 0x00FF_FFFF);
                w.push((word >> 24) as u8 as i8);
            }
            o += 4 * nnz;
            JMemory::Sparse { row_ptr, col, w }
        };
        let linear: Vec<i32> = (0..n).map(|k| u32_at(o + 4 * k) as i32).collect();
        o += 4 * n;
        let schedule: Vec<i16> = (0..knots * per_knot)
            .map(|k| i16::from_le_bytes([b[o + 2 * k], b[o + 2 * k + 1]]))
            .collect();
        o += 2 * knots * per_knot;
        let table: Vec<u16> = (0..1usize << table_bits)
            .map(|k| u16::from_le_bytes([b[o + 2 * k], b[o + 2 * k + 1]]))
            .collect();
        let image = CoreImage {
            n,
            steps,
            j_bits: b[25],
            field_bits: b[26],
            w_bits: b[27],
            act_frac: b[28],
            z_bits: b[29],
            table_bits,
            knot_shift: b[31],
            tc,
            d,
            exponents: [b[38] as i8, b[39] as i8, b[40] as i8],
            seed: u64::from_le_bytes(b[44..52].try_into().unwrap()),
            j_scale: f64::from_le_bytes(b[52..60].try_into().unwrap()),
            j,
            linear,
            schedule,
            table,
            layout,
        };
        image.check().map_err(ImageError::Invalid)?;
        Ok(image)
    }

    /// Structural checks: `J` symmetric with zero diagonal and in range, schedule long enough.
    pub fn check(&self) -> Result<(), String> {
        if self.tc == 0 || self.d == 0 || self.steps == 0 {
            return Err("tc, d and steps must be at least 1".into());
        }
        if self.knot_shift > 24 || self.knots() < ((self.steps - 1) >> self.knot_shift) + 2 {
            return Err(format!(
                "{} knots cannot cover {} steps at spacing 2^{}",
                self.knots(),
                self.steps,
                self.knot_shift
            ));
        }
        let lim = (1i32 << (self.j_bits - 1)) - 1;
        let n = self.n;
        let mut entries: Vec<(usize, usize, i8)> = Vec::new();
        match &self.j {
            JMemory::Dense(v) => {
                if v.len() != n * n {
                    return Err("dense J has the wrong size".into());
                }
                for i in 0..n {
                    for j in 0..n {
                        if v[i * n + j] != 0 {
                            entries.push((i, j, v[i * n + j]));
                        }
                    }
                }
            }
            JMemory::Sparse { row_ptr, col, w } => {
                if row_ptr.len() != n + 1 || row_ptr[0] != 0 || row_ptr[n] as usize != col.len() {
                    return Err("sparse J row pointers do not match the entries".into());
                }
                for i in 0..n {
                    let (lo, hi) = (row_ptr[i] as usize, row_ptr[i + 1] as usize);
                    if lo > hi || hi > col.len() {
                        return Err(format!("row {i}: row pointers decrease"));
                    }
                    for k in lo..hi {
                        if col[k] as usize >= n || (k > lo && col[k] <= col[k - 1]) {
                            return Err(format!(
                                "row {i}: column {} out of order or range",
                                col[k]
                            ));
                        }
                        entries.push((i, col[k] as usize, w[k]));
                    }
                }
            }
        }
        let mut set = std::collections::HashMap::with_capacity(entries.len());
        for &(i, j, w) in &entries {
            if i == j {
                return Err(format!("J has a diagonal entry at {i}"));
            }
            if i32::from(w).abs() > lim {
                return Err(format!("J weight {w} exceeds {}-bit range", self.j_bits));
            }
            set.insert((i, j), w);
        }
        for &(i, j, w) in &entries {
            if set.get(&(j, i)) != Some(&w) {
                return Err(format!("J is not symmetric at ({i}, {j})"));
            }
        }
        if self.linear.len() != n || self.table.len() != 1 << self.table_bits {
            return Err("linear term or table has the wrong size".into());
        }
        if let Some(layout) = &self.layout {
            if self.storage() != JStorage::Sparse {
                return Err("a row layout with dense J (a scatter engine stores it sparse)".into());
            }
            layout.check(n)?;
        }
        Ok(())
    }
}

impl CoreImage {
    /// The instance the image holds: `J = j_scale·J_q`, `l = j_scale·l_q` (the original instance
    /// when it was represented exactly).
    pub fn to_ising(&self) -> crate::Ising {
        let n = self.n;
        let mut edges = Vec::new();
        match &self.j {
            JMemory::Dense(v) => {
                for i in 0..n {
                    for j in i + 1..n {
                        if v[i * n + j] != 0 {
                            edges.push((i, j, self.j_scale * f64::from(v[i * n + j])));
                        }
                    }
                }
            }
            JMemory::Sparse { row_ptr, col, w } => {
                for i in 0..n {
                    for k in row_ptr[i] as usize..row_ptr[i + 1] as usize {
                        if (col[k] as usize) > i {
                            edges.push((i, col[k] as usize, self.j_scale * f64::from(w[k])));
                        }
                    }
                }
            }
        }
        let linear = self
            .linear
            .iter()
            .map(|&l| self.j_scale * f64::from(l))
            .collect();
        crate::Ising::new(n, edges, linear, crate::Storage::Auto)
            .expect("a checked image is a valid instance")
    }
}
