//! Turns serde-saphyr's errors into messages for people writing the files: the key or value at
//! fault, what was expected, a did-you-mean for misspelt keys and names, and never the parser's
//! developer-facing hints (`set DuplicateKeyPolicy in Options`).

use serde_saphyr::Error;

use super::positions::{Pos, PosMap};
use super::{LoadError, SourceFile, did_you_mean};

/// Longest value text quoted back in a message.
const MAX_SHOWN: usize = 40;

impl SourceFile {
    /// A YAML error as `file:line:col: message`; values under any of `secret_keys` (at any depth)
    /// are never quoted back.
    pub fn describe_yaml_error(&self, e: &Error, secret_keys: &[&str]) -> LoadError {
        self.describe_with_path(e, secret_keys).0
    }

    /// [`Self::describe_yaml_error`], and the path of the key or value the error is about.
    pub(super) fn describe_with_path(
        &self,
        e: &Error,
        secret_keys: &[&str],
    ) -> (LoadError, Vec<String>) {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let at = Pos { line, column };
        // Errors are rare: parsing the text again for positions costs nothing that matters.
        let positions = PosMap::parse(&self.text);
        let key_path = positions.path_at(at).unwrap_or_default();
        let value_path = positions.value_path_at(at).unwrap_or_default();
        let mut about = key_path.clone();
        // In a file with secrets, a value is quoted back only when it is known not to be one:
        // its path is known (the text parses) and no secret key is written before it on its line.
        let secret = !secret_keys.is_empty()
            && (value_path.is_empty()
                || value_path.iter().any(|p| secret_keys.contains(&p.as_str()))
                || line_before(&self.text, at)
                    .is_some_and(|l| secret_keys.iter().any(|k| l.contains(k))));
        let mut context = || {
            about = value_path.clone();
            (dotted(&value_path), secret)
        };
        let found = |secret: bool| {
            if secret {
                return String::new();
            }
            value_text_at(&self.text, at)
                // A mapping quoted back may hold a secret key's value (`{password: ...}`).
                .filter(|v| !secret_keys.iter().any(|k| v.contains(k)))
                .map(|v| format!(", found `{v}`"))
                .unwrap_or_default()
        };
        let message = match e.without_snippet() {
            Error::SerdeUnknownField {
                field, expected, ..
            } => format!(
                "unknown key `{field}`{}; expected one of: {}",
                did_you_mean(field, expected.iter().copied()),
                expected.join(", ")
            ),
            Error::SerdeUnknownVariant {
                variant, expected, ..
            } => {
                let (path, secret) = context();
                let shown = if secret { "(secret)" } else { variant.as_str() };
                format!(
                    "{}unknown value `{shown}`{}; expected one of: {}",
                    prefix(&path),
                    if secret {
                        String::new()
                    } else {
                        did_you_mean(variant, expected.iter().copied())
                    },
                    expected.join(", ")
                )
            }
            Error::SerdeMissingField { field, .. } => {
                // Reported at a key of the mapping that lacks it: name that mapping.
                let mut path = key_path.clone();
                path.pop();
                format!("{}missing required key `{field}`", prefix(&dotted(&path)))
            }
            Error::Unexpected { expected, .. } => {
                let (path, secret) = context();
                format!(
                    "{}expected {}{}",
                    prefix(&path),
                    plain_expected(expected),
                    found(secret)
                )
            }
            Error::SerdeInvalidType {
                unexpected,
                expected,
                ..
            }
            | Error::SerdeInvalidValue {
                unexpected,
                expected,
                ..
            } => {
                let (path, secret) = context();
                // `integer `5`` -> `integer`: the kind is no secret, the value may be.
                let unexpected = if secret {
                    unexpected.split(" `").next().unwrap_or_default()
                } else {
                    unexpected.as_str()
                };
                format!("{}expected {expected}, found {unexpected}", prefix(&path))
            }
            Error::DuplicateMappingKey { key, .. } => match key {
                Some(k) => format!("duplicate key `{k}`; a key may appear only once in a mapping"),
                None => "duplicate key; a key may appear only once in a mapping".to_string(),
            },
            Error::Eof { .. } => "unexpected end of file (an unclosed `[`, `{` or quote?)".into(),
            Error::UnresolvedProperty { name, .. }
            | Error::PropertyRequiredButUnset { name, .. } => format!(
                "environment variable `{name}` is not set (`${{{name}}}` is read from the \
                 environment); export it or write the value"
            ),
            Error::Message { msg, .. } if msg.contains("untagged enum ") => {
                let (path, secret) = context();
                let name = msg.rsplit(' ').next().unwrap_or_default();
                format!(
                    "{}expected {}{}",
                    prefix(&path),
                    untagged_expected(name),
                    found(secret)
                )
            }
            other => {
                let mut m = other.to_string();
                // The parser's message repeats the position; ours is the single place it is shown.
                if let Some(p) = m.find(" at line ") {
                    m.truncate(p);
                }
                let m = match m.trim() {
                    "unclosed quote" => {
                        "unclosed quote; expected the closing quote of this string".to_string()
                    }
                    other => other.to_string(),
                };
                if m.contains("tab") {
                    format!("{m}; indent with spaces, not tabs")
                } else {
                    m
                }
            }
        };
        (self.error_at(line, column, message), about)
    }
}

/// `cases.0.vary` -> `cases[0].vary`.
pub fn dotted<S: AsRef<str>>(path: &[S]) -> String {
    let mut out = String::new();
    for p in path {
        let p = p.as_ref();
        if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{p}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(p);
        }
    }
    out
}

fn prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("`{path}`: ")
    }
}

fn plain_expected(parser_word: &str) -> &str {
    match parser_word {
        "mapping start" => "a mapping (`key: value` lines or `{...}`)",
        "sequence start" => "a list (`- item` lines or `[...]`)",
        "string scalar" | "str expected" | "missing string" => "a string",
        "bool expected" | "missing bool" => "`true` or `false`",
        other => other,
    }
}

/// What each untagged enum of the models accepts, by its Rust name.
fn untagged_expected(name: &str) -> String {
    match name {
        "Expect" => {
            "an outcome name (e.g. `missing_field`) or a response mapping with `status`".to_string()
        }
        "StatusSet" => "a status code or a list of status codes".to_string(),
        "OneOrMany" => "a name or a list of names".to_string(),
        other => format!("a value of the form `{other}`"),
    }
}

/// The text of `at`'s line before it.
fn line_before(text: &str, at: Pos) -> Option<String> {
    let line = text
        .lines()
        .nth(usize::try_from(at.line).ok()?.checked_sub(1)?)?;
    Some(
        line.chars()
            .take(usize::try_from(at.column).ok()?.saturating_sub(1))
            .collect(),
    )
}

/// The scalar written at `at`, on one line and shortened, to quote back; `None` for a block value.
fn value_text_at(text: &str, at: Pos) -> Option<String> {
    let line = text
        .lines()
        .nth(usize::try_from(at.line).ok()?.checked_sub(1)?)?;
    let rest: String = line
        .chars()
        .skip(usize::try_from(at.column).ok()?.saturating_sub(1))
        .collect();
    let in_flow = {
        let before: String = line
            .chars()
            .take(usize::try_from(at.column).ok()?.saturating_sub(1))
            .collect();
        let opened = before.matches(['{', '[']).count();
        opened > before.matches(['}', ']']).count()
    };
    let rest = scalar_text(&rest, in_flow);
    if rest.is_empty() {
        return None;
    }
    if rest.chars().count() > MAX_SHOWN {
        let head: String = rest.chars().take(MAX_SHOWN).collect();
        return Some(format!("{head}..."));
    }
    Some(rest.to_string())
}

/// The written node at the start of `rest`: a bracketed or quoted value whole, a plain one up to
/// a comment (or, inside `[...]` / `{...}`, up to the next `,`, `]` or `}`).
fn scalar_text(rest: &str, in_flow: bool) -> &str {
    let rest = rest.trim_start();
    let end = match rest.chars().next() {
        Some(open @ ('[' | '{')) => {
            let close = if open == '[' { ']' } else { '}' };
            let mut depth = 0usize;
            rest.char_indices()
                .find(|&(_, c)| {
                    if c == open {
                        depth += 1;
                    } else if c == close {
                        depth = depth.saturating_sub(1);
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(i, c)| i + c.len_utf8())
        }
        Some(q @ ('"' | '\'')) => rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == q)
            .map_or(rest.len(), |(i, c)| i + c.len_utf8()),
        _ => {
            let stop = |c: char| in_flow && matches!(c, ',' | ']' | '}');
            let comment = rest.find(" #").unwrap_or(rest.len());
            rest.get(..comment)
                .and_then(|r| r.find(stop))
                .unwrap_or(comment)
        }
    };
    rest.get(..end).unwrap_or(rest).trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(&["cases", "0", "vary"], "cases[0].vary")]
    #[case(&["known", "12"], "known[12]")]
    #[case(&[], "")]
    fn dotted_paths(#[case] path: &[&str], #[case] expected: &str) {
        assert_eq!(dotted(path), expected);
    }

    #[rstest]
    #[case("a: 5 # c\n", 1, 4, Some("5"))]
    #[case("a:\n  b: 1\n", 1, 3, None)]
    #[case("a: x\n", 9, 1, None)]
    #[case("a: é\n", 1, 4, Some("é"))]
    #[case("a: {b: 5}, c: 1\n", 1, 8, Some("5"))]
    #[case("a: [x, 'y, z'] # c\n", 1, 4, Some("[x, 'y, z']"))]
    #[case("a: [x, 'y, z'] # c\n", 1, 8, Some("'y, z'"))]
    fn quotes_values(
        #[case] text: &str,
        #[case] line: u64,
        #[case] column: u64,
        #[case] expected: Option<&str>,
    ) {
        assert_eq!(
            value_text_at(text, Pos { line, column }).as_deref(),
            expected
        );
    }
}
