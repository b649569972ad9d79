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
    if let Some(note) = builtin_name_note(&args.name, &args.dir) {
        eprintln!("note: {note}");
    }
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

/// A user dialect named like a built-in one replaces it (layering), and the built-ins that extend
/// it then extend the user's: worth knowing before editing a template that lacks their files.
fn builtin_name_note(name: &str, dir: &Path) -> Option<String> {
    let builtin = Tree::specs(None);
    if !crate::spec::available_dialects(&builtin)
        .iter()
        .any(|d| d == name)
    {
        return None;
    }
    let children: Vec<String> = crate::spec::available_dialects(&builtin)
        .into_iter()
        .filter(|d| {
            builtin
                .read(&format!("{d}/dialect.yaml"))
                .ok()
                .and_then(|f| f.parse_yaml::<serde_json::Value>().ok())
                .is_some_and(|v| v.get("extends").and_then(|e| e.as_str()) == Some(name))
        })
        .collect();
    let extended = if children.is_empty() {
        String::new()
    } else {
        format!(
            ", and the built-in {} that extend{} it will extend yours",
            children.join(", "),
            if children.len() == 1 { "s" } else { "" }
        )
    };
    Some(format!(
        "`{name}` is a built-in dialect: with --specs {} your folder replaces it{extended}; \
         choose another name to run beside the built-in one",
        dir.display()
    ))
}
