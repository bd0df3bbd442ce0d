//! A core configuration: what one build of the core can hold, and the widths of its arithmetic.
//! Named presets cover the boards; a TOML or JSON file can describe any other.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// How the core holds `J`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JStorage {
    /// `N_max × N_max` weights, row-major.
    Dense,
    /// Compressed sparse rows (both triangles).
    Sparse,
}

/// One build of the core.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreConfig {
    /// Preset or file name.
    pub name: String,
    /// Most spins.
    pub n_max: usize,
    /// Most stored `J` entries (both triangles; `N²` for dense).
    pub nnz_max: usize,
    /// Dense or sparse `J` memory.
    pub storage: JStorage,
    /// Matvec lanes (timing only; results do not depend on it).
    pub lanes: usize,
    /// Width of a `J` weight, 2..=8 (two's complement, symmetric range `±(2^(b−1) − 1)`).
    pub j_bits: u8,
    /// Width of a field `f = 2·J·σ − l`.
    pub field_bits: u8,
    /// Most history length `Tc`.
    pub tc_max: usize,
    /// Most hidden units `D`.
    pub d_max: usize,
    /// Width of a schedule weight (W⁰, W¹, W²).
    pub w_bits: u8,
    /// Fractional bits `A` of the activation domain (`z` and `f_nl(z)`).
    pub act_frac: u8,
    /// Width of the saturated `z`.
    pub z_bits: u8,
    /// log2 of the tanh table size (the table covers `|z| < 4`).
    pub table_bits: u8,
    /// Most schedule knots.
    pub knots_max: usize,
    /// Most steps per run.
    pub t_max: usize,
}

/// Preset names.
pub const PRESETS: &[&str] = &[
    "sim",
    "rtl",
    "rtl4",
    "small",
    "dense",
    "icebreaker",
    "ulx3s",
];

impl CoreConfig {
    /// A named preset:
    /// - `sim`: generous limits for software and simulation (N ≤ 4096, dense or sparse by file);
    /// - `rtl`: the default RTL build (`npim_hdl::builds::rtl`: N ≤ 2048, 65536 J entries,
    ///   8-bit J, `Tc ≤ 16`, 16-bit fields, one matvec lane: G1-G22 fit);
    /// - `rtl4`: the same with four matvec lanes;
    /// - `small`: a narrow RTL build (N ≤ 256, 8192 J entries, 4-bit J, two lanes, 1 024 knot
    ///   words);
    /// - `dense`: an RTL build with dense J (N ≤ 256, `N × N` 8-bit weights row-major, four
    ///   lanes);
    /// - `icebreaker`: the iCE40UP5K build (N ≤ 800, 65536 J entries, 2-bit J, two lanes,
    ///   512 knot words, 16 knots: G1-G21 fit);
    /// - `ulx3s`: ECP5-85F, 2000 spins, sparse, 8 lanes (G22).
    pub fn preset(name: &str) -> Option<Self> {
        let base = CoreConfig {
            name: name.to_string(),
            n_max: 4096,
            nnz_max: 4096 * 4096,
            storage: JStorage::Sparse,
            lanes: 1,
            j_bits: 8,
            field_bits: 20,
            tc_max: 32,
            d_max: 8,
            w_bits: 12,
            act_frac: 8,
            z_bits: 16,
            table_bits: 8,
            knots_max: 64,
            t_max: 1 << 20,
        };
        match name {
            "sim" => Some(base),
            // the default RTL build (hdl/src/builds/rtl.rs)
            "rtl" => Some(CoreConfig {
                n_max: 2048,
                nnz_max: 65536,
                field_bits: 16,
                tc_max: 16,
                d_max: 8,
                w_bits: 15,
                z_bits: 14,
                knots_max: 64,
                t_max: (1 << 20) - 1,
                ..base
            }),
            // the default RTL build with four matvec lanes (`npim_hdl::builds::rtl4`)
            "rtl4" => Some(CoreConfig {
                name: name.to_string(),
                lanes: 4,
                ..Self::preset("rtl")?
            }),
            // a narrow RTL build (`npim_hdl::builds::small`); its knot memory is 1 024 words:
            // 32 knots of up to 32 weights (Tc 8, D 3 takes 28)
            "small" => Some(CoreConfig {
                name: name.to_string(),
                n_max: 256,
                nnz_max: 8192,
                lanes: 2,
                j_bits: 4,
                knots_max: 32,
                ..Self::preset("rtl")?
            }),
            // an RTL build with dense J (`npim_hdl::builds::dense`)
            "dense" => Some(CoreConfig {
                name: name.to_string(),
                n_max: 256,
                nnz_max: 65536,
                storage: JStorage::Dense,
                lanes: 4,
                ..Self::preset("rtl")?
            }),
            // the iCEBreaker's RTL build (`npim_hdl::builds::icebreaker`): J and the field
            // history in the UP5K's four SPRAMs
            "icebreaker" => Some(CoreConfig {
                name: name.to_string(),
                n_max: 800,
                nnz_max: 65536,
                lanes: 2,
                j_bits: 2,
                knots_max: 16,
                ..Self::preset("rtl")?
            }),
            "ulx3s" => Some(CoreConfig {
                n_max: 2000,
                nnz_max: 2 * 40_000,
                lanes: 8,
                j_bits: 2,
                field_bits: 12,
                tc_max: 20,
                d_max: 3,
                w_bits: 12,
                z_bits: 16,
                knots_max: 64,
                t_max: 1 << 16,
                ..base
            }),
            _ => None,
        }
    }

    /// A preset name, or a `.toml` / `.json` file.
    pub fn load(spec: &str) -> Result<Self, String> {
        if let Some(c) = Self::preset(spec) {
            return Ok(c);
        }
        let path = Path::new(spec);
        if !path.exists() {
            return Err(format!(
                "core `{spec}`: not a preset ({}) and no such file",
                PRESETS.join(", ")
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{spec}: {e}"))?;
        let c: CoreConfig = if spec.ends_with(".json") {
            serde_json::from_str(&text).map_err(|e| format!("{spec}: {e}"))?
        } else {
            toml::from_str(&text).map_err(|e| format!("{spec}: {e}"))?
        };
        c.validate().map_err(|e| format!("{spec}: {e}"))?;
        Ok(c)
    }

    /// Whether this core can run `image`: every size within the core's limits, the same `J`
    /// storage, weights no wider than the core's, and the widths that set rounding and
    /// saturation (fields, activations, tanh table) equal to the core's. The message names the
    /// first limit broken and by how much.
    pub fn admits(&self, image: &super::CoreImage) -> Result<(), String> {
        let limits = [
            ("N", image.n, self.n_max),
            ("J entries", image.j.nnz(), self.nnz_max),
            ("steps", image.steps, self.t_max),
            ("knots", image.knots(), self.knots_max),
            ("Tc", image.tc, self.tc_max),
            ("D", image.d, self.d_max),
            ("J bits", image.j_bits.into(), self.j_bits.into()),
            ("weight bits", image.w_bits.into(), self.w_bits.into()),
        ];
        for (what, have, limit) in limits {
            if have > limit {
                return Err(format!(
                    "{what} {have} exceeds this core's {limit} (over by {})",
                    have - limit
                ));
            }
        }
        if image.storage() != self.storage {
            return Err(format!(
                "the image stores J {:?}, this core {:?}",
                image.storage(),
                self.storage
            ));
        }
        let exact = [
            ("field bits", image.field_bits, self.field_bits),
            ("activation fraction bits", image.act_frac, self.act_frac),
            ("z bits", image.z_bits, self.z_bits),
            ("table bits", image.table_bits, self.table_bits),
        ];
        for (what, have, core) in exact {
            if have != core {
                return Err(format!(
                    "{what} {have} differ from this core's {core} (quantize for this core)"
                ));
            }
        }
        Ok(())
    }

    /// The largest J weight magnitude, `2^(j_bits − 1) − 1` (the range is symmetric).
    pub fn j_max(&self) -> i32 {
        (1i32 << (self.j_bits - 1)) - 1
    }

    /// Checks the widths are ones the spec supports.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            ((2..=8).contains(&self.j_bits), "j_bits must be 2..=8"),
            (
                (4..=31).contains(&self.field_bits),
                "field_bits must be 4..=31",
            ),
            ((4..=16).contains(&self.w_bits), "w_bits must be 4..=16"),
            ((2..=12).contains(&self.act_frac), "act_frac must be 2..=12"),
            (
                self.z_bits > self.act_frac + 2 && self.z_bits <= 24,
                "z_bits must exceed act_frac + 2 and be at most 24",
            ),
            (
                (2..=12).contains(&self.table_bits),
                "table_bits must be 2..=12",
            ),
            (
                self.n_max >= 2 && self.lanes >= 1,
                "n_max >= 2 and lanes >= 1",
            ),
            (
                self.tc_max >= 1 && self.d_max >= 1,
                "tc_max and d_max must be at least 1",
            ),
            (
                self.knots_max >= 2 && self.t_max >= 1,
                "knots_max >= 2 and t_max >= 1",
            ),
        ];
        for (ok, msg) in checks {
            if !ok {
                return Err(msg.to_string());
            }
        }
        Ok(())
    }
}
