//! Files a user starts from: the built-in specs and cases written out (`specs export`,
//! `cases export`), and a commented template of a new dialect (`new-dialect NAME`).

use std::path::{Path, PathBuf};

use include_dir::Dir;

use crate::assets::Tree;

/// The dialect template; `NAME` is replaced by the dialect's name.
const DIALECT_TEMPLATE: &str = include_str!("dialect.template.yaml");
const REQUEST_SCHEMA: &str = include_str!("request.template.schema.json");
const ERROR_SCHEMA: &str = include_str!("error.template.schema.json");

/// Writes every file of the embedded `tree` under `dir`, keeping folders; an existing file is
/// left alone (and named in the error) unless `force`. Returns the files written.
pub fn export(tree: &Tree, dir: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
    let Tree::Embedded { dir: embedded, .. } = tree else {
        return Err("only the built-in files can be exported".into());
    };
    let mut files = Vec::new();
    collect(embedded, &mut files);
    let planned: Vec<(PathBuf, &[u8])> = files
        .into_iter()
        .map(|(rel, bytes)| (dir.join(rel), bytes))
        .collect();
    write_all(&planned, force)
}

fn collect<'a>(dir: &'a Dir<'a>, out: &mut Vec<(PathBuf, &'a [u8])>) {
    for f in dir.files() {
        out.push((f.path().to_path_buf(), f.contents()));
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}

/// Writes a new dialect folder `dir/NAME/` from the commented template: `dialect.yaml` with every
/// key, and the two schemas it names. It lints clean as written; edit it to your API.
pub fn new_dialect(name: &str, dir: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(format!(
            "dialect name `{name}`: expected lowercase letters, digits and `-` (it is the folder's name)"
        ));
    }
    let folder = dir.join(name);
    let dialect = DIALECT_TEMPLATE.replace("NAME", name);
    let planned: Vec<(PathBuf, &[u8])> = vec![
        (folder.join("dialect.yaml"), dialect.as_bytes()),
        (
            folder.join("request.schema.json"),
            REQUEST_SCHEMA.as_bytes(),
        ),
        (folder.join("error.schema.json"), ERROR_SCHEMA.as_bytes()),
    ];
    write_all(&planned, force)
}

fn write_all(files: &[(PathBuf, &[u8])], force: bool) -> Result<Vec<PathBuf>, String> {
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "{} file(s) exist and were left alone: {}; nothing was written (--force overwrites)",
                existing.len(),
                existing.join(", ")
            ));
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path.clone());
    }
    Ok(written)
}
