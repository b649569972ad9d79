//! The command line: argument parsing and one module per command. Exit codes tell usage, input,
//! target and assertion problems apart (see [`Exit`]).

#[macro_use]
mod say;

mod args;
mod baseline;
mod coverage;
mod init;
mod lint;
mod lint_accounts;
mod net_args;
mod plan;
mod restore;
mod run;
mod scaffold;
mod selftest;
mod serve;
mod setup;
mod shell;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use args::*;
pub use net_args::NetArgs;

/// What the process exit code means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every case passed.
    Pass = 0,
    /// Some case failed.
    Failures = 1,
    /// Bad usage, configuration or case file.
    BadInput = 2,
    /// The target could not be reached, or a login failed.
    Unreachable = 3,
    /// A password the run changed could not be changed back.
    NotRestored = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "pwconform",
    version,
    about = "Contract tests for password-change HTTP APIs",
    long_about = "Runs declarative YAML cases against a password-change API and checks every answer \
                  against the API's documented contract (status, Content-Type, JSON Schema, fields).\n\n\
                  Exit codes: 0 all cases passed, 1 some case failed, 2 bad usage or input file, \
                  3 target unreachable or login failed, 4 a password could not be restored."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the cases against a target (or an embedded reference server with --embedded).
    Run(Box<RunArgs>),
    /// Write a commented accounts file for a dialect: every role, how many accounts each wants
    /// and why, `${VAR}` placeholders for the credentials.
    Init(InitArgs),
    /// Check case files and dialect specs, or with --accounts an accounts file, without sending
    /// anything.
    Lint(LintArgs),
    /// Print every request a run would send, in order, without sending anything.
    Plan(PlanArgs),
    /// Start a dialect's reference server and print its accounts.
    Serve(ServeArgs),
    /// Put back the passwords a killed or failed run left changed, from its journal.
    Restore(RestoreArgs),
    /// Run the suite against each embedded server, faithful and with each fault: the kill matrix.
    Selftest(SelftestArgs),
    /// Write a baseline of known deviations from a run's results.json.
    Baseline(BaselineArgs),
    /// The built-in dialect specs: `specs export DIR` writes them out to start from.
    #[command(subcommand)]
    Specs(ExportCommand),
    /// The built-in cases: `cases export DIR` writes them out to start from.
    #[command(subcommand)]
    Cases(ExportCommand),
    /// Write a commented template of a new dialect (every key) to DIR/NAME/ (see
    /// docs/writing-a-dialect.md).
    NewDialect(NewDialectArgs),
    /// List every rule of each dialect with the cases that exercise it; exits 1 if one has none.
    Coverage(CoverageArgs),
    /// Print a shell completion script (see README: shell completions).
    Completions(CompletionsArgs),
    /// Print the man page (roff) of pwconform and its commands.
    Man,
}

/// Parses arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::BadInput.into()
            } else {
                Exit::Pass.into()
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Unreachable.into();
        }
    };
    let exit = runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run::run(*args).await,
            Command::Init(args) => init::init(&args),
            Command::Lint(args) => match &args.accounts {
                Some(path) => {
                    lint_accounts::lint_accounts(&args.sources, path, args.dialect.as_deref())
                }
                None => lint::lint(&args.sources, args.dialect.as_deref()),
            },
            Command::Plan(args) => plan::plan(&args),
            Command::Serve(args) => serve::serve(args).await,
            Command::Restore(args) => restore::restore(args).await,
            Command::Selftest(args) => selftest::selftest(&args).await,
            Command::Baseline(args) => baseline::baseline(&args),
            Command::Specs(ExportCommand::Export { dir, force }) => {
                scaffold::export(&crate::assets::Tree::specs(None), &dir, force)
            }
            Command::Cases(ExportCommand::Export { dir, force }) => {
                scaffold::export(&crate::assets::Tree::cases(None), &dir, force)
            }
            Command::NewDialect(args) => scaffold::new_dialect(&args),
            Command::Coverage(args) => coverage::coverage(&args),
            Command::Completions(args) => shell::completions(args.shell),
            Command::Man => shell::man(),
        }
    });
    exit.into()
}
