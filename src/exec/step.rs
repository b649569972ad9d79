//! Running one step: sessions, the request, the checks, the proof that a password really changed,
//! and putting the password back whenever the server accepted a change.

use std::time::Instant;

use serde_json::{Value, json};

use super::ahead::Ahead;
use super::client::Http;
use super::journal::{Credential, Journal};
use super::prove::{check_session_survived, prove_change};
use super::render::render_request;
use super::restore::candidates;
use super::session::{AccountState, ensure_session};
use super::touched::{
    Settled, journal_before_send, may_have_changed, restore_touched, touched_accounts,
    verify_touched,
};
use super::{CaseSecrets, RunOptions};
use crate::check::{check_response, reasons};
use crate::plan::{BodyPlan, Step, TargetUser};
use crate::result::{CaseResult, Unrestored, Verdict};
use crate::spec::LoadedDialect;
use crate::target::Account;
use std::sync::atomic::{AtomicBool, Ordering};

/// The accounts a step holds locked, by index.
pub struct Held<'a> {
    pub states: Vec<(usize, tokio::sync::MutexGuard<'a, AccountState>)>,
}

impl Held<'_> {
    pub fn get(&mut self, index: usize) -> Option<&mut AccountState> {
        self.states
            .iter_mut()
            .find(|(i, _)| *i == index)
            .map(|(_, g)| &mut **g)
    }
}

#[derive(Clone, Copy)]
pub struct StepEnv<'a> {
    pub http: &'a Http,
    pub dialect: &'a LoadedDialect,
    pub options: &'a RunOptions,
    pub secrets: &'a CaseSecrets<'a>,
    pub journal: Option<&'a Journal>,
    /// Set on Ctrl-C / SIGTERM: no new case is sent.
    pub stop: &'a AtomicBool,
    /// Every account of the run and its state, to borrow a free administrator for a restore.
    pub accounts: &'a [Account],
    pub states: &'a [tokio::sync::Mutex<AccountState>],
    /// The administrators' credentials, journaled with each change for `pwconform restore`.
    pub admins: &'a [Credential],
    /// New passwords already journaled for the next cases.
    pub ahead: &'a Ahead,
}

/// A passing result for `step` with nothing done yet; the run fills it in.
pub fn new_result(step: &Step) -> CaseResult {
    CaseResult {
        dialect: step.dialect.clone(),
        id: step.id.clone(),
        title: step.title.clone(),
        theme: step.theme.clone(),
        tags: step.tags.clone(),
        expected_outcome: step.expect.outcome.clone(),
        verdict: Verdict::Pass,
        reasons: Vec::new(),
        checks: Vec::new(),
        exchanges: Vec::new(),
        changed_accounts: Vec::new(),
        change_expected: false,
        duration_ms: 0,
        doc: step.expect.doc.clone(),
        subject: step.subject.clone(),
        file: Some(step.file.clone()),
        line: step.line,
    }
}

/// Runs `step` with its accounts held; returns its result and the accounts whose password could
/// not be put back.
pub async fn run_step(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
) -> (CaseResult, Vec<Unrestored>) {
    let started = Instant::now();
    let mut result = new_result(step);
    let unrestored = execute(env, step, held, &mut result).await;
    if result.verdict == Verdict::Pass && !result.reasons.is_empty() {
        result.verdict = Verdict::Fail;
    }
    result.duration_ms = started.elapsed().as_millis() as u64;
    (result, unrestored)
}

async fn execute(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    result: &mut CaseResult,
) -> Vec<Unrestored> {
    if let Some(why) = step.skipped() {
        result.verdict = Verdict::Skip;
        result.reasons.push(why.clone());
        return Vec::new();
    }
    if env.stop.load(Ordering::SeqCst) {
        result.verdict = Verdict::Skip;
        result
            .reasons
            .push("not sent: the run was interrupted".into());
        return Vec::new();
    }
    let Some(actor) = step.actor else {
        result.verdict = Verdict::Skip;
        result.reasons.push("no actor account".into());
        return Vec::new();
    };
    if let Some(why) = restore_pending(held) {
        result.verdict = Verdict::Error;
        result.reasons.push(why);
        return Vec::new();
    }
    let log = &mut result.exchanges;
    for index in step.accounts.iter().copied() {
        let Some(state) = held.get(index) else {
            continue;
        };
        // The target needs a session only to learn its id; restoring logs in when it must (an
        // account of an external directory cannot log in here at all).
        if index != actor && state.user_id.is_some() {
            continue;
        }
        if let Err(e) = ensure_session(env.http, env.dialect, state, log).await {
            result.verdict = Verdict::Error;
            result.reasons.push(e);
            return Vec::new();
        }
        env.secrets.add(state.token.as_deref());
    }
    let new_password = match env.ahead.new_password(env, step, held) {
        Ok(p) => p,
        Err(e) => {
            result.verdict = Verdict::Error;
            result.reasons.push(format!("not sent: {e}"));
            return Vec::new();
        }
    };
    env.secrets.add_own(&new_password);
    let (actor_password, token) = match held.get(actor) {
        Some(a) => (a.password.clone(), a.token.clone().unwrap_or_default()),
        None => (None, String::new()),
    };
    let (current, user_id) = match &step.target {
        TargetUser::Account(t) => match held.get(*t) {
            Some(s) => (s.password.clone(), s.user_id.clone()),
            None => (None, None),
        },
        TargetUser::Literal(v) => (actor_password.clone(), Some(v.clone())),
    };
    let vars = |n: &str| -> Option<Value> {
        match n {
            "current_password" => Some(json!(current.clone().unwrap_or_default())),
            "actor_password" => Some(json!(actor_password.clone().unwrap_or_default())),
            "new_password" => Some(json!(new_password)),
            "user_id" => user_id.clone(),
            _ => None,
        }
    };
    let render = |token: &str| {
        render_request(
            env.http,
            env.dialect,
            &step.request,
            &vars,
            token,
            step.auth,
        )
    };
    let request = match render(&token) {
        Ok(r) => r,
        Err(e) => {
            result.verdict = Verdict::Error;
            result
                .reasons
                .push(format!("cannot build the request: {e}"));
            return Vec::new();
        }
    };
    let sent = sent_new_password(step, &vars);
    let touched = touched_accounts(step);
    for &index in &touched {
        if let Err(e) = journal_before_send(env, step, held, index, sent.as_ref()) {
            result.verdict = Verdict::Error;
            result.reasons.push(format!("not sent: {e}"));
            return Vec::new();
        }
    }
    let mut exchange = env.http.send("case", request).await;
    if needs_fresh_session(step, &exchange)
        && let Some(state) = held.get(actor)
        && state.account.username.is_some()
    {
        // The token may have expired: log in again, once, and send the case again. A 401 means the
        // change was not made, so sending it twice cannot change a password twice.
        state.token = None;
        let relogin = ensure_session(env.http, env.dialect, state, &mut result.exchanges).await;
        if let (Ok(()), Some(token)) = (relogin, state.token.clone()) {
            env.secrets.add(Some(&token));
            if let Ok(again) = render(&token) {
                result.exchanges.push(exchange);
                exchange = env.http.send("case (after logging in again)", again).await;
            }
        }
    }
    let status = exchange.response.as_ref().map(|r| r.status);
    match exchange.response.clone() {
        Some(response) => {
            result.checks = check_response(&step.expect, &response);
            result.reasons = reasons(&result.checks);
            if !result.reasons.is_empty() {
                // Why the body looks the way it does (compressed, cut, not UTF-8, a redirect).
                result.reasons.extend(Http::response_notes(&response));
            }
        }
        None => {
            result.verdict = Verdict::Error;
            result.reasons.push(format!(
                "no answer from the target: {}",
                exchange.error.clone().unwrap_or_default()
            ));
        }
    }
    result.exchanges.push(exchange);
    if !may_have_changed(status) {
        return Vec::new();
    }
    let original_of = |held: &mut Held<'_>, i: usize| {
        held.get(i)
            .and_then(|s| s.original.clone())
            .unwrap_or_default()
    };
    let mut lost = Vec::new();
    for index in touched {
        let tries = candidates(sent.as_ref(), &original_of(held, index));
        let accepted = status.is_some_and(|s| (200..300).contains(&s));
        let settled = if accepted && step.target_account() == Some(index) {
            accepted_change(env, step, held, index, sent.as_ref(), &tries, result).await
        } else {
            verify_touched(env, step, held, index, &tries, &mut result.exchanges).await
        };
        match settled {
            Settled::Unchanged => {}
            Settled::Restored(changed) => result.changed_accounts.push(changed),
            Settled::Lost(changed, unrestored) => {
                let why = match &unrestored {
                    Some(u) => format!(
                        "could NOT restore {}'s password: {}",
                        changed.account, u.reason
                    ),
                    None => super::touched::pending_reason(&changed.account),
                };
                result.reasons.push(why);
                result.changed_accounts.push(changed);
                lost.extend(unrestored);
            }
        }
    }
    lost
}

/// The server accepted a change of the named account's password: prove it (the happy path), then
/// put the original back through the ladder.
async fn accepted_change(
    env: &StepEnv<'_>,
    step: &Step,
    held: &mut Held<'_>,
    target: usize,
    sent: Option<&Value>,
    tries: &[String],
    result: &mut CaseResult,
) -> Settled {
    let Some(state) = held.get(target) else {
        return Settled::Unchanged;
    };
    state.change_accepted = true;
    result.change_expected = step.expect.expects_success();
    let own = step.actor == Some(target);
    let proving = result.change_expected && result.reasons.is_empty();
    let status = result
        .exchanges
        .last()
        .and_then(|e| e.response.as_ref())
        .map(|r| r.status)
        .unwrap_or_default();
    if proving {
        prove_change(env, state, sent, own, result).await;
    } else {
        result.reasons.push(format!(
            "the server accepted this request ({status}), so {}'s password may have changed; restoring it",
            state.account.label()
        ));
    }
    if proving && state.password.is_some() && state.password == state.original {
        // The proof logged in with the original password: the server changed nothing.
        return Settled::Unchanged;
    }
    let before = result.exchanges.len();
    let settled = restore_touched(env, step, held, target, tries, &mut result.exchanges).await;
    if proving && own && env.dialect.spec.auth.session_survives_own_change {
        let restore_log = result.exchanges.split_off(before);
        check_session_survived(&restore_log, result);
        result.exchanges.extend(restore_log);
    }
    settled
}

/// An account of the step whose restore waits for the end of the run: its password is unknown.
fn restore_pending(held: &Held<'_>) -> Option<String> {
    held.states
        .iter()
        .find(|(_, s)| s.unsettled.is_some())
        .map(|(_, s)| {
            format!(
                "not sent: {}'s password is unknown until its restore at the end of the run",
                s.account.label()
            )
        })
}

/// A valid credential answered 401 where the contract expects something else.
fn needs_fresh_session(step: &Step, exchange: &crate::result::Exchange) -> bool {
    step.auth == crate::plan::AuthMode::Valid
        && exchange.response.as_ref().is_some_and(|r| r.status == 401)
        && !step.expect.status.contains(&401)
}

/// The value sent as the new password, as the server saw it.
fn sent_new_password(step: &Step, vars: &dyn Fn(&str) -> Option<Value>) -> Option<Value> {
    let body = match &step.request.body {
        BodyPlan::Json(body) => body,
        // By construction its new password is the generated one.
        BodyPlan::Text(_) => return vars("new_password"),
        BodyPlan::Raw(_) => return None,
    };
    let key = step.new_password_key.as_deref()?;
    let v = body.get(key)?;
    crate::template::render_value(v, vars).ok()
}
