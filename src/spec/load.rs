//! Reads `specs/NAME/dialect.yaml`, resolves `extends`, compiles the schemas it names.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::merge::deep_merge;
use super::model::Dialect;
use super::schema::{CompiledSchema, compile_schema};
use super::validate::validate_dialect;
use crate::assets::Tree;
use crate::source::{LoadError, LoadErrors, SourceFile, did_you_mean};

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
}

impl LoadedDialect {
    pub fn name(&self) -> &str {
        &self.spec.name
    }
}

const TOP_LEVEL_KEYS: &[&str] = &[
    "name",
    "title",
    "extends",
    "docs",
    "change_password",
    "login",
    "auth",
    "roles",
    "user_ids",
    "outcomes",
    "reset",
];

/// Folders of `tree` that hold a `dialect.yaml`.
pub fn available_dialects(tree: &Tree) -> Vec<String> {
    tree.subdirs()
        .into_iter()
        .filter(|d| tree.exists(&format!("{d}/dialect.yaml")))
        .collect()
}

/// Loads the named dialects, or every available one when `names` is empty.
pub fn load_dialects(tree: &Tree, names: &[String]) -> Result<Vec<LoadedDialect>, LoadErrors> {
    let names = if names.is_empty() {
        available_dialects(tree)
    } else {
        names.to_vec()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for name in &names {
        match load_dialect(tree, name) {
            Ok(d) => out.push(d),
            Err(e) => errors.extend(e.0),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LoadErrors(errors))
    }
}

/// Loads one dialect with everything it extends.
pub fn load_dialect(tree: &Tree, name: &str) -> Result<LoadedDialect, LoadErrors> {
    let known = available_dialects(tree);
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
    let (merged, file) = merged_value(tree, name, &mut lineage)?;
    let spec: Dialect = serde_json::from_value(merged).map_err(|e| LoadError {
        file: file.name.clone(),
        line: None,
        column: None,
        message: format!("after merging `extends`: {e}"),
    })?;
    if spec.name != name {
        return Err(file
            .error(format!(
                "`name: {}` does not match the folder name `{name}`",
                spec.name
            ))
            .into());
    }
    let schemas = compile_schemas(tree, &lineage).map_err(LoadErrors)?;
    let loaded = LoadedDialect {
        spec,
        lineage,
        schemas,
        file: file.name.clone(),
    };
    let problems = validate_dialect(&loaded);
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(LoadErrors(
            problems.into_iter().map(|p| file.error(p)).collect(),
        ))
    }
}

/// The dialect file as JSON with its parents merged under it. Files without `extends` are also
/// parsed into the typed form first, so typos and wrong types get a line and column.
fn merged_value(
    tree: &Tree,
    name: &str,
    lineage: &mut Vec<String>,
) -> Result<(Value, SourceFile), LoadErrors> {
    if lineage.iter().any(|l| l == name) {
        return Err(LoadError {
            file: tree.describe(),
            line: None,
            column: None,
            message: format!("`extends` cycle: {} -> {name}", lineage.join(" -> ")),
        }
        .into());
    }
    lineage.push(name.to_string());
    let file = tree.read(&format!("{name}/dialect.yaml"))?;
    let value: Value = file.parse_yaml()?;
    let Value::Object(map) = &value else {
        return Err(file
            .error("expected a mapping at the top of the file")
            .into());
    };
    for key in map.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            return Err(file
                .error(format!(
                    "unknown key `{key}`{}; expected one of: {}",
                    did_you_mean(key, TOP_LEVEL_KEYS.iter().copied()),
                    TOP_LEVEL_KEYS.join(", ")
                ))
                .into());
        }
    }
    match map
        .get("extends")
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        None => {
            // Typed parse for positions; the value is then used as is.
            file.parse_yaml::<Dialect>()?;
            Ok((value, file))
        }
        Some(parent) => {
            let (mut base, _) = merged_value(tree, &parent, lineage)?;
            deep_merge(&mut base, value);
            Ok((base, file))
        }
    }
}

/// Compiles every `*.schema.json` of the lineage's folders; a child's file shadows its parent's.
fn compile_schemas(
    tree: &Tree,
    lineage: &[String],
) -> Result<BTreeMap<String, Arc<CompiledSchema>>, Vec<LoadError>> {
    let mut documents: BTreeMap<String, (Value, String)> = BTreeMap::new();
    let mut errors = Vec::new();
    for dir in lineage.iter().rev() {
        let sub = match tree {
            Tree::Disk(root) => Tree::Disk(root.join(dir)),
            Tree::Embedded { label, dir: d } => match d.get_dir(dir.as_str()) {
                Some(sd) => Tree::Embedded { label, dir: sd },
                None => continue,
            },
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
                    documents.insert(file_name, (doc, src.name));
                }
                Err(e) => errors.push(src.error_at(
                    e.line() as u64,
                    e.column() as u64,
                    format!("not valid JSON: {e}"),
                )),
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
    for (file_name, (doc, shown)) in documents {
        match compile_schema(&file_name, doc, siblings.clone()) {
            Ok(c) => {
                out.insert(file_name, Arc::new(c));
            }
            Err(e) => errors.push(LoadError {
                file: shown,
                line: None,
                column: None,
                message: e.0,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
