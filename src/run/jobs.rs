//! What a run sends where: one job per dialect with its target and plan, and for `--embedded` the
//! reference server kept alive for it. Every refusal here comes before anything is sent.

use std::sync::Arc;

use super::{RunConfig, RunError};
use crate::embedded::prepare;
use crate::exec::is_loopback;
use crate::plan::{Plan, Step, build_plan};
use crate::reference::{self, RunningServer};
use crate::spec::LoadedDialect;
use crate::target::{AccountsFile, Target, check_accounts, check_base_url, known_traits};

use super::inputs::Inputs;

/// One dialect to run: its spec, where to send, and the server kept alive for it.
pub struct Job {
    pub dialect: Arc<LoadedDialect>,
    pub target: Target,
    pub plan: Plan,
    /// Kept alive for the run; dropping it stops the server.
    pub _server: Option<RunningServer>,
}

/// Starts an embedded server per dialect, with the faults each knows.
pub async fn embedded_jobs(config: &RunConfig, inputs: &Inputs) -> Result<Vec<Job>, RunError> {
    // Fault names are per dialect: each applies where it is known, and must be known somewhere.
    let known = |d: &LoadedDialect, f: &str| {
        reference::profile(d.name(), f).is_some()
            || reference::known_faults(d.name()).is_ok_and(|list| list.iter().any(|k| k.name == f))
    };
    for f in &config.faults {
        if !inputs.dialects.iter().any(|d| known(d, f)) {
            return Err(RunError::BadInput(format!(
                "no dialect of this run knows the fault `{f}`; list them with `pwconform serve DIALECT --fault list`"
            )));
        }
    }
    let mut jobs = Vec::new();
    for d in &inputs.dialects {
        let faults: Vec<String> = config
            .faults
            .iter()
            .filter(|f| known(d, f))
            .cloned()
            .collect();
        let keep = |s: &Step| keep_step(s, config);
        let job = prepare(d, &inputs.cases, &faults, &keep)
            .await
            .map_err(|e| RunError::BadInput(e.to_string()))?;
        jobs.push(Job {
            dialect: d.clone(),
            target: job.target,
            plan: job.plan,
            _server: Some(job.server),
        });
    }
    Ok(jobs)
}

/// The accounts file's target, checked and consented to, for every dialect.
pub fn target_jobs(
    config: &RunConfig,
    inputs: &Inputs,
    file: Option<AccountsFile>,
) -> Result<Vec<Job>, RunError> {
    let Some(file) = file else {
        return Err(RunError::BadInput(
            "a target needs accounts: pass --accounts FILE (see README: accounts file), or use --embedded".into(),
        ));
    };
    let Some(base) = config.target.clone().or_else(|| file.base_url.clone()) else {
        return Err(RunError::BadInput(
            "no target: pass --target URL or set `base_url` in the accounts file".into(),
        ));
    };
    check_base_url(&base)
        .map_err(|e| RunError::BadInput(format!("target {e}\nNothing was sent.")))?;
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
        return Err(RunError::BadInput(format!(
            "{}\nNothing was sent. `pwconform lint --accounts FILE` checks the file alone.",
            problems.join("\nerror: ")
        )));
    }
    let source = config.accounts.clone().unwrap_or_default();
    let target = file.into_target(&base, &source);
    if !is_loopback(&target.base_url) && !config.allow_writes && !target.allow_writes {
        return Err(RunError::BadInput(format!(
            "{} is not this machine, and a run changes real passwords there.\n\
             Nothing was sent. Consent with --allow-writes (or `allow_writes: true` in the accounts file).",
            target.base_url
        )));
    }
    Ok(inputs
        .dialects
        .iter()
        .map(|d| {
            let mut plan = build_plan(&inputs.cases, d, &target);
            plan.steps.retain(|s| keep_step(s, config));
            Job {
                dialect: d.clone(),
                target: target.clone(),
                plan,
                _server: None,
            }
        })
        .collect())
}

/// `--filter`: a step is kept when its id contains any of the texts (all when none is given).
fn keep_step(step: &Step, config: &RunConfig) -> bool {
    let filters = &config.filters;
    (filters.is_empty() || filters.iter().any(|f| step.id.contains(f.as_str())))
        && !(config.applicable_only && step.not_applicable.is_some())
}
