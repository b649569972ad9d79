//! `pwconform selftest`: the kill matrix of every shipped dialect.

use super::setup::load_inputs;
use super::{Exit, SelftestArgs};
use crate::exec::RunOptions;
use crate::selftest::{render_matrix, selftest as run_selftest};

pub async fn selftest(args: &SelftestArgs) -> Exit {
    let mut inputs = match load_inputs(&args.sources, &args.dialects) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if args.no_generated {
        inputs.drop_generated();
    }
    // By default the base dialects only: the faults are written against the current contracts,
    // and several of them are what a variant like `openspecimen-legacy` documents on purpose.
    if args.dialects.is_empty() {
        inputs
            .dialects
            .retain(|d| d.spec.extends.is_none() && crate::reference::DIALECTS.contains(&d.name()));
    }
    let options = RunOptions {
        jobs: args.jobs,
        ..RunOptions::default()
    };
    let json_to_stdout = args.json.as_deref() == Some(std::path::Path::new("-"));
    let mut clean = true;
    let mut all = Vec::new();
    for d in &inputs.dialects {
        match run_selftest(d, &inputs.cases, &options, &args.faults).await {
            Ok(t) => {
                // With `--json -` standard output carries the JSON alone.
                if json_to_stdout {
                    eprint!("{}", render_matrix(&t));
                } else {
                    say_raw!("{}", render_matrix(&t));
                }
                clean &= t.clean();
                all.push(t);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::BadInput;
            }
        }
    }
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&all).unwrap_or_default();
        if json_to_stdout {
            say!("{text}");
        } else if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Exit::BadInput;
        }
    }
    if clean { Exit::Pass } else { Exit::Failures }
}
