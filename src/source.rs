//! Input files and the errors that point into them (`file:line:col: what was expected`).

use std::fmt;
use std::path::{Path, PathBuf};

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
        let text = std::fs::read_to_string(path).map_err(|e| LoadError {
            file: path.display().to_string(),
            line: None,
            column: None,
            message: format!("cannot read file: {e}"),
        })?;
        Ok(Self {
            name: path.display().to_string(),
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

    /// Parses YAML into `T`, turning parser and type errors into `file:line:col` errors.
    pub fn parse_yaml<T: serde::de::DeserializeOwned>(&self) -> Result<T, LoadError> {
        serde_saphyr::from_str::<T>(&self.text).map_err(|e| self.yaml_error(&e))
    }

    pub fn yaml_error(&self, e: &serde_saphyr::Error) -> LoadError {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let mut message = e.without_snippet().to_string();
        // The parser's message repeats the position; keep ours as the single place it is shown.
        if let Some(pos) = message.find(" at line ") {
            message.truncate(pos);
        }
        self.error_at(line, column, message.trim().to_string())
    }
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
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
