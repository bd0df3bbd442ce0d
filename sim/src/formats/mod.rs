//! Instance files: the rudy/G-set text format and a JSON form.
//!
//! Every failure names the file, the line (where there is one) and the fault, and never panics.

pub mod json;
pub mod rudy;

use crate::couplings::Storage;
use crate::instance::Ising;
use std::fmt;
use std::path::{Path, PathBuf};

/// What is wrong with a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Could not be read (message from the OS).
    Io(String),
    /// Could not be written (message from the OS).
    Write(String),
    /// Not UTF-8 text (message says what it looks like).
    Encoding(String),
    /// Nothing but blank or comment lines.
    Empty,
    /// The first line is not `N M`.
    Header(String),
    /// A field that should be a number is not.
    NonNumeric {
        /// What the field is (`vertex`, `weight`, …).
        field: &'static str,
        /// The text found.
        text: String,
    },
    /// A line has the wrong number of fields.
    FieldCount {
        /// Fields expected.
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A vertex number outside `1..=N`.
    IndexOutOfRange {
        /// The 1-based index as written.
        index: i64,
        /// Number of vertices.
        n: usize,
    },
    /// An edge from a vertex to itself.
    SelfLoop(usize),
    /// The same pair given twice.
    DuplicateEdge {
        /// 1-based endpoint.
        i: usize,
        /// 1-based endpoint.
        j: usize,
        /// Line of the first occurrence.
        first_line: usize,
    },
    /// More or fewer edges than the header declares.
    EdgeCountMismatch {
        /// Declared by the header.
        declared: usize,
        /// Found in the file.
        found: usize,
    },
    /// A NaN or infinite number.
    NonFinite(String),
    /// A structural problem in a JSON file.
    Json(String),
    /// Anything else about the content (message says what).
    Invalid(String),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Io(m) => write!(f, "cannot read: {m}"),
            Fault::Write(m) => write!(f, "cannot write: {m}"),
            Fault::Encoding(m) => write!(f, "{m}"),
            Fault::Empty => write!(f, "empty file (expected a header line `N M`)"),
            Fault::Header(m) => write!(f, "bad header: {m}"),
            Fault::NonNumeric { field, text } => write!(f, "{field} `{text}` is not a number"),
            Fault::FieldCount { expected, found } => {
                write!(f, "expected {expected} fields, found {found}")
            }
            Fault::IndexOutOfRange { index, n } => {
                write!(f, "vertex {index} is out of range 1..={n}")
            }
            Fault::SelfLoop(v) => write!(f, "self-loop on vertex {v}"),
            Fault::DuplicateEdge { i, j, first_line } => {
                write!(f, "duplicate edge {i} {j} (first on line {first_line})")
            }
            Fault::EdgeCountMismatch { declared, found } => {
                write!(
                    f,
                    "header declares {declared} edges but the file has {found}"
                )
            }
            Fault::NonFinite(t) => write!(f, "value `{t}` is not finite"),
            Fault::Json(m) => write!(f, "{m}"),
            Fault::Invalid(m) => write!(f, "{m}"),
        }
    }
}

/// A fault located in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatError {
    /// The file (or a name for in-memory text).
    pub path: PathBuf,
    /// 1-based line, when the fault has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub fault: Fault,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.fault),
            None => write!(f, "{}: {}", self.path.display(), self.fault),
        }
    }
}

impl std::error::Error for FormatError {}

/// Which format a path is in, by its extension: `.json` is JSON, anything else rudy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The rudy/G-set text format.
    Rudy,
    /// The JSON form.
    Json,
}

impl Format {
    /// The format a path's extension names.
    pub fn of_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Rudy,
        }
    }
}

/// Reads an instance in the format its extension names; the name defaults to the file stem.
pub fn read_instance(path: &Path, storage: Storage) -> Result<Ising, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError {
        path: path.to_path_buf(),
        line: None,
        fault: Fault::Io(e.to_string()),
    })?;
    let text = decode_text(&bytes).map_err(|fault| FormatError {
        path: path.to_path_buf(),
        line: None,
        fault,
    })?;
    let mut ising = match Format::of_path(path) {
        Format::Json => json::parse(text, path, storage)?,
        Format::Rudy => rudy::parse(text, path, storage)?,
    };
    if ising.meta.name.is_none() {
        ising.meta.name = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    }
    Ok(ising)
}

/// A file's bytes as text: UTF-8, with a leading byte-order mark dropped (editors on Windows
/// write one). UTF-16 and other encodings are refused with what they look like, instead of a
/// parse error on the first line.
pub fn decode_text(bytes: &[u8]) -> Result<&str, Fault> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Fault::Encoding(
            "UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8 or ASCII"
                .into(),
        ));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Fault::Encoding(format!(
            "not UTF-8 text: byte {at} is 0x{:02X} (a binary file, or text in another encoding)",
            bytes[at]
        ))
    })
}

/// Writes an instance in the format its extension names.
pub fn write_instance(path: &Path, ising: &Ising) -> Result<(), FormatError> {
    let io = |e: std::io::Error| FormatError {
        path: path.to_path_buf(),
        line: None,
        fault: Fault::Write(e.to_string()),
    };
    let text = match Format::of_path(path) {
        Format::Json => json::to_string(ising),
        Format::Rudy => rudy::to_string(ising).map_err(|fault| FormatError {
            path: path.to_path_buf(),
            line: None,
            fault,
        })?,
    };
    std::fs::write(path, text).map_err(io)
}
