//! `specs export`, `cases export` and `new-dialect`: files written for the user to start from.

use std::path::{Path, PathBuf};

use super::{Exit, NewDialectArgs};
use crate::assets::Tree;

pub fn export(tree: &Tree, dir: &Path, force: bool) -> Exit {
    done(crate::scaffold::export(tree, dir, force), || {
        format!(
            "add the folder to the built-ins with --specs/--cases {} (a file of the same name \
             replaces the built-in one)",
            dir.display()
        )
    })
}

pub fn new_dialect(args: &NewDialectArgs) -> Exit {
    done(
        crate::scaffold::new_dialect(&args.name, &args.dir, args.force),
        || {
            format!(
                "edit {}/{}/dialect.yaml to your API (guide: docs/writing-a-dialect.md), then: \
                 pwconform lint --specs {}",
                args.dir.display(),
                args.name,
                args.dir.display()
            )
        },
    )
}

fn done(result: Result<Vec<PathBuf>, String>, next: impl Fn() -> String) -> Exit {
    match result {
        Ok(files) => {
            for f in &files {
                say!("wrote {}", f.display());
            }
            eprintln!("{} file(s); next: {}", files.len(), next());
            Exit::Pass
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::BadInput
        }
    }
}
