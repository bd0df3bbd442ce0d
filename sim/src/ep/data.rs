//! Labelled data for learning on the core: a CSV with a header row, numeric feature columns and
//! the integer class label last. Two sets ship inside the crate (`data/ep/SOURCE.md`): `iris`
//! (150 flowers, 4 measurements, 3 species) and `digits` (1 797 handwritten digits as 8 × 8
//! pixel counts 0-16, 10 classes).

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::path::Path;

const IRIS: &str = include_str!("../../../data/ep/iris.csv");
const DIGITS: &str = include_str!("../../../data/ep/digits.csv");

/// The data sets that ship with the crate.
pub const BUILTIN: [&str; 2] = ["iris", "digits"];

/// Why a data set cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The CSV itself is malformed.
    #[error("{name}: {message}")]
    Format {
        /// The set's name.
        name: String,
        /// What is wrong and where.
        message: String,
    },
}

/// Examples with numeric features and class labels `0..classes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Where it came from (`iris`, `digits` or the file's path).
    pub name: String,
    /// Feature column names.
    pub feature_names: Vec<String>,
    /// One row of features per example.
    pub features: Vec<Vec<f64>>,
    /// Class of each example.
    pub labels: Vec<usize>,
    /// Number of classes (largest label + 1).
    pub classes: usize,
}

/// A training and a test set, features scaled to `[0, 1]` by the training set's range.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// Training examples.
    pub train: Dataset,
    /// Held-out examples.
    pub test: Dataset,
}

impl Dataset {
    /// `iris` or `digits` (shipped), or a path to a CSV file.
    pub fn load(spec: &str) -> Result<Self, DataError> {
        match spec {
            "iris" => Self::parse("iris", IRIS),
            "digits" => Self::parse("digits", DIGITS),
            path => {
                let text =
                    std::fs::read_to_string(Path::new(path)).map_err(|source| DataError::Io {
                        path: path.into(),
                        source,
                    })?;
                Self::parse(path, &text)
            }
        }
    }

    /// Parses a CSV: a header, then rows of `features…, label` with the header's column count,
    /// finite numbers and a non-negative integer label; at least two classes.
    pub fn parse(name: &str, text: &str) -> Result<Self, DataError> {
        let err = |message: String| DataError::Format {
            name: name.into(),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| err(format!("header: {e}")))?
            .clone();
        if header.len() < 2 {
            return Err(err(format!(
                "the header has {} column(s); a data set needs at least one feature and the label (last column)",
                header.len()
            )));
        }
        let columns = header.len();
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for (row, record) in reader.records().enumerate() {
            let line = row + 2;
            let record = record.map_err(|e| err(format!("line {line}: {e}")))?;
            if record.len() != columns {
                return Err(err(format!(
                    "line {line}: {} columns where the header has {columns}",
                    record.len()
                )));
            }
            let mut x = Vec::with_capacity(columns - 1);
            for (c, field) in record.iter().take(columns - 1).enumerate() {
                let v: f64 = field.parse().map_err(|_| {
                    err(format!(
                        "line {line}, column {} (`{}`): `{field}` is not a number",
                        c + 1,
                        &header[c]
                    ))
                })?;
                if !v.is_finite() {
                    return Err(err(format!(
                        "line {line}, column {}: `{field}` is not finite",
                        c + 1
                    )));
                }
                x.push(v);
            }
            let label = &record[columns - 1];
            let y: usize = label.parse().map_err(|_| {
                err(format!(
                    "line {line}: the label (last column) `{label}` is not a class number 0, 1, 2, …"
                ))
            })?;
            if y > 1_000 {
                return Err(err(format!(
                    "line {line}: class {y}; at most 1 001 classes are supported"
                )));
            }
            features.push(x);
            labels.push(y);
        }
        if features.is_empty() {
            return Err(err("no examples after the header".into()));
        }
        let classes = labels.iter().max().map_or(0, |&m| m + 1);
        if classes < 2 {
            return Err(err("every example has class 0: nothing to learn".into()));
        }
        Ok(Dataset {
            name: name.into(),
            feature_names: header.iter().take(columns - 1).map(String::from).collect(),
            features,
            labels,
            classes,
        })
    }

    /// Examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Features per example.
    pub fn inputs(&self) -> usize {
        self.feature_names.len()
    }

    fn subset(&self, rows: &[usize]) -> Dataset {
        Dataset {
            name: self.name.clone(),
            feature_names: self.feature_names.clone(),
            features: rows.iter().map(|&r| self.features[r].clone()).collect(),
            labels: rows.iter().map(|&r| self.labels[r]).collect(),
            classes: self.classes,
        }
    }

    /// A stratified split: in each class, a shuffled `test_fraction` (at least one example when
    /// the class has two) is held out; the same `seed` gives the same split. Features are then
    /// scaled to `[0, 1]` by the training set's per-column range (a constant column becomes 0).
    pub fn split(&self, test_fraction: f64, seed: u64) -> Split {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for class in 0..self.classes {
            let mut rows: Vec<usize> = (0..self.len())
                .filter(|&r| self.labels[r] == class)
                .collect();
            rows.shuffle(&mut rng);
            let mut held = (rows.len() as f64 * test_fraction).round() as usize;
            if held == 0 && rows.len() >= 2 && test_fraction > 0.0 {
                held = 1;
            }
            test.extend_from_slice(&rows[..held]);
            train.extend_from_slice(&rows[held..]);
        }
        train.sort_unstable();
        test.sort_unstable();
        let (mut train, mut test) = (self.subset(&train), self.subset(&test));
        let columns = self.inputs();
        for c in 0..columns {
            let lo = train
                .features
                .iter()
                .map(|x| x[c])
                .fold(f64::INFINITY, f64::min);
            let hi = train
                .features
                .iter()
                .map(|x| x[c])
                .fold(f64::NEG_INFINITY, f64::max);
            let span = hi - lo;
            for x in train.features.iter_mut().chain(test.features.iter_mut()) {
                x[c] = if span > 0.0 {
                    ((x[c] - lo) / span).clamp(0.0, 1.0)
                } else {
                    0.0
                };
            }
        }
        Split { train, test }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_sets_load_with_their_sizes() {
        let iris = Dataset::load("iris").unwrap();
        assert_eq!((iris.len(), iris.inputs(), iris.classes), (150, 4, 3));
        let digits = Dataset::load("digits").unwrap();
        assert_eq!(
            (digits.len(), digits.inputs(), digits.classes),
            (1797, 64, 10)
        );
    }

    #[test]
    fn a_split_is_stratified_scaled_and_repeatable() {
        let iris = Dataset::load("iris").unwrap();
        let s = iris.split(0.2, 7);
        assert_eq!((s.train.len(), s.test.len()), (120, 30));
        for c in 0..3 {
            assert_eq!(s.test.labels.iter().filter(|&&y| y == c).count(), 10);
        }
        assert!(s
            .train
            .features
            .iter()
            .flatten()
            .all(|&v| (0.0..=1.0).contains(&v)));
        assert_eq!(s, iris.split(0.2, 7));
        assert_ne!(s.test.features, iris.split(0.2, 8).test.features);
    }

    #[test]
    fn malformed_files_say_where() {
        let cases = [
            (
                "a,label\n1,0\n2\n",
                "line 3: 1 columns where the header has 2",
            ),
            (
                "a,label\n1,0\nx,1\n",
                "line 3, column 1 (`a`): `x` is not a number",
            ),
            ("a,label\n1,0\n2,cat\n", "the label (last column) `cat`"),
            ("a,label\n1,0\n2,0\n", "nothing to learn"),
            ("label\n0\n1\n", "at least one feature"),
            ("a,label\n", "no examples"),
            ("a,label\n1,0\ninf,1\n", "not finite"),
        ];
        for (text, want) in cases {
            let e = Dataset::parse("t", text).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }
}
