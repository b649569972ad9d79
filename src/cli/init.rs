//! `pwconform init --dialect NAME [-o FILE]`: the commented accounts template of a dialect.

use std::path::Path;

use super::setup::load_inputs;
use super::{Exit, InitArgs};
use crate::target::accounts_template;

pub fn init(args: &InitArgs) -> Exit {
    let inputs = match load_inputs(&args.sources, std::slice::from_ref(&args.dialect)) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let Some(dialect) = inputs.dialects.first() else {
        eprintln!("error: no dialect `{}`", args.dialect);
        return Exit::BadInput;
    };
    let text = accounts_template(dialect, &inputs.cases);
    match &args.output {
        None => {
            say_raw!("{text}");
            Exit::Pass
        }
        Some(path) => write_new(path, &text, args.force),
    }
}

/// Writes the template, refusing to replace a file that may hold filled-in accounts.
fn write_new(path: &Path, text: &str, force: bool) -> Exit {
    if path.exists() && !force {
        eprintln!(
            "error: {} exists; it may hold filled-in accounts. Pass --force to overwrite it, or \
             another -o FILE.",
            path.display()
        );
        return Exit::BadInput;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return Exit::BadInput;
    }
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("error: cannot write {}: {e}", path.display());
        return Exit::BadInput;
    }
    eprintln!(
        "wrote {}: fill in the accounts (or set the ${{VAR}}s in CI), then check it with \
         `pwconform lint --accounts {}`",
        path.display(),
        path.display()
    );
    Exit::Pass
}
