//! Input files and the errors that point into them (`file:line:col: what was expected`).

mod locate;
mod positions;
mod structure;
mod yaml_errors;

use std::fmt;
use std::path::{Path, PathBuf};

pub use locate::{Located, Problem, check_value_as, locate};
pub use positions::{Pos, PosMap};
pub use structure::{Shape, structural_problems, with_structure, worth_a_look};
pub use yaml_errors::dotted;

/// A text file read from disk or from the copy embedded in the binary.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Shown in messages: a path relative to where the user pointed us, or `(embedded)/...`.
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<Self, LoadError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| LoadError {
            file: name.clone(),
            line: None,
            column: None,
            message: format!("cannot read file: {e}"),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            // Point at the first byte that is not UTF-8, so the user can find it.
            let (good, bad) = e.as_bytes().split_at(e.utf8_error().valid_up_to());
            let good = String::from_utf8_lossy(good);
            let line = good.matches('\n').count() as u64 + 1;
            let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
            let byte = bad
                .first()
                .map_or_else(String::new, |b| format!(" (byte 0x{b:02x})"));
            LoadError {
                file: name.clone(),
                line: Some(line),
                column: Some(column),
                message: format!("the file is not UTF-8 text{byte}; save it as UTF-8"),
            }
        })?;
        Ok(Self {
            name,
            path: Some(path.to_path_buf()),
            text,
        })
    }

    /// An error at a position in this file.
    pub fn error_at(&self, line: u64, column: u64, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.name.clone(),
            line: (line > 0).then_some(line),
            column: (column > 0).then_some(column),
            message: message.into(),
        }
    }

    /// An error about the file as a whole.
    pub fn error(&self, message: impl Into<String>) -> LoadError {
        LoadError {
            file: self.name.clone(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// Parses YAML into `T`, turning parser and type errors into `file:line:col` errors. Every
    /// input file is a mapping at the top; an empty file or a list says so plainly.
    pub fn parse_yaml<T: serde::de::DeserializeOwned>(&self) -> Result<T, LoadError> {
        self.parse_yaml_with(serde_saphyr::Options::default(), &[])
    }

    /// [`Self::parse_yaml`] with parser options; values under `secret_keys` are never quoted back.
    pub fn parse_yaml_with<T: serde::de::DeserializeOwned>(
        &self,
        options: serde_saphyr::Options,
        secret_keys: &[&str],
    ) -> Result<T, LoadError> {
        if is_blank(&self.text) {
            return Err(self.error_at(
                1,
                1,
                "the file is empty; expected a mapping of keys to values (`key: value` lines)",
            ));
        }
        serde_saphyr::from_str_with_options::<T>(&self.text, options).map_err(|e| {
            match positions::root_shape(&self.text) {
                Some(shape) => self.error_at(
                    1,
                    1,
                    format!(
                        "the file holds {shape}; expected a mapping of keys to values at the top \
                         (`key: value` lines)"
                    ),
                ),
                None => self.describe_yaml_error(&e, secret_keys),
            }
        })
    }

    pub fn yaml_error(&self, e: &serde_saphyr::Error) -> LoadError {
        self.describe_yaml_error(e, &[])
    }
}

/// Nothing but blank lines, comments and document markers.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

/// A problem in an input file. Displayed as `file:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Several problems found in one pass, so a user fixes them all at once.
#[derive(Debug, Clone, Default)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

impl From<LoadError> for LoadErrors {
    fn from(e: LoadError) -> Self {
        LoadErrors(vec![e])
    }
}

/// "did you mean" for a misspelt name: the closest candidate within a small edit distance.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let best = candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, c)) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        // One row of the Levenshtein table: diagonal, up and left neighbours.
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for ((cb, diag), up) in b.iter().zip(&prev).zip(prev.iter().skip(1)) {
            let left = cur.last().copied().unwrap_or(i + 1);
            cur.push((diag + usize::from(ca != *cb)).min(up + 1).min(left + 1));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("missing_feild", " (did you mean `missing_field`?)")]
    #[case("forbiden", " (did you mean `forbidden`?)")]
    #[case("zzzzzzzzzz", "")]
    fn suggests_close_names(#[case] word: &str, #[case] expected: &str) {
        let names = ["missing_field", "forbidden", "changed"];
        assert_eq!(did_you_mean(word, names), expected);
    }

    #[test]
    fn yaml_type_error_has_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let f = SourceFile {
            name: "x.yaml".into(),
            path: None,
            text: "a: 1\nb: 2\n".into(),
        };
        let e = f.parse_yaml::<T>().unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)), "{e}");
        assert!(e.to_string().starts_with("x.yaml:2:1: "), "{e}");
    }
}
