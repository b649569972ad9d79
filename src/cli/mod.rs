//! The command line: argument parsing and one module per command. Exit codes tell usage, input,
//! target and assertion problems apart (see [`Exit`]).

#[macro_use]
mod say;

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

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

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

#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// The API's dialect (`specs/NAME/`).
    #[arg(long, value_name = "NAME")]
    pub dialect: String,
    /// Write the template here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists (it may hold filled-in accounts).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Check this accounts file against its dialect: roles, traits, credentials, base URL, and
    /// which cases it leaves skipped. `${VAR}` that are not set are named, not errors.
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Only this dialect (default: every one; with --accounts: the file's `dialect:`).
    #[arg(long, value_name = "NAME")]
    pub dialect: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Dialect(s) to list (default: all).
    #[arg(long = "dialect", value_name = "NAME")]
    pub dialects: Vec<String>,
    /// The table as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Where cases and specs come from.
#[derive(Debug, Args, Clone)]
pub struct SourceArgs {
    /// Folder of case files, added to the built-in cases (repeatable; a file of the same name as
    /// a built-in one replaces it). Also PWCONFORM_CASES, a path list, before these.
    #[arg(long, value_name = "DIR")]
    pub cases: Vec<PathBuf>,
    /// Folder of dialect specs (one folder per dialect), added to the built-in dialects
    /// (repeatable; a dialect of the same name as a built-in one replaces it). Also
    /// PWCONFORM_SPECS, a path list, before these.
    #[arg(long, value_name = "DIR")]
    pub specs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Base URL of the API under test (overrides `base_url` of the accounts file).
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// Accounts file: per role, username and password or a token (`${ENV}` allowed).
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Dialect(s) to run; default: the accounts file's, or every dialect with --embedded.
    #[arg(long = "dialect", value_name = "NAME")]
    pub dialects: Vec<String>,
    /// Start each dialect's reference server in this process and run against it.
    #[arg(long, conflicts_with_all = ["target", "accounts"])]
    pub embedded: bool,
    /// With --embedded: switch on a bug in the reference server (repeatable).
    #[arg(long = "fault", value_name = "NAME", requires = "embedded")]
    pub faults: Vec<String>,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Steps in flight at once (steps on the same account always run in order).
    #[arg(long, default_value_t = 4, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: usize,
    /// Boxed: the network flags would make `Run` dwarf the other commands.
    #[command(flatten)]
    pub net: Box<NetArgs>,
    /// Consent to change passwords on a target that is not this machine.
    #[arg(long)]
    pub allow_writes: bool,
    /// Do not check that the old password stops working (saves one failed login per account).
    #[arg(long)]
    pub no_login_probe: bool,
    /// Any skipped case (a role, a second account or a trait missing from the accounts file)
    /// fails the run (exit 1), so CI cannot stay green on an incomplete setup.
    #[arg(long)]
    pub fail_on_skip: bool,
    /// Leave out the cases generated from the contract (`generate:` in case files).
    #[arg(long)]
    pub no_generated: bool,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write every request, response, check and timing as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Known deviations: listed failures are reported as `known` and do not fail the run; a listed
    /// case that passes fails it (stale entry).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Restore journal: written before any request that may change a password (not with --embedded).
    #[arg(
        long,
        default_value = "reports/restore-journal.jsonl",
        value_name = "FILE"
    )]
    pub journal: PathBuf,
    /// Write a short Markdown summary.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write one self-contained HTML report (opens offline).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write every report into DIR (default `reports`): report.html, junit.xml, results.json,
    /// summary.md. A format's own flag (--json FILE...) still picks its path.
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "reports")]
    pub out: Option<PathBuf>,
    /// Print every reason of each failing case, and skipped cases.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the built-in files into DIR (existing files are left alone unless --force).
    Export {
        dir: PathBuf,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct NewDialectArgs {
    /// The dialect's name (the folder's name): lowercase letters, digits, `-`.
    pub name: String,
    /// The folder of dialects to write into (then use it with `--specs DIR`).
    #[arg(long, default_value = "specs", value_name = "DIR")]
    pub dir: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// Which cases to run or plan; each kind narrows, texts of one kind are alternatives.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectArgs {
    /// Only cases whose id contains this text (repeatable; any may match).
    #[arg(long = "filter", value_name = "TEXT")]
    pub filters: Vec<String>,
    /// Leave out cases whose id contains this text (repeatable; wins over --filter).
    #[arg(long = "exclude", value_name = "TEXT")]
    pub excludes: Vec<String>,
    /// Only cases with this tag (repeatable; any may match).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only cases of this theme: its title or case-file name without `.yaml`, e.g. `auth`
    /// (repeatable; any may match).
    #[arg(long = "theme", value_name = "THEME")]
    pub themes: Vec<String>,
}

impl SelectArgs {
    pub fn selection(&self) -> crate::plan::Selection {
        crate::plan::Selection {
            filters: self.filters.clone(),
            excludes: self.excludes.clone(),
            tags: self.tags.clone(),
            themes: self.themes.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// A run's JSON results (`run --json FILE`).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Why these deviations are accepted (prefixed to each case's first reason).
    #[arg(long, default_value = "accepted deviation")]
    pub reason: String,
    /// YYYY-MM-DD from which the entries no longer excuse their cases.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Where to write the baseline (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SelftestArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Dialect(s) to test (default: every dialect that extends no other).
    #[arg(long = "dialect", value_name = "NAME")]
    pub dialects: Vec<String>,
    /// Only these faults (repeatable; default: all).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Fault servers run at once (at most 4).
    #[arg(long, default_value_t = 2, value_name = "N",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: usize,
    /// Leave out the cases generated from the contract: what the hand-written cases alone catch.
    #[arg(long)]
    pub no_generated: bool,
    /// Write the kill matrix as JSON (`-`: to standard output; the table then goes to standard
    /// error).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub sources: SourceArgs,
    /// Dialect(s) to plan (default: all).
    #[arg(long = "dialect", value_name = "NAME")]
    pub dialects: Vec<String>,
    /// Accounts file, to plan with its roles and accounts (default: two stand-ins per role).
    #[arg(long, value_name = "FILE")]
    pub accounts: Option<PathBuf>,
    /// Base URL shown in the requests.
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    #[command(flatten)]
    pub select: SelectArgs,
    /// One JSON object per step instead of text.
    #[arg(long)]
    pub json: bool,
    /// Leave out the cases generated from the contract (`generate:` in case files).
    #[arg(long)]
    pub no_generated: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The journal a run wrote (default location: reports/restore-journal.jsonl).
    #[arg(
        long,
        default_value = "reports/restore-journal.jsonl",
        value_name = "FILE"
    )]
    pub journal: PathBuf,
    /// Folder of dialect specs added to the built-in ones (repeatable; also PWCONFORM_SPECS).
    #[arg(long, value_name = "DIR")]
    pub specs: Vec<PathBuf>,
    /// Base URL to use instead of the one recorded (e.g. the same server behind another name).
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// The same network options as the run (CA, client certificate, proxy, extra headers...).
    #[command(flatten)]
    pub net: Box<NetArgs>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Dialect whose reference server to start.
    pub dialect: String,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Switch on a bug (repeatable); `--fault list` prints them.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Also write an accounts file for `pwconform run --target ... --accounts FILE`.
    #[arg(long, value_name = "FILE")]
    pub write_accounts: Option<PathBuf>,
    /// Hold every answer back this many milliseconds: a target that far away.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency: u64,
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
