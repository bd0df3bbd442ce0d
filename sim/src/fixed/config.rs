//! A core configuration: what one build of the core can hold, and the widths of its arithmetic.
//! Named presets cover the boards; a TOML or JSON file can describe any other.

use super::golden::Shifts;
use super::CoreImage;
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
    /// Width of a stored linear term `l_q` (two's complement).
    #[serde(default = "defaults::linear_bits")]
    pub linear_bits: u8,
    /// Words of the knot memory: an image's schedule (`knots · (1 + D + D·Tc)` words) must fit.
    #[serde(default = "defaults::knot_words")]
    pub knot_words: usize,
    /// Most schedule weights per step, `1 + D + D·Tc` (the per-step weight memory's depth).
    #[serde(default = "defaults::step_weights_max")]
    pub step_weights_max: usize,
    /// Most knot spacing exponent: knots `2^knot_shift` steps apart.
    #[serde(default = "defaults::knot_shift_max")]
    pub knot_shift_max: u8,
    /// Largest shifts the update unit takes ([`super::golden::Shifts`]): the `W²` sum's right
    /// (`e2 − A`) and left (`A − e2`) shift and the two alignments `E − e0` and `E − e1 − A`.
    #[serde(default = "defaults::shift_max")]
    pub shift_max: ShiftLimits,
    /// Words of the memory that keeps a learning phase's window (RUN_PHASE, `docs/protocol.md`):
    /// a window of `W` steps of `N` spins takes `W·⌈N / window_word_spins⌉` words. 0: the core
    /// keeps no window (no learning phases).
    #[serde(default = "defaults::window_words")]
    pub window_words: usize,
    /// Spins a window word holds (the build's update units: a step's spins are written a word
    /// at a time).
    #[serde(default = "defaults::window_word_spins")]
    pub window_word_spins: usize,
    /// The scatter engine of a build whose matvec is incremental (`None`: the matvec reads
    /// `J`'s rows). Images for such a build carry a row layout over its lanes, which
    /// [`quantize`](super::quantize()) chooses and [`CoreConfig::fits`] checks against its
    /// memories. Written only when present, so a configuration without one reads as it did
    /// before (the bitstream manifests record the build's configuration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scatter: Option<ScatterLimits>,
}

/// A scatter engine's limits in a message (`none`, `32 lanes of 4096 words`).
fn scatter_name(s: &Option<ScatterLimits>) -> String {
    s.map_or("none".into(), |s| {
        format!("{} lanes of {} words", s.lanes, s.words)
    })
}

impl ScatterLimits {
    /// The engine's widths in `core`: bank addresses for `⌈n_max / lanes⌉` rows, `j_bits`
    /// weights, `words` words.
    pub fn widths(&self, core: &CoreConfig) -> super::scatter::ScatterWidths {
        let bits = |x: usize| x.next_power_of_two().trailing_zeros();
        super::scatter::ScatterWidths {
            slot_bits: bits(core.n_max.div_ceil(self.lanes.max(1))),
            weight_bits: u32::from(core.j_bits),
            word_addr_bits: bits(self.words),
        }
    }
}

/// A scatter engine's memories (`npim_hdl`'s `scatter` module): `lanes` banks of
/// `⌈n_max / lanes⌉` accumulators, each lane's word memory `words` deep, weights `j_bits` wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScatterLimits {
    /// Lanes: a row layout's (a power of two).
    pub lanes: usize,
    /// Words each lane's word memory holds (a power of two): a column takes as many as its
    /// fullest lane's entries, the columns one after another.
    pub words: usize,
}

/// The largest shifts a core's update unit takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftLimits {
    /// `e2 − A`.
    pub z_right: u8,
    /// `A − e2`.
    pub z_left: u8,
    /// `E − e0`.
    pub y0: u8,
    /// `E − e1 − A`.
    pub y1: u8,
}

/// Defaults of the limits a core file may leave out: the software models' (no RTL build's).
mod defaults {
    pub fn linear_bits() -> u8 {
        32
    }
    pub fn knot_words() -> usize {
        1 << 24
    }
    pub fn step_weights_max() -> usize {
        1 << 16
    }
    pub fn knot_shift_max() -> u8 {
        24
    }
    pub fn window_words() -> usize {
        1 << 40
    }
    pub fn window_word_spins() -> usize {
        1
    }
    pub fn shift_max() -> super::ShiftLimits {
        super::ShiftLimits {
            z_right: 63,
            z_left: 63,
            y0: 63,
            y1: 63,
        }
    }
}

/// One quantity a core limits and an image needs: the rows of [`CoreConfig::fits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Spins `N`.
    Spins,
    /// Stored `J` entries.
    JEntries,
    /// Steps `T`.
    Steps,
    /// Schedule knots.
    Knots,
    /// Schedule words (knots × weights per step).
    KnotWords,
    /// Schedule weights per step.
    StepWeights,
    /// History length `Tc`.
    Tc,
    /// Hidden units `D`.
    D,
    /// Width of a `J` weight.
    JBits,
    /// Width of a schedule weight.
    WeightBits,
    /// Width of a linear term.
    LinearBits,
    /// Knot spacing exponent.
    KnotShift,
    /// `e2 − A`.
    ZRightShift,
    /// `A − e2`.
    ZLeftShift,
    /// `E − e0`.
    Y0Shift,
    /// `E − e1 − A`.
    Y1Shift,
    /// Width of a field: sets saturation, so it must equal the core's.
    FieldBits,
    /// Fractional bits of the activation domain (must equal).
    ActFrac,
    /// Width of the saturated `z` (must equal).
    ZBits,
    /// log2 of the tanh table size (must equal).
    TableBits,
}

impl Limit {
    /// Every limit, in the order [`CoreConfig::fits`] checks them.
    pub const ALL: [Limit; 20] = [
        Limit::Spins,
        Limit::JEntries,
        Limit::Steps,
        Limit::Knots,
        Limit::KnotWords,
        Limit::StepWeights,
        Limit::Tc,
        Limit::D,
        Limit::JBits,
        Limit::WeightBits,
        Limit::LinearBits,
        Limit::KnotShift,
        Limit::ZRightShift,
        Limit::ZLeftShift,
        Limit::Y0Shift,
        Limit::Y1Shift,
        Limit::FieldBits,
        Limit::ActFrac,
        Limit::ZBits,
        Limit::TableBits,
    ];

    /// What the message calls it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::Spins => "N",
            Limit::JEntries => "J entries",
            Limit::Steps => "steps",
            Limit::Knots => "knots",
            Limit::KnotWords => "knot words",
            Limit::StepWeights => "weights per step",
            Limit::Tc => "Tc",
            Limit::D => "D",
            Limit::JBits => "J bits",
            Limit::WeightBits => "weight bits",
            Limit::LinearBits => "linear term bits",
            Limit::KnotShift => "knot spacing exponent",
            Limit::ZRightShift => "z right shift (e2 − A)",
            Limit::ZLeftShift => "z left shift (A − e2)",
            Limit::Y0Shift => "noise alignment shift (E − e0)",
            Limit::Y1Shift => "W¹ alignment shift (E − e1 − A)",
            Limit::FieldBits => "field bits",
            Limit::ActFrac => "activation fraction bits",
            Limit::ZBits => "z bits",
            Limit::TableBits => "table bits",
        }
    }

    /// Whether a core configuration states this limit for the quantizer: the sizes and widths
    /// images are made for. The rest (linear term width, knot memory, per-step weights, knot
    /// spacing, shifts) are details of a build that only an image can exceed.
    pub fn stated(self) -> bool {
        !matches!(
            self,
            Limit::KnotWords
                | Limit::StepWeights
                | Limit::LinearBits
                | Limit::KnotShift
                | Limit::ZRightShift
                | Limit::ZLeftShift
                | Limit::Y0Shift
                | Limit::Y1Shift
        )
    }

    /// The [`CoreConfig`] field that holds it.
    pub fn field(self) -> &'static str {
        match self {
            Limit::Spins => "n_max",
            Limit::JEntries => "nnz_max",
            Limit::Steps => "t_max",
            Limit::Knots => "knots_max",
            Limit::KnotWords => "knot_words",
            Limit::StepWeights => "step_weights_max",
            Limit::Tc => "tc_max",
            Limit::D => "d_max",
            Limit::JBits => "j_bits",
            Limit::WeightBits => "w_bits",
            Limit::LinearBits => "linear_bits",
            Limit::KnotShift => "knot_shift_max",
            Limit::ZRightShift => "shift_max.z_right",
            Limit::ZLeftShift => "shift_max.z_left",
            Limit::Y0Shift => "shift_max.y0",
            Limit::Y1Shift => "shift_max.y1",
            Limit::FieldBits => "field_bits",
            Limit::ActFrac => "act_frac",
            Limit::ZBits => "z_bits",
            Limit::TableBits => "table_bits",
        }
    }

    /// Whether an image must match the core exactly (widths that set rounding and saturation)
    /// rather than stay within it.
    pub fn exact(self) -> bool {
        matches!(
            self,
            Limit::FieldBits | Limit::ActFrac | Limit::ZBits | Limit::TableBits
        )
    }

    /// The core's limit.
    pub fn of_core(self, c: &CoreConfig) -> usize {
        match self {
            Limit::Spins => c.n_max,
            Limit::JEntries => c.nnz_max,
            Limit::Steps => c.t_max,
            Limit::Knots => c.knots_max,
            Limit::KnotWords => c.knot_words,
            Limit::StepWeights => c.step_weights_max,
            Limit::Tc => c.tc_max,
            Limit::D => c.d_max,
            Limit::JBits => c.j_bits.into(),
            Limit::WeightBits => c.w_bits.into(),
            Limit::LinearBits => c.linear_bits.into(),
            Limit::KnotShift => c.knot_shift_max.into(),
            Limit::ZRightShift => c.shift_max.z_right.into(),
            Limit::ZLeftShift => c.shift_max.z_left.into(),
            Limit::Y0Shift => c.shift_max.y0.into(),
            Limit::Y1Shift => c.shift_max.y1.into(),
            Limit::FieldBits => c.field_bits.into(),
            Limit::ActFrac => c.act_frac.into(),
            Limit::ZBits => c.z_bits.into(),
            Limit::TableBits => c.table_bits.into(),
        }
    }

    /// What `image` needs of it; `entries` is the count of stored `J` entries.
    fn of_image(self, image: &CoreImage, entries: usize) -> usize {
        let shifts = Shifts::of(image.exponents, image.act_frac);
        let (z_right, z_left) = shifts.z_right_left();
        match self {
            Limit::Spins => image.n,
            Limit::JEntries => entries,
            Limit::Steps => image.steps,
            Limit::Knots => image.knots(),
            Limit::KnotWords => image.schedule.len(),
            Limit::StepWeights => image.weights_per_knot(),
            Limit::Tc => image.tc,
            Limit::D => image.d,
            Limit::JBits => image.j_bits.into(),
            Limit::WeightBits => image.w_bits.into(),
            Limit::LinearBits => image
                .linear
                .iter()
                .map(|&l| signed_bits(i64::from(l)))
                .max()
                .unwrap_or(1),
            Limit::KnotShift => image.knot_shift.into(),
            Limit::ZRightShift => z_right as usize,
            Limit::ZLeftShift => z_left as usize,
            Limit::Y0Shift => shifts.y0 as usize,
            Limit::Y1Shift => shifts.y1 as usize,
            Limit::FieldBits => image.field_bits.into(),
            Limit::ActFrac => image.act_frac.into(),
            Limit::ZBits => image.z_bits.into(),
            Limit::TableBits => image.table_bits.into(),
        }
    }
}

/// Bits of the narrowest two's-complement width holding `v` (at least 1).
fn signed_bits(v: i64) -> usize {
    let magnitude = if v < 0 { !v } else { v };
    (65 - magnitude.leading_zeros()) as usize
}

/// Why an image does not fit a core, or a core does not hold another: the first limit broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// A quantity beyond the core's limit.
    #[error("{} {have} exceeds this core's {limit} (over by {})", .what.name(), .have - .limit)]
    Over {
        /// Which.
        what: Limit,
        /// The image's (or the wanted core's) value.
        have: usize,
        /// The core's.
        limit: usize,
    },
    /// A width that must equal the core's.
    #[error("{} {have} differ from this core's {core} (quantize for this core)", .what.name())]
    Differs {
        /// Which.
        what: Limit,
        /// The image's (or the wanted core's) value.
        have: usize,
        /// The core's.
        core: usize,
    },
    /// `J` stored the other way.
    #[error("the image stores J {image:?}, this core {core:?}")]
    Storage {
        /// The image's storage.
        image: JStorage,
        /// The core's.
        core: JStorage,
    },
    /// The image's row layout is not one this core's scatter engine takes (or the image has
    /// none and the core needs one, or has one the core cannot use).
    #[error("row layout: {0}")]
    Layout(String),
}

impl FitError {
    /// The limit broken (`None` for storage).
    pub fn limit(&self) -> Option<Limit> {
        match self {
            FitError::Over { what, .. } | FitError::Differs { what, .. } => Some(*what),
            FitError::Storage { .. } | FitError::Layout(_) => None,
        }
    }
}

/// Spins the `sim` preset (the golden model's default core) holds: G-set-sized graphs and the
/// generalisation sizes of issue 22 (N = 1 000 to 10 000) with room to spare.
pub const SIM_N_MAX: usize = 20_000;

/// Preset names.
pub const PRESETS: &[&str] = &["sim", "rtl", "rtl4", "small", "dense", "icebreaker"];

impl CoreConfig {
    /// A named preset:
    /// - `sim`: generous limits for software and simulation (N ≤ 20 000, the largest graphs
    ///   the class files are measured on; 4096² J entries: dense up to N = 4096, sparse beyond;
    ///   dense or sparse by file);
    /// - `rtl`: the default RTL build (`npim_hdl::builds::rtl`: N ≤ 2048, 65536 J entries,
    ///   8-bit J, `Tc ≤ 16`, 16-bit fields, 32 matvec lanes, 16 update units: G1-G22 fit);
    /// - `rtl4`: the same limits with four matvec lanes and four update units;
    /// - `small`: a narrow RTL build (N ≤ 256, 8192 J entries, 4-bit J, two lanes, 1 024 knot
    ///   words);
    /// - `dense`: an RTL build with dense J (N ≤ 256, `N × N` 8-bit weights row-major, four
    ///   lanes);
    /// - `icebreaker`: the iCE40UP5K build (N ≤ 800, 65536 J entries, 2-bit J, two lanes,
    ///   512 knot words, 16 knots, 8-bit linear terms, small shifts: G1-G21 fit).
    ///
    /// Every RTL build's preset is checked field by field against its parameter file
    /// (`npim-hdl`'s `widths_match_the_build_preset`); the ULX3S runs the `rtl` build.
    pub fn preset(name: &str) -> Option<Self> {
        let base = CoreConfig {
            name: name.to_string(),
            n_max: SIM_N_MAX,
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
            linear_bits: defaults::linear_bits(),
            knot_words: defaults::knot_words(),
            step_weights_max: defaults::step_weights_max(),
            knot_shift_max: defaults::knot_shift_max(),
            shift_max: defaults::shift_max(),
            window_words: defaults::window_words(),
            window_word_spins: defaults::window_word_spins(),
            scatter: None,
        };
        match name {
            "sim" => Some(base),
            // the default RTL build (hdl/src/builds/rtl.rs)
            "rtl" => Some(CoreConfig {
                n_max: 2048,
                lanes: 32,
                nnz_max: 65536,
                field_bits: 16,
                tc_max: 16,
                d_max: 8,
                w_bits: 15,
                z_bits: 14,
                knots_max: 64,
                t_max: (1 << 20) - 1,
                // LINEAR_BITS, 2^KNOT_ADDR_BITS, 2^WEIGHT_ADDR_BITS, 4-bit knot shift
                linear_bits: 16,
                knot_words: 8192,
                step_weights_max: 128,
                knot_shift_max: 15,
                // Z_RIGHT_MAX, Z_LEFT_MAX, Y_SHIFT_MAX, and 13 (y's 48 bits)
                shift_max: ShiftLimits {
                    z_right: 63,
                    z_left: 63,
                    y0: 22,
                    y1: 13,
                },
                // 2^WINDOW_ADDR_BITS words of UNITS spins
                window_words: 2048,
                window_word_spins: 16,
                ..base
            }),
            // the default RTL build with four matvec lanes (`npim_hdl::builds::rtl4`)
            "rtl4" => Some(CoreConfig {
                name: name.to_string(),
                lanes: 4,
                window_word_spins: 4,
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
                knot_words: 1024,
                window_word_spins: 2,
                ..Self::preset("rtl")?
            }),
            // an RTL build with dense J (`npim_hdl::builds::dense`)
            "dense" => Some(CoreConfig {
                name: name.to_string(),
                n_max: 256,
                nnz_max: 65536,
                storage: JStorage::Dense,
                lanes: 4,
                window_words: 0,
                window_word_spins: 1,
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
                linear_bits: 8,
                knot_words: 512,
                shift_max: ShiftLimits {
                    z_right: 15,
                    z_left: 3,
                    y0: 3,
                    y1: 3,
                },
                window_words: 0,
                window_word_spins: 1,
                ..Self::preset("rtl")?
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

    /// Whether this core can run `image` as its loader takes it: every quantity within the
    /// core's limits ([`Limit`]), the widths that set rounding and saturation equal to the
    /// core's, and `J` stored the core's way. The error names the first limit broken and by how
    /// much. The quantizer, the board models, the driver and the RTL harnesses all ask this.
    pub fn fits(&self, image: &CoreImage) -> Result<(), FitError> {
        self.fits_limits(image, image.j.nnz())?;
        if image.storage() != self.storage {
            return Err(FitError::Storage {
                image: image.storage(),
                core: self.storage,
            });
        }
        self.layout_fits(image).map_err(FitError::Layout)
    }

    /// Whether the image's row layout is what this core takes: none without a scatter engine;
    /// with one, a layout over its lanes whose packing fits its memories.
    fn layout_fits(&self, image: &CoreImage) -> Result<(), String> {
        match (&self.scatter, &image.layout) {
            (None, None) => Ok(()),
            (None, Some(layout)) => Err(format!(
                "the image carries one over {} lanes; core `{}` has no scatter engine \
                 (quantize for this core)",
                layout.lanes, self.name
            )),
            (Some(s), None) => Err(format!(
                "core `{}` packs J by one over its {} lanes, and the image has none (quantize \
                 for this core)",
                self.name, s.lanes
            )),
            (Some(s), Some(layout)) => {
                if layout.lanes != s.lanes {
                    return Err(format!(
                        "the image's is over {} lanes, core `{}`'s engine has {}",
                        layout.lanes, self.name, s.lanes
                    ));
                }
                let core = super::GoldenCore::new(image);
                super::scatter::ScatterLayout::new(&core, layout.owner.clone(), s.lanes)
                    .check_fits(&s.widths(self))
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// [`CoreConfig::fits`] for an image whose `J` is first converted to this core's storage
    /// (the RTL harnesses write `J`'s memory themselves, so they run either storage): a sparse
    /// core stores the non-zeros, a dense one all `N²` weights.
    pub fn fits_converted(&self, image: &CoreImage) -> Result<(), FitError> {
        let entries = match self.storage {
            JStorage::Dense => image.n * image.n,
            JStorage::Sparse => (0..image.n).map(|i| image.j.row(image.n, i).count()).sum(),
        };
        self.fits_limits(image, entries)
    }

    fn fits_limits(&self, image: &CoreImage, entries: usize) -> Result<(), FitError> {
        for what in Limit::ALL {
            let (have, limit) = (what.of_image(image, entries), what.of_core(self));
            if what.exact() && have != limit {
                return Err(FitError::Differs {
                    what,
                    have,
                    core: limit,
                });
            }
            if have > limit {
                return Err(FitError::Over { what, have, limit });
            }
        }
        Ok(())
    }

    /// Whether every image made for core configuration `wanted` fits this core: each limit a
    /// configuration states ([`Limit::stated`]) at least `wanted`'s, the exact widths equal,
    /// the same storage. All the shortfalls, as `(limit, wanted's, this core's)`.
    pub fn holds(&self, wanted: &CoreConfig) -> Result<(), Vec<FitError>> {
        let mut short = Vec::new();
        for what in Limit::ALL.into_iter().filter(|l| l.stated()) {
            let (have, limit) = (what.of_core(wanted), what.of_core(self));
            if what.exact() && have != limit {
                short.push(FitError::Differs {
                    what,
                    have,
                    core: limit,
                });
            } else if have > limit {
                short.push(FitError::Over { what, have, limit });
            }
        }
        if wanted.storage != self.storage {
            short.push(FitError::Storage {
                image: wanted.storage,
                core: self.storage,
            });
        }
        if wanted.scatter != self.scatter {
            short.push(FitError::Layout(format!(
                "scatter engine {} (build: {})",
                scatter_name(&wanted.scatter),
                scatter_name(&self.scatter)
            )));
        }
        if short.is_empty() {
            Ok(())
        } else {
            Err(short)
        }
    }

    /// `self` with the build details that IDENTIFY does not carry (the limits whose
    /// [`Limit::stated`] is false) taken from the preset with the same stated limits, storage
    /// and lanes, or the software defaults when no preset has them: a board's reply names its
    /// build this way.
    pub fn with_build_details(self) -> Self {
        let same = |p: &CoreConfig| {
            p.storage == self.storage
                && p.lanes == self.lanes
                && Limit::ALL
                    .into_iter()
                    .filter(|l| l.stated())
                    .all(|l| l.of_core(p) == l.of_core(&self))
        };
        let details = PRESETS
            .iter()
            .filter_map(|name| Self::preset(name))
            .find(same)
            .unwrap_or_else(|| Self::preset("sim").expect("the sim preset"));
        CoreConfig {
            linear_bits: details.linear_bits,
            knot_words: details.knot_words,
            step_weights_max: details.step_weights_max,
            knot_shift_max: details.knot_shift_max,
            shift_max: details.shift_max,
            window_words: details.window_words,
            window_word_spins: details.window_word_spins,
            scatter: details.scatter,
            ..self
        }
    }

    /// Whether the core keeps a learning phase's window of `window` steps of `n` spins
    /// (RUN_PHASE's rule on every board: `window·⌈n / window_word_spins⌉ ≤ window_words`).
    pub fn window_fits(&self, n: usize, window: usize) -> Result<(), String> {
        let words = window.saturating_mul(n.div_ceil(self.window_word_spins.max(1)));
        if self.window_words == 0 {
            return Err(format!(
                "core `{}` keeps no phase window (it has no learning phases)",
                self.name
            ));
        }
        if words > self.window_words {
            return Err(format!(
                "a window of {window} steps of {n} spins takes {words} words; core `{}` keeps {}",
                self.name, self.window_words
            ));
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
            (
                (2..=32).contains(&self.linear_bits) && self.knot_shift_max <= 24,
                "linear_bits must be 2..=32 and knot_shift_max at most 24",
            ),
            (
                self.step_weights_max >= 3 && self.knot_words >= 2 * self.step_weights_max.min(3),
                "step_weights_max must be at least 3 and knot_words hold two knots",
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
