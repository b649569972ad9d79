//! The run as one library call: accounts, consent, journal, signals, the dialects one after the
//! other, baseline, report files and the outcome. The CLI maps its arguments to a [`RunConfig`];
//! `selftest`, the tests and the bench call [`run`] too.
//!
//! Every case is redacted once, as it finishes, through the run's [`SecretBook`] (see
//! `redact/book.rs`); reporters and files only ever get redacted data.

mod events;
mod inputs;
mod jobs;
mod observe;
mod roles;
mod signal;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub use events::{Fanout, Reporter, RunEvent, Silent};
pub use inputs::{Inputs, load_inputs};

use crate::baseline::{load_baseline, today, unmatched_notes};
use crate::exec::journal::Journal;
use crate::exec::{RunContext, RunOptions, run_plan};
use crate::plan::Selection;
use crate::redact::SecretBook;
use crate::report::{Outputs, ReportError, write_redacted};
use crate::result::{RunMeta, RunReport, Verdict};
use crate::source::LoadErrors;
use crate::target::load_accounts;
use jobs::Job;
use observe::{KnownDeviations, Live};

/// Everything a run needs to know, as plain data.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Folders of dialect specs added over the built-in ones, later ones winning.
    pub specs: Vec<PathBuf>,
    /// Folders of case files added to the built-in ones, later ones winning.
    pub cases: Vec<PathBuf>,
    /// Dialects to run; empty: the accounts file's, or every dialect with `embedded`.
    pub dialects: Vec<String>,
    /// Start each dialect's reference server in this process and run against it.
    pub embedded: bool,
    /// With `embedded`: bugs to switch on.
    pub faults: Vec<String>,
    /// Base URL (wins over the accounts file's).
    pub target: Option<String>,
    pub accounts: Option<PathBuf>,
    /// Which steps to run (`--filter`, `--exclude`, `--tag`, `--theme`).
    pub selection: Selection,
    /// Leave out the cases that do not apply to a dialect instead of reporting them as skipped
    /// (selftest: they test no server).
    pub applicable_only: bool,
    /// Leave out the cases generated from the contract (`generate:` in case files).
    pub no_generated: bool,
    pub options: RunOptions,
    /// Consent to change passwords on a target that is not this machine.
    pub allow_writes: bool,
    pub baseline: Option<PathBuf>,
    /// Restore journal (not used with `embedded`).
    pub journal: PathBuf,
    pub outputs: Outputs,
    /// Shown in the reports.
    pub command_line: String,
    /// Stop on Ctrl-C and SIGTERM (the CLI); a library caller may set `stop` itself instead.
    pub handle_signals: bool,
    /// Set to stop sending new cases (what a signal does).
    pub stop: Arc<AtomicBool>,
    /// Dialects and cases already loaded (selftest, the bench): run as they are, instead of
    /// loading `specs`, `cases` and `dialects`.
    pub loaded: Option<Arc<Inputs>>,
    /// A file the Markdown summary is appended to as well (`$GITHUB_STEP_SUMMARY` in the CLI).
    pub step_summary: Option<PathBuf>,
    /// Print GitHub Actions `::error` annotations for failing cases and unrestored accounts.
    pub github_annotations: bool,
    /// Any skipped case fails the run (a role, a second account or a trait is missing).
    pub fail_on_skip: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            specs: Vec::new(),
            cases: Vec::new(),
            dialects: Vec::new(),
            embedded: false,
            faults: Vec::new(),
            target: None,
            accounts: None,
            selection: Selection::default(),
            applicable_only: false,
            no_generated: false,
            options: RunOptions::default(),
            allow_writes: false,
            baseline: None,
            journal: PathBuf::from("reports/restore-journal.jsonl"),
            outputs: Outputs::default(),
            command_line: String::new(),
            handle_signals: false,
            stop: Arc::new(AtomicBool::new(false)),
            loaded: None,
            step_summary: None,
            github_annotations: false,
            fail_on_skip: false,
        }
    }
}

/// Why a run did not start. Nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    BadInput(String),
    #[error("{} problem(s) in the input files", .0.0.len())]
    Load(LoadErrors),
}

/// What a run did: the redacted report, whether it was interrupted, and a report file error.
#[derive(Debug)]
pub struct RunOutcome {
    pub report: RunReport,
    pub interrupted: bool,
    pub report_error: Option<ReportError>,
    /// `RunConfig::fail_on_skip`: a skipped case counts as a failure.
    pub skips_fail: bool,
    /// `fsync`s of the restore journal (0 without one): measured by the bench.
    pub journal_syncs: u64,
}

/// The outcome in one word, from worst to best (the CLI's exit codes 4, 3, 1, 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    NotRestored,
    Unreachable,
    Failures,
    Pass,
}

impl RunOutcome {
    /// A password left changed, else a target that could not be asked, else failures (an
    /// interrupted run or a report that could not be written counts as one).
    pub fn status(&self) -> RunStatus {
        let cases = &self.report.cases;
        if !self.report.unrestored.is_empty() {
            RunStatus::NotRestored
        } else if cases.iter().any(|c| c.verdict == Verdict::Error) {
            RunStatus::Unreachable
        } else if cases.iter().any(|c| c.verdict == Verdict::Fail)
            || self.report_error.is_some()
            || self.interrupted
            || (self.skips_fail && cases.iter().any(|c| c.verdict == Verdict::Skip))
        {
            RunStatus::Failures
        } else {
            RunStatus::Pass
        }
    }
}

/// Runs the cases of `config` and writes its report files; `reporter` is told as it goes.
pub async fn run(config: &RunConfig, reporter: &dyn Reporter) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let started_unix = crate::clock::now_unix();
    let accounts_file = match &config.accounts {
        Some(p) => Some(load_accounts(p).map_err(|e| RunError::BadInput(e.to_string()))?),
        None => None,
    };
    let baseline = match &config.baseline {
        Some(p) => Some(load_baseline(p).map_err(|e| RunError::BadInput(e.to_string()))?),
        None => None,
    };
    let mut names = config.dialects.clone();
    if names.is_empty()
        && let Some(d) = accounts_file.as_ref().and_then(|a| a.dialect.clone())
    {
        names.push(d);
    }
    if names.is_empty() && !config.embedded {
        return Err(RunError::BadInput(
            "name the API's dialect with --dialect NAME (or `dialect:` in the accounts file)"
                .into(),
        ));
    }
    let inputs = match &config.loaded {
        Some(loaded) => loaded.clone(),
        None => {
            let mut inputs =
                load_inputs(&config.specs, &config.cases, &names).map_err(RunError::Load)?;
            // `--embedded` alone: every dialect that has a reference server (djoser and
            // user-written dialects have none; naming one with --dialect is an error below).
            if config.embedded && names.is_empty() {
                inputs
                    .dialects
                    .retain(|d| crate::reference::DIALECTS.contains(&d.name()));
            }
            if config.no_generated {
                inputs.drop_generated();
            }
            Arc::new(inputs)
        }
    };
    config
        .outputs
        .check_writable()
        .map_err(|e| RunError::BadInput(format!("{e}\nNothing was sent.")))?;
    let jobs = if config.embedded {
        jobs::embedded_jobs(config, &inputs).await?
    } else {
        jobs::target_jobs(config, &inputs, accounts_file)?
    };
    for job in &jobs {
        if let Some(e) = crate::plan::missing_ids(&job.plan, &job.dialect, &job.target) {
            return Err(RunError::BadInput(format!("{e}\nNothing was sent.")));
        }
    }
    // The journal protects real accounts; an embedded server's accounts die with this process.
    let journal = if config.embedded {
        None
    } else {
        Some(
            Journal::create(&config.journal)
                .map_err(|e| RunError::BadInput(format!("{e}\nNothing was sent.")))?,
        )
    };
    let book = secret_book(&jobs, config);
    let mut report = RunReport {
        meta: RunMeta {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            target: jobs
                .iter()
                .map(|j| j.target.base_url.clone())
                .collect::<Vec<_>>()
                .join(", "),
            dialects: jobs.iter().map(|j| j.dialect.name().to_string()).collect(),
            started_unix,
            duration_ms: 0,
            command_line: config.command_line.clone(),
        },
        cases: Vec::new(),
        unrestored: Vec::new(),
        notes: Vec::new(),
    };
    book.redactor().redact_meta(&mut report.meta);
    reporter.on_event(&RunEvent::Started {
        cases: jobs.iter().map(|j| j.plan.steps.len()).sum(),
        dialects: &report.meta.dialects,
        target: &report.meta.target,
    });

    let stop = &*config.stop;
    let observer = Live {
        book: &book,
        reporter,
        baseline: baseline
            .as_ref()
            .zip(config.baseline.as_ref())
            .map(|(b, path)| KnownDeviations {
                baseline: b,
                source: path.display().to_string(),
                today: today(),
            }),
    };
    let send = send_all(
        &jobs,
        config,
        &observer,
        &book,
        journal.as_ref(),
        &mut report,
    );
    let signals = if config.handle_signals {
        Some(signal::SignalWatch::install().map_err(|e| {
            RunError::BadInput(format!(
                "cannot install the Ctrl-C/SIGTERM handlers: {e}\nNothing was sent."
            ))
        })?)
    } else {
        None
    };
    if let Some(signals) = signals {
        let watch = async {
            signals.wait(stop).await;
            reporter.on_event(&RunEvent::Interrupted);
            std::future::pending::<()>().await;
        };
        tokio::select! {
            () = send => {}
            () = watch => {}
        }
    } else {
        send.await;
    }
    drop(jobs); // stops the embedded servers
    let interrupted = stop.load(Ordering::SeqCst);
    if interrupted {
        report
            .notes
            .push("The run was interrupted: cases not yet sent are reported as skipped.".into());
    }
    if let Some(j) = &journal
        && !j.finish()
    {
        report.notes.push(format!(
            "Accounts may be left changed. To restore them run: pwconform restore --journal {}",
            j.path().display()
        ));
    }
    report.meta.duration_ms = started.elapsed().as_millis() as u64;
    if let Some(b) = &baseline {
        // Each case's verdict was settled as it finished (`Live`); what is left is the entries
        // that named no case.
        let notes = unmatched_notes(&report, b);
        report.notes.extend(notes);
    }
    // Cases were redacted as they finished; what is not one case's is redacted now, with every
    // secret the run met.
    book.redactor()
        .redact_run_notes(&mut report.unrestored, &mut report.notes);
    let report_error =
        write_redacted(&report, &config.outputs, config.step_summary.as_deref()).err();
    if config.github_annotations {
        crate::report::github::print(&report, config.outputs.stdout_taken());
    }
    reporter.on_event(&RunEvent::Finished {
        report: &report,
        interrupted,
    });
    Ok(RunOutcome {
        report,
        interrupted,
        report_error,
        skips_fail: config.fail_on_skip,
        journal_syncs: journal.as_ref().map_or(0, |j| j.synced().syncs),
    })
}

/// Sends every job's plan, one dialect after the other, collecting into `report`.
async fn send_all(
    jobs: &[Job],
    config: &RunConfig,
    observer: &Live<'_>,
    book: &SecretBook,
    journal: Option<&Journal>,
    report: &mut RunReport,
) {
    for job in jobs {
        let ctx = RunContext {
            options: &config.options,
            observer,
            secrets: book,
            journal,
            stop: &config.stop,
        };
        let run = run_plan(&job.plan, &job.dialect, &job.target, &ctx).await;
        report.cases.extend(run.cases);
        report.unrestored.extend(run.unrestored);
        report.notes.extend(run.notes);
        report.notes.extend(roles::missing_roles_note(
            &job.dialect,
            &job.target,
            &job.plan,
            config.fail_on_skip,
        ));
    }
}

/// The secrets known before anything is sent: account passwords and tokens (and their HTTP Basic
/// form), the dialects' credential headers, extra header values and proxy credentials.
fn secret_book(jobs: &[Job], config: &RunConfig) -> SecretBook {
    let book = SecretBook::default();
    for job in jobs {
        book.add_sensitive_header(&job.dialect.spec.auth.header);
        for a in &job.target.accounts {
            book.add(a.password.as_deref());
            book.add(a.token.as_deref());
            if let (Some(u), Some(p)) = (&a.username, &a.password) {
                book.add_basic(u, p);
            }
        }
    }
    for s in config.options.http.secrets() {
        book.add(Some(&s));
    }
    book
}
