//! Loading the dialects and cases a command needs, every problem collected.

use std::path::PathBuf;
use std::sync::Arc;

use crate::assets::Tree;
use crate::case::{Case, check_against_dialects, load_cases};
use crate::source::LoadErrors;
use crate::spec::{LoadedDialect, available_dialects, load_dialects};

#[derive(Debug)]
pub struct Inputs {
    pub dialects: Vec<Arc<LoadedDialect>>,
    pub cases: Vec<Case>,
}

impl Inputs {
    /// Leaves out the cases generated from the contract (`generate:`), for `--no-generated`.
    pub fn drop_generated(&mut self) {
        self.cases.retain(|c| c.def.generate.is_none());
    }
}

/// Loads the named dialects (all when empty) and every case, from the folders given or the copies
/// built into the binary.
pub fn load_inputs(
    specs: &[PathBuf],
    cases: &[PathBuf],
    names: &[String],
) -> Result<Inputs, LoadErrors> {
    let specs = Tree::specs_layered(specs);
    let cases_tree = Tree::cases_layered(cases);
    // Every problem in one pass: the cases are read even when a dialect has errors, and checked
    // against the dialects that did load.
    let mut problems = Vec::new();
    let mut dialects = load_dialects(&specs, names).unwrap_or_else(|e| {
        problems.extend(e.0);
        Vec::new()
    });
    let run_now = dialects.len();
    // Names in cases are checked against every dialect, not only those run now: the others are
    // loaded too (once each), checked with, and then dropped.
    let others: Vec<String> = available_dialects(&specs)
        .into_iter()
        .filter(|n| !names.is_empty() && !names.contains(n))
        .collect();
    if !others.is_empty() {
        match load_dialects(&specs, &others) {
            Ok(more) => dialects.extend(more),
            Err(e) => problems.extend(e.0),
        }
    }
    // Names in cases are checked only when every dialect loaded: one that did not would make
    // each case naming it look wrong.
    let dialects_loaded = problems.is_empty();
    let cases = match load_cases(&cases_tree) {
        Ok(c) => c,
        Err(e) => {
            problems.extend(e.0);
            Vec::new()
        }
    };
    if dialects_loaded {
        problems.extend(check_against_dialects(&cases, &dialects));
    }
    if !problems.is_empty() {
        return Err(LoadErrors(problems));
    }
    dialects.truncate(run_now);
    Ok(Inputs {
        dialects: dialects.into_iter().map(Arc::new).collect(),
        cases,
    })
}
