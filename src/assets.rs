//! Where specs and cases are read from: a folder the user names, or the copies embedded in the
//! binary (so an installed `pwconform` works from any directory).

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::source::{LoadError, SourceFile};

static SPECS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/specs");
static CASES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/cases");

/// How the name of a file built into the binary starts: `(embedded)/specs/ocariot/dialect.yaml`.
pub const EMBEDDED_PREFIX: &str = "(embedded)/";

/// Whether a file name (as [`Tree::read`] gives it) is a copy built into the binary.
pub fn is_built_in(name: &str) -> bool {
    name.starts_with(EMBEDDED_PREFIX)
}

/// A folder of input files.
#[derive(Debug, Clone)]
pub enum Tree {
    Disk(PathBuf),
    Embedded {
        label: &'static str,
        dir: &'static Dir<'static>,
    },
    /// The built-ins with the user's folders over them, later ones winning: a top-level entry (a
    /// case file, a dialect folder) comes whole from the last layer that has it, so a user folder
    /// adds dialects and case files, and replaces a built-in one of the same name.
    Layered(Vec<Tree>),
}

impl Tree {
    /// `--specs DIR`, else the embedded `specs/`.
    pub fn specs(dir: Option<&Path>) -> Tree {
        match dir {
            Some(d) => Tree::Disk(d.to_path_buf()),
            None => Tree::Embedded {
                label: "specs",
                dir: &SPECS,
            },
        }
    }

    /// `--cases DIR`, else the embedded `cases/`.
    pub fn cases(dir: Option<&Path>) -> Tree {
        match dir {
            Some(d) => Tree::Disk(d.to_path_buf()),
            None => Tree::Embedded {
                label: "cases",
                dir: &CASES,
            },
        }
    }

    /// The built-in specs with `dirs` over them (`--specs`, repeatable, and `PWCONFORM_SPECS`).
    pub fn specs_layered(dirs: &[PathBuf]) -> Tree {
        Tree::layered(Tree::specs(None), dirs)
    }

    /// The built-in cases with `dirs` over them (`--cases`, repeatable, and `PWCONFORM_CASES`).
    pub fn cases_layered(dirs: &[PathBuf]) -> Tree {
        Tree::layered(Tree::cases(None), dirs)
    }

    fn layered(base: Tree, dirs: &[PathBuf]) -> Tree {
        if dirs.is_empty() {
            return base;
        }
        let mut layers = vec![base];
        layers.extend(dirs.iter().map(|d| Tree::Disk(d.clone())));
        Tree::Layered(layers)
    }

    /// The user's folders of a layered tree (none for a plain one).
    pub fn user_layers(&self) -> Vec<&Tree> {
        match self {
            Tree::Layered(layers) => layers.iter().skip(1).collect(),
            _ => Vec::new(),
        }
    }

    /// The layer `rel` is read from: the last one holding its top-level entry.
    fn owner(&self, rel: &str) -> Option<&Tree> {
        match self {
            Tree::Layered(layers) => {
                let top = rel.split('/').next().unwrap_or(rel);
                layers.iter().rev().find(|l| l.exists(top))
            }
            other => Some(other),
        }
    }

    /// The folder `dir` of the tree as a tree of its own (from its owning layer).
    pub fn sub(&self, dir: &str) -> Option<Tree> {
        match self.owner(dir)? {
            Tree::Disk(root) => Some(Tree::Disk(root.join(dir))),
            Tree::Embedded { label, dir: d } => {
                d.get_dir(dir).map(|sd| Tree::Embedded { label, dir: sd })
            }
            Tree::Layered(_) => None,
        }
    }

    /// Reads `rel` (a `/`-separated path inside the tree).
    pub fn read(&self, rel: &str) -> Result<SourceFile, LoadError> {
        match self {
            Tree::Layered(_) => match self.owner(rel) {
                Some(layer) => layer.read(rel),
                None => Err(LoadError {
                    file: format!("{}/{rel}", self.describe()),
                    line: None,
                    column: None,
                    message: "no such file".into(),
                }),
            },
            Tree::Disk(root) => SourceFile::read(&root.join(rel)),
            Tree::Embedded { label, dir } => {
                let name = format!("{EMBEDDED_PREFIX}{label}/{rel}");
                let file = dir.get_file(rel).ok_or_else(|| LoadError {
                    file: name.clone(),
                    line: None,
                    column: None,
                    message: "no such file".into(),
                })?;
                let text = file.contents_utf8().ok_or_else(|| LoadError {
                    file: name.clone(),
                    line: None,
                    column: None,
                    message: "not UTF-8 text".into(),
                })?;
                Ok(SourceFile {
                    name,
                    path: None,
                    text: text.to_string(),
                })
            }
        }
    }

    /// Whether `rel` exists.
    pub fn exists(&self, rel: &str) -> bool {
        match self {
            Tree::Disk(root) => root.join(rel).exists(),
            Tree::Embedded { dir, .. } => dir.get_entry(rel).is_some(),
            Tree::Layered(_) => self.owner(rel).is_some_and(|l| l.exists(rel)),
        }
    }

    /// Names of the direct subfolders, sorted.
    /// Why a folder on disk cannot be listed, if it cannot (missing, not a folder, no access).
    pub fn unreadable(&self) -> Option<std::io::Error> {
        match self {
            Tree::Disk(root) => std::fs::read_dir(root).err(),
            Tree::Embedded { .. } => None,
            Tree::Layered(layers) => layers.iter().find_map(Tree::unreadable),
        }
    }

    pub fn subdirs(&self) -> Vec<String> {
        let mut out: Vec<String> = match self {
            Tree::Disk(root) => std::fs::read_dir(root)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Tree::Embedded { dir, .. } => dir
                .dirs()
                .filter_map(|d| d.path().file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
            Tree::Layered(layers) => layers.iter().flat_map(Tree::subdirs).collect(),
        };
        out.sort();
        out.dedup();
        out
    }

    /// Top-level files ending in one of `exts`, sorted by name.
    pub fn files_with_ext(&self, exts: &[&str]) -> Result<Vec<String>, LoadError> {
        let keep = |name: &str| exts.iter().any(|e| name.ends_with(e));
        let mut out: Vec<String> = match self {
            Tree::Disk(root) => std::fs::read_dir(root)
                .map_err(|e| LoadError {
                    file: root.display().to_string(),
                    line: None,
                    column: None,
                    message: format!("cannot list folder: {e}"),
                })?
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| keep(n))
                .collect(),
            Tree::Embedded { dir, .. } => dir
                .files()
                .filter_map(|f| f.path().file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| keep(n))
                .collect(),
            Tree::Layered(layers) => {
                let mut all = Vec::new();
                for l in layers {
                    all.extend(l.files_with_ext(exts)?);
                }
                all
            }
        };
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// How to show the tree in messages.
    pub fn describe(&self) -> String {
        match self {
            Tree::Disk(root) => root.display().to_string(),
            Tree::Embedded { label, .. } => format!("{EMBEDDED_PREFIX}{label}"),
            Tree::Layered(layers) => layers
                .iter()
                .map(Tree::describe)
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }
}
