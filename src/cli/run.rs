//! `pwconform run`: maps the arguments to a [`RunConfig`], runs it with the terminal reporter, and
//! turns the outcome into an exit code. The run itself is `crate::run::run`.

use super::setup::print_load_errors;
use super::{Exit, RunArgs};
use crate::exec::RunOptions;
use crate::report::Outputs;
use crate::report::terminal::{TerminalReporter, TerminalStyle};
use crate::run::{RunConfig, RunError, RunStatus, run as run_cases};

pub async fn run(args: RunArgs) -> Exit {
    let config = match config(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}\nNothing was sent.");
            return Exit::BadInput;
        }
    };
    let (config, verbose) = config;
    let terminal = TerminalReporter::new(TerminalStyle::detect(verbose));
    match run_cases(&config, &terminal).await {
        Ok(outcome) => {
            if let Some(e) = &outcome.report_error {
                eprintln!("error: {e}");
            }
            exit(outcome.status())
        }
        Err(RunError::Load(e)) => {
            print_load_errors(&e);
            Exit::BadInput
        }
        Err(e @ RunError::BadInput(_)) => {
            eprintln!("error: {e}");
            Exit::BadInput
        }
    }
}

/// The run's configuration, and the terminal's verbosity.
fn config(args: RunArgs) -> Result<(RunConfig, bool), String> {
    let outputs = Outputs {
        json: args.json,
        junit: args.junit,
        markdown: args.markdown,
        html: args.html,
    }
    .or(args.out.as_deref().map(Outputs::in_dir).unwrap_or_default());
    let run = RunConfig {
        specs: super::setup::specs_dirs(&args.sources.specs),
        cases: super::setup::cases_dirs(&args.sources.cases),
        dialects: args.dialects,
        embedded: args.embedded,
        faults: args.faults,
        target: args.target,
        accounts: args.accounts,
        selection: args.select.selection(),
        no_generated: args.no_generated,
        options: RunOptions {
            jobs: args.jobs,
            http: args.net.to_options()?,
            login_probe: !args.no_login_probe,
        },
        allow_writes: args.allow_writes,
        baseline: args.baseline,
        journal: args.journal,
        outputs,
        command_line: std::env::args().collect::<Vec<_>>().join(" "),
        handle_signals: true,
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from),
        github_annotations: crate::report::github::enabled(),
        fail_on_skip: args.fail_on_skip,
        ..RunConfig::default()
    };
    Ok((run, args.verbose))
}

fn exit(status: RunStatus) -> Exit {
    match status {
        RunStatus::NotRestored => Exit::NotRestored,
        RunStatus::Unreachable => Exit::Unreachable,
        RunStatus::Failures => Exit::Failures,
        RunStatus::Pass => Exit::Pass,
    }
}
