//! `pwconform run`: load, plan, execute per dialect, report, and pick the exit code.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::setup::load_inputs;
use super::{Exit, RunArgs};
use crate::baseline::{apply as apply_baseline, load_baseline, today};
use crate::embedded::prepare;
use crate::exec::journal::Journal;
use crate::exec::{Observer, RunContext, RunOptions, Secrets, is_loopback, run_plan};
use crate::plan::{Plan, build_plan};
use crate::redact::Redactor;
use crate::reference::{self, RunningServer};
use crate::report::terminal::{TerminalReporter, TerminalStyle};
use crate::report::{Outputs, write_all};
use crate::result::{CaseResult, RunMeta, RunReport, Verdict};
use crate::spec::LoadedDialect;
use crate::target::{Target, check_accounts, check_base_url, known_traits, load_accounts};

/// One dialect to run: its spec, where to send, and the server kept alive for it.
struct Job {
    dialect: Arc<LoadedDialect>,
    target: Target,
    plan: Plan,
    _server: Option<RunningServer>,
}

pub async fn run(args: RunArgs) -> Exit {
    let started = Instant::now();
    let started_unix = crate::clock::now_unix();
    let accounts_file = match &args.accounts {
        Some(p) => match load_accounts(p) {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::BadInput;
            }
        },
        None => None,
    };
    let baseline = match &args.baseline {
        Some(p) => match load_baseline(p) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::BadInput;
            }
        },
        None => None,
    };
    let mut names = args.dialects.clone();
    if names.is_empty()
        && let Some(d) = accounts_file.as_ref().and_then(|a| a.dialect.clone())
    {
        names.push(d);
    }
    if names.is_empty() && !args.embedded {
        eprintln!(
            "error: name the API's dialect with --dialect NAME (or `dialect:` in the accounts file)"
        );
        return Exit::BadInput;
    }
    let mut inputs = match load_inputs(&args.sources, &names) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if args.no_generated {
        inputs.drop_generated();
    }
    let outputs = Outputs {
        json: args.json.clone(),
        junit: args.junit.clone(),
        markdown: args.markdown.clone(),
        html: args.html.clone(),
    }
    .or(args.out.as_deref().map(Outputs::in_dir).unwrap_or_default());
    if let Err(e) = outputs.check_writable() {
        eprintln!("error: {e}\nNothing was sent.");
        return Exit::BadInput;
    }

    let mut jobs = Vec::new();
    if args.embedded {
        // Fault names are per dialect: each applies where it is known, and must be known somewhere.
        let known = |d: &LoadedDialect, f: &str| {
            reference::profile(d.name(), f).is_some()
                || reference::known_faults(d.name())
                    .is_ok_and(|list| list.iter().any(|k| k.name == f))
        };
        for f in &args.faults {
            if !inputs.dialects.iter().any(|d| known(d, f)) {
                eprintln!(
                    "error: no dialect of this run knows the fault `{f}`; list them with `pwconform serve DIALECT --fault list`"
                );
                return Exit::BadInput;
            }
        }
        for d in &inputs.dialects {
            let faults: Vec<String> = args
                .faults
                .iter()
                .filter(|f| known(d, f))
                .cloned()
                .collect();
            let keep = |s: &crate::plan::Step| keep_step(s, &args.filters);
            let job = match prepare(d, &inputs.cases, &faults, &keep).await {
                Ok(j) => j,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Exit::BadInput;
                }
            };
            jobs.push(Job {
                dialect: d.clone(),
                target: job.target,
                plan: job.plan,
                _server: Some(job.server),
            });
        }
    } else {
        let Some(file) = accounts_file else {
            eprintln!(
                "error: a target needs accounts: pass --accounts FILE (see README: accounts file), or use --embedded"
            );
            return Exit::BadInput;
        };
        let Some(base) = args.target.clone().or_else(|| file.base_url.clone()) else {
            eprintln!("error: no target: pass --target URL or set `base_url` in the accounts file");
            return Exit::BadInput;
        };
        if let Err(e) = check_base_url(&base) {
            eprintln!("error: target {e}\nNothing was sent.");
            return Exit::BadInput;
        }
        // A mistyped role or trait would only show as skipped cases at the end: refuse it now.
        let mut problems: Vec<String> = Vec::new();
        for d in &inputs.dialects {
            for e in check_accounts(&file, d, &known_traits(d, &inputs.cases)) {
                let line = e.to_string();
                if !problems.contains(&line) {
                    problems.push(line);
                }
            }
        }
        if !problems.is_empty() {
            for p in &problems {
                eprintln!("error: {p}");
            }
            eprintln!("Nothing was sent. `pwconform lint --accounts FILE` checks the file alone.");
            return Exit::BadInput;
        }
        let source = args.accounts.clone().unwrap_or_default();
        let target = file.into_target(&base, &source);
        if !is_loopback(&target.base_url) && !args.allow_writes && !target.allow_writes {
            eprintln!(
                "error: {} is not this machine, and a run changes real passwords there.\n\
                 Nothing was sent. Consent with --allow-writes (or `allow_writes: true` in the accounts file).",
                target.base_url
            );
            return Exit::BadInput;
        }
        for d in &inputs.dialects {
            let plan = filtered_plan(&inputs.cases, d, &target, &args.filters);
            jobs.push(Job {
                dialect: d.clone(),
                target: target.clone(),
                plan,
                _server: None,
            });
        }
    }

    let total: usize = jobs.iter().map(|j| j.plan.steps.len()).sum();
    let secrets = Secrets::default();
    let http = match args.net.to_options() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}\nNothing was sent.");
            return Exit::BadInput;
        }
    };
    // Extra header values (gateway keys) and proxy credentials are secrets like passwords:
    // through `secrets`, every redactor of the run (`redactor_for`) masks them.
    for s in http.secrets() {
        secrets.add(Some(&s));
    }
    let options = RunOptions {
        jobs: args.jobs,
        http,
        login_probe: !args.no_login_probe,
    };
    let base_redactor = redactor_for(&jobs, &secrets);
    let terminal = TerminalReporter::new(
        total as u64,
        Arc::new(base_redactor),
        TerminalStyle::detect(args.verbose),
    );
    let observer = LiveRedaction {
        terminal: &terminal,
        jobs: &jobs,
        secrets: &secrets,
    };

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
            command_line: std::env::args().collect::<Vec<_>>().join(" "),
        },
        cases: Vec::new(),
        unrestored: Vec::new(),
        notes: Vec::new(),
    };
    // The journal protects real accounts; an embedded server's accounts die with this process.
    let journal = if args.embedded {
        None
    } else {
        match Journal::create(&args.journal) {
            Ok(j) => Some(j),
            Err(e) => {
                eprintln!("error: {e}\nNothing was sent.");
                return Exit::BadInput;
            }
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn(stop_on_signal(stop.clone()));
    for job in &jobs {
        let ctx = RunContext {
            options: &options,
            observer: &observer,
            secrets: &secrets,
            journal: journal.as_ref(),
            stop: &stop,
        };
        let run = run_plan(&job.plan, &job.dialect, &job.target, &ctx).await;
        report.cases.extend(run.cases);
        report.unrestored.extend(run.unrestored);
        report.notes.extend(run.notes);
    }
    watcher.abort();
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
    if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        apply_baseline(&mut report, b, &path.display().to_string(), &today());
    }

    let redactor = redactor_for(&jobs, &secrets);
    let report_error = write_all(&report, &redactor, &outputs).err();
    terminal.finish(&redactor.redact_report(&report));
    if let Some(e) = &report_error {
        eprintln!("error: {e}");
    }
    exit_code(&report, report_error.is_some() || interrupted)
}

/// Ctrl-C or SIGTERM: stop sending new cases; cases in flight finish and restore what they changed.
async fn stop_on_signal(stop: Arc<AtomicBool>) {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    stop.store(true, Ordering::SeqCst);
    eprintln!(
        "\ninterrupted: no new case is sent; finishing cases in flight and restoring passwords..."
    );
}

fn filtered_plan(
    cases: &[crate::case::Case],
    d: &Arc<LoadedDialect>,
    target: &Target,
    filters: &[String],
) -> Plan {
    let mut plan = build_plan(cases, d, target);
    plan.steps.retain(|s| keep_step(s, filters));
    plan
}

/// `--filter`: a step is kept when its id contains any of the texts (all when none is given).
fn keep_step(step: &crate::plan::Step, filters: &[String]) -> bool {
    filters.is_empty() || filters.iter().any(|f| step.id.contains(f.as_str()))
}

/// Every secret known now: account passwords, tokens, the dialects' credential headers.
fn redactor_for(jobs: &[Job], secrets: &Secrets) -> Redactor {
    let mut r = Redactor::new();
    for job in jobs {
        r.add_sensitive_header(&job.dialect.spec.auth.header);
        for a in &job.target.accounts {
            for s in [&a.password, &a.token].into_iter().flatten() {
                r.add_secret(s);
            }
            if let (Some(u), Some(p)) = (&a.username, &a.password) {
                r.add_basic(u, p);
            }
        }
    }
    for s in secrets.all() {
        r.add_secret(&s);
    }
    r
}

/// Redacts each finished case with the secrets known at that moment (tokens and generated
/// passwords appear during the run) before the terminal sees it.
struct LiveRedaction<'a> {
    terminal: &'a TerminalReporter,
    jobs: &'a [Job],
    secrets: &'a Secrets,
}

impl Observer for LiveRedaction<'_> {
    fn on_case(&self, case: &CaseResult) {
        if let Some(redacted) = redactor_for(self.jobs, self.secrets).redact_case(case) {
            self.terminal.on_case(&redacted);
        }
    }
}

/// 4 if a password is left changed, else 3 if the target could not be asked, else 1 on failures.
fn exit_code(report: &RunReport, report_failed: bool) -> Exit {
    if !report.unrestored.is_empty() {
        return Exit::NotRestored;
    }
    if report.cases.iter().any(|c| c.verdict == Verdict::Error) {
        return Exit::Unreachable;
    }
    if report.cases.iter().any(|c| c.verdict == Verdict::Fail) || report_failed {
        return Exit::Failures;
    }
    Exit::Pass
}
