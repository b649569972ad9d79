//! Every structural problem of an input file in one pass. serde stops at the first key it cannot
//! read, so a dialect with three misspelt outcomes took three rounds of `lint`. The JSON Schemas
//! shipped for editors (`specs/dialect.schema.json`, `specs/case.schema.json`) describe the same
//! shapes, and a validator reports every place a document breaks them. Every file is checked, so
//! the loader is never looser than its documented format (a bare `kind: null` is YAML's empty
//! value, which serde would read as "no condition"); a YAML number or boolean where a text is
//! expected is let through, as the typed read takes it as text. The shipped files are held to
//! the schemas by a test below.

use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::LoadError;
use super::did_you_mean;
use super::locate::{Located, Problem, locate};
use super::yaml_errors::dotted;

/// The documents a schema describes.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Dialect,
    CaseFile,
}

struct Compiled {
    schema: Value,
    validator: Validator,
}

static DIALECT: LazyLock<Option<Compiled>> =
    LazyLock::new(|| compile(include_str!("../../specs/dialect.schema.json")));
static CASE_FILE: LazyLock<Option<Compiled>> =
    LazyLock::new(|| compile(include_str!("../../specs/case.schema.json")));

fn compile(text: &str) -> Option<Compiled> {
    let schema: Value = serde_json::from_str(text).ok()?;
    let validator = jsonschema::validator_for(&schema).ok()?;
    Some(Compiled { schema, validator })
}

/// Whether [`with_structure`] can find anything: after a failed typed read every problem counts,
/// after a successful one only bare YAML nulls, so a document without a null needs no look (nor
/// the positions of its nodes, which cost more than reading it: a case file `vary`ing over
/// 10,000 values).
pub fn worth_a_look(read: bool, doc: &Value) -> bool {
    fn has_null(v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::Array(items) => items.iter().any(has_null),
            Value::Object(map) => map.values().any(has_null),
            _ => false,
        }
    }
    !read || has_null(doc)
}

/// Every place `doc` breaks the shape, as problems at paths of the document, in document order.
pub fn structural_problems(shape: Shape, doc: &Value) -> Vec<Problem> {
    found(shape, doc).problems()
}

fn found(shape: Shape, doc: &Value) -> Found {
    let compiled = match shape {
        Shape::Dialect => &*DIALECT,
        Shape::CaseFile => &*CASE_FILE,
    };
    // A file that is not a mapping at all has been told so by the reader.
    let (Some(c), true) = (compiled, doc.is_object()) else {
        return Found::default();
    };
    let mut found = Found::default();
    for e in c.validator.iter_errors(doc) {
        explain(&e, &c.schema, &mut found);
    }
    found
}

/// Why a bare `null` is not the text "null".
const NULL_HINT: &str = "a bare `null` (or `~`, or nothing) is YAML's empty value; write \"null\" in quotes for the text";

/// Problems as they are found, with what is needed to drop the redundant ones.
#[derive(Default)]
struct Found {
    problems: Vec<Problem>,
    /// (object path, key) of each unknown key.
    unknown: Vec<(Vec<String>, String)>,
    /// (object path, key) of each missing key, with its problem's index.
    missing: Vec<(Vec<String>, String, usize)>,
    /// The problems that are a bare YAML null where a value was meant.
    bare_nulls: Vec<Problem>,
}

impl Found {
    fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Each problem once; a missing key is not reported beside an unknown one that is its
    /// misspelling (`expectt` says enough about `expect`).
    fn problems(self) -> Vec<Problem> {
        let misspelt: Vec<usize> = self
            .missing
            .iter()
            .filter(|(at, key, _)| {
                self.unknown
                    .iter()
                    .any(|(u_at, u)| u_at == at && !did_you_mean(u, [key.as_str()]).is_empty())
            })
            .map(|(_, _, i)| *i)
            .collect();
        let mut unique: Vec<Problem> = Vec::new();
        for (i, p) in self.problems.into_iter().enumerate() {
            if !misspelt.contains(&i) && !unique.contains(&p) {
                unique.push(p);
            }
        }
        unique
    }
}

/// `first` (the typed read's error, if it failed) with every structural problem of `doc`,
/// pointed into `layers` (the file, and for a merged dialect the files it extends), one per
/// position, in the order of the files.
///
/// When the typed read succeeded (`first` is None), only the bare YAML nulls are reported: serde
/// reads one as "not given", which silently drops a condition (`kind: null`), while every other
/// problem the schema sees is then reported by the semantic checks, in their own words.
pub fn with_structure(
    first: Option<LoadError>,
    shape: Shape,
    doc: &Value,
    layers: &[&Located],
) -> Vec<LoadError> {
    let read = first.is_none();
    let mut all: Vec<LoadError> = first.into_iter().collect();
    let found = found(shape, doc);
    let problems = if read {
        found.bare_nulls
    } else {
        found.problems()
    };
    for p in problems {
        let Some(mut e) = locate(layers, &p) else {
            continue;
        };
        // A problem of the whole document (a missing top-level key) points at its start.
        if let (None, Some(top)) = (e.line, layers.first()) {
            e = top.file.error_at(1, 1, e.message);
        }
        let seen = all
            .iter()
            .any(|a| a.file == e.file && a.line == e.line && a.column == e.column);
        if !seen {
            all.push(e);
        }
    }
    all.sort_by_key(|e| (e.line.is_none(), e.line, e.column));
    all
}

/// One validation error as problems a reader can act on; `anyOf`/`oneOf` errors are replaced by
/// the errors of the alternative the value was evidently meant to be.
fn explain(e: &ValidationError, schema: &Value, out: &mut Found) {
    let path = segments(e.instance_path().as_str());
    let shown = if path.is_empty() {
        "the file".to_string()
    } else {
        format!("`{}`", dotted(&path))
    };
    match e.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            match meant_branch(context, e.instance_path().as_str()) {
                Some(branch) => branch.iter().for_each(|b| explain(b, schema, out)),
                None => {
                    let hint = if e.instance().is_null() {
                        format!(" ({NULL_HINT})")
                    } else {
                        String::new()
                    };
                    // A bare null may have no text to point at; its key has.
                    let at = if e.instance().is_null() {
                        Problem::at_key
                    } else {
                        Problem::at_value
                    };
                    let p = at(
                        &path,
                        format!(
                            "{shown}: {} does not fit here{hint}; expected {}",
                            type_name(e.instance()),
                            offered_types(context)
                        ),
                    );
                    if e.instance().is_null() {
                        out.bare_nulls.push(p.clone());
                    }
                    out.push(p)
                }
            }
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, e.schema_path().as_str());
            for key in unexpected {
                out.unknown.push((path.clone(), key.clone()));
                let mut at = path.clone();
                at.push(key.clone());
                out.push(Problem::at_key(
                    &at,
                    format!(
                        "unknown key `{key}` in {shown}{}; expected one of: {}",
                        did_you_mean(key, allowed.iter().map(String::as_str)),
                        allowed.join(", ")
                    ),
                ));
            }
        }
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default().to_string();
            let index = out.problems.len();
            out.push(Problem::at_key(
                &path,
                format!("{shown} lacks the key `{key}`"),
            ));
            out.missing.push((path, key, index));
        }
        // The typed read takes a YAML number or boolean as text; so does this check.
        ValidationErrorKind::Type { kind } if wants_string(kind) && is_scalar(e.instance()) => {}
        ValidationErrorKind::Type { .. } | ValidationErrorKind::Enum { .. }
            if e.instance().is_null() =>
        {
            let p = Problem::at_key(&path, format!("{shown}: {NULL_HINT}; {e}"));
            out.bare_nulls.push(p.clone());
            out.push(p)
        }
        ValidationErrorKind::Enum { options } if e.instance().is_string() => {
            let names: Vec<&str> = options
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let given = e.instance().as_str().unwrap_or_default();
            out.push(Problem::at_value(
                &path,
                format!(
                    "{shown}: unknown value `{given}`{}; expected one of: {}",
                    did_you_mean(given, names.iter().copied()),
                    names.join(", ")
                ),
            ));
        }
        _ => out.push(Problem::at_value(&path, format!("{shown}: {e}"))),
    }
}

/// The alternative a value was meant to be: those whose errors are not just "not this type" at
/// the value itself, the one with the fewest errors. None when the value fits no type offered.
fn meant_branch<'a>(
    context: &'a [Vec<ValidationError<'static>>],
    at: &str,
) -> Option<&'a Vec<ValidationError<'static>>> {
    context
        .iter()
        .filter(|errors| !errors.iter().any(|e| here(e, at) && is_type(e)))
        // A list of names offered for a mapping was not what the mapping was meant to be.
        .min_by_key(|errors| {
            let named = errors
                .iter()
                .any(|e| here(e, at) && is_naming(e) && e.instance().is_object());
            (named, errors.len())
        })
}

fn here(e: &ValidationError, at: &str) -> bool {
    e.instance_path().as_str() == at
}

fn is_type(e: &ValidationError) -> bool {
    matches!(e.kind(), ValidationErrorKind::Type { .. })
}

fn is_naming(e: &ValidationError) -> bool {
    matches!(
        e.kind(),
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. }
    )
}

/// The types the alternatives accept ("an integer, or one of ..."), as the errors name them.
fn offered_types(context: &[Vec<ValidationError<'static>>]) -> String {
    let mut offered: Vec<String> = Vec::new();
    for e in context.iter().flatten() {
        let more = match e.kind() {
            ValidationErrorKind::Type {
                kind: TypeKind::Single(t),
            } => vec![t.to_string()],
            ValidationErrorKind::Type {
                kind: TypeKind::Multiple(ts),
            } => ts.iter().map(|t| t.to_string()).collect(),
            ValidationErrorKind::Enum { options } => vec![format!("one of {options}")],
            ValidationErrorKind::Constant { expected_value } => vec![expected_value.to_string()],
            _ => Vec::new(),
        };
        for o in more {
            if !offered.contains(&o) {
                offered.push(o);
            }
        }
    }
    if offered.is_empty() {
        "another kind of value (see the schema)".to_string()
    } else {
        offered.join(" or ")
    }
}

fn wants_string(kind: &TypeKind) -> bool {
    match kind {
        TypeKind::Single(t) => t.to_string() == "string",
        TypeKind::Multiple(ts) => ts.iter().any(|t| t.to_string() == "string"),
    }
}

/// What a reader calls the value's kind.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "an empty value",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::Number(_) | Value::Bool(_))
}

/// The keys the object schema that holds `additionalProperties` at `keyword_path` lists.
fn allowed_keys(root: &Value, keyword_path: &str) -> Vec<String> {
    let mut parts = segments(keyword_path);
    parts.pop();
    let mut node = root;
    for part in &parts {
        node = match node.get(part.as_str()) {
            Some(next) => next,
            None => match node.as_array().zip(part.parse::<usize>().ok()) {
                Some((items, i)) => match items.get(i) {
                    Some(next) => next,
                    None => return Vec::new(),
                },
                None => return Vec::new(),
            },
        };
        // A `$ref` segment of the path is the schema it points to.
        if part == "$ref" {
            let Some(target) = node.as_str().and_then(|r| r.strip_prefix('#')) else {
                return Vec::new();
            };
            node = match root.pointer(target) {
                Some(n) => n,
                None => return Vec::new(),
            };
        }
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// A JSON pointer's segments, unescaped.
fn segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;
