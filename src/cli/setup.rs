//! Loading what every command needs: dialects and cases, with errors printed once.

use super::{Exit, SourceArgs};
use crate::source::LoadErrors;

pub use crate::run::Inputs;

/// Loads the named dialects (all when empty) and every case; prints every problem and returns
/// exit code 2 if there is one.
pub fn load_inputs(sources: &SourceArgs, names: &[String]) -> Result<Inputs, Exit> {
    crate::run::load_inputs(sources.specs.as_deref(), sources.cases.as_deref(), names).map_err(
        |e| {
            print_load_errors(&e);
            Exit::BadInput
        },
    )
}

pub fn print_load_errors(e: &LoadErrors) {
    for err in &e.0 {
        eprintln!("error: {err}");
    }
    eprintln!(
        "{} problem(s) in the input files; nothing was sent. Fix them and run `pwconform lint` to check.",
        e.0.len()
    );
}
