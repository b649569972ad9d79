//! Giving a line and column to problems found after parsing: semantic checks of a typed value, and
//! type errors of values that were merged (`extends`) or re-read as another type.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::positions::PosMap;
use super::{LoadError, SourceFile};

/// A problem at a path of the document (`["outcomes", "forbiden"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<String>,
    /// Point at the value rather than its key (a wrong name written as a value).
    pub at_value: bool,
    pub message: String,
}

impl Problem {
    pub fn at_key<S: AsRef<str>>(path: &[S], message: impl Into<String>) -> Problem {
        Problem {
            path: path.iter().map(|s| s.as_ref().to_string()).collect(),
            at_value: false,
            message: message.into(),
        }
    }

    pub fn at_value<S: AsRef<str>>(path: &[S], message: impl Into<String>) -> Problem {
        Problem {
            at_value: true,
            ..Problem::at_key(path, message)
        }
    }
}

/// A file with the positions of its keys, found on first use: only a file with a problem needs
/// them, and finding them costs another parse (at start-up, more than reading every dialect).
#[derive(Debug, Clone)]
pub struct Located {
    pub file: SourceFile,
    positions: std::sync::OnceLock<PosMap>,
}

impl Located {
    pub fn new(file: SourceFile) -> Located {
        Located {
            file,
            positions: std::sync::OnceLock::new(),
        }
    }

    pub fn positions(&self) -> &PosMap {
        self.positions
            .get_or_init(|| PosMap::parse(&self.file.text))
    }
}

/// Points `problem` into the first of `layers` (nearest first, e.g. a dialect and the ones it
/// extends) that writes its path; when none does, the longest part of the path that one writes
/// (the mapping a missing key belongs in); failing that, the first file as a whole.
pub fn locate(layers: &[&Located], problem: &Problem) -> Option<LoadError> {
    let first = layers.first()?;
    for len in (1..=problem.path.len()).rev() {
        let Some(part) = problem.path.get(..len) else {
            continue;
        };
        for l in layers {
            let exact = len == problem.path.len();
            let pos = if exact && problem.at_value {
                l.positions().value(part)
            } else {
                l.positions().key(part)
            };
            if let Some(p) = pos {
                return Some(l.file.error_at(p.line, p.column, problem.message.clone()));
            }
        }
    }
    Some(first.file.error(problem.message.clone()))
}

/// `value` read as `T` by way of YAML text, so that when it does not fit, the error names the path
/// inside `value` where it stops fitting (serde_json's own errors have no path). The message is
/// worded as for a file; the path is relative to `value`.
pub fn check_value_as<T: DeserializeOwned>(value: &Value, shown_as: &str) -> Result<T, Problem> {
    let generated = match serde_saphyr::to_string(value) {
        Ok(t) => t,
        // Not expected for JSON values; the plain serde error is still worth showing.
        Err(_) => {
            return serde_json::from_value(value.clone()).map_err(|e| Problem {
                path: Vec::new(),
                at_value: false,
                message: e.to_string(),
            });
        }
    };
    let scratch = SourceFile {
        name: shown_as.to_string(),
        path: None,
        text: generated,
    };
    match serde_saphyr::from_str::<T>(&scratch.text) {
        Ok(v) => Ok(v),
        Err(e) => {
            let (described, path) = scratch.describe_with_path(&e, &[]);
            let at = super::Pos {
                line: described.line.unwrap_or(0),
                column: described.column.unwrap_or(0),
            };
            let positions = PosMap::parse(&scratch.text);
            Err(Problem {
                // A wrong value is shown where the value is; an unknown key where the key is.
                at_value: positions.value(&path) == Some(at),
                path,
                message: described.message,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        status: u16,
    }
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    fn layer(name: &str, text: &str) -> Located {
        Located::new(SourceFile {
            name: name.into(),
            path: None,
            text: text.into(),
        })
    }

    #[test]
    fn value_errors_carry_their_path() {
        let p = check_value_as::<Outer>(&json!({"name": "x", "inner": {"statsu": 1}}), "f")
            .unwrap_err();
        assert_eq!(p.path, vec!["inner", "statsu"]);
        assert!(p.message.contains("(did you mean `status`?)"), "{p:?}");
        assert!(
            check_value_as::<Outer>(&json!({"name": "x", "inner": {"status": 1}}), "f").is_ok()
        );
    }

    #[test]
    fn nearest_layer_that_writes_the_path_wins() {
        let child = layer("child.yaml", "name: c\ninner:\n  other: 1\n");
        let parent = layer("parent.yaml", "name: p\ninner:\n  status: 2\n");
        let at = |path: &[&str]| {
            locate(&[&child, &parent], &Problem::at_key(path, "m"))
                .unwrap()
                .to_string()
        };
        assert_eq!(at(&["inner", "status"]), "parent.yaml:3:3: m");
        assert_eq!(at(&["inner", "other"]), "child.yaml:3:3: m");
        assert_eq!(at(&["inner", "missing"]), "child.yaml:2:1: m");
        assert_eq!(at(&["nowhere"]), "child.yaml: m");
    }
}
