//! The rudy text format of the G-set: a header `N M`, then `M` lines `i j w` with 1-based
//! vertices, each undirected edge once. Blank lines and lines starting with `#` or `%` are
//! ignored (G-set files have none; hand-written files often do).

use super::{Fault, FormatError};
use crate::couplings::Storage;
use crate::instance::Ising;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// One `i j w` entry with its line number (1-based vertices as written).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// First vertex, 1-based.
    pub i: usize,
    /// Second vertex, 1-based.
    pub j: usize,
    /// Weight.
    pub w: f64,
    /// Line in the file.
    pub line: usize,
}

/// Parses the entries of a rudy-style file; `allow_diagonal` admits `i i w` lines (used by the
/// QUBO reader for diagonal terms). Checks ranges, duplicates and the edge count.
pub fn parse_entries(
    text: &str,
    path: &Path,
    allow_diagonal: bool,
) -> Result<(usize, Vec<Entry>), FormatError> {
    let err = |line: Option<usize>, fault: Fault| FormatError {
        path: path.to_path_buf(),
        line,
        fault,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with('%'));
    let (hline, header) = lines.next().ok_or_else(|| err(None, Fault::Empty))?;
    let fields: Vec<&str> = header.split_whitespace().collect();
    if fields.len() != 2 {
        return Err(err(
            Some(hline),
            Fault::Header(format!("expected `N M`, found {} fields", fields.len())),
        ));
    }
    let count = |text: &str, field: &'static str| -> Result<usize, FormatError> {
        text.parse::<usize>().map_err(|_| {
            let fault = if text.parse::<i64>().is_ok() || text.parse::<f64>().is_ok() {
                let least = if field == "vertex count" { 1 } else { 0 };
                Fault::Header(format!(
                    "{field} `{text}` must be a whole number, {least} or more"
                ))
            } else {
                Fault::NonNumeric {
                    field,
                    text: text.to_string(),
                }
            };
            err(Some(hline), fault)
        })
    };
    let n = count(fields[0], "vertex count")?;
    let m = count(fields[1], "edge count")?;
    if n == 0 {
        return Err(err(Some(hline), Fault::Header("vertex count is 0".into())));
    }
    let mut entries = Vec::with_capacity(m.min(1 << 24));
    let mut seen: HashMap<(usize, usize), usize> = HashMap::with_capacity(m.min(1 << 24));
    let mut last_line = hline;
    for (line, body) in lines {
        last_line = line;
        if entries.len() == m {
            let found = m + 1 + text.lines().skip(line).filter(|l| is_content(l)).count();
            return Err(err(
                Some(line),
                Fault::EdgeCountMismatch { declared: m, found },
            ));
        }
        let f: Vec<&str> = body.split_whitespace().collect();
        if f.len() != 3 {
            return Err(err(
                Some(line),
                Fault::FieldCount {
                    expected: 3,
                    found: f.len(),
                },
            ));
        }
        let vertex = |t: &str| -> Result<usize, FormatError> {
            let v: i64 = t.parse().map_err(|_| {
                err(
                    Some(line),
                    Fault::NonNumeric {
                        field: "vertex",
                        text: t.to_string(),
                    },
                )
            })?;
            if v < 1 || v as u64 > n as u64 {
                return Err(err(Some(line), Fault::IndexOutOfRange { index: v, n }));
            }
            Ok(v as usize)
        };
        let i = vertex(f[0])?;
        let j = vertex(f[1])?;
        let w: f64 = f[2].parse().map_err(|_| {
            err(
                Some(line),
                Fault::NonNumeric {
                    field: "weight",
                    text: f[2].to_string(),
                },
            )
        })?;
        if !w.is_finite() {
            return Err(err(Some(line), Fault::NonFinite(f[2].to_string())));
        }
        if i == j && !allow_diagonal {
            return Err(err(Some(line), Fault::SelfLoop(i)));
        }
        let key = (i.min(j), i.max(j));
        if let Some(&first_line) = seen.get(&key) {
            return Err(err(
                Some(line),
                Fault::DuplicateEdge {
                    i: key.0,
                    j: key.1,
                    first_line,
                },
            ));
        }
        seen.insert(key, line);
        entries.push(Entry { i, j, w, line });
    }
    if entries.len() != m {
        return Err(err(
            Some(last_line),
            Fault::EdgeCountMismatch {
                declared: m,
                found: entries.len(),
            },
        ));
    }
    Ok((n, entries))
}

fn is_content(l: &str) -> bool {
    let l = l.trim();
    !l.is_empty() && !l.starts_with('#') && !l.starts_with('%')
}

/// Parses a rudy file into an instance (`J = w`, `l = 0`).
pub fn parse(text: &str, path: &Path, storage: Storage) -> Result<Ising, FormatError> {
    let (n, entries) = parse_entries(text, path, false)?;
    Ising::new(
        n,
        entries.iter().map(|e| (e.i - 1, e.j - 1, e.w)),
        Vec::new(),
        storage,
    )
    .map_err(|e| FormatError {
        path: path.to_path_buf(),
        line: None,
        fault: Fault::Invalid(e.to_string()),
    })
}

/// Formats a weight the way G-set files do: integers without a decimal point, other values in
/// the shortest form that reads back exactly.
pub fn format_weight(w: f64) -> String {
    if w.fract() == 0.0 && w.abs() < 1e15 {
        format!("{}", w as i64)
    } else {
        format!("{w:?}")
    }
}

/// Writes an instance as rudy text. Fails if `l ≠ 0`: the format has no place for it.
pub fn to_string(ising: &Ising) -> Result<String, Fault> {
    if !ising.has_zero_field() {
        return Err(Fault::Invalid(
            "the rudy format cannot hold a linear term l; write a .json file instead".into(),
        ));
    }
    let mut out = String::with_capacity(16 * ising.edges().len() + 16);
    let _ = writeln!(out, "{} {}", ising.n(), ising.edges().len());
    for e in ising.edges() {
        let _ = writeln!(out, "{} {} {}", e.i + 1, e.j + 1, format_weight(e.w));
    }
    Ok(out)
}
