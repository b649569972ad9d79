//! Reads `specs/NAME/dialect.yaml`, resolves `extends`, compiles the schemas it names.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::merge::deep_merge;
use super::messages::{built_in_over_user, explain_flattened};
use super::model::Dialect;
use super::schema::{CompiledSchema, compile_schema};
use super::validate::validate_dialect;
use crate::assets::Tree;
use crate::source::{
    LoadError, LoadErrors, Located, PosMap, Problem, Shape, SourceFile, check_value_as,
    did_you_mean, locate, with_structure, worth_a_look,
};

/// A dialect ready to plan and check against.
#[derive(Debug)]
pub struct LoadedDialect {
    pub spec: Dialect,
    /// Its own name, then every dialect it extends, nearest first.
    pub lineage: Vec<String>,
    /// Schema file name -> compiled schema.
    pub schemas: BTreeMap<String, Arc<CompiledSchema>>,
    /// The file the dialect was read from, for messages.
    pub file: String,
    /// The valid request body with sample values, built on first use: every step of a plan
    /// checks its literal values against the request schema in it.
    pub(crate) sample_body: std::sync::OnceLock<Option<Value>>,
}

impl LoadedDialect {
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

/// Folders of `tree` that hold a `dialect.yaml`.
pub fn available_dialects(tree: &Tree) -> Vec<String> {
    tree.subdirs()
        .into_iter()
        .filter(|d| tree.exists(&format!("{d}/dialect.yaml")))
        .collect()
}

/// Loads the named dialects, or every available one when `names` is empty.
pub fn load_dialects(tree: &Tree, names: &[String]) -> Result<Vec<LoadedDialect>, LoadErrors> {
    // Listed once: every dialect checks its name and its `extends` against this list.
    let known = available_dialects(tree);
    // A user's folder that holds no dialect is said once here, rather than as "unknown dialect"
    // at every case that names one.
    let layers = match tree {
        Tree::Layered(_) => tree.user_layers(),
        plain => vec![plain],
    };
    let empty: Vec<LoadError> = layers
        .into_iter()
        .filter(|l| available_dialects(l).is_empty())
        .map(no_dialect_here)
        .collect();
    if !empty.is_empty() {
        return Err(LoadErrors(empty));
    }
    let names = if names.is_empty() {
        known.clone()
    } else {
        names.to_vec()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for name in &names {
        match load_known_dialect(tree, name, &known).map_err(|e| built_in_over_user(tree, name, e))
        {
            Ok(d) => out.push(d),
            // A dialect others extend would report its problems once per child: say them once.
            Err(e) => {
                for problem in e.0 {
                    if !errors.contains(&problem) {
                        errors.push(problem);
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LoadErrors(errors))
    }
}

fn no_dialect_here(tree: &Tree) -> LoadError {
    LoadError {
        file: tree.describe(),
        line: None,
        column: None,
        message: match tree.unreadable() {
            Some(e) => format!("cannot list folder: {e}; is --specs the right folder?"),
            None => "no dialect here; expected one folder per dialect holding its \
                     `dialect.yaml` (e.g. `ocariot/dialect.yaml`); is --specs the right folder?"
                .into(),
        },
    }
}

/// Loads one dialect with everything it extends.
pub fn load_dialect(tree: &Tree, name: &str) -> Result<LoadedDialect, LoadErrors> {
    load_known_dialect(tree, name, &available_dialects(tree))
}

/// [`load_dialect`] with the folder already listed: `known` are its dialects.
fn load_known_dialect(
    tree: &Tree,
    name: &str,
    known: &[String],
) -> Result<LoadedDialect, LoadErrors> {
    if !known.iter().any(|k| k == name) {
        return Err(LoadError {
            file: tree.describe(),
            line: None,
            column: None,
            message: format!(
                "no dialect `{name}`{}; available: {}",
                did_you_mean(name, known.iter().map(String::as_str)),
                known.join(", ")
            ),
        }
        .into());
    }
    let mut lineage = Vec::new();
    let mut layers = Vec::new();
    let merged = merged_value(tree, name, known, &mut lineage, &mut layers)?;
    let layer_refs: Vec<&Located> = layers.iter().collect();
    // The merged document against the documented format, every problem at once.
    let shape_errors = if worth_a_look(true, &merged) {
        with_structure(None, Shape::Dialect, &merged, &layer_refs)
    } else {
        Vec::new()
    };
    if !shape_errors.is_empty() {
        return Err(LoadErrors(shape_errors));
    }
    let problem_at = |p: &Problem| {
        locate(&layer_refs, p).unwrap_or_else(|| LoadError {
            file: tree.describe(),
            line: None,
            column: None,
            message: p.message.clone(),
        })
    };
    // `merged_value` succeeds only after reading the dialect's own file, which comes first.
    let Some(own) = layers.first() else {
        return Err(LoadError {
            file: tree.describe(),
            line: None,
            column: None,
            message: format!("dialect `{name}`: no dialect file was read"),
        }
        .into());
    };
    let file = &own.file;
    let spec: Dialect = match serde_json::from_value(merged.clone()) {
        Ok(s) => s,
        // Merged values have no positions: read them again through YAML to learn the path at
        // fault, then point at the file that writes it. YAML is also what a file without
        // `extends` is read as, so what it accepts there (`type: 0` as a string) is accepted here.
        Err(e) => match check_value_as::<Dialect>(&merged, &file.name) {
            Ok(s) => s,
            Err(mut p) => {
                p.message = explain_flattened(&p.message);
                let mut shown = problem_at(&p);
                if shown.line.is_none() {
                    shown.message = format!("{} ({e})", shown.message);
                }
                let all = with_structure(Some(shown), Shape::Dialect, &merged, &layer_refs);
                return Err(LoadErrors(all));
            }
        },
    };
    if spec.name != name {
        return Err(problem_at(&Problem::at_value(
            &["name"],
            format!(
                "`name: {}` does not match the folder name; expected `name: {name}`",
                spec.name
            ),
        ))
        .into());
    }
    let schemas = compile_schemas(tree, &lineage).map_err(LoadErrors)?;
    let loaded = LoadedDialect {
        spec,
        lineage,
        schemas,
        file: file.name.clone(),
        sample_body: std::sync::OnceLock::new(),
    };
    let problems = validate_dialect(&loaded);
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(LoadErrors(problems.iter().map(problem_at).collect()))
    }
}

/// The dialect file as JSON with its parents merged under it; `layers` gets each file read,
/// nearest first. Files without `extends` are parsed into the typed form first, so typos and wrong
/// types get a line and column.
fn merged_value(
    tree: &Tree,
    name: &str,
    known: &[String],
    lineage: &mut Vec<String>,
    layers: &mut Vec<Located>,
) -> Result<Value, LoadErrors> {
    lineage.push(name.to_string());
    let file = tree.read(&format!("{name}/dialect.yaml"))?;
    let value: Value = file.parse_yaml()?;
    if !value.is_object() {
        return Err(file
            .error_at(
                1,
                1,
                "the file does not hold a mapping; expected a mapping of keys to values at the \
                 top (`key: value` lines)",
            )
            .into());
    }
    let parent = value
        .get("extends")
        .and_then(Value::as_str)
        .map(str::to_string);
    let here = Located::new(file);
    let Some(parent) = parent else {
        // Typed parse for positions; the value is then used as is.
        if let Err(mut e) = here.file.parse_yaml::<Dialect>() {
            e.message = explain_flattened(&e.message);
            return Err(LoadErrors(with_structure(
                Some(e),
                Shape::Dialect,
                &value,
                &[&here],
            )));
        }
        layers.push(here);
        return Ok(value);
    };
    let extends_error = |message: String| -> LoadErrors {
        let problem = Problem::at_value(&["extends"], message);
        locate(&[&here], &problem)
            .unwrap_or_else(|| here.file.error(problem.message.clone()))
            .into()
    };
    if lineage.contains(&parent) {
        return Err(extends_error(format!(
            "`extends: {parent}` makes a cycle: {} -> {parent}; a dialect cannot extend itself",
            lineage.join(" -> ")
        )));
    }
    if !known.contains(&parent) {
        return Err(extends_error(format!(
            "`extends: {parent}`: no such dialect{}; expected one of: {}",
            did_you_mean(&parent, known.iter().map(String::as_str)),
            known.join(", ")
        )));
    }
    layers.push(here);
    let mut base = merged_value(tree, &parent, known, lineage, layers)?;
    deep_merge(&mut base, value);
    Ok(base)
}

/// Compiles every `*.schema.json` of the lineage's folders; a child's file shadows its parent's.
fn compile_schemas(
    tree: &Tree,
    lineage: &[String],
) -> Result<BTreeMap<String, Arc<CompiledSchema>>, Vec<LoadError>> {
    let mut documents: BTreeMap<String, (Value, SourceFile)> = BTreeMap::new();
    let mut errors = Vec::new();
    for dir in lineage.iter().rev() {
        let Some(sub) = tree.sub(dir) else {
            continue;
        };
        let names = match sub.files_with_ext(&[".schema.json"]) {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for file_name in names {
            let src = match tree.read(&format!("{dir}/{file_name}")) {
                Ok(s) => s,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            match serde_json::from_str::<Value>(&src.text) {
                Ok(doc) => {
                    documents.insert(file_name, (doc, src));
                }
                Err(e) => {
                    // serde_json repeats the position in its message; ours shows it once.
                    let mut m = e.to_string();
                    if let Some(p) = m.find(" at line ") {
                        m.truncate(p);
                    }
                    errors.push(src.error_at(
                        e.line() as u64,
                        e.column() as u64,
                        format!("not valid JSON: {m}; expected a JSON Schema document"),
                    ));
                }
            }
        }
    }
    let siblings: Arc<BTreeMap<String, Value>> = Arc::new(
        documents
            .iter()
            .map(|(k, (v, _))| (k.clone(), v.clone()))
            .collect(),
    );
    let mut out = BTreeMap::new();
    for (file_name, (doc, src)) in documents {
        let at = schema_problem_at(&doc, &src);
        match compile_schema(&file_name, doc, siblings.clone()) {
            Ok(c) => {
                out.insert(file_name, Arc::new(c));
            }
            Err(e) => errors.push(match at {
                Some((line, column)) => src.error_at(line, column, e.0),
                None => src.error_at(1, 1, e.0),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Where the first rule of the 2020-12 meta-schema that `doc` breaks is written in `src`.
fn schema_problem_at(doc: &Value, src: &SourceFile) -> Option<(u64, u64)> {
    let e = jsonschema::draft202012::meta::validate(doc).err()?;
    let path: Vec<String> = e
        .instance_path()
        .as_str()
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    // JSON is YAML, so the same position map serves.
    let positions = PosMap::parse(&src.text);
    (1..=path.len())
        .rev()
        .find_map(|n| positions.key(path.get(..n)?))
        .map(|p| (p.line, p.column))
}
