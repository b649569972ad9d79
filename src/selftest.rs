//! The suite's power, measured: run every case against the faithful reference server (which must
//! pass them all) and against the server with each fault on (which some case must fail). The
//! result is the kill matrix: fault -> the cases that caught it.

use std::sync::Arc;

use futures::StreamExt;
use serde::Serialize;

use crate::case::Case;
use crate::exec::RunOptions;
use crate::reference::{ReferenceError, known_faults};
use crate::result::{RunReport, Verdict};
use crate::run::{Inputs, RunConfig, RunError, Silent, run};
use crate::spec::LoadedDialect;

#[derive(Debug, Clone, Serialize)]
pub struct FaultOutcome {
    pub fault: String,
    pub description: String,
    /// Ids of the cases that did not pass with the fault on.
    pub caught_by: Vec<String>,
    /// Accounts the run could not restore (a fault must never cost a password).
    pub unrestored: Vec<String>,
}

impl FaultOutcome {
    pub fn caught(&self) -> bool {
        !self.caught_by.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DialectSelftest {
    pub dialect: String,
    pub cases: usize,
    /// `case: reason` for every case the faithful server failed (must be empty).
    pub faithful_failures: Vec<String>,
    pub faults: Vec<FaultOutcome>,
}

impl DialectSelftest {
    /// The faithful server passes everything and every fault is caught. A fault that leaves an
    /// account changed is shown as UNSAFE but does not fail: some bugs make a password
    /// unrestorable through the documented API (e.g. an empty password that cannot be sent back).
    pub fn clean(&self) -> bool {
        self.faithful_failures.is_empty() && self.faults.iter().all(FaultOutcome::caught)
    }
}

/// Runs the faithful server and then each fault (all, or those named in `only`).
pub async fn selftest(
    dialect: &Arc<LoadedDialect>,
    cases: &[Case],
    options: &RunOptions,
    only: &[String],
) -> Result<DialectSelftest, SelftestError> {
    let inputs = Arc::new(Inputs {
        dialects: vec![dialect.clone()],
        cases: cases.to_vec(),
    });
    let faithful = run_with(&inputs, &[], options).await?;
    let faults: Vec<_> = known_faults(dialect.name())?
        .iter()
        .filter(|f| only.is_empty() || only.iter().any(|o| o == f.name))
        .collect();
    // Each fault gets its own server, so several run at once.
    let inputs = &inputs;
    let outcomes: Vec<Result<FaultOutcome, SelftestError>> = futures::stream::iter(faults)
        .map(|f| async move {
            let run = run_with(inputs, &[f.name.to_string()], options).await?;
            Ok(FaultOutcome {
                fault: f.name.to_string(),
                description: f.description.to_string(),
                caught_by: run
                    .cases
                    .iter()
                    .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error))
                    .map(|c| c.id.clone())
                    .collect(),
                unrestored: run.unrestored.iter().map(|u| u.username.clone()).collect(),
            })
        })
        .buffered(options.jobs.clamp(1, 4))
        .collect()
        .await;
    Ok(DialectSelftest {
        dialect: dialect.name().to_string(),
        cases: faithful.cases.len(),
        faithful_failures: faithful
            .cases
            .iter()
            .filter(|c| c.verdict != Verdict::Pass)
            .map(|c| format!("{}: {}", c.id, c.reasons.join("; ")))
            .collect(),
        faults: outcomes.into_iter().collect::<Result<_, _>>()?,
    })
}

/// Why a selftest could not run.
#[derive(Debug, thiserror::Error)]
pub enum SelftestError {
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    #[error(transparent)]
    Run(#[from] RunError),
}

/// One run of the library against the embedded server with `faults`, as the CLI's `run` does it.
async fn run_with(
    inputs: &Arc<Inputs>,
    faults: &[String],
    options: &RunOptions,
) -> Result<RunReport, SelftestError> {
    let config = RunConfig {
        embedded: true,
        faults: faults.to_vec(),
        options: options.clone(),
        loaded: Some(inputs.clone()),
        // A case that does not apply to the dialect is no test of its server.
        applicable_only: true,
        ..RunConfig::default()
    };
    Ok(run(&config, &Silent).await?.report)
}

/// The kill matrix as text: one line per fault with the cases that caught it.
pub fn render_matrix(t: &DialectSelftest) -> String {
    let mut out = String::new();
    let caught = t.faults.iter().filter(|f| f.caught()).count();
    if t.faithful_failures.is_empty() {
        out.push_str(&format!(
            "{}: faithful server passes all {} cases\n",
            t.dialect, t.cases
        ));
    } else {
        out.push_str(&format!(
            "{}: FAITHFUL SERVER FAILS {} of {} cases:\n",
            t.dialect,
            t.faithful_failures.len(),
            t.cases
        ));
        for f in &t.faithful_failures {
            out.push_str(&format!("    {f}\n"));
        }
    }
    for f in &t.faults {
        let mark = if !f.caught() {
            "SURVIVED"
        } else if !f.unrestored.is_empty() {
            "UNSAFE  "
        } else {
            "caught  "
        };
        let mut by: Vec<&str> = f.caught_by.iter().map(String::as_str).take(3).collect();
        if f.caught_by.len() > 3 {
            by.push("...");
        }
        out.push_str(&format!(
            "  {mark} {:<38} {:>3} case(s): {}\n",
            f.fault,
            f.caught_by.len(),
            by.join(", ")
        ));
        if !f.unrestored.is_empty() {
            out.push_str(&format!(
                "           left changed: {}\n",
                f.unrestored.join(", ")
            ));
        }
    }
    out.push_str(&format!(
        "{}: {caught}/{} faults caught\n",
        t.dialect,
        t.faults.len()
    ));
    out
}
