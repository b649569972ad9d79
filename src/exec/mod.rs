//! Execution: sends a plan's steps, concurrently across accounts and in order on each account,
//! and returns plain results. Knows nothing of reports.

mod ahead;
mod client;
pub mod journal;
mod ladder;
mod prove;
mod render;
mod restore;
mod session;
mod settle;
mod step;
mod touched;

use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use futures::StreamExt;

pub use client::{Http, HttpOptions, is_loopback};
pub use ladder::{HelperJournal, Helpers, climb, manual_step};
pub use restore::{candidates, verify_original};
pub use session::{AccountState, LoginResult, jwt_claims, login, login_budget, login_counted};
pub use step::StepEnv;
pub use touched::credential_of;

use crate::plan::Plan;
use crate::result::{CaseResult, Unrestored, Verdict};
use crate::spec::LoadedDialect;
use crate::target::Target;
use journal::Journal;
use settle::lock_settled;
use step::run_step;
use touched::settle_after_step;

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

/// The run's secret book: account passwords, tokens, credential headers. Shared by every case.
pub type Secrets = crate::redact::SecretBook;

/// The secrets of one running case: those of the run (tokens: later cases use them too) go to
/// the book; the case's own (the password it generates) stay with the case, so redacting it does
/// not recompile the run's book, unless the server accepted the change and later cases may meet
/// that password (then it is promoted to the book).
pub struct CaseSecrets<'a> {
    pub run: &'a Secrets,
    own: Mutex<Vec<String>>,
}

impl<'a> CaseSecrets<'a> {
    pub fn new(run: &'a Secrets) -> Self {
        Self {
            run,
            own: Mutex::new(Vec::new()),
        }
    }

    /// A secret later cases may meet too (a token).
    pub fn add(&self, secret: Option<&str>) {
        self.run.add(secret);
    }

    /// A secret only this case knows (its generated password).
    pub fn add_own(&self, secret: &str) {
        if let Ok(mut v) = self.own.lock() {
            v.push(secret.to_owned());
        } else {
            // Never lose a secret: in the book it is redacted too, only dearer.
            self.run.add(Some(secret));
        }
    }

    pub fn into_own(self) -> Vec<String> {
        self.own.into_inner().unwrap_or_default()
    }
}

/// Told about each case as it finishes.
pub trait Observer: Send + Sync {
    /// `case` just finished; `own` are the secrets only it knew (see [`CaseSecrets`]). Returns the
    /// result the run keeps: a redacting observer returns the redacted case, so a run holds one
    /// copy of each case.
    fn on_case(&self, case: CaseResult, own: &[String], unrestored: &[Unrestored]) -> CaseResult;
}

/// An observer that ignores everything and keeps the raw results.
pub struct Quiet;
impl Observer for Quiet {
    fn on_case(&self, case: CaseResult, _: &[String], _: &[Unrestored]) -> CaseResult {
        case
    }
}

/// What running one dialect's plan produced.
#[derive(Debug, Default)]
pub struct DialectRun {
    pub cases: Vec<CaseResult>,
    pub unrestored: Vec<Unrestored>,
    pub notes: Vec<String>,
}

/// What a run shares across its dialects: options, where progress goes, secrets seen, the restore
/// journal and the stop flag (Ctrl-C).
pub struct RunContext<'a> {
    pub options: &'a RunOptions,
    pub observer: &'a dyn Observer,
    pub secrets: &'a Secrets,
    pub journal: Option<&'a Journal>,
    pub stop: &'a AtomicBool,
}

/// Runs every step of `plan` against `target`.
pub async fn run_plan(
    plan: &Plan,
    dialect: &LoadedDialect,
    target: &Target,
    ctx: &RunContext<'_>,
) -> DialectRun {
    let RunContext {
        options,
        observer,
        secrets,
        journal,
        stop,
    } = *ctx;
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
    let admins = admin_credentials(dialect, &states);
    let env = StepEnv {
        http: &http,
        dialect,
        options,
        secrets: &CaseSecrets::new(secrets),
        journal,
        stop,
        accounts: &target.accounts,
        states: &states,
        admins: &admins,
        ahead: &ahead::Ahead::default(),
    };
    let states = &states;
    let env = &env;
    let health = &Health::default();
    // Told each time a step has run the restores it left pending.
    let settled = &tokio::sync::Notify::new();
    let mut outcomes: Vec<(usize, CaseResult, Vec<Unrestored>)> =
        futures::stream::iter(plan.steps.iter().enumerate())
            .map(|(order, step)| async move {
                let mut held = lock_settled(states, &step.accounts, settled).await;
                let case_secrets = CaseSecrets::new(secrets);
                let (mut result, mut unrestored) = if health.looks_down() {
                    (health.skipped(step), Vec::new())
                } else {
                    let env = StepEnv {
                        secrets: &case_secrets,
                        ..*env
                    };
                    run_step(&env, step, &mut held).await
                };
                // Restores that wait for a busy administrator run once this step lets go.
                let pending: Vec<usize> = held
                    .states
                    .iter()
                    .filter(|(_, s)| s.unsettled.is_some())
                    .map(|(i, _)| *i)
                    .collect();
                drop(held);
                for index in pending {
                    let env = StepEnv {
                        secrets: &case_secrets,
                        ..*env
                    };
                    unrestored.extend(settle_after_step(&env, step, index, &mut result).await);
                }
                settled.notify_waiters();
                health.record(&result);
                harvest_credentials(&result, dialect, secrets);
                let own = case_secrets.into_own();
                if !result.changed_accounts.is_empty() || !unrestored.is_empty() {
                    // The account may hold this password now: later cases and the end of the
                    // run may show it.
                    own.iter().for_each(|s| secrets.add(Some(s)));
                }
                let result = observer.on_case(result, &own, &unrestored);
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
    restore::verify_accounts(env, states, &mut run).await;
    if health.looks_down() {
        let not_sent = run
            .cases
            .iter()
            .filter(|c| {
                c.reasons
                    .iter()
                    .any(|r| r.starts_with("not sent: the target"))
            })
            .count();
        run.notes.push(health.note(&target.base_url, not_sent));
        // The failed logins say the same again: the note is enough.
        return run;
    }
    let failed_logins: Vec<String> = run
        .cases
        .iter()
        .filter(|c| c.verdict == Verdict::Error)
        .flat_map(|c| {
            c.reasons
                .iter()
                .filter(|r| r.starts_with("login as"))
                .cloned()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    run.notes.extend(failed_logins);
    run
}

/// The credentials of the accounts `admin_reset` may use, for the journal.
fn admin_credentials(
    dialect: &LoadedDialect,
    states: &[tokio::sync::Mutex<AccountState>],
) -> Vec<journal::Credential> {
    let Some(reset) = &dialect.spec.admin_reset else {
        return Vec::new();
    };
    states
        .iter()
        .filter_map(|m| m.try_lock().ok())
        .filter(|s| reset.roles.contains(&s.account.role))
        .filter_map(|s| credential_of(&s))
        .collect()
}

/// Whether the target answers at all. When the first requests of a run all fail at the transport
/// level and none is answered, the rest are not sent: one clear verdict instead of N timeouts.
#[derive(Default)]
struct Health {
    answered: std::sync::atomic::AtomicUsize,
    unanswered: std::sync::atomic::AtomicUsize,
    first_error: Mutex<Option<String>>,
    /// A login got no answer at all (TLS, refused connection, DNS): every case would fail alike.
    login_unanswered: AtomicBool,
}

impl Health {
    /// Requests that fail before the run gives up on a target that never answered.
    const GIVE_UP_AFTER: usize = 3;

    fn record(&self, case: &CaseResult) {
        use std::sync::atomic::Ordering::SeqCst;
        for e in &case.exchanges {
            if e.response.is_some() {
                self.answered.fetch_add(1, SeqCst);
            } else {
                if e.purpose == "login" {
                    self.login_unanswered.store(true, SeqCst);
                }
                self.unanswered.fetch_add(1, SeqCst);
                if let Ok(mut first) = self.first_error.lock()
                    && first.is_none()
                {
                    *first = e.error.clone();
                }
            }
        }
    }

    fn looks_down(&self) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        self.answered.load(SeqCst) == 0
            && (self.unanswered.load(SeqCst) >= Self::GIVE_UP_AFTER
                || self.login_unanswered.load(SeqCst))
    }

    /// The one message of a run that stopped because the target cannot be reached, with the fix.
    fn note(&self, base_url: &str, not_sent: usize) -> String {
        let why = self
            .first_error
            .lock()
            .ok()
            .and_then(|f| f.clone())
            .unwrap_or_default();
        let fix = if why.contains("--cacert") {
            " (or --insecure for a throwaway server)"
        } else {
            ""
        };
        format!(
            "{base_url} cannot be reached: {why}{fix}. The run stopped: {not_sent} case(s) were \
             not sent."
        )
    }

    fn skipped(&self, step: &crate::plan::Step) -> CaseResult {
        let why = self
            .first_error
            .lock()
            .ok()
            .and_then(|f| f.clone())
            .unwrap_or_default();
        // Said once, in the run's notes: each case only points there.
        let _ = why;
        CaseResult {
            verdict: Verdict::Skip,
            reasons: vec!["not sent: the target cannot be reached (see the run's notes)".into()],
            ..step::new_result(step)
        }
    }
}

/// Every credential a login or reset answer handed out during the case (the token, a forced-reset
/// token), added to the secrets before any output sees the case: whichever code path logged in,
/// nothing it received can reach a report unmasked.
fn harvest_credentials(case: &CaseResult, dialect: &LoadedDialect, secrets: &Secrets) {
    let login = &dialect.spec.login;
    let pointers = std::iter::once(login.token.as_str()).chain(login.reset_token.as_deref());
    let pointers: Vec<&str> = pointers.collect();
    for exchange in &case.exchanges {
        let Some(body) = exchange.response.as_ref().map(|r| r.body.as_str()) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
            continue;
        };
        for p in &pointers {
            secrets.add(json.pointer(p).and_then(serde_json::Value::as_str));
        }
    }
}
