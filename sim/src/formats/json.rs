//! The JSON form of an instance: 0-based edges `[i, j, w]`, an optional linear term, and the
//! metadata that rudy cannot hold (name, planted state, ground energy).
//!
//! ```json
//! {"format": "npim-instance", "version": 1, "n": 3,
//!  "edges": [[0, 1, 1.0], [1, 2, -1.0]], "linear": [0.0, 0.5, 0.0],
//!  "meta": {"name": "example", "ground_energy": -2.5}}
//! ```

use super::{Fault, FormatError};
use crate::couplings::Storage;
use crate::instance::{Ising, Metadata};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The format tag every instance file carries.
pub const FORMAT_TAG: &str = "npim-instance";
/// The version this code writes and reads.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceFile {
    format: String,
    version: u32,
    n: usize,
    edges: Vec<(i64, i64, f64)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    linear: Vec<f64>,
    #[serde(default)]
    meta: Metadata,
}

/// Parses JSON text into an instance.
pub fn parse(text: &str, path: &Path, storage: Storage) -> Result<Ising, FormatError> {
    let err = |line: Option<usize>, fault: Fault| FormatError {
        path: path.to_path_buf(),
        line,
        fault,
    };
    if text.trim().is_empty() {
        return Err(err(None, Fault::Empty));
    }
    let file: InstanceFile =
        serde_json::from_str(text).map_err(|e| err(Some(e.line()), Fault::Json(e.to_string())))?;
    if file.format != FORMAT_TAG {
        return Err(err(
            None,
            Fault::Invalid(format!(
                "format is `{}`, expected `{FORMAT_TAG}`",
                file.format
            )),
        ));
    }
    if file.version != VERSION {
        return Err(err(
            None,
            Fault::Invalid(format!(
                "version {} is not supported (this build reads {VERSION})",
                file.version
            )),
        ));
    }
    if file.n == 0 {
        return Err(err(
            None,
            Fault::Invalid("`n` is 0: an instance needs at least one spin".into()),
        ));
    }
    let mut edges = Vec::with_capacity(file.edges.len());
    for (k, &(i, j, w)) in file.edges.iter().enumerate() {
        for v in [i, j] {
            if v < 0 || v as u64 >= file.n as u64 {
                return Err(err(
                    None,
                    Fault::Invalid(format!(
                        "edge {k}: vertex {v} is out of range 0..{}",
                        file.n
                    )),
                ));
            }
        }
        edges.push((i as usize, j as usize, w));
    }
    if let Some(p) = &file.meta.planted_spins {
        if p.len() != file.n || p.iter().any(|&s| s != 1 && s != -1) {
            return Err(err(
                None,
                Fault::Invalid("planted_spins must be n values of ±1".into()),
            ));
        }
    }
    let mut ising = Ising::new(file.n, edges, file.linear, storage)
        .map_err(|e| err(None, Fault::Invalid(e.to_string())))?;
    ising.meta = file.meta;
    Ok(ising)
}

/// Serialises an instance (pretty-printed, one edge per line is not attempted: compact edges).
pub fn to_string(ising: &Ising) -> String {
    let file = InstanceFile {
        format: FORMAT_TAG.into(),
        version: VERSION,
        n: ising.n(),
        edges: ising
            .edges()
            .iter()
            .map(|e| (i64::from(e.i), i64::from(e.j), e.w))
            .collect(),
        linear: if ising.has_zero_field() {
            Vec::new()
        } else {
            ising.linear().to_vec()
        },
        meta: ising.meta.clone(),
    };
    let mut s = serde_json::to_string(&file).expect("instance serialises");
    s.push('\n');
    s
}
