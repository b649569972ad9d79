//! Loading what every command needs: dialects and cases, with errors printed once.

use std::sync::Arc;

use super::{Exit, SourceArgs};
use crate::assets::Tree;
use crate::case::{Case, check_against_dialects, load_cases};
use crate::source::LoadErrors;
use crate::spec::{LoadedDialect, load_dialects};

pub struct Inputs {
    pub dialects: Vec<Arc<LoadedDialect>>,
    pub cases: Vec<Case>,
}

/// Loads the named dialects (all when empty) and every case; prints every problem and returns
/// exit code 2 if there is one.
pub fn load_inputs(sources: &SourceArgs, names: &[String]) -> Result<Inputs, Exit> {
    let specs = Tree::specs(sources.specs.as_deref());
    let cases_tree = Tree::cases(sources.cases.as_deref());
    let dialects = load_dialects(&specs, names).map_err(report)?;
    let cases = load_cases(&cases_tree).map_err(report)?;
    // Names in cases are checked against every dialect, not only those run now.
    let all = if names.is_empty() {
        Vec::new()
    } else {
        load_dialects(&specs, &[]).map_err(report)?
    };
    let check_with = if names.is_empty() { &dialects } else { &all };
    let problems = check_against_dialects(&cases, check_with);
    if !problems.is_empty() {
        return Err(report(LoadErrors(problems)));
    }
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
