//! Loading what every command needs: dialects and cases, with errors printed once.

use std::sync::Arc;

use super::{Exit, SourceArgs};
use crate::assets::Tree;
use crate::case::{Case, check_against_dialects, load_cases};
use crate::source::LoadErrors;
use crate::spec::{LoadedDialect, available_dialects, load_dialects};

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

/// Loads the named dialects (all when empty) and every case; prints every problem and returns
/// exit code 2 if there is one.
pub fn load_inputs(sources: &SourceArgs, names: &[String]) -> Result<Inputs, Exit> {
    let specs = Tree::specs(sources.specs.as_deref());
    let cases_tree = Tree::cases(sources.cases.as_deref());
    let mut dialects = load_dialects(&specs, names).map_err(report)?;
    let run_now = dialects.len();
    // Names in cases are checked against every dialect, not only those run now: the others are
    // loaded too (once each), checked with, and then dropped.
    let others: Vec<String> = available_dialects(&specs)
        .into_iter()
        .filter(|n| !names.is_empty() && !names.contains(n))
        .collect();
    if !others.is_empty() {
        dialects.extend(load_dialects(&specs, &others).map_err(report)?);
    }
    let cases = load_cases(&cases_tree).map_err(report)?;
    let problems = check_against_dialects(&cases, &dialects);
    if !problems.is_empty() {
        return Err(report(LoadErrors(problems)));
    }
    dialects.truncate(run_now);
    Ok(Inputs {
        dialects: dialects.into_iter().map(Arc::new).collect(),
        cases,
    })
}

fn report(e: LoadErrors) -> Exit {
    for err in &e.0 {
        eprintln!("error: {err}");
    }
    eprintln!(
        "{} problem(s) in the input files; nothing was sent. Fix them and run `pwconform lint` to check.",
        e.0.len()
    );
    Exit::BadInput
}
