//! Loading what every command needs: dialects and cases, with errors printed once.

use std::path::PathBuf;

use super::{Exit, SourceArgs};
use crate::source::LoadErrors;

pub use crate::run::Inputs;

/// Loads the named dialects (all when empty) and every case; prints every problem and returns
/// exit code 2 if there is one.
pub fn load_inputs(sources: &SourceArgs, names: &[String]) -> Result<Inputs, Exit> {
    crate::run::load_inputs(
        &specs_dirs(&sources.specs),
        &cases_dirs(&sources.cases),
        names,
    )
    .map_err(|e| {
        print_load_errors(&e);
        Exit::BadInput
    })
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

/// The built-in specs with PWCONFORM_SPECS's folders and then `--specs` ones over them.
pub fn specs_tree(cli: &[PathBuf]) -> crate::assets::Tree {
    crate::assets::Tree::specs_layered(&specs_dirs(cli))
}

/// PWCONFORM_SPECS's folders, then `--specs` ones.
pub fn specs_dirs(cli: &[PathBuf]) -> Vec<PathBuf> {
    with_env("PWCONFORM_SPECS", cli)
}

/// PWCONFORM_CASES's folders, then `--cases` ones.
pub fn cases_dirs(cli: &[PathBuf]) -> Vec<PathBuf> {
    with_env("PWCONFORM_CASES", cli)
}

/// The folders of the path list in `var` (`:`-separated, `;` on Windows), then `cli`'s.
fn with_env(var: &str, cli: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os(var)
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    dirs.retain(|d| !d.as_os_str().is_empty());
    dirs.extend(cli.iter().cloned());
    dirs
}
