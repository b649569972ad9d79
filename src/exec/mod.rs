//! Execution: sends a plan's steps, concurrently across accounts and in order on each account,
//! and returns plain results. Knows nothing of reports.

mod client;
mod render;
mod restore;
mod session;
mod step;

use std::sync::Mutex;

use futures::StreamExt;

pub use client::{Http, HttpOptions, is_loopback};
pub use restore::candidates;
pub use session::{AccountState, LoginResult, jwt_claims, login};

use crate::plan::Plan;
use crate::result::{CaseResult, Unrestored, Verdict};
use crate::spec::LoadedDialect;
use crate::target::Target;
use step::{Held, StepEnv, run_step};

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Steps in flight at once (on different accounts).
    pub jobs: usize,
    pub http: HttpOptions,
    /// Check that the old password stops working after a change (one failed login per account).
    pub login_probe: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            jobs: 4,
            http: HttpOptions::default(),
            login_probe: true,
        }
    }
}

/// Secrets seen during a run (tokens, generated passwords), for redaction at every output.
#[derive(Debug, Default)]
pub struct Secrets(Mutex<Vec<String>>);

impl Secrets {
    pub fn add(&self, secret: Option<&str>) {
        if let Some(s) = secret
            && let Ok(mut v) = self.0.lock()
            && !v.iter().any(|x| x == s)
        {
            v.push(s.to_string());
        }
    }
    pub fn all(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// Told about each case as it finishes (for progress output).
pub trait Observer: Send + Sync {
    fn on_case(&self, case: &CaseResult);
}

/// An observer that ignores everything.
pub struct Quiet;
impl Observer for Quiet {
    fn on_case(&self, _: &CaseResult) {}
}

/// What running one dialect's plan produced.
#[derive(Debug, Default)]
pub struct DialectRun {
    pub cases: Vec<CaseResult>,
    pub unrestored: Vec<Unrestored>,
    pub notes: Vec<String>,
}

/// Runs every step of `plan` against `target`.
pub async fn run_plan(
    plan: &Plan,
    dialect: &LoadedDialect,
    target: &Target,
    options: &RunOptions,
    observer: &dyn Observer,
    secrets: &Secrets,
) -> DialectRun {
    let http = match Http::new(&target.base_url, &options.http) {
        Ok(h) => h,
        Err(e) => {
            return DialectRun {
                notes: vec![e],
                ..DialectRun::default()
            };
        }
    };
    for a in &target.accounts {
        secrets.add(a.password.as_deref());
        secrets.add(a.token.as_deref());
    }
    let states: Vec<tokio::sync::Mutex<AccountState>> = target
        .accounts
        .iter()
        .map(|a| tokio::sync::Mutex::new(AccountState::new(a.clone())))
        .collect();
    let env = StepEnv {
        http: &http,
        dialect,
        options,
        secrets,
    };
    let states = &states;
    let env = &env;
    let mut outcomes: Vec<(usize, CaseResult, Option<Unrestored>)> =
        futures::stream::iter(plan.steps.iter().enumerate())
            .map(|(order, step)| async move {
                // Locks are taken in index order, so two steps never wait on each other.
                let mut held = Held { states: Vec::new() };
                for &i in &step.accounts {
                    if let Some(m) = states.get(i) {
                        held.states.push((i, m.lock().await));
                    }
                }
                let (result, unrestored) = run_step(env, step, &mut held).await;
                observer.on_case(&result);
                (order, result, unrestored)
            })
            .buffer_unordered(options.jobs.max(1))
            .collect()
            .await;
    outcomes.sort_by_key(|(order, _, _)| *order);
    let mut run = DialectRun::default();
    for (_, result, unrestored) in outcomes {
        run.cases.push(result);
        run.unrestored.extend(unrestored);
    }
    let failed_logins: Vec<String> = run
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::Error)
        .flat_map(|c| c.reasons.iter().filter(|r| r.starts_with("login as")).cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    run.notes.extend(failed_logins);
    run
}
